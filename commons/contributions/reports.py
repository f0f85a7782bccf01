# SPDX-License-Identifier: EUPL-1.2
"""Aggregation queries behind the contribution dashboards and exports.

Rules that hold everywhere in this module (DESIGN.md §4, §5):

- unlike units are never added: cash (EUR, from the amount locked on each ledger line), person-days (and
  FTE-years = person-days / 215), seats (formal and informal apart), in-kind items and their value each have
  their own measure;
- a contribution made through an intermediary is one contribution of its state: it is counted once, for the
  state, never for the intermediary;
- a record the viewer may not read on its own (``can(user, "contribution:read", c)`` is false) counts only in
  the cells of the matrix (member state × year × type) that hold at least ``K_MIN`` such records. Totals are
  sums of the cells as shown, so a withheld record cannot be recovered by subtracting cells from totals.
  Every other report (profiles, statements, pipeline, coverage, governance, staff, gaps) lists only records
  the viewer may read: their groupings cut across the matrix cells, and differences between overlapping
  groupings (or date ranges) would otherwise reveal single withheld records.
- staff names (``StaffAllocation.person_names``) are never read here.

Sums are computed in Python with ``Decimal``: SQLite stores exact decimals as text (``commons.types``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from commons.catalogue.models import Commons, Need
from commons.contributions.models import (
    TYPES,
    WORKING_DAYS_PER_YEAR,
    Contribution,
    FundingLine,
    GovernanceParticipation,
    InKindItem,
    StaffAllocation,
)
from commons.contributions.visibility import SMALL_CELL_MIN, visible_contributions_query
from commons.errors import ValidationFailed
from commons.extensions import db
from commons.memberstates.models import MemberState
from commons.permissions import can

K_MIN = SMALL_CELL_MIN
# The member state and type of the row that pools the records of cells too small to show.
OTHER = "other"
ZERO = Decimal(0)
CENT = Decimal("0.01")

MONEY_MEASURES = ("pledged_eur", "committed_eur", "disbursed_eur")
MEASURES = (
    "pledged_eur",
    "committed_eur",
    "disbursed_eur",
    "person_days",
    "fte_years",
    "seats_formal",
    "seats_informal",
    "in_kind_items",
    "in_kind_value_eur",
)
# Statuses under which intent (pledges, commitments) no longer counts; flows that happened still do.
WITHDRAWN = ("cancelled",)
# Ledger kinds → matrix measure. Adjustments correct a commitment (signed amounts); expenditure is the
# recipient's spending of money already disbursed, so it is exported per line but not added to the matrix.
KIND_MEASURE = {
    "pledge": "pledged_eur",
    "commitment": "committed_eur",
    "adjustment": "committed_eur",
    "disbursement": "disbursed_eur",
}
INTENT_KINDS = ("pledge", "commitment", "adjustment")


def fte_years(person_days: Decimal) -> Decimal:
    """Person-days as full-time-equivalent years (215 working days a year), to the hundredth."""
    return (Decimal(person_days) / WORKING_DAYS_PER_YEAR).quantize(CENT)


def empty_measures() -> dict[str, Decimal]:
    return dict.fromkeys(MEASURES, ZERO)


def add_measures(target: dict[str, Decimal], source: Mapping[str, Decimal]) -> None:
    for key, value in source.items():
        if key != "fte_years":
            target[key] = target.get(key, ZERO) + value
    target["fte_years"] = fte_years(target.get("person_days", ZERO))


# --------------------------------------------------------------------------------------------------- filters


def normalise_state_code(raw: str | None) -> str | None:
    """A stored member-state code for ``raw`` (``EL`` → ``GR``, any case), or None if unknown."""
    code = (raw or "").strip().upper()
    if code == "EL":
        code = "GR"
    if len(code) != 2 or not code.isalpha():
        return None
    return code if db.session.get(MemberState, code) is not None else None


def display_code(code: str) -> str:
    """EU usage writes Greece as EL."""
    return "EL" if code == "GR" else code


@dataclass
class ReportFilters:
    """The filters every dashboard and export accepts (GET parameters of the same names)."""

    member_state: str | None = None
    year: int | None = None
    type: str | None = None
    commons: Commons | None = None

    def as_dict(self) -> dict[str, str]:
        """Filters in force, as written in export metadata (empty when none)."""
        out: dict[str, str] = {}
        if self.member_state:
            out["member_state"] = self.member_state
        if self.year is not None:
            out["year"] = str(self.year)
        if self.type:
            out["type"] = self.type
        if self.commons is not None:
            out["commons"] = self.commons.slug
        return out


def parse_filters(args: Mapping[str, Any]) -> ReportFilters:
    """Read ``member_state``, ``year``, ``type`` and ``commons`` from ``args``; unknown values raise
    ``ValidationFailed`` (422) naming the field, never a 500."""
    errors: dict[str, list[str]] = {}
    filters = ReportFilters()
    state = (args.get("member_state") or "").strip()
    if state:
        code = normalise_state_code(state)
        if code is None:
            errors["member_state"] = [_("Choose a member state from the list.")]
        filters.member_state = code
    year = (args.get("year") or "").strip()
    if year:
        if year.isdigit() and len(year) == 4 and 1990 <= int(year) <= 2100:
            filters.year = int(year)
        else:
            errors["year"] = [_("Enter a year with four digits, between 1990 and 2100.")]
    kind = (args.get("type") or "").strip()
    if kind:
        if kind in TYPES:
            filters.type = kind
        else:
            errors["type"] = [_("Choose a contribution type from the list.")]
    slug = (args.get("commons") or "").strip()
    if slug:
        commons = db.session.scalar(select(Commons).where(Commons.slug == slug[:120]))
        if commons is None:
            errors["commons"] = [_("No commons has this identifier.")]
        filters.commons = commons
    if errors:
        raise ValidationFailed(errors)
    return filters


def member_states() -> list[MemberState]:
    """Member states in display order, for filter lists."""
    return list(db.session.scalars(select(MemberState).order_by(MemberState.code)))


# --------------------------------------------------------------------------------------------------- loading


def _eager() -> tuple[Any, ...]:
    # Built per query: loader options at import time would configure the mappers before every model exists.
    return (
        selectinload(Contribution.funding_lines),
        selectinload(Contribution.staff),
        selectinload(Contribution.governance),
        selectinload(Contribution.in_kind),
        selectinload(Contribution.evidence),
        selectinload(Contribution.member_state),
        selectinload(Contribution.commons),
        selectinload(Contribution.contributing_org),
        selectinload(Contribution.recipient_org),
        selectinload(Contribution.intermediary_org),
    )


def _filtered(query: Any, filters: ReportFilters | None) -> Any:
    query = query.options(*_eager()).order_by(Contribution.member_state_code, Contribution.ref)
    if filters is not None:
        if filters.member_state:
            query = query.where(Contribution.member_state_code == filters.member_state)
        if filters.type:
            query = query.where(Contribution.type == filters.type)
        if filters.commons is not None:
            query = query.where(Contribution.commons_id == filters.commons.id)
    return query


def contributions_for(filters: ReportFilters | None = None) -> list[Contribution]:
    """Every contribution that is not deleted and matches the state, type and commons filters, with its
    lines loaded, whoever may read it (for the matrix only). The year filter applies to dated facts."""
    query = select(Contribution).where(Contribution.deleted_at.is_(None))
    return list(db.session.scalars(_filtered(query, filters)))


def readable(user: Any, contribution: Contribution) -> bool:
    """May ``user`` see this record on its own (not only inside an aggregate)?"""
    return can(user, "contribution:read", contribution)


def readable_for(user: Any, filters: ReportFilters | None = None) -> list[Contribution]:
    """The records ``user`` may read one by one, filtered (the year filter included)."""
    out = list(db.session.scalars(_filtered(visible_contributions_query(user), filters)))
    if filters is not None and filters.year is not None:
        out = [c for c in out if filters.year in contribution_years(c)]
    return out


# ----------------------------------------------------------------------------------------------------- facts


def reference_date(contribution: Contribution) -> dt.date:
    """The date a contribution's undated facts (in-kind items, staff or seats without dates) belong to."""
    if contribution.period_start is not None:
        return contribution.period_start
    if contribution.decision_date is not None:
        return contribution.decision_date
    if contribution.funding_lines:
        return min(line.date for line in contribution.funding_lines)
    created = contribution.created_at
    return created.date() if created is not None else dt.date.today()


