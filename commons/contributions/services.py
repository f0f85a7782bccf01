# SPDX-License-Identifier: EUPL-1.2
"""Contribution operations. Each one checks the permission first; the form, the API, the CSV import and the CLI
all come through here (DESIGN.md §5).

Input is the ``cleaned()`` data of the forms in ``forms.py`` (formats already checked). Errors name the same
fields as the forms (``lines-0-amount`` for the first line's amount), so a page or the API shows them in place.
Services flush; callers commit or roll back.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal
from types import SimpleNamespace
from typing import Any

from flask import current_app, has_app_context, has_request_context
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select, update

from commons.accounts.models import ADMIN, SECRETARIAT
from commons.audit import record_event
from commons.catalogue.models import Commons, Need
from commons.contributions import fx
from commons.contributions.models import (
    TYPES,
    WORKING_DAYS_PER_YEAR,
    Contribution,
    ContributionVersion,
    Evidence,
    FundingLine,
    GovernanceParticipation,
    InKindItem,
    StaffAllocation,
)
from commons.contributions.status import funding_totals, refresh_status
from commons.contributions.visibility import SMALL_CELL_MIN, can_read, visibility_clause
from commons.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from commons.extensions import db
from commons.memberstates.models import MemberState
from commons.permissions import can, require
from commons.types import utcnow

CENT = Decimal("0.01")
DUPLICATE_WINDOW_DAYS = 30
ENVELOPE_FIELDS = (
    "title",
    "description",
    "instrument",
    "purpose_tags",
    "period_start",
    "period_end",
    "decision_date",
    "visibility",
)


class StaleVersion(Conflict):
    """The form was filled in from an older version: nothing was saved. ``theirs`` is the current snapshot."""

    def __init__(self, contribution: Contribution, yours: dict[str, Any]) -> None:
        super().__init__(
            _(
                "This contribution was changed by someone else (now version %(version)d). Nothing was saved: "
                "compare both versions, then apply your changes again.",
                version=contribution.version,
            )
        )
        self.current_version = contribution.version
        # The JSON error answer carries ``errors`` when present: API clients learn the version to re-read.
        self.errors = {"version": [self.message]}
        self.theirs = latest_snapshot(contribution)
        self.yours = jsonable(yours)


# --- helpers ------------------------------------------------------------------------------------------------


def jsonable(value: Any) -> Any:
    """Dates, decimals and nested values as JSON-safe strings (audit events, snapshots)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _staff_role(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and actor.role_names & {ADMIN, SECRETARIAT})


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def display_code(state_code: str) -> str:
    return {"GR": "EL"}.get(state_code, state_code)


def _next_ref(state_code: str, year: int) -> str:
    """The next ``FR-2026-0042``. The state's row is locked first (PostgreSQL; SQLite serialises writers), so
    two representatives saving at the same moment never get the same number."""
    db.session.execute(select(MemberState.code).where(MemberState.code == state_code).with_for_update())
    prefix = f"{display_code(state_code)}-{year}-"
    refs = db.session.scalars(select(Contribution.ref).where(Contribution.ref.like(f"{prefix}%")))
    highest = 0
    for ref in refs:
        tail = ref.removeprefix(prefix)
        if tail.isdigit():
            highest = max(highest, int(tail))
    return f"{prefix}{highest + 1:04d}"


def snapshot(contribution: Contribution) -> dict[str, Any]:
    """What a version of the contribution looked like: envelope and lines, JSON-safe."""
    c = contribution
    return jsonable(
        {
            "ref": c.ref,
            "version": c.version,
            "member_state": c.member_state_code,
            "type": c.type,
            "commons": c.commons.slug if c.commons is not None else None,
            **{name: getattr(c, name) for name in ENVELOPE_FIELDS},
            "status": c.status,
            "manual_status": c.manual_status,
            "status_reason": c.status_reason,
            "deleted_at": c.deleted_at,
            "delete_reason": c.delete_reason,
            "funding_lines": [
                {
                    "kind": line.kind,
                    "date": line.date,
                    "amount": line.amount,
                    "currency": line.currency,
                    "amount_eur": line.amount_eur,
                    "rate": line.rate,
                    "rate_date": line.rate_date,
                    "rate_source": line.rate_source,
                }
                for line in c.funding_lines
            ],
            "staff": [
                {"role": s.role, "headcount": s.headcount, "person_days": s.person_days, "status": s.delivery_status}
                for s in c.staff
            ],
            "governance": [
                {"body": g.body, "seat_role": g.seat_role, "voting_rights": g.voting_rights, "formal": g.formal}
                for g in c.governance
            ],
            "in_kind": [
                {"kind": i.kind, "quantity": i.quantity, "unit": i.unit, "value": i.value, "currency": i.currency}
                for i in c.in_kind
            ],
            "evidence": len(c.evidence),
        }
    )


def latest_snapshot(contribution: Contribution) -> dict[str, Any]:
    row = db.session.scalar(
        select(ContributionVersion)
        .where(ContributionVersion.contribution_id == contribution.id)
        .order_by(ContributionVersion.version.desc())
        .limit(1)
    )
    return dict(row.snapshot) if row is not None else snapshot(contribution)


