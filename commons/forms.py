# SPDX-License-Identifier: EUPL-1.2
"""Shared form helpers: validators that WTForms lacks and the bridge from service errors to form fields."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.validators import ValidationError

from commons.errors import ValidationFailed

PLACEHOLDERS = {"tbd", "tba", "n/a", "na", "todo", "xxx", "-", "?", "...", "…", "none", "null", "test"}


class BaseForm(FlaskForm):
    """A form that can also take the field errors a service raised."""

    def apply_errors(self, failure: ValidationFailed) -> None:
        for name, messages in failure.errors.items():
            field = getattr(self, name, None)
            if isinstance(field, Field):
                field.errors = list(field.errors or []) + list(messages)
            else:
                self.form_errors.extend(messages)

    @property
    def all_errors(self) -> list[tuple[str, str, str]]:
        """(field id, label, message) for the error summary, in field order."""
        out: list[tuple[str, str, str]] = []
        for message in self.form_errors:
            out.append(("", "", str(message)))
        for field in self:
            for message in field.errors or []:
                if isinstance(message, dict | list):
                    continue
                out.append((field.id, str(field.label.text), str(message)))
        return out


def not_placeholder(form: Any, field: Field) -> None:
    """Refuse placeholder text such as TBD or N/A (DESIGN.md §5)."""
    value = (field.data or "").strip() if isinstance(field.data, str) else field.data
    if isinstance(value, str) and value.lower() in PLACEHOLDERS:
        raise ValidationError(_l("Enter real content, not a placeholder such as “%(value)s”.", value=value))


def http_url(form: Any, field: Field) -> None:
    """Only http(s) URLs with a host; ``javascript:`` and friends are refused."""
    value = (field.data or "").strip()
    if not value:
        return
    if not is_http_url(value):
        raise ValidationError(_l("Enter a web address that starts with http:// or https://."))


def is_http_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not re.search(r"\s", value)


def parse_decimal_strict(raw: str, places: int, maximum: Decimal = Decimal(10) ** 10) -> Decimal:
    """Parse an amount typed by a person: digits with a dot or comma decimal separator, nothing else.

    WTForms' DecimalField accepts NaN, Infinity and exponents (DESIGN.md §8); this does not.
    """
    text = (raw or "").strip().replace("\u00a0", "").replace(" ", "")
    if not re.fullmatch(r"-?\d+([.,]\d+)?", text):
        raise ValueError("format")
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation as exc:
        raise ValueError("format") from exc
    if not value.is_finite():
        raise ValueError("format")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise ValueError("places")
    if abs(value) >= maximum:
        raise ValueError("maximum")
    return value
