# SPDX-License-Identifier: EUPL-1.2
"""Languages: en, fr and de translated in full; the other EU languages selectable, falling back to English."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from babel import Locale
from flask import Flask, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_login import current_user

# The 24 official languages of the EU.
EU_LANGUAGES = (
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr",
    "hu", "it", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv",
)  # fmt: skip
TRANSLATED = ("en", "fr", "de")


def language_name(code: str) -> str:
    """The language's name in itself (``Deutsch``, ``français``)."""
    try:
        return Locale.parse(code).get_display_name(code) or code
    except (ValueError, TypeError):
        return code


def select_locale() -> str:
    if not has_request_context():
        return "en"  # the CLI and background jobs speak English
    chosen = session.get("lang")
    if chosen in EU_LANGUAGES:
        return str(chosen)
    try:
        user_locale = getattr(current_user, "locale", None) if current_user.is_authenticated else None
    except Exception:  # noqa: BLE001 - no user loader outside requests
        user_locale = None
    if user_locale in EU_LANGUAGES:
        return str(user_locale)
    return request.accept_languages.best_match(EU_LANGUAGES) or "en"


def current_language() -> str:
    return str(get_locale() or "en")


def content_language() -> str:
    """The language the page is written in: the chosen one when it is translated, else English (WCAG 3.1.1)."""
    chosen = current_language()
    primary = chosen.split("_")[0]
    return primary if primary in TRANSLATED else "en"


def money(value: Decimal | float | int | None, currency: str = "EUR") -> str:
    """Money formatted for the reader's locale (``1 234,50 €`` in French)."""
    if value is None:
        return ""
    from flask_babel import format_currency

    return format_currency(value, currency)


def number(value: Any, digits: int | None = None) -> str:
    if value is None:
        return ""
    if digits is not None:
        return format_decimal(value, format="#,##0." + "0" * digits if digits else "#,##0")
    return format_decimal(value)


def dateformat(value: date | datetime | None, style: str = "medium") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, style)
    return format_date(value, style)


def init_i18n(app: Flask) -> None:
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["date"] = dateformat
    app.jinja_env.globals["EU_LANGUAGES"] = EU_LANGUAGES
    app.jinja_env.globals["language_name"] = language_name
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["content_language"] = content_language