def funding_measures(line: FundingLine, contribution: Contribution) -> dict[str, Decimal]:
    measure = KIND_MEASURE.get(line.kind)
    if measure is None:
        return {}
    if line.kind in INTENT_KINDS and contribution.status in WITHDRAWN:
        return {}
    return {measure: Decimal(line.amount_eur or 0)}


def staff_measures(allocation: StaffAllocation) -> dict[str, Decimal]:
    return {"person_days": Decimal(allocation.person_days or 0)}


def seat_measures(seat: GovernanceParticipation) -> dict[str, Decimal]:
    return {"seats_formal" if seat.formal else "seats_informal": Decimal(1)}


def in_kind_measures(item: InKindItem) -> dict[str, Decimal]:
    out = {"in_kind_items": Decimal(1)}
    if item.value_eur is not None:
        out["in_kind_value_eur"] = Decimal(item.value_eur)
    return out


def facts(contribution: Contribution) -> Iterator[tuple[dt.date, dict[str, Decimal]]]:
    """(date, measures) for every line of a contribution: ledger lines on their own date, staff and seats on
    their start date, in-kind items on the contribution's reference date."""
    for line in contribution.funding_lines:
        measures = funding_measures(line, contribution)
        if measures:
            yield line.date, measures
    for allocation in contribution.staff:
        yield allocation.period_start or reference_date(contribution), staff_measures(allocation)
    for seat in contribution.governance:
        yield seat.start_date or reference_date(contribution), seat_measures(seat)
    for item in contribution.in_kind:
        yield reference_date(contribution), in_kind_measures(item)