def _save_version(contribution: Contribution, actor: Any) -> None:
    refresh_status(contribution)
    db.session.flush()
    db.session.add(
        ContributionVersion(
            contribution_id=contribution.id,
            version=contribution.version,
            snapshot=snapshot(contribution),
            changed_by_id=getattr(actor, "id", None),
        )
    )
    db.session.flush()


def _bump_version(contribution: Contribution, expected: int | None, yours: dict[str, Any]) -> None:
    """Optimistic lock: the row moves to the next version only if nobody moved it since ``expected``.

    The compare-and-set runs in SQL so that two requests reading the same version cannot both win.
    """
    current = contribution.version if expected is None else expected
    if expected is not None and expected != contribution.version:
        raise StaleVersion(contribution, yours)
    result = db.session.execute(
        update(Contribution)
        .where(Contribution.id == contribution.id, Contribution.version == current)
        .values(version=current + 1)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 1) != 1:
        db.session.refresh(contribution)
        raise StaleVersion(contribution, yours)
    contribution.version = current + 1


def parse_version(raw: Any) -> int:
    """The version a form or a JSON body was based on; required for every change."""
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError) as exc:
        raise ValidationFailed({"version": [_("Send the version you edited (a whole number).")]}) from exc
    if value < 1:
        raise ValidationFailed({"version": [_("Send the version you edited (a whole number).")]})
    return value


# --- reading ------------------------------------------------------------------------------------------------


def find(ref: str) -> Contribution | None:
    return db.session.scalar(select(Contribution).where(Contribution.ref == (ref or "").strip().upper()))


def get_contribution(actor: Any, ref: str) -> Contribution:
    """A contribution ``actor`` may read; another state's restricted record is simply not found."""
    contribution = find(ref)
    if contribution is None or not can_read(actor, contribution):
        raise NotFound()
    return contribution


def get_for_edit(actor: Any, ref: str, *, allow_deleted: bool = False) -> Contribution:
    """A contribution ``actor`` may change; another state's record answers 404 (its existence does not leak)."""
    contribution = find(ref)
    if contribution is None:
        raise NotFound()
    require(actor, "contribution:edit", contribution, hide=True)
    if contribution.deleted_at is not None and not allow_deleted:
        raise Conflict(_("This contribution is deleted; restore it before changing it."))
    return contribution


def can_edit(actor: Any, contribution: Contribution) -> bool:
    return can(actor, "contribution:edit", contribution)


def list_for_state(actor: Any, *, deleted: bool = False) -> list[Contribution]:
    """The representative's own state's contributions (staff: every state), live or deleted."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied()
    query = select(Contribution).order_by(Contribution.created_at.desc(), Contribution.id.desc())
    if _staff_role(actor):
        query = query.where(visibility_clause(actor))
    else:
        state = getattr(actor, "member_state_code", None)
        if not state or not can(actor, "contribution:create", state):
            raise PermissionDenied()
        query = query.where(Contribution.member_state_code == state)
    query = query.where(Contribution.deleted_at.is_not(None) if deleted else Contribution.deleted_at.is_(None))
    return list(db.session.scalars(query))


def versions(contribution: Contribution) -> list[ContributionVersion]:
    return list(
        db.session.scalars(
            select(ContributionVersion)
            .where(ContributionVersion.contribution_id == contribution.id)
            .order_by(ContributionVersion.version.desc())
        )
    )


# --- creating -----------------------------------------------------------------------------------------------


def resolve_state(actor: Any, requested: str | None) -> str:
    """The member state a contribution is recorded for: the representative's own, never another one."""
    own = getattr(actor, "member_state_code", None)
    code = (requested or "").strip().upper()
    code = {"EL": "GR"}.get(code, code)
    if code and db.session.get(MemberState, code) is None:
        require(actor, "contribution:create", own or code)
        raise ValidationFailed({"member_state": [_("Unknown member state “%(code)s”.", code=requested)]})
    target = code or own
    if not target:
        if ADMIN in getattr(actor, "role_names", set()):
            raise ValidationFailed({"member_state": [_("Choose the member state the contribution is from.")]})
        raise PermissionDenied()
    if not can(actor, "contribution:create", target):
        if own and can(actor, "contribution:create", own):
            # A representative asked for another state: refuse, so that nothing is stored under the wrong state.
            raise ValidationFailed(
                {
                    "member_state": [
                        _(
                            "You can record contributions for your own member state (%(own)s) only.",
                            own=display_code(own),
                        )
                    ]
                }
            )
        raise PermissionDenied()
    return target


def _commons(slug: str | None, errors: dict[str, list[str]]) -> Commons | None:
    if not slug:
        errors.setdefault("commons", []).append(_("Choose the commons."))
        return None
    found = db.session.scalar(select(Commons).where(Commons.slug == slug.strip()))
    if found is None:
        errors.setdefault("commons", []).append(_("Unknown commons “%(slug)s”.", slug=slug))
    return found


def _line_rate(currency: str, day: dt.date, bank_rate: Decimal | None) -> tuple[Decimal, dt.date | None, str] | None:
    """(rate, rate date, source) for an amount: 1 for EUR, the bank rate given, or the ECB rate of the day."""
    if currency == "EUR":
        return Decimal(1), day, "eur"
    if bank_rate is not None:
        return bank_rate, day, "bank"
    found = fx.rate_for(currency, day)
    if found is None:
        return None
    return Decimal(found.rate), found.date, "ecb"


