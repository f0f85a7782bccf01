# SPDX-License-Identifier: EUPL-1.2
"""Shared form helpers: validators that WTForms lacks and the bridge from service errors to form fields."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import wtforms.validators
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, FieldList, FormField
from wtforms.validators import ValidationError

from commons.errors import ValidationFailed

PLACEHOLDERS = {"tbd", "tba", "n/a", "na", "todo", "xxx", "-", "?", "...", "…", "none", "null", "test"}


class _RequestLocale:
    """Marker: read numbers in the locale of the page being answered."""

    def __repr__(self) -> str:
        return "REQUEST_LOCALE"


REQUEST_LOCALE: Any = _RequestLocale()


def number_locale(form: Any) -> Any:
    """The locale in which ``form`` reads numbers: the page's locale, or None for the canonical form.

    Forms shown on pages read numbers as the page writes them; the JSON API and the CSV import build their
    forms with ``number_locale=None`` (``json_form``, the importer) so that machine input stays unambiguous.
    A subform gets the setting of its form when that is validated (``BaseForm.validate``).
    """
    chosen = getattr(form, "number_locale", REQUEST_LOCALE)
    if chosen is REQUEST_LOCALE:
        from flask_babel import get_locale

        return get_locale() or "en"
    return chosen


def subforms(form: Any) -> Iterator[Any]:
    """Every subform of ``form`` (FormField, FieldList of FormField), at any depth."""
    for field in form:
        entries = field.entries if isinstance(field, FieldList) else [field]
        for entry in entries:
            if isinstance(entry, FormField):
                yield entry.form
                yield from subforms(entry.form)


class BaseForm(FlaskForm):
    """A form that can also take the field errors a service raised.

    ``number_locale``: the locale numbers are read in (default: the page's); None reads the canonical form.
    """

    def __init__(self, *args: Any, number_locale: Any = REQUEST_LOCALE, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.number_locale = number_locale

    def validate(self, extra_validators: Any = None) -> bool:
        for sub in subforms(self):
            sub.number_locale = self.number_locale
        return bool(super().validate(extra_validators=extra_validators))

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


def field_messages(field: Any) -> list[str]:
    """The messages of one field as text (lazy translations included; subform error dicts left out)."""
    return [str(m) for m in (getattr(field, "errors", None) or []) if not isinstance(m, dict | list | tuple)]


def field_max_length(field: Any) -> int | None:
    """The longest text the field takes, from its ``Length`` validator, for the hint by the field."""
    value = getattr(getattr(field, "flags", None), "maxlength", None)
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


class Length(wtforms.validators.Length):
    """WTForms' Length with a message in the user's language that says how long the text is.

    The page never sets ``maxlength`` on the input (a browser would cut the text silently): the limit is shown
    by the field and an over-long text comes back with this message, the text kept.
    """

    def __call__(self, form: Any, field: Field) -> None:
        length = len(field.data) if isinstance(field.data, str) else 0
        if self.message is None and self.min < 0 <= self.max < length:
            from flask_babel import format_number

            raise ValidationError(
                _l(
                    "Use at most %(max)s characters: this text has %(length)s.",
                    max=format_number(self.max),
                    length=format_number(length),
                )
            )
        super().__call__(form, field)


def not_in_future(form: Any, field: Field) -> None:
    """A date that records what happened (in use since, ledger dates) is never in the future."""
    import datetime as dt

    if isinstance(field.data, dt.date) and field.data > dt.datetime.now(dt.UTC).date():
        raise ValidationError(_l("The date cannot be in the future."))


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


# Spaces people put between groups of three digits (ISO 31-0): plain, no-break, narrow no-break, thin.
NUMBER_SPACES = " \u00a0\u202f\u2009"
ASCII_DIGITS = frozenset("0123456789")
CANONICAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")


class NumberProblem(ValueError):
    """Why a typed number was refused: ``code`` is digits, format, canonical, ambiguous, places or maximum.

    ``params`` carry what the message shows: the text, how it would be read, the locale's example.
    """

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


MAX_DIGITS = 40  # far above any maximum a field allows


def has_foreign_digits(text: str) -> bool:
    """True when ``text`` holds a digit other than ASCII 0-9 (Arabic-Indic, full-width, superscript…).

    Python's ``Decimal``, ``int`` and Babel read these as numbers; a person typing them most likely pasted
    something else, and a reader of the ledger would not see the same number: they are refused, not read.
    """
    return any((ch.isdigit() or unicodedata.category(ch) == "Nd") and ch not in ASCII_DIGITS for ch in text)


def _check_value(value: Decimal, text: str, places: int, maximum: Decimal, **read: Any) -> Decimal:
    if not value.is_finite():
        raise NumberProblem("format", text=text)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise NumberProblem("places", text=text, **read)
    if abs(value) >= maximum:
        raise NumberProblem("maximum", text=text)
    return value


def parse_decimal_strict(raw: str, places: int, maximum: Decimal = Decimal(10) ** 10, locale: Any = None) -> Decimal:
    """Parse a number: the canonical form (``locale=None``) or as written in ``locale``; NumberProblem if not.

    Canonical (the JSON API and the CSV import): ASCII digits, an optional minus, a dot as the decimal mark.
    In a locale (the pages): that locale's decimal mark and grouping, read by Babel in strict mode, so that in
    English "250,000" is 250000 and in French or German "1,5" is 1.5; what the locale's rules cannot read
    without doubt ("1,5" in English, "1.5" in German) is refused with the readings it could have. Never
    NaN, infinity or an exponent (WTForms' DecimalField takes them; DESIGN.md §8); never other digits.
    """
    text = (raw or "").strip()
    if has_foreign_digits(text):
        raise NumberProblem("digits", text=text)
    spaced = text
    for space in NUMBER_SPACES:
        spaced = spaced.replace(space, " ")
    if " " in spaced and not re.fullmatch(r"-?[0-9]{1,3}( [0-9]{3})+([.,][0-9]+)?", spaced):
        raise NumberProblem("format", text=text)
    bare = spaced.replace(" ", "")
    if not re.fullmatch(r"-?[0-9.,]*[0-9][0-9.,]*", bare):
        raise NumberProblem("format", text=text)
    if len(bare.lstrip("-0.,")) > MAX_DIGITS:
        # Thousands of digits are no amount; Babel's formatting of the readings would choke on them.
        raise NumberProblem("maximum", text=text)
    if locale is None:
        if not CANONICAL.fullmatch(bare):
            raise NumberProblem("canonical", text=text)
        return _check_value(Decimal(bare), text, places, maximum)
    return _parse_in_locale(text, bare, places, maximum, locale)


def _parse_in_locale(text: str, bare: str, places: int, maximum: Decimal, locale: Any) -> Decimal:
    from babel.numbers import NumberFormatError, format_decimal, get_decimal_symbol, get_group_symbol, parse_decimal

    decimal_mark = get_decimal_symbol(locale)
    group = get_group_symbol(locale)
    example = format_decimal(Decimal("1234.56"), locale=locale)

    def shown(value: Decimal) -> str:
        return str(format_decimal(value, locale=locale, decimal_quantization=False))

    marks = [ch for ch in bare if ch in ".,"]
    foreign = [ch for ch in marks if ch not in (decimal_mark, group)]
    if foreign:
        # A mark this locale does not use (the dot in French): Babel would guess; we show both readings.
        readings = []
        if len(marks) == 1:
            whole, _sep, tail = bare.partition(marks[0])
            readings.append(shown(Decimal(f"{whole}.{tail}")))
            if len(tail) == 3:
                readings.append(shown(Decimal(whole + tail)))
        if readings:
            raise NumberProblem("ambiguous", text=text, readings=readings, example=example)
        raise NumberProblem("format", text=text, example=example)
    try:
        value = parse_decimal(bare, locale=locale, strict=True)
    except NumberFormatError as exc:
        suggestions = [str(s) for s in (getattr(exc, "suggestions", None) or [])]
        if suggestions:
            raise NumberProblem("ambiguous", text=text, readings=suggestions, example=example) from exc
        raise NumberProblem("format", text=text, example=example) from exc
    read: dict[str, Any] = {"example": example, "read_as": shown(value)}
    # "250,000" in French is 250 with three decimals: say so, and how to write two hundred and fifty thousand.
    if bare.count(decimal_mark) == 1 and group not in bare:
        tail = bare.partition(decimal_mark)[2]
        if len(tail) == 3:
            read["other"] = shown(Decimal(bare.replace(decimal_mark, "")))
    return _check_value(value, text, places, maximum, **read)


def _or(readings: list[str]) -> str:
    quoted = [str(_l("“%(value)s”", value=r)) for r in readings]
    if len(quoted) == 1:
        return quoted[0]
    return str(_l("%(first)s or %(second)s", first=", ".join(quoted[:-1]), second=quoted[-1]))


def number_problem_message(problem: NumberProblem, *, example: str = "1234.56") -> str:
    """The translated message for a refused number, showing how it would be read where that helps.

    ``places``, ``maximum`` and plain ``format`` problems get their message from the caller, which knows the
    currency or the quantity; this returns "" for them.
    """
    params = problem.params
    text = params.get("text", "")
    if problem.code == "digits":
        return str(_l("Type the number with the digits 0 to 9: “%(text)s” holds other digits.", text=text))
    if problem.code == "canonical":
        return str(
            _l(
                "Write the number with a dot as the decimal mark and no thousands separator, for example %(example)s.",
                example=example,
            )
        )
    if problem.code == "ambiguous":
        return str(
            _l(
                "“%(text)s” is not clear: on this page numbers are written like %(example)s, so it could mean"
                " %(readings)s. Type it again the way you mean it.",
                text=text,
                example=params.get("example", example),
                readings=_or(params.get("readings", [])),
            )
        )
    return ""


def number_reading_note(problem: NumberProblem) -> str:
    """For a ``places`` problem typed in a locale: how the text was read, and the other reading if any."""
    params = problem.params
    if problem.code != "places" or "read_as" not in params:
        return ""
    if "other" in params:
        return str(
            _l(
                "“%(text)s” reads as %(read_as)s on this page (numbers are written like %(example)s). If you meant"
                " %(other)s, type %(other)s.",
                **params,
            )
        )
    return ""