def contribution_years(contribution: Contribution) -> set[int]:
    years = {day.year for day, _measures in facts(contribution)}
    return years or {reference_date(contribution).year}


def contribution_totals(contribution: Contribution) -> dict[str, Decimal]:
    """A contribution's own totals per measure (never across units)."""
    totals = empty_measures()
    for _day, measures in facts(contribution):
        add_measures(totals, measures)
    return totals


# ---------------------------------------------------------------------------------------------------- matrix


@dataclass
class Cell:
    """One cell of the matrix: member state × year × type."""

    member_state: str
    year: int | None
    type: str
    visible: set[int] = field(default_factory=set)
    hidden: set[int] = field(default_factory=set)
    visible_measures: dict[str, Decimal] = field(default_factory=empty_measures)
    hidden_measures: dict[str, Decimal] = field(default_factory=empty_measures)

    @property
    def hidden_counted(self) -> bool:
        return len(self.hidden) >= K_MIN

    @property
    def suppressed(self) -> bool:
        """Some records of the cell are withheld: fewer than ``K_MIN`` the viewer may not read."""
        return 0 < len(self.hidden) < K_MIN

    @property
    def withheld(self) -> bool:
        """Nothing of the cell can be shown: it only holds withheld records."""
        return self.suppressed and not self.visible

    @property
    def records(self) -> int:
        return len(self.counted_ids)

    @property
    def counted_ids(self) -> set[int]:
        return self.visible | self.hidden if self.hidden_counted else set(self.visible)

    @property
    def measures(self) -> dict[str, Decimal]:
        """The values shown: the viewer's records, plus the others when there are at least ``K_MIN``."""
        out = empty_measures()
        add_measures(out, self.visible_measures)
        if self.hidden_counted:
            add_measures(out, self.hidden_measures)
        return out