def _no_rate_message(currency: str, day: dt.date, actor: Any = None, bank_rate: bool = True) -> str:
    """Why there is no rate (the look-back rule), what the platform has, and what this person can do.

    A representative cannot run commands: they are told to ask the secretariat; staff are sent to the
    exchange-rates page (linked under the field). Only a funding line can take the bank's actual rate.
    """
    if actor is None and has_request_context():
        actor = current_user
    parts = [
        _(
            "No ECB reference rate for %(currency)s on %(date)s or in the %(days)d days before it: "
            "an amount takes the ECB rate of its date, or of the last earlier day with a rate, at most "
            "%(days)d days back.",
            currency=currency,
            date=day.isoformat(),
            days=fx.MAX_LOOKBACK_DAYS,
        )
    ]
    span = fx.coverage_of(currency)
    if span is None:
        parts.append(_("The platform has no %(currency)s rate at all.", currency=currency))
    else:
        parts.append(
            _(
                "The platform has %(currency)s rates from %(first)s to %(last)s.",
                currency=currency,
                first=span[0].isoformat(),
                last=span[1].isoformat(),
            )
        )
    if can(actor, "fx:manage"):
        parts.append(
            _(
                "Import the ECB rates for that date on the Exchange rates page, "
                "or give the bank's actual rate with evidence."
            )
            if bank_rate
            else _("Import the ECB rates for that date on the Exchange rates page.")
        )
    else:
        contact = current_app.config.get("COMMONS_CONTACT_EMAIL", "") if has_app_context() else ""
        parts.append(
            _(
                "Ask the secretariat (%(contact)s) to import the ECB rates for that date, or give the bank's "
                "actual rate with evidence.",
                contact=contact,
            )
            if bank_rate
            else _("Ask the secretariat (%(contact)s) to import the ECB rates for that date.", contact=contact)
        )
    return " ".join(str(p) for p in parts)


def _to_eur(amount: Decimal, rate: Decimal) -> Decimal:
    return (amount / rate).quantize(CENT, rounding=ROUND_HALF_EVEN)


def _years(start: dt.date | None, end: dt.date | None) -> Decimal:
    if start and end and end >= start:
        return Decimal((end - start).days + 1) / Decimal(365)
    return Decimal(1)


def _half_days(value: Decimal) -> Decimal:
    return (value * 2).quantize(Decimal(1), rounding=ROUND_HALF_EVEN) / 2


def _add_lines(
    actor: Any, contribution: Contribution, lines: list[dict[str, Any]], errors: dict[str, list[str]], prefix: str
) -> list[Any]:
    """Build the lines of the contribution's type; errors keyed ``<prefix><index>-<field>``."""
    added: list[Any] = []
    kind = contribution.type
    # Lines hang off the envelope before they are added: no flush may run half-way (rate queries).
    with db.session.no_autoflush:
        for index, line in enumerate(lines):
            key = f"{prefix}{index}-" if prefix else ""
            if kind == "funding":
                added.append(_funding_line(actor, contribution, line, errors, key))
            elif kind == "staff":
                added.append(_staff_line(contribution, line, errors, key))
            elif kind == "governance":
                added.append(GovernanceParticipation(contribution=contribution, **line))
            elif kind == "in_kind":
                added.append(_in_kind_line(contribution, line, errors, key))
            if added[-1] is not None:
                # The many-to-one side does not cascade into the session (SQLAlchemy 2): add before the next query.
                db.session.add(added[-1])
    if kind == "funding":
        _check_disbursed(contribution, added, lines, errors, prefix)
    return added


def _evidence_for(contribution: Contribution, line: dict[str, Any]) -> Evidence | None:
    if line.get("evidence_url"):
        evidence = Evidence(
            contribution=contribution,
            url=line["evidence_url"],
            type=line.get("evidence_type") or "payment_proof",
            visibility=contribution.visibility,
        )
        db.session.add(evidence)
        return evidence
    evidence_id = line.get("evidence_id")
    if evidence_id:
        for evidence in contribution.evidence:
            if str(evidence.id) == str(evidence_id):
                return evidence
    return None


def _funding_line(
    actor: Any, contribution: Contribution, line: dict[str, Any], errors: dict[str, list[str]], key: str
) -> FundingLine | None:
    amount, currency, day = line["amount"], line["currency"], line["date"]
    if amount is None or day is None:
        return None
    rate = _line_rate(currency, day, line.get("bank_rate"))
    if rate is None:
        errors.setdefault(f"{key}currency", []).append(_no_rate_message(currency, day, actor))
        return None
    if line["kind"] == "disbursement" and not (line.get("evidence_url") or line.get("evidence_id")):
        errors.setdefault(f"{key}evidence_url", []).append(
            _("A disbursement needs evidence: give the link to the payment proof.")
        )
        return None
    evidence = _evidence_for(contribution, line)
    if evidence is None and line.get("evidence_id") and not line.get("evidence_url"):
        # An id of no evidence, or of another contribution's (another state's) evidence: never stored as if the
        # line had its proof, and never a way to learn which ids exist elsewhere (same message for both).
        errors.setdefault(f"{key}evidence_id", []).append(
            _("This evidence does not exist on this contribution: add it first, or give the link instead.")
        )
        return None
    funding = FundingLine(
        contribution=contribution,
        kind=line["kind"],
        date=day,
        amount=amount,
        currency=currency,
        rate=rate[0],
        rate_date=rate[1],
        rate_source=rate[2],
        amount_eur=_to_eur(amount, rate[0]),
        evidence=evidence,
        justification=line.get("justification"),
        note=line.get("note"),
        created_by_id=getattr(actor, "id", None),
    )
    return funding


