# SPDX-License-Identifier: EUPL-1.2
"""Forms of the contributions feature: one class per kind of input, for HTML pages, the JSON API and CSV rows.

The rules a form can check alone live here (formats, placeholders, amounts, dates, FTE, half-day steps,
observer votes); the rules that need the database (rates, duplicates, committed totals, evidence, member
state) live in ``services`` and come back as field errors keyed by the same field names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pycountry
from babel.numbers import format_decimal, get_currency_precision
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    DateField,
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError

from commons.catalogue.models import NEED_KINDS
from commons.contributions.models import (
    EVIDENCE_TYPES,
    GOVERNANCE_BODIES,
    IN_KIND_KINDS,
    LINE_KINDS,
    MANUAL_STATUSES,
    SEAT_ROLES,
    STAFF_ROLES,
    TYPES,
    VISIBILITIES,
)
from commons.contributions.status import STAFF_DELIVERY_STATUSES
from commons.errors import ValidationFailed
from commons.forms import (
    BaseForm,
    Length,
    NumberProblem,
    http_url,
    not_placeholder,
    number_locale,
    number_problem_message,
    number_reading_note,
    parse_decimal_strict,
)

# ISO 4217 codes that are not money one can give (test code, no currency, precious metals, accounting units).
NOT_MONEY = {"XXX", "XTS", "XAU", "XAG", "XPD", "XPT", "XDR", "XBA", "XBB", "XBC", "XBD", "XSU", "XUA"}
MAX_LINES = 50
MAX_HEADCOUNT = 1000
MAX_AMOUNT = Decimal(10) ** 10
STORED_PLACES = 2  # the ledger columns keep cents; a currency with 3 minor units is entered with 2 at most

TYPE_LABELS = {
    "funding": _l("Funding"),
    "staff": _l("Staff"),
    "governance": _l("Governance seat"),
    "in_kind": _l("In kind"),
}
VISIBILITY_LABELS = {
    "public": _l("Public: everyone"),
    "initiative": _l("Initiative: logged-in members of the initiative"),
    "restricted": _l("Restricted: your member state and the secretariat"),
}
LINE_KIND_LABELS = {
    "pledge": _l("Pledge"),
    "commitment": _l("Commitment"),
    "disbursement": _l("Disbursement"),
    "expenditure": _l("Expenditure"),
    "adjustment": _l("Adjustment (signed correction of the committed amount)"),
}
STAFF_ROLE_LABELS = {
    "developer": _l("Developer"),
    "maintainer": _l("Maintainer"),
    "security": _l("Security"),
    "documentation": _l("Documentation"),
    "translation": _l("Translation"),
    "design": _l("Design"),
    "community": _l("Community"),
    "product": _l("Product"),
    "legal": _l("Legal"),
}
BODY_LABELS = {
    "board": _l("Board"),
    "steering_committee": _l("Steering committee"),
    "technical_committee": _l("Technical committee"),
    "working_group": _l("Working group"),
    "advisory_board": _l("Advisory board"),
    "other": _l("Other body"),
}
SEAT_LABELS = {
    "chair": _l("Chair"),
    "vice_chair": _l("Vice-chair"),
    "member": _l("Member"),
    "observer": _l("Observer"),
}
IN_KIND_LABELS = {
    "hosting": _l("Hosting"),
    "audit": _l("Audit service"),
    "translation": _l("Translation"),
    "events": _l("Events"),
    "hardware": _l("Hardware"),
    "training": _l("Training"),
    "other": _l("Other"),
}
EVIDENCE_LABELS = {
    "agreement": _l("Agreement"),
    "contract": _l("Contract"),
    "decision": _l("Decision"),
    "payment_proof": _l("Payment proof"),
    "announcement": _l("Announcement"),
    "report": _l("Report"),
    "other": _l("Other"),
}
INSTRUMENT_LABELS = {
    "grant": _l("Grant"),
    "contract": _l("Service contract"),
    "procurement": _l("Procurement"),
    "membership_fee": _l("Membership fee"),
    "secondment": _l("Secondment"),
    "donation": _l("Donation"),
    "other": _l("Other"),
}
EMPLOYMENT_LABELS = {
    "secondment": _l("Secondment"),
    "civil_servant": _l("Civil servant"),
    "contractor": _l("Contractor"),
    "other": _l("Other"),
}
DELIVERY_LABELS = {
    "planned": _l("Planned"),
    "active": _l("Active"),
    "completed": _l("Completed"),
    "cancelled": _l("Cancelled"),
}
MANUAL_STATUS_LABELS = {
    "": _l("None: status follows the lines"),
    "cancelled": _l("Cancelled"),
    "suspended": _l("Suspended"),
    "closed": _l("Closed"),
}
NEED_KIND_LABELS = {"funding": _l("Funding"), "staff": _l("Staff effort"), "governance": _l("Governance seat")}
NEED_STATUS_LABELS = {"open": _l("Open"), "met": _l("Met"), "withdrawn": _l("Withdrawn")}


def _choices(labels: dict[str, Any], keys: tuple[str, ...] | list[str]) -> list[SelectChoice]:
    return [SelectChoice(key, labels.get(key, key)) for key in keys]


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def currency_problem(code: str) -> str | None:
    """A translated message when ``code`` is not an ISO 4217 currency one can pay with, else None."""
    if not code:
        return str(_l("Enter a currency code (ISO 4217, for example EUR)."))
    if len(code) != 3 or not code.isalpha() or code in NOT_MONEY or pycountry.currencies.get(alpha_3=code) is None:
        return str(_l("“%(code)s” is not an ISO 4217 currency code.", code=code))
    return None


def currency_places(code: str) -> int:
    """Minor units of the currency (JPY 0, EUR 2), capped at what the ledger stores."""
    try:
        return min(int(get_currency_precision(code)), STORED_PLACES)
    except (ValueError, LookupError):  # pragma: no cover - Babel answers 2 for codes it does not know
        return STORED_PLACES


def _example(locale: Any) -> str:
    """1234.56 as numbers are typed in ``locale`` (the canonical 1234.56 when None)."""
    if locale is None:
        return "1234.56"
    return str(format_decimal(Decimal("1234.56"), locale=locale, group_separator=False))


def _number_error(problem: NumberProblem, locale: Any, fallback: Any) -> ValidationError:
    """A ValidationError for a number problem that does not depend on the field (digits, reading, format)."""
    message = number_problem_message(problem, example=_example(locale))
    if message:
        return ValidationError(message)
    return ValidationError(fallback)


def _with_reading(message: Any, problem: NumberProblem) -> str:
    note = number_reading_note(problem)
    return f"{message} {note}" if note else str(message)


def parse_amount(
    raw: str, currency: str, *, allow_negative: bool = False, allow_zero: bool = False, locale: Any = None
) -> Decimal:
    """An amount, checked against the currency's minor units; ValidationError otherwise.

    ``locale``: the page's locale (the amount is read as that language writes numbers) or None (canonical).
    """
    places = currency_places(currency) if currency and currency_problem(currency) is None else STORED_PLACES
    try:
        value = parse_decimal_strict(raw, places, MAX_AMOUNT, locale=locale)
    except NumberProblem as exc:
        if exc.code == "places":
            if places == 0:
                message = _l("%(currency)s has no minor unit: enter a whole amount.", currency=currency)
            else:
                message = _l("Use at most %(n)d decimal places for %(currency)s.", n=places, currency=currency or "EUR")
            raise ValidationError(_with_reading(message, exc)) from exc
        if exc.code == "maximum":
            raise ValidationError(_l("The amount must be below 10,000,000,000.")) from exc
        fallback = (
            _l("Enter a number such as 1234.56 (digits only; no NaN, infinity or exponent).")
            if locale is None
            else _l(
                "Enter a number such as %(example)s (digits only; no NaN, infinity or exponent).",
                example=_example(locale),
            )
        )
        raise _number_error(exc, locale, fallback) from exc
    if value < 0 and not allow_negative:
        raise ValidationError(_l("The amount cannot be negative here."))
    if value == 0 and not allow_zero:
        raise ValidationError(_l("The amount must not be zero."))
    return value


def parse_plain_decimal(raw: str, places: int, maximum: Decimal = MAX_AMOUNT, locale: Any = None) -> Decimal:
    """A non-negative quantity (FTE, person-days, rate); ValidationError with a translated message."""
    try:
        value = parse_decimal_strict(raw, places, maximum, locale=locale)
    except NumberProblem as exc:
        if exc.code == "places":
            raise ValidationError(_with_reading(_l("Use at most %(n)d decimal places.", n=places), exc)) from exc
        if exc.code == "maximum":
            raise ValidationError(_l("The value is too large.")) from exc
        fallback = (
            _l("Enter a number such as 12.5 (digits only; no NaN, infinity or exponent).")
            if locale is None
            else _l(
                "Enter a number such as %(example)s (digits only; no NaN, infinity or exponent).",
                example=_example(locale),
            )
        )
        raise _number_error(exc, locale, fallback) from exc
    if value <= 0:
        raise ValidationError(_l("The value must be above zero."))
    return value


def _date(label: Any, required: bool = False) -> DateField:
    validators: list[Any] = [InputRequired()] if required else [Optional()]
    return DateField(label, validators=validators, format="%Y-%m-%d", description=_l("YYYY-MM-DD"))


def _clean_text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def not_in_future(form: Any, field: Field) -> None:
    """Ledger lines record what happened: their date is never in the future (IATI transactions likewise)."""
    if isinstance(field.data, dt.date) and field.data > today():
        raise ValidationError(_l("A ledger date cannot be in the future."))


def end_not_before(start_name: str) -> Any:
    def check(form: Any, field: Field) -> None:
        start = getattr(form, start_name).data
        if isinstance(field.data, dt.date) and isinstance(start, dt.date) and field.data < start:
            raise ValidationError(_l("The end date is before the start date."))

    return check


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


# --- line forms (subforms of the multi-line form, and standalone "add a line" forms) -------------------------


class FundingLineFields(Form):
    """One ledger line: kind, date, amount and currency; a rate is found or given with evidence."""

    kind = SelectField(_l("Kind of line"), choices=_choices(LINE_KIND_LABELS, LINE_KINDS), default="commitment")
    date = DateField(
        _l("Date"),
        validators=[InputRequired(message=_l("Enter the date of the line.")), not_in_future],
        format="%Y-%m-%d",
        description=_l("YYYY-MM-DD, not in the future"),
    )
    amount = StringField(_l("Amount"), validators=[InputRequired(message=_l("Enter the amount."))])
    currency = StringField(
        _l("Currency"),
        default="EUR",
        filters=[_upper],
        validators=[Length(max=3)],
        description=_l("ISO 4217, e.g. EUR"),
    )
    bank_rate = StringField(
        _l("Actual bank rate (units per euro)"),
        description=_l("Only when the bank's rate replaces the ECB reference rate; give the evidence below."),
    )
    evidence_url = StringField(_l("Evidence link"), validators=[Optional(), Length(max=1000), http_url])
    evidence_type = SelectField(
        _l("Type of evidence"), choices=_choices(EVIDENCE_LABELS, EVIDENCE_TYPES), default="payment_proof"
    )
    justification = TextAreaField(
        _l("Justification"),
        validators=[Length(max=2000), not_placeholder],
        description=_l("Needed when more is disbursed than committed, and for adjustments."),
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500), not_placeholder])

    def validate_currency(self, field: Field) -> None:
        problem = currency_problem(field.data or "")
        if problem:
            raise ValidationError(problem)

    def validate_amount(self, field: Field) -> None:
        self.amount_value = parse_amount(
            field.data or "",
            self.currency.data or "EUR",
            allow_negative=self.kind.data == "adjustment",
            locale=number_locale(self),
        )

    def validate_bank_rate(self, field: Field) -> None:
        if not (field.data or "").strip():
            return
        if (self.currency.data or "EUR") == "EUR":
            raise ValidationError(_l("A euro amount takes no exchange rate."))
        self.bank_rate_value = parse_plain_decimal(field.data, 8, Decimal(10) ** 8, locale=number_locale(self))
        if not (self.evidence_url.data or "").strip():
            raise ValidationError(_l("An actual bank rate needs evidence: give the evidence link."))

    def validate_justification(self, field: Field) -> None:
        if self.kind.data == "adjustment" and not (field.data or "").strip():
            raise ValidationError(_l("An adjustment needs a justification."))

    def cleaned(self) -> dict[str, Any]:
        return {
            "kind": self.kind.data,
            "date": self.date.data,
            "amount": getattr(self, "amount_value", None),
            "currency": self.currency.data or "EUR",
            "bank_rate": getattr(self, "bank_rate_value", None),
            "evidence_url": _clean_text(self.evidence_url.data),
            "evidence_type": self.evidence_type.data,
            "justification": _clean_text(self.justification.data),
            "note": _clean_text(self.note.data),
        }


class StaffFields(Form):
    """People's time: a role, a headcount, and either FTE or person-days (half-day steps)."""

    role = SelectField(_l("Role"), choices=_choices(STAFF_ROLE_LABELS, STAFF_ROLES), default="developer")
    headcount = IntegerField(
        _l("Headcount"),
        default=1,
        validators=[
            InputRequired(message=_l("Enter the number of people.")),
            NumberRange(min=1, max=MAX_HEADCOUNT, message=_l("Between 1 and 1000 people.")),
        ],
    )
    fte = StringField(_l("FTE"), description=_l("Full-time equivalent over the period, e.g. 1.5; or person-days"))
    person_days = StringField(_l("Person-days"), description=_l("In half-day steps, e.g. 42.5"))
    employment_type = SelectField(
        _l("Employment"), choices=_choices(EMPLOYMENT_LABELS, list(EMPLOYMENT_LABELS)), default="secondment"
    )
    delivery_status = SelectField(
        _l("Delivery"), choices=_choices(DELIVERY_LABELS, STAFF_DELIVERY_STATUSES), default="planned"
    )
    period_start = _date(_l("Start"))
    period_end = DateField(
        _l("End"),
        validators=[Optional(), end_not_before("period_start")],
        format="%Y-%m-%d",
        description=_l("YYYY-MM-DD"),
    )
    person_names = TextAreaField(
        _l("Names of the people (private)"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Never shown publicly; only your member state and the secretariat see them."),
    )

    def validate_fte(self, field: Field) -> None:
        raw = (field.data or "").strip()
        if not raw:
            if not (self.person_days.data or "").strip():
                raise ValidationError(_l("Give either FTE or person-days."))
            return
        if (self.person_days.data or "").strip():
            raise ValidationError(_l("Give either FTE or person-days, not both."))
        value = parse_plain_decimal(raw, 2, Decimal(100000), locale=number_locale(self))
        headcount = self.headcount.data if isinstance(self.headcount.data, int) else None
        if headcount is not None and value > headcount:
            raise ValidationError(
                _l(
                    "FTE %(fte)s is above the headcount %(n)d: at most 1.0 FTE per person.",
                    fte=raw,
                    n=headcount,
                )
            )
        self.fte_value = value

    def validate_person_days(self, field: Field) -> None:
        raw = (field.data or "").strip()
        if not raw:
            return
        value = parse_plain_decimal(raw, 1, Decimal(10) ** 9, locale=number_locale(self))
        if (value * 2) % 1 != 0:
            raise ValidationError(_l("Person-days go in half-day steps (for example 10 or 10.5)."))
        self.person_days_value = value

    def cleaned(self) -> dict[str, Any]:
        return {
            "role": self.role.data,
            "headcount": self.headcount.data,
            "fte": getattr(self, "fte_value", None),
            "person_days": getattr(self, "person_days_value", None),
            "employment_type": self.employment_type.data,
            "delivery_status": self.delivery_status.data,
            "period_start": self.period_start.data,
            "period_end": self.period_end.data,
            "person_names": _clean_text(self.person_names.data),
        }


class GovernanceFields(Form):
    """A seat in a commons' governance body."""

    body = SelectField(_l("Body"), choices=_choices(BODY_LABELS, GOVERNANCE_BODIES), default="board")
    body_name = StringField(_l("Name of the body"), validators=[Optional(), Length(max=255), not_placeholder])
    membership_tier = StringField(_l("Membership tier"), validators=[Optional(), Length(max=60), not_placeholder])
    seat_role = SelectField(_l("Seat"), choices=_choices(SEAT_LABELS, SEAT_ROLES), default="member")
    voting_rights = BooleanField(_l("The seat has a vote"))
    formal = BooleanField(_l("Formal seat (statutes or agreement)"), default=True)
    start_date = _date(_l("Start"))
    end_date = DateField(
        _l("End"),
        validators=[Optional(), end_not_before("start_date")],
        format="%Y-%m-%d",
        description=_l("YYYY-MM-DD"),
    )

    def validate_voting_rights(self, field: Field) -> None:
        if field.data and self.seat_role.data == "observer":
            raise ValidationError(_l("An observer seat has no vote: untick the vote or choose another seat."))

    def cleaned(self) -> dict[str, Any]:
        return {
            "body": self.body.data,
            "body_name": _clean_text(self.body_name.data),
            "membership_tier": _clean_text(self.membership_tier.data),
            "seat_role": self.seat_role.data,
            "voting_rights": bool(self.voting_rights.data),
            "formal": bool(self.formal.data),
            "start_date": self.start_date.data,
            "end_date": self.end_date.data,
        }


class InKindFields(Form):
    """Goods or services given in kind: a quantity in a unit, and optionally their value."""

    kind = SelectField(_l("Kind"), choices=_choices(IN_KIND_LABELS, IN_KIND_KINDS), default="hosting")
    description = TextAreaField(
        _l("What is given"),
        validators=[DataRequired(message=_l("Describe what is given.")), Length(max=2000), not_placeholder],
    )
    quantity = StringField(_l("Quantity"), validators=[InputRequired(message=_l("Enter the quantity."))])
    unit = StringField(
        _l("Unit"),
        validators=[
            DataRequired(message=_l("Enter the unit (months, audits, events…).")),
            Length(max=30),
            not_placeholder,
        ],
    )
    value = StringField(_l("Value (optional)"))
    currency = StringField(_l("Currency of the value"), default="EUR", filters=[_upper], validators=[Length(max=3)])

    def validate_quantity(self, field: Field) -> None:
        self.quantity_value = parse_plain_decimal(field.data or "", 2, Decimal(10) ** 10, locale=number_locale(self))

    def validate_currency(self, field: Field) -> None:
        if (self.value.data or "").strip():
            problem = currency_problem(field.data or "")
            if problem:
                raise ValidationError(problem)

    def validate_value(self, field: Field) -> None:
        if (field.data or "").strip():
            self.value_value = parse_amount(field.data, self.currency.data or "EUR", locale=number_locale(self))

    def cleaned(self) -> dict[str, Any]:
        value = getattr(self, "value_value", None)
        return {
            "kind": self.kind.data,
            "description": _clean_text(self.description.data),
            "quantity": getattr(self, "quantity_value", None),
            "unit": _clean_text(self.unit.data),
            "value": value,
            "currency": (self.currency.data or "EUR") if value is not None else None,
        }


LINE_FIELDS: dict[str, type[Form]] = {
    "funding": FundingLineFields,
    "staff": StaffFields,
    "governance": GovernanceFields,
    "in_kind": InKindFields,
}
LINE_TITLES = {
    "funding": _l("Funding line"),
    "staff": _l("Staff allocation"),
    "governance": _l("Governance seat"),
    "in_kind": _l("In-kind item"),
}


# --- the bridge between forms and the service errors ---------------------------------------------------------


def walk_fields(form: Any, prefix_label: str = "") -> Iterator[tuple[Field, str]]:
    """Every leaf field of a form, subforms of lists included, with a label that says which line it is."""
    for field in form:
        if isinstance(field, FieldList):
            for index, entry in enumerate(field.entries, start=1):
                label = f"{LINE_TITLES.get(getattr(form, 'line_type', ''), field.label.text)} {index}"
                yield from walk_fields(entry.form if isinstance(entry, FormField) else [entry], f"{label}: ")
        elif isinstance(field, FormField):
            yield from walk_fields(field.form, prefix_label)
        else:
            yield field, f"{prefix_label}{field.label.text}"


class ContributionsBaseForm(BaseForm):
    """A form whose errors, subforms included, feed the error summary and the JSON answer."""

    line_type = ""

    @property
    def all_errors(self) -> list[tuple[str, str, str]]:
        out: list[tuple[str, str, str]] = [("", "", str(m)) for m in self.form_errors]
        for field, label in walk_fields(self):
            for message in field.errors or []:
                if isinstance(message, str) or not isinstance(message, dict | list | tuple):
                    out.append((field.id, label, str(message)))
        return out

    def apply_errors(self, failure: ValidationFailed) -> None:
        fields = {field.name: field for field, _label in walk_fields(self)}
        for name, messages in failure.errors.items():
            field = fields.get(name)
            if field is not None:
                field.errors = list(field.errors or []) + list(messages)
            else:
                self.form_errors.extend(messages)

    def error_dict(self) -> dict[str, list[str]]:
        """Field name → messages, for the API (``lines-0-amount`` for the first line's amount)."""
        out: dict[str, list[str]] = {}
        if self.form_errors:
            out["form"] = [str(m) for m in self.form_errors]
        for field, _label in walk_fields(self):
            messages = [str(m) for m in field.errors or [] if not isinstance(m, dict | list | tuple)]
            if messages:
                out[field.name] = messages
        return out

    def raise_if_invalid(self) -> None:
        """Validate (JSON and CSV input) and raise ValidationFailed with every field error."""
        if not self.validate():
            raise ValidationFailed(self.error_dict())


def _accepted(form: Any, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` less the values of the fields the form refused."""
    return {
        name: value
        for name, value in data.items()
        if not (isinstance(getattr(form, name, None), Field) and getattr(form, name).errors)
    }


def accepted_part(form: Any) -> dict[str, Any]:
    """What ``cleaned()`` gives, without the fields the form refused (their key is left out).

    When a form fails its own rules, the service's database rules still run on this (``check_contribution``,
    ``check_lines``), so that every error is reported in one submit.
    """
    if isinstance(form, ContributionForm):
        data = _accepted(form, form.envelope())
        data["type"] = form.line_type
        lines = getattr(form, "lines", None)
        data["lines"] = [_accepted(e.form, e.form.cleaned()) for e in lines.entries] if lines is not None else []
        return data
    return _accepted(form, form.cleaned())


class ContributionForm(ContributionsBaseForm):
    """The envelope of a contribution and, in ``lines``, its lines (several in one form)."""

    member_state = StringField(_l("Member state"), filters=[_upper], validators=[Optional(), Length(max=2)])
    commons = SelectField(
        _l("Commons"), validate_choice=False, validators=[DataRequired(message=_l("Choose the commons."))]
    )
    title = StringField(
        _l("Title"), validators=[DataRequired(message=_l("Enter a title.")), Length(max=255), not_placeholder]
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000), not_placeholder])
    instrument = SelectField(
        _l("Instrument"),
        choices=[SelectChoice("", _l("Not specified")), *_choices(INSTRUMENT_LABELS, list(INSTRUMENT_LABELS))],
        default="",
    )
    purpose_tags = StringField(
        _l("Purpose tags"),
        validators=[Optional(), Length(max=500)],
        description=_l("Separated by commas, e.g. security, accessibility"),
    )
    period_start = _date(_l("Period start"))
    period_end = DateField(
        _l("Period end"),
        validators=[Optional(), end_not_before("period_start")],
        format="%Y-%m-%d",
        description=_l("YYYY-MM-DD"),
    )
    decision_date = _date(_l("Decision date"))
    visibility = SelectField(_l("Visibility"), choices=_choices(VISIBILITY_LABELS, VISIBILITIES), default="public")
    not_duplicate = BooleanField(_l("This is not a duplicate of the similar contribution"))
    add_line = SubmitField(_l("Add another line"))
    remove_line = SubmitField(_l("Remove the last line"))
    save = SubmitField(_l("Save the contribution"))

    def validate_member_state(self, field: Field) -> None:
        if field.data and not (len(field.data) == 2 and field.data.isalpha()):
            raise ValidationError(_l("Unknown member state “%(code)s”.", code=field.data))

    def validate_purpose_tags(self, field: Field) -> None:
        for tag in self.tags():
            if tag.lower() in {"tbd", "n/a", "na", "todo"}:
                raise ValidationError(_l("Enter real content, not a placeholder such as “%(value)s”.", value=tag))

    def tags(self) -> list[str]:
        return [t.strip() for t in (self.purpose_tags.data or "").split(",") if t.strip()][:20]

    def envelope(self) -> dict[str, Any]:
        return {
            "member_state": _clean_text(self.member_state.data) if self.member_state is not None else None,
            "commons": _clean_text(self.commons.data),
            "title": _clean_text(self.title.data),
            "description": _clean_text(self.description.data),
            "instrument": _clean_text(self.instrument.data),
            "purpose_tags": self.tags(),
            "period_start": self.period_start.data,
            "period_end": self.period_end.data,
            "decision_date": self.decision_date.data,
            "visibility": self.visibility.data,
            "not_duplicate": bool(self.not_duplicate.data),
        }

    def cleaned(self) -> dict[str, Any]:
        data = self.envelope()
        data["type"] = self.line_type
        lines = getattr(self, "lines", None)
        data["lines"] = [entry.form.cleaned() for entry in lines.entries] if lines is not None else []
        return data


class EnvelopeEditForm(ContributionForm):
    """Editing the envelope of a saved contribution; lines are added with their own forms."""

    version = HiddenField()
    save = SubmitField(_l("Save changes"))
    add_line = None  # type: ignore[assignment]
    remove_line = None  # type: ignore[assignment]
    member_state = None  # type: ignore[assignment]

    def cleaned(self) -> dict[str, Any]:
        data = self.envelope()
        data.pop("member_state", None)
        return data


_FORM_CLASSES: dict[str, type[ContributionForm]] = {}


def contribution_form_class(kind: str) -> type[ContributionForm]:
    """The multi-line form for one type of contribution (``lines`` holds that type's subforms)."""
    if kind not in TYPES:
        raise ValueError(kind)
    if kind not in _FORM_CLASSES:
        _FORM_CLASSES[kind] = type(
            f"{kind.title().replace('_', '')}ContributionForm",
            (ContributionForm,),
            {
                "line_type": kind,
                "lines": FieldList(
                    FormField(LINE_FIELDS[kind]), label=LINE_TITLES[kind], min_entries=1, max_entries=MAX_LINES
                ),
            },
        )
    return _FORM_CLASSES[kind]


_LINE_FORM_CLASSES: dict[str, type[ContributionsBaseForm]] = {}


def line_form_class(kind: str) -> type[ContributionsBaseForm]:
    """The "add a line" form of one type: the line's fields plus the contribution's version."""
    if kind not in _LINE_FORM_CLASSES:
        _LINE_FORM_CLASSES[kind] = type(
            f"{kind.title().replace('_', '')}LineForm",
            (ContributionsBaseForm, LINE_FIELDS[kind]),
            {
                "version": HiddenField(),
                # Only ledger lines point at evidence already attached to the contribution.
                **(
                    {"evidence_id": SelectField(_l("Existing evidence"), validate_choice=False, default="")}
                    if kind == "funding"
                    else {}
                ),
            },
        )
    return _LINE_FORM_CLASSES[kind]


class EvidenceForm(ContributionsBaseForm):
    url = StringField(
        _l("Link"), validators=[DataRequired(message=_l("Enter the link to the evidence.")), Length(max=1000), http_url]
    )
    type = SelectField(_l("Type"), choices=_choices(EVIDENCE_LABELS, EVIDENCE_TYPES), default="agreement")
    title = StringField(_l("Title"), validators=[Optional(), Length(max=255), not_placeholder])
    visibility = SelectField(_l("Visibility"), choices=_choices(VISIBILITY_LABELS, VISIBILITIES), default="public")
    version = HiddenField()

    def cleaned(self) -> dict[str, Any]:
        return {
            "url": (self.url.data or "").strip(),
            "type": self.type.data,
            "title": _clean_text(self.title.data),
            "visibility": self.visibility.data,
        }


class StatusForm(ContributionsBaseForm):
    status = SelectField(
        _l("Status set by hand"), choices=_choices(MANUAL_STATUS_LABELS, ["", *MANUAL_STATUSES]), default=""
    )
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000), not_placeholder])
    version = HiddenField()

    def validate_reason(self, field: Field) -> None:
        if self.status.data == "cancelled" and not (field.data or "").strip():
            raise ValidationError(_l("A cancellation needs a reason."))
        if self.status.data and not (field.data or "").strip():
            raise ValidationError(_l("Give the reason for this status."))


class DeleteForm(ContributionsBaseForm):
    reason = TextAreaField(
        _l("Reason for deleting"),
        validators=[DataRequired(message=_l("Give the reason for deleting.")), Length(max=2000), not_placeholder],
    )
    version = HiddenField()


class ImportForm(ContributionsBaseForm):
    file = FileField(_l("CSV file"))
    dry_run = BooleanField(_l("Check only (dry run): import nothing"), default=True)


class NeedForm(ContributionsBaseForm):
    """What a commons asks for; the fields that matter depend on the kind."""

    kind = SelectField(_l("Kind of need"), choices=_choices(NEED_KIND_LABELS, NEED_KINDS), default="funding")
    title = StringField(
        _l("Title"), validators=[DataRequired(message=_l("Enter a title.")), Length(max=255), not_placeholder]
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000), not_placeholder])
    amount = StringField(_l("Amount"), description=_l("For a funding need"))
    currency = StringField(_l("Currency"), default="EUR", filters=[_upper], validators=[Length(max=3)])
    staff_role = SelectField(
        _l("Staff role"),
        choices=[SelectChoice("", _l("Not a staff need")), *_choices(STAFF_ROLE_LABELS, STAFF_ROLES)],
        default="",
    )
    person_days = StringField(_l("Person-days"), description=_l("For a staff need, in half-day steps"))
    governance_body = SelectField(
        _l("Governance body"),
        choices=[SelectChoice("", _l("Not a governance need")), *_choices(BODY_LABELS, GOVERNANCE_BODIES)],
        default="",
    )
    seats = IntegerField(_l("Seats"), validators=[Optional(), NumberRange(min=1, max=100)])
    period_start = _date(_l("Period start"))
    period_end = DateField(
        _l("Period end"),
        validators=[Optional(), end_not_before("period_start")],
        format="%Y-%m-%d",
        description=_l("YYYY-MM-DD"),
    )

    def validate_currency(self, field: Field) -> None:
        if self.kind.data == "funding":
            problem = currency_problem(field.data or "")
            if problem:
                raise ValidationError(problem)

    def validate_amount(self, field: Field) -> None:
        if self.kind.data != "funding":
            return
        if not (field.data or "").strip():
            raise ValidationError(_l("A funding need needs an amount."))
        self.amount_value = parse_amount(field.data, self.currency.data or "EUR", locale=number_locale(self))

    def validate_staff_role(self, field: Field) -> None:
        if self.kind.data == "staff" and not field.data:
            raise ValidationError(_l("A staff need needs a role."))

    def validate_person_days(self, field: Field) -> None:
        if self.kind.data != "staff":
            return
        if not (field.data or "").strip():
            raise ValidationError(_l("A staff need needs the effort in person-days."))
        value = parse_plain_decimal(field.data, 1, Decimal(10) ** 9, locale=number_locale(self))
        if (value * 2) % 1 != 0:
            raise ValidationError(_l("Person-days go in half-day steps (for example 10 or 10.5)."))
        self.person_days_value = value

    def validate_governance_body(self, field: Field) -> None:
        if self.kind.data == "governance" and not field.data:
            raise ValidationError(_l("A governance need needs a body."))

    def cleaned(self) -> dict[str, Any]:
        kind = self.kind.data
        return {
            "kind": kind,
            "title": _clean_text(self.title.data),
            "description": _clean_text(self.description.data),
            "amount": getattr(self, "amount_value", None) if kind == "funding" else None,
            "currency": (self.currency.data or "EUR") if kind == "funding" else None,
            "staff_role": self.staff_role.data or None if kind == "staff" else None,
            "person_days": getattr(self, "person_days_value", None) if kind == "staff" else None,
            "governance_body": self.governance_body.data or None if kind == "governance" else None,
            "seats": (self.seats.data or 1) if kind == "governance" else None,
            "period_start": self.period_start.data,
            "period_end": self.period_end.data,
        }


class NeedStatusForm(ContributionsBaseForm):
    status = SelectField(
        _l("Status"),
        choices=_choices(NEED_STATUS_LABELS, list(NEED_STATUS_LABELS)),
    )


# --- JSON and CSV input go through the same forms ------------------------------------------------------------


def _flat_value(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "y" if value else None
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def formdata_from_json(data: dict[str, Any], line_key: str = "lines") -> MultiDict[str, str]:
    """Flatten a JSON object into form data: ``{"lines": [{"amount": 1}]}`` → ``lines-0-amount=1``."""
    out: MultiDict[str, str] = MultiDict()
    for key, value in data.items():
        if key == line_key and isinstance(value, list):
            for index, line in enumerate(value[:MAX_LINES]):
                if not isinstance(line, dict):
                    out.add(f"{line_key}-{index}-invalid", "1")
                    continue
                for sub_key, sub_value in line.items():
                    flat = _flat_value(sub_value)
                    if flat is not None:
                        out.add(f"{line_key}-{index}-{sub_key}", flat)
            continue
        if isinstance(value, dict):
            continue
        flat = _flat_value(value)
        if flat is not None:
            out.add(key, flat)
    return out


def json_form(form_class: type[BaseForm], data: dict[str, Any], **kwargs: Any) -> Any:
    """A form filled from a JSON object, without CSRF (the API authenticates with bearer tokens)."""
    # number_locale=None: the API takes numbers in the canonical form (JSON numbers, "1234.56"), whatever
    # the Accept-Language of the request; "1,5" is refused, never guessed.
    return form_class(formdata=formdata_from_json(data), meta={"csrf": False}, number_locale=None, **kwargs)