@dataclass
class Total:
    """A sum of shown cells (a member state's row total, or the grand total)."""

    label: str
    ids: set[int] = field(default_factory=set)
    measures: dict[str, Decimal] = field(default_factory=empty_measures)
    suppressed: bool = False

    @property
    def records(self) -> int:
        return len(self.ids)

    def add(self, cell: Cell) -> None:
        self.ids |= cell.counted_ids
        add_measures(self.measures, cell.measures)
        self.suppressed = self.suppressed or cell.suppressed


@dataclass
class Matrix:
    cells: list[Cell]
    state_totals: list[Total]
    grand_total: Total
    hidden_allowed: bool
    # Records of cells that would hold nothing the viewer may read, pooled (shown only with >= K_MIN of them).
    other: Cell | None = None

    @property
    def any_suppressed(self) -> bool:
        return any(cell.suppressed for cell in self.cells)


def aggregate_matrix(user: Any, filters: ReportFilters | None = None) -> Matrix:
    """The matrix member state × year × type as ``user`` may see it.

    Records the user may not read count only in cells with at least ``K_MIN`` of them, and only in the
    matrix without a commons filter (a commons filter splits cells, and the difference with the unfiltered
    matrix would reveal what the rule withholds)."""
    filters = filters or ReportFilters()
    hidden_allowed = filters.commons is None
    cells: dict[tuple[str, int, str], Cell] = {}
    for contribution in contributions_for(filters):
        is_readable = readable(user, contribution)
        if not is_readable and not hidden_allowed:
            continue
        for day, measures in facts(contribution):
            if filters.year is not None and day.year != filters.year:
                continue
            key = (contribution.member_state_code, day.year, contribution.type)
            cell = cells.get(key)
            if cell is None:
                cell = cells[key] = Cell(*key)
            if is_readable:
                cell.visible.add(contribution.id)
                add_measures(cell.visible_measures, measures)
            else:
                cell.hidden.add(contribution.id)
                add_measures(cell.hidden_measures, measures)
    # A cell made only of records the viewer may not read (fewer than K_MIN) must not appear at all: even empty,
    # its row would tell that something exists in that state, year and type. Its records go to one "other"
    # row, shown only when it holds at least K_MIN of them; otherwise they are left out.
    other = Cell(OTHER, None, OTHER)
    shown = []
    for cell in cells.values():
        if cell.withheld:
            other.hidden |= cell.hidden
            add_measures(other.hidden_measures, cell.hidden_measures)
        else:
            shown.append(cell)
    type_order = {kind: index for index, kind in enumerate(TYPES)}
    ordered = sorted(shown, key=lambda c: (c.member_state, c.year or 0, type_order.get(c.type, 99)))
    per_state: dict[str, Total] = {}
    grand = Total(label="total")
    for cell in ordered:
        per_state.setdefault(cell.member_state, Total(label=cell.member_state)).add(cell)
        grand.add(cell)
    pooled = other if other.hidden_counted else None
    if pooled is not None:
        grand.add(pooled)
    return Matrix(ordered, list(per_state.values()), grand, hidden_allowed, pooled)


# ------------------------------------------------------------------------------------------- commons profile


@dataclass
class ProfileRow:
    member_state: str
    type: str
    records: int
    measures: dict[str, Decimal]


def commons_profile(user: Any, commons: Commons) -> dict[str, Any]:
    """A commons' funding profile: per state and type, the totals of records the user may read."""
    contributions = readable_for(user, ReportFilters(commons=commons))
    rows: dict[tuple[str, str], ProfileRow] = {}
    total = empty_measures()
    for contribution in contributions:
        key = (contribution.member_state_code, contribution.type)
        row = rows.setdefault(key, ProfileRow(key[0], key[1], 0, empty_measures()))
        row.records += 1
        measures = contribution_totals(contribution)
        add_measures(row.measures, measures)
        add_measures(total, measures)
    return {
        "commons": commons,
        "rows": sorted(rows.values(), key=lambda r: (r.member_state, r.type)),
        "total": total,
        "contributions": contributions,
        "states": sorted({c.member_state_code for c in contributions}),
        "gaps": gaps_report(user, commons),
    }