def _check_disbursed(
    contribution: Contribution,
    added: list[Any],
    lines: list[dict[str, Any]],
    errors: dict[str, list[str]],
    prefix: str,
) -> None:
    """More disbursed than committed is possible (a top-up) but needs a justification on the line."""
    totals = funding_totals(contribution)  # includes the new lines: they are attached to the contribution
    if totals["disbursement"] <= totals["committed_total"]:
        return
    for index, (line, built) in enumerate(zip(lines, added, strict=False)):
        if built is not None and built.kind == "disbursement" and not line.get("justification"):
            key = f"{prefix}{index}-" if prefix else ""
            errors.setdefault(f"{key}justification", []).append(
                _(
                    "More is disbursed (%(disbursed)s EUR) than committed (%(committed)s EUR): give a justification.",
                    disbursed=totals["disbursement"],
                    committed=totals["committed_total"],
                )
            )


def _staff_line(
    contribution: Contribution, line: dict[str, Any], errors: dict[str, list[str]], key: str
) -> StaffAllocation | None:
    values = _staff_values(contribution, line, errors, key)
    return StaffAllocation(contribution=contribution, **values) if values is not None else None


def _staff_values(
    contribution: Contribution, line: dict[str, Any], errors: dict[str, list[str]], key: str
) -> dict[str, Any] | None:
    """Column values of a staff allocation; FTE become person-days; the period's capacity is checked."""
    start = line.get("period_start") or contribution.period_start
    end = line.get("period_end") or contribution.period_end
    if start and end and end < start:
        errors.setdefault(f"{key}period_end", []).append(_("The end date is before the start date."))
        return None
    headcount = int(line.get("headcount") or 1)
    years = _years(start, end)
    capacity = _half_days(Decimal(WORKING_DAYS_PER_YEAR) * headcount * years)
    days: Decimal | None
    if line.get("fte") is not None:
        days = _half_days(line["fte"] * Decimal(WORKING_DAYS_PER_YEAR) * years)
        field = "fte"
    else:
        days = line.get("person_days")
        field = "person_days"
    if days is None:
        return None
    if days > capacity:
        errors.setdefault(f"{key}{field}", []).append(
            _(
                "%(days)s person-days exceed the working capacity of %(capacity)s for %(n)d people over the "
                "period (215 working days a year each).",
                days=days,
                capacity=capacity,
                n=headcount,
            )
        )
        return None
    return {
        "role": line["role"],
        "headcount": headcount,
        "person_days": days,
        "employment_type": line.get("employment_type"),
        "delivery_status": line.get("delivery_status") or "planned",
        "period_start": line.get("period_start"),
        "period_end": line.get("period_end"),
        "person_names": line.get("person_names"),
    }


def _in_kind_line(
    contribution: Contribution, line: dict[str, Any], errors: dict[str, list[str]], key: str
) -> InKindItem | None:
    values = _in_kind_values(contribution, line, errors, key)
    return InKindItem(contribution=contribution, **values) if values is not None else None


def _in_kind_values(
    contribution: Contribution, line: dict[str, Any], errors: dict[str, list[str]], key: str
) -> dict[str, Any] | None:
    """Column values of an in-kind item; a value in another currency takes the ECB rate, locked."""
    values: dict[str, Any] = {
        "kind": line["kind"],
        "description": line["description"] or "",
        "quantity": line["quantity"],
        "unit": line["unit"] or "",
        "value": None,
        "currency": None,
        "rate": None,
        "rate_date": None,
        "value_eur": None,
    }
    if line.get("value") is not None:
        currency = line.get("currency") or "EUR"
        day = contribution.decision_date or contribution.period_start or _today()
        rate = _line_rate(currency, min(day, _today()), None)
        if rate is None:
            errors.setdefault(f"{key}currency", []).append(_no_rate_message(currency, day, bank_rate=False))
            return None
        values.update(
            value=line["value"],
            currency=currency,
            rate=rate[0],
            rate_date=rate[1],
            value_eur=_to_eur(line["value"], rate[0]),
        )
    return values


def find_duplicate(
    state: str, commons: Commons, kind: str, lines: list[dict[str, Any]], period_start: dt.date | None, title: str
) -> Contribution | None:
    """A live contribution that looks like this one: same state, commons and type, same amount in the window."""
    window = dt.timedelta(days=DUPLICATE_WINDOW_DAYS)
    query = select(Contribution).where(
        Contribution.member_state_code == state,
        Contribution.commons_id == commons.id,
        Contribution.type == kind,
        Contribution.deleted_at.is_(None),
    )
    if kind == "funding":
        for line in lines:
            if line.get("amount") is None or line.get("date") is None:
                continue
            found = db.session.scalar(
                query.join(FundingLine, FundingLine.contribution_id == Contribution.id)
                .where(
                    FundingLine.amount == line["amount"],
                    FundingLine.currency == line["currency"],
                    FundingLine.date.between(line["date"] - window, line["date"] + window),
                )
                .limit(1)
            )
            if found is not None:
                return found
        return None
    for candidate in db.session.scalars(query):
        same_title = candidate.title.strip().lower() == (title or "").strip().lower()
        close = (
            period_start is not None
            and candidate.period_start is not None
            and abs(candidate.period_start - period_start) <= window
        )
        if same_title or close:
            return candidate
    return None


# --- the rules that need the database, without writing ----------------------------------------------------
#
# A page whose form refused some fields still runs these on the fields it accepted, so that every error comes in
# one submit (a missing rate for the currency and date together with a badly typed amount). ``data`` and each
# line then hold only the accepted fields: a rule runs when every field it reads is there. The same functions
# run on save, so these rules have one home.

_NEEDS = {
    "rate": ("currency", "date", "bank_rate"),
    "staff": ("fte", "person_days", "headcount", "period_start", "period_end"),
}


def _has(line: dict[str, Any], names: tuple[str, ...]) -> bool:
    return all(name in line for name in names)


def _check_line(
    actor: Any,
    kind: str,
    line: dict[str, Any],
    errors: dict[str, list[str]],
    key: str,
    *,
    contribution: Contribution | None,
    period: tuple[dt.date | None, dt.date | None] | None,
    value_day: dt.date | None,
) -> None:
    """Field errors of one line that need the database (rates, evidence) or the envelope (staff capacity).

    ``period`` is the envelope's period (None when the form refused it), ``value_day`` the date whose rate an
    in-kind value takes (None when unknown), ``contribution`` the saved contribution (None for a new one).
    """
    if kind == "funding":
        day = line.get("date")
        rate_known = _has(line, _NEEDS["rate"]) and bool(line["currency"])
        if rate_known and day is not None and _line_rate(line["currency"], day, line["bank_rate"]) is None:
            errors.setdefault(f"{key}currency", []).append(_no_rate_message(line["currency"], day, actor))
        unproven = not (line.get("evidence_url") or line.get("evidence_id"))
        if line.get("kind") == "disbursement" and "evidence_url" in line and unproven:
            errors.setdefault(f"{key}evidence_url", []).append(
                _("A disbursement needs evidence: give the link to the payment proof.")
            )
        evidence_id = line.get("evidence_id")
        if evidence_id and not line.get("evidence_url"):
            known = {str(e.id) for e in contribution.evidence} if contribution is not None else set()
            if str(evidence_id) not in known:
                # Same message for an id of no evidence and of another contribution's: ids are not revealed.
                errors.setdefault(f"{key}evidence_id", []).append(
                    _("This evidence does not exist on this contribution: add it first, or give the link instead.")
                )
    elif kind == "staff":
        if period is not None and _has(line, _NEEDS["staff"]):
            envelope = SimpleNamespace(period_start=period[0], period_end=period[1])
            _staff_values(envelope, {"role": None, **line}, errors, key)  # type: ignore[arg-type]
    elif kind == "in_kind":
        currency = line.get("currency")
        if line.get("value") is None or not currency or value_day is None:
            return
        if _line_rate(currency, min(value_day, _today()), None) is None:
            errors.setdefault(f"{key}currency", []).append(_no_rate_message(currency, value_day, bank_rate=False))


def _value_day(decision_date: dt.date | None, period_start: dt.date | None) -> dt.date:
    """The date whose ECB rate an in-kind value takes."""
    return decision_date or period_start or _today()


def _check_new(
    actor: Any, state: str | None, kind: str, data: dict[str, Any], errors: dict[str, list[str]]
) -> Commons | None:
    """The database rules of a new contribution (commons, duplicate, lines), on the fields ``data`` holds."""
    commons = _commons(data["commons"], errors) if "commons" in data else None
    lines = data.get("lines") or []
    if state is not None and commons is not None and not data.get("not_duplicate"):
        complete = [line for line in lines if _has(line, ("amount", "currency", "date"))]
        duplicate = find_duplicate(state, commons, kind, complete, data.get("period_start"), data.get("title") or "")
        if duplicate is not None:
            errors.setdefault("not_duplicate", []).append(
                _(
                    "This looks like %(ref)s (same member state, commons, type and amount or dates). "
                    "If it is not a duplicate, tick “This is not a duplicate” and save again.",
                    ref=duplicate.ref,
                )
            )
    period = (data["period_start"], data["period_end"]) if _has(data, ("period_start", "period_end")) else None
    value_day = (
        _value_day(data["decision_date"], data["period_start"])
        if _has(data, ("decision_date", "period_start"))
        else None
    )
    with db.session.no_autoflush:
        for index, line in enumerate(lines):
            _check_line(
                actor, kind, line, errors, f"lines-{index}-", contribution=None, period=period, value_day=value_day
            )
    return commons


def check_contribution(actor: Any, data: dict[str, Any]) -> dict[str, list[str]]:
    """Field errors of a new contribution that need the database, for the fields ``data`` holds; writes nothing.

    The permission comes first, as on save (PermissionDenied propagates).
    """
    errors: dict[str, list[str]] = {}
    try:
        state: str | None = resolve_state(actor, data.get("member_state"))
    except ValidationFailed as failure:
        errors.update({name: list(messages) for name, messages in failure.errors.items()})
        state = None
    kind = data.get("type")
    if kind not in TYPES:
        errors.setdefault("type", []).append(_("Choose the type: funding, staff, governance or in_kind."))
        return errors
    _check_new(actor, state, str(kind), data, errors)
    return errors