# ---------------------------------------------------------------------------------------------- statements


@dataclass
class StatementLine:
    contribution: Contribution
    date: dt.date
    unit: str  # funding | staff | governance | in_kind
    kind: str
    measures: dict[str, Decimal]
    amount: Decimal | None = None
    currency: str | None = None
    detail: str = ""


def parse_date(raw: str | None, field_name: str, errors: dict[str, list[str]]) -> dt.date | None:
    """An ISO date (YYYY-MM-DD) or None; a bad value adds a message for ``field_name``."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        value = None
    if value is None or len(text) != 10 or not (1990 <= value.year <= 2100):
        errors.setdefault(field_name, []).append(
            _("Enter a date as YYYY-MM-DD (for example 2026-01-31), between 1990 and 2100.")
        )
        return None
    return value


def parse_date_range(args: Mapping[str, Any]) -> tuple[dt.date | None, dt.date | None]:
    """``from`` and ``to`` of a statement; raises ``ValidationFailed`` naming the field."""
    errors: dict[str, list[str]] = {}
    start = parse_date(args.get("from"), "from", errors)
    end = parse_date(args.get("to"), "to", errors)
    if start and end and end < start:
        errors.setdefault("to", []).append(_("The end date must be on or after the start date."))
    if errors:
        raise ValidationFailed(errors)
    return start, end


def _in_range(day: dt.date, start: dt.date | None, end: dt.date | None) -> bool:
    return (start is None or day >= start) and (end is None or day <= end)


def state_statement(user: Any, state_code: str, start: dt.date | None, end: dt.date | None) -> dict[str, Any]:
    """What a member state gave between ``start`` and ``end`` (inclusive), line by line, with totals per
    unit. Only records the user may read are listed (an own-state representative or staff see them all)."""
    lines: list[StatementLine] = []
    totals = empty_measures()
    for contribution in readable_for(user, ReportFilters(member_state=state_code)):
        for line in contribution.funding_lines:
            if _in_range(line.date, start, end):
                measures = funding_measures(line, contribution)
                lines.append(
                    StatementLine(contribution, line.date, "funding", line.kind, measures, line.amount, line.currency)
                )
                add_measures(totals, measures)
        for allocation in contribution.staff:
            day = allocation.period_start or reference_date(contribution)
            if _in_range(day, start, end):
                measures = staff_measures(allocation)
                lines.append(StatementLine(contribution, day, "staff", allocation.role, measures))
                add_measures(totals, measures)
        for seat in contribution.governance:
            day = seat.start_date or reference_date(contribution)
            if _in_range(day, start, end):
                measures = seat_measures(seat)
                detail = seat.body_name or seat.body
                lines.append(StatementLine(contribution, day, "governance", seat.seat_role, measures, detail=detail))
                add_measures(totals, measures)
        for item in contribution.in_kind:
            day = reference_date(contribution)
            if _in_range(day, start, end):
                measures = in_kind_measures(item)
                lines.append(
                    StatementLine(contribution, day, "in_kind", item.kind, measures, item.value, item.currency)
                )
                add_measures(totals, measures)
    lines.sort(key=lambda line: (line.date, line.contribution.ref))
    return {"lines": lines, "totals": totals, "contributions": {line.contribution.ref for line in lines}}


# ------------------------------------------------------------------------------------ pipeline and ageing

STAGES = ("pledged", "committed", "disbursing", "disbursed")


def funding_stage(contribution: Contribution) -> str:
    """Where a funding contribution stands, from its ledger: pledged only, committed, partly or fully
    disbursed."""
    sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for line in contribution.funding_lines:
        sums[line.kind] += Decimal(line.amount_eur or 0)
    committed = sums["commitment"] + sums["adjustment"]
    disbursed = sums["disbursement"]
    if disbursed > 0 and committed > 0 and disbursed >= committed:
        return "disbursed"
    if disbursed > 0:
        return "disbursing"
    if committed > 0 or any(line.kind == "commitment" for line in contribution.funding_lines):
        return "committed"
    return "pledged"


def months_between(earlier: dt.date, later: dt.date) -> int:
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return months


def pipeline_report(user: Any, today: dt.date | None = None) -> dict[str, Any]:
    """Funding contributions by stage (EUR pledged, committed, disbursed) and ageing pledges: pledged
    more than 12 months ago and never committed (cancelled and closed contributions left out)."""
    today = today or dt.date.today()
    stages: dict[str, dict[str, Any]] = {
        stage: {"records": 0, **dict.fromkeys(MONEY_MEASURES, ZERO)} for stage in STAGES
    }
    ageing: list[dict[str, Any]] = []
    for contribution in readable_for(user, ReportFilters(type="funding")):
        if contribution.status in ("cancelled", "closed") or contribution.manual_status in ("cancelled", "closed"):
            continue
        pledges = [line for line in contribution.funding_lines if line.kind == "pledge"]
        has_commitment = any(line.kind == "commitment" for line in contribution.funding_lines)
        if not contribution.funding_lines:
            continue
        stage = funding_stage(contribution)
        totals = contribution_totals(contribution)
        stages[stage]["records"] += 1
        for measure in MONEY_MEASURES:
            stages[stage][measure] += totals[measure]
        if pledges and not has_commitment:
            first = min(line.date for line in pledges)
            age = months_between(first, today)
            if age >= 12:
                ageing.append(
                    {
                        "contribution": contribution,
                        "pledged_on": first,
                        "months": age,
                        "pledged_eur": totals["pledged_eur"],
                    }
                )
    ageing.sort(key=lambda row: row["pledged_on"])
    return {"stages": stages, "ageing": ageing, "today": today}


# ------------------------------------------------------------------------------- coverage and concentration


def coverage_report(user: Any) -> dict[str, Any]:
    """For each accepted commons, the member states contributing to it (records the user may read): the
    commons with no contributing state and with only one are the initiative's blind spots."""
    accepted = list(
        db.session.scalars(select(Commons).where(Commons.catalogue_status == "accepted").order_by(Commons.name))
    )
    states: dict[int, set[str]] = defaultdict(set)
    committed: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for contribution in readable_for(user):
        if contribution.commons_id is None:
            continue
        states[contribution.commons_id].add(contribution.member_state_code)
        totals = contribution_totals(contribution)
        committed[contribution.commons_id][contribution.member_state_code] += totals["committed_eur"]
    rows = []
    for commons in accepted:
        codes = sorted(states.get(commons.id, set()))
        money = committed.get(commons.id, {})
        total = sum(money.values(), ZERO)
        top_share = None
        if total > 0:
            top_share = (max(money.values()) / total * 100).quantize(Decimal("0.1"))
        rows.append({"commons": commons, "states": codes, "count": len(codes), "top_share": top_share})
    return {
        "rows": rows,
        "zero": [row for row in rows if row["count"] == 0],
        "one": [row for row in rows if row["count"] == 1],
    }