def create_contribution(actor: Any, data: dict[str, Any]) -> Contribution:
    """Record a contribution with its first lines for the actor's own member state."""
    state = resolve_state(actor, data.get("member_state"))
    kind = data.get("type")
    errors: dict[str, list[str]] = {}
    if kind not in ("funding", "staff", "governance", "in_kind"):
        raise ValidationFailed({"type": [_("Choose the type: funding, staff, governance or in_kind.")]})
    commons = _check_new(actor, state, kind, {"commons": data.get("commons"), **data}, errors)
    if errors:
        raise ValidationFailed(errors)
    assert commons is not None
    lines = data.get("lines") or []
    contribution = Contribution(
        ref=_next_ref(state, _today().year),
        member_state_code=state,
        commons=commons,
        type=kind,
        title=data["title"],
        description=data.get("description"),
        instrument=data.get("instrument"),
        purpose_tags=list(data.get("purpose_tags") or []),
        period_start=data.get("period_start"),
        period_end=data.get("period_end"),
        decision_date=data.get("decision_date"),
        visibility=data.get("visibility") or "public",
        contributing_org_id=getattr(actor, "organisation_id", None)
        if getattr(actor, "member_state_code", None) == state
        else None,
        created_by_id=getattr(actor, "id", None),
        version=1,
    )
    db.session.add(contribution)
    _add_lines(actor, contribution, lines, errors, "lines-")
    if errors:
        raise ValidationFailed(errors)
    _save_version(contribution, actor)
    record_event(
        "contribution:create",
        contribution,
        new={"ref": contribution.ref, "member_state": state, "type": kind, "lines": len(lines)},
        actor=actor,
    )
    for line in lines:
        record_event(f"contribution:{kind}_line:add", contribution, new=_audit_line(line), actor=actor)
    return contribution


# --- changing -----------------------------------------------------------------------------------------------


def update_contribution(actor: Any, ref: str, data: dict[str, Any], version: int) -> Contribution:
    """Change the envelope (title, dates, visibility, commons …); each changed field is audited old → new."""
    contribution = get_for_edit(actor, ref)
    if version != contribution.version:
        raise StaleVersion(contribution, data)
    errors: dict[str, list[str]] = {}
    if data.get("member_state"):
        resolve_state(actor, data["member_state"])  # refuses another state: it is never stored
    commons = _commons(data["commons"], errors) if "commons" in data else contribution.commons
    if errors:
        raise ValidationFailed(errors)
    start = data.get("period_start", contribution.period_start)
    end = data.get("period_end", contribution.period_end)
    if start and end and end < start:
        raise ValidationFailed({"period_end": [_("The end date is before the start date.")]})
    changes: dict[str, tuple[Any, Any]] = {}
    for name in ENVELOPE_FIELDS:
        if name not in data:
            continue
        old, new = getattr(contribution, name), data[name]
        if name == "purpose_tags":
            new = list(new or [])
        if old != new:
            changes[name] = (old, new)
            setattr(contribution, name, new)
    if commons is not None and commons.id != contribution.commons_id:
        changes["commons"] = (contribution.commons.slug if contribution.commons else None, commons.slug)
        contribution.commons = commons
    if not changes:
        return contribution
    _bump_version(contribution, version, data)
    for name, (old, new) in changes.items():
        record_event(f"contribution:{name}:update", contribution, old=jsonable(old), new=jsonable(new), actor=actor)
    _save_version(contribution, actor)
    return contribution