# ------------------------------------------------------------------------------------------ governance map


def governance_map(user: Any) -> list[dict[str, Any]]:
    """Commons × member state × body and seat, from governance records the user may read."""
    rows = []
    for contribution in readable_for(user):
        for seat in contribution.governance:
            rows.append(
                {
                    "commons": contribution.commons,
                    "member_state": contribution.member_state_code,
                    "contribution": contribution,
                    "seat": seat,
                }
            )
    rows.sort(key=lambda r: (r["commons"].name if r["commons"] else "", r["member_state"], r["seat"].body))
    return rows


# ------------------------------------------------------------------------------------------- staff by role


def staff_by_role(user: Any) -> list[dict[str, Any]]:
    """Headcount, person-days and FTE-years per staff role (records the user may read; never names)."""
    roles: dict[str, dict[str, Any]] = {}
    for contribution in readable_for(user):
        for allocation in contribution.staff:
            row = roles.setdefault(
                allocation.role,
                {"role": allocation.role, "headcount": 0, "person_days": ZERO, "records": set(), "states": set()},
            )
            row["headcount"] += allocation.headcount or 0
            row["person_days"] += Decimal(allocation.person_days or 0)
            row["records"].add(contribution.id)
            row["states"].add(contribution.member_state_code)
    out = []
    for row in sorted(roles.values(), key=lambda r: r["role"]):
        out.append(
            {
                "role": row["role"],
                "headcount": row["headcount"],
                "person_days": row["person_days"],
                "fte_years": fte_years(row["person_days"]),
                "records": len(row["records"]),
                "states": sorted(row["states"]),
            }
        )
    return out


# ------------------------------------------------------------------------------------------------------ gaps


def _committed_to(user: Any, commons: Commons) -> dict[str, Decimal]:
    """What is committed to a commons per kind, from records the user may read, with the rules of
    ``services.gaps_for``: commitments and adjustments of contributions not cancelled, person-days of
    allocations not cancelled, seats not ended."""
    today = dt.date.today()
    money, days, seats = ZERO, ZERO, ZERO
    for contribution in readable_for(user, ReportFilters(commons=commons)):
        if (contribution.manual_status or "") == "cancelled":
            continue
        if contribution.type == "funding":
            money += sum(
                (
                    Decimal(line.amount_eur or 0)
                    for line in contribution.funding_lines
                    if line.kind in ("commitment", "adjustment")
                ),
                ZERO,
            )
        elif contribution.type == "staff":
            days += sum(
                (Decimal(s.person_days or 0) for s in contribution.staff if s.delivery_status != "cancelled"), ZERO
            )
        elif contribution.type == "governance":
            seats += sum(1 for g in contribution.governance if g.end_date is None or g.end_date >= today)
    return {"funding": money, "staff": days, "governance": seats}


def gaps_report(user: Any, commons: Commons | None = None) -> list[dict[str, Any]]:
    """Open needs against what is committed, per commons and kind, each in its own unit (EUR, person-days,
    seats). Needs (and their conversion to EUR) come from ``services.gaps_for``; what is committed is summed
    here from the records the user may read, the same records as the profile beside it, so that the two
    cannot be subtracted from each other. ``missing`` is what is still needed (never below zero)."""
    from commons.contributions.services import gaps_for

    if commons is not None:
        targets = [commons]
    else:
        ids = select(Need.commons_id).where(Need.status == "open").distinct()
        targets = list(db.session.scalars(select(Commons).where(Commons.id.in_(ids)).order_by(Commons.name)))
    rows = []
    for target in targets:
        committed = _committed_to(user, target)
        for kind, gap in gaps_for(target, user).items():
            if not gap["needs"]:
                continue
            have = committed.get(kind, ZERO)
            missing = None if gap["need"] is None else max(Decimal(gap["need"]) - have, ZERO)
            rows.append(
                {
                    "commons": target,
                    "kind": kind,
                    "unit": gap["unit"],
                    "needs": gap["needs"],
                    "needed": gap["need"],
                    "committed": have,
                    "missing": missing,
                }
            )
    return rows


# ---------------------------------------------------------------------------------------------- exchange rates


@dataclass(frozen=True)
class RateUsed:
    currency: str
    rate: Decimal
    rate_date: dt.date | None
    source: str


def exchange_rates_used(contributions: Iterable[Contribution]) -> list[RateUsed]:
    """The distinct locked rates (units per EUR) behind the EUR amounts of these records."""
    rates: set[RateUsed] = set()
    for contribution in contributions:
        for line in contribution.funding_lines:
            if line.currency != "EUR":
                rates.add(RateUsed(line.currency, Decimal(line.rate), line.rate_date, line.rate_source or ""))
        for item in contribution.in_kind:
            if item.currency and item.currency != "EUR" and item.rate is not None:
                rates.add(RateUsed(item.currency, Decimal(item.rate), item.rate_date, "ecb"))
    return sorted(rates, key=lambda r: (r.currency, r.rate_date or dt.date.min, r.rate, r.source))