def _check_lines(actor: Any, contribution: Contribution, lines: list[dict[str, Any]]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    period = (contribution.period_start, contribution.period_end)
    value_day = _value_day(contribution.decision_date, contribution.period_start)
    with db.session.no_autoflush:
        for line in lines:
            _check_line(
                actor,
                contribution.type,
                line,
                errors,
                "",
                contribution=contribution,
                period=period,
                value_day=value_day,
            )
    return errors


def check_lines(actor: Any, ref: str, lines: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Field errors of lines to add to (or change on) a saved contribution that need the database, for the fields
    each line holds; writes nothing. The permission comes first, as on save."""
    return _check_lines(actor, get_for_edit(actor, ref), lines)


def add_lines(actor: Any, ref: str, lines: list[dict[str, Any]], version: int) -> Contribution:
    """Add lines of the contribution's type. Funding lines are a ledger: corrections are new adjustment lines."""
    contribution = get_for_edit(actor, ref)
    if version != contribution.version:
        raise StaleVersion(contribution, {"lines": lines})
    errors = _check_lines(actor, contribution, lines)
    if errors:
        raise ValidationFailed(errors)
    _add_lines(actor, contribution, lines, errors, "")
    if errors:
        raise ValidationFailed(errors)
    _bump_version(contribution, version, {"lines": lines})
    for line in lines:
        record_event(f"contribution:{contribution.type}_line:add", contribution, new=_audit_line(line), actor=actor)
    _save_version(contribution, actor)
    return contribution


def _audit_line(line: dict[str, Any]) -> Any:
    """A line as the audit trail keeps it: named persons are private and never copied there."""
    out = jsonable(line)
    if out.get("person_names"):
        out["person_names"] = "(given)"
    return out


def line_of(contribution: Contribution, line_id: int) -> Any:
    """A staff allocation, seat or in-kind item of the contribution; 404 otherwise."""
    collection = {"staff": contribution.staff, "governance": contribution.governance, "in_kind": contribution.in_kind}
    for line in collection.get(contribution.type, []):
        if line.id == line_id:
            return line
    raise NotFound()


def update_line(actor: Any, ref: str, line_id: int, line: dict[str, Any], version: int) -> Contribution:
    """Change a staff allocation, a governance seat or an in-kind item (a seat ends, a secondment starts …).

    Funding lines are a ledger and never change: a correction is a new adjustment line.
    """
    contribution = get_for_edit(actor, ref)
    if contribution.type == "funding":
        raise Conflict(_("Funding lines are never changed: add an adjustment line with a justification."))
    target = line_of(contribution, line_id)
    if version != contribution.version:
        raise StaleVersion(contribution, line)
    errors = _check_lines(actor, contribution, [line])
    if errors:
        raise ValidationFailed(errors)
    with db.session.no_autoflush:
        if contribution.type == "staff":
            values = _staff_values(contribution, line, errors, "")
        elif contribution.type == "in_kind":
            values = _in_kind_values(contribution, line, errors, "")
        else:
            values = dict(line)
    if errors or values is None:
        raise ValidationFailed(errors)
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for name, value in values.items():
        if getattr(target, name) != value:
            old[name], new[name] = getattr(target, name), value
            setattr(target, name, value)
    if not new:
        return contribution
    _bump_version(contribution, version, line)
    if "person_names" in new:
        # Names are private: the audit trail says that they changed, not what they are.
        old["person_names"] = new["person_names"] = "(changed)"
    record_event(
        f"contribution:{contribution.type}_line:update",
        contribution,
        old={"line": line_id, **jsonable(old)},
        new={"line": line_id, **jsonable(new)},
        actor=actor,
    )
    _save_version(contribution, actor)
    return contribution


def add_evidence(actor: Any, ref: str, data: dict[str, Any], version: int) -> Evidence:
    """Attach evidence (an http(s) link with a type and its own visibility)."""
    contribution = get_for_edit(actor, ref)
    if version != contribution.version:
        raise StaleVersion(contribution, data)
    evidence = Evidence(contribution=contribution, **data)
    db.session.add(evidence)
    _bump_version(contribution, version, data)
    record_event("contribution:evidence:add", contribution, new=jsonable(data), actor=actor)
    _save_version(contribution, actor)
    return evidence


def set_manual_status(actor: Any, ref: str, status: str | None, reason: str | None, version: int) -> Contribution:
    """Cancel, suspend or close by hand (a reason is required), or go back to the derived status.

    Nothing is written when the status and the reason are those already recorded."""
    contribution = get_for_edit(actor, ref)
    if version != contribution.version:
        raise StaleVersion(contribution, {"status": status, "reason": reason})
    status = status or None
    if status not in (None, "cancelled", "suspended", "closed"):
        raise ValidationFailed({"status": [_("Choose cancelled, suspended, closed or none.")]})
    if status and not (reason or "").strip():
        message = (
            _("A cancellation needs a reason.") if status == "cancelled" else _("Give the reason for this status.")
        )
        raise ValidationFailed({"reason": [message]})
    old = {"manual_status": contribution.manual_status, "reason": contribution.status_reason}
    new_reason = (reason or "").strip() or None if status else None
    if (status, new_reason) == (contribution.manual_status, contribution.status_reason):
        # Saving the page unchanged is not a change: no new version, no audit event.
        return contribution
    contribution.manual_status = status
    contribution.status_reason = new_reason
    _bump_version(contribution, version, {"status": status})
    record_event(
        "contribution:status:update",
        contribution,
        old=old,
        new={"manual_status": status, "reason": contribution.status_reason},
        actor=actor,
    )
    _save_version(contribution, actor)
    return contribution


def delete_contribution(actor: Any, ref: str, reason: str, version: int) -> Contribution:
    """Soft delete: the record and its history stay, listed among the state's deleted contributions."""
    contribution = find(ref)
    if contribution is None:
        raise NotFound()
    require(actor, "contribution:delete", contribution, hide=True)
    if contribution.deleted_at is not None:
        raise Conflict(_("This contribution is already deleted."))
    if version != contribution.version:
        raise StaleVersion(contribution, {"delete_reason": reason})
    if not (reason or "").strip():
        raise ValidationFailed({"reason": [_("Give the reason for deleting.")]})
    contribution.deleted_at = utcnow()
    contribution.deleted_by_id = getattr(actor, "id", None)
    contribution.delete_reason = reason.strip()
    _bump_version(contribution, version, {"delete_reason": reason})
    record_event("contribution:delete", contribution, new={"reason": contribution.delete_reason}, actor=actor)
    _save_version(contribution, actor)
    return contribution


def restore_contribution(actor: Any, ref: str, version: int) -> Contribution:
    """Undo a soft delete."""
    contribution = get_for_edit(actor, ref, allow_deleted=True)
    if contribution.deleted_at is None:
        raise Conflict(_("This contribution is not deleted."))
    if version != contribution.version:
        raise StaleVersion(contribution, {})
    old = {"deleted_at": jsonable(contribution.deleted_at), "reason": contribution.delete_reason}
    contribution.deleted_at = None
    contribution.deleted_by_id = None
    contribution.delete_reason = None
    _bump_version(contribution, version, {})
    record_event("contribution:restore", contribution, old=old, actor=actor)
    _save_version(contribution, actor)
    return contribution


# --- needs and gaps -----------------------------------------------------------------------------------------


def get_commons(slug: str) -> Commons:
    found = db.session.scalar(select(Commons).where(Commons.slug == slug))
    if found is None:
        raise NotFound()
    return found


def post_need(actor: Any, slug: str, data: dict[str, Any]) -> Need:
    """A steward of the commons or the secretariat posts what the commons needs."""
    commons = get_commons(slug)
    require(actor, "need:post", commons)
    need = Need(commons=commons, posted_by_id=getattr(actor, "id", None), status="open", **data)
    db.session.add(need)
    db.session.flush()
    record_event("need:create", need, new=jsonable(data), actor=actor)
    return need


def set_need_status(actor: Any, need_id: int, status: str) -> Need:
    """Mark a need met or withdrawn (or open again)."""
    need = db.session.get(Need, need_id)
    if need is None:
        raise NotFound()
    require(actor, "need:post", need.commons)
    if status not in ("open", "met", "withdrawn"):
        raise ValidationFailed({"status": [_("Choose open, met or withdrawn.")]})
    old = need.status
    need.status = status
    record_event("need:status:update", need, old=old, new=status, actor=actor)
    db.session.flush()
    return need


def _need_eur(need: Need) -> Decimal | None:
    if need.amount is None:
        return None
    currency = need.currency or "EUR"
    if currency == "EUR":
        return Decimal(need.amount)
    rate = fx.rate_for(currency, _today())
    if rate is None:
        latest = db.session.scalar(
            select(fx.ExchangeRate)
            .where(fx.ExchangeRate.currency == currency)
            .order_by(fx.ExchangeRate.date.desc())
            .limit(1)
        )
        rate = latest
    return _to_eur(Decimal(need.amount), Decimal(rate.rate)) if rate is not None else None


def gaps_for(commons: Commons, user: Any = None) -> dict[str, dict[str, Any]]:
    """Open needs against what is committed, per kind, in each kind's own unit (never added together).

    ``funding``: EUR (commitments and adjustments); ``staff``: person-days; ``governance``: seats. Records the
    viewer cannot read count only where the kind has at least 3 records (the small-cell rule).
    ``gap`` is ``need - committed`` (None when nothing is asked for); a negative gap means more than asked.
    """
    needs = [n for n in commons.needs if n.status == "open"]
    contributions = list(
        db.session.scalars(
            select(Contribution).where(
                Contribution.commons_id == commons.id,
                Contribution.deleted_at.is_(None),
                func.coalesce(Contribution.manual_status, "") != "cancelled",
            )
        )
    )
    by_kind: dict[str, list[Contribution]] = {"funding": [], "staff": [], "governance": []}
    for c in contributions:
        if c.type in by_kind:
            by_kind[c.type].append(c)
    for kind, items in by_kind.items():
        # Small-cell rule: records this viewer may not read count only when there are at least 3 of them,
        # so that the total never reveals one by subtraction of the readable ones.
        hidden = [c for c in items if not can_read(user, c)]
        if len(hidden) < SMALL_CELL_MIN:
            by_kind[kind] = [c for c in items if can_read(user, c)]
    funding_need = [_need_eur(n) for n in needs if n.kind == "funding"]
    need_eur = sum((v for v in funding_need if v is not None), Decimal(0)) if funding_need else None
    committed_eur = sum((funding_totals(c)["committed_total"] for c in by_kind["funding"]), Decimal(0))
    staff_need = [Decimal(n.person_days or 0) for n in needs if n.kind == "staff"]
    need_days = sum(staff_need, Decimal(0)) if staff_need else None
    committed_days = sum(
        (Decimal(s.person_days) for c in by_kind["staff"] for s in c.staff if s.delivery_status != "cancelled"),
        Decimal(0),
    )
    seat_need = [int(n.seats or 1) for n in needs if n.kind == "governance"]
    need_seats = sum(seat_need) if seat_need else None
    today = _today()
    committed_seats = sum(
        1 for c in by_kind["governance"] for g in c.governance if g.end_date is None or g.end_date >= today
    )

    def gap(need: Any, committed: Any) -> Any:
        return None if need is None else need - committed

    return {
        "funding": {
            "unit": "EUR",
            "need": need_eur,
            "committed": committed_eur,
            "gap": gap(need_eur, committed_eur),
            "needs": [n for n in needs if n.kind == "funding"],
        },
        "staff": {
            "unit": "person_days",
            "need": need_days,
            "committed": committed_days,
            "gap": gap(need_days, committed_days),
            "needs": [n for n in needs if n.kind == "staff"],
        },
        "governance": {
            "unit": "seats",
            "need": need_seats,
            "committed": committed_seats,
            "gap": gap(need_seats, committed_seats),
            "needs": [n for n in needs if n.kind == "governance"],
        },
    }
