# SPDX-License-Identifier: EUPL-1.2
"""Status of a contribution, derived from its lines (DESIGN.md §4: only cancelled, suspended and closed are manual).

The derivation is a pure function of the contribution and a date, so that dashboards, exports and the API can
call it on read; ``refresh_status`` caches the result in ``Contribution.status`` when a service saves.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l

FUNDING_STATUSES = ("draft", "pledged", "committed", "partially_disbursed", "disbursed")
STAFF_STATUSES = ("draft", "planned", "active", "completed")
GOVERNANCE_STATUSES = ("draft", "planned", "active", "ended")
IN_KIND_STATUSES = ("draft", "planned", "delivered")
STAFF_DELIVERY_STATUSES = ("planned", "active", "completed", "cancelled")

STATUS_LABELS = {
    "draft": _l("Draft"),
    "pledged": _l("Pledged"),
    "committed": _l("Committed"),
    "partially_disbursed": _l("Partly disbursed"),
    "disbursed": _l("Disbursed"),
    "planned": _l("Planned"),
    "active": _l("Active"),
    "completed": _l("Completed"),
    "ended": _l("Ended"),
    "delivered": _l("Delivered"),
    "cancelled": _l("Cancelled"),
    "suspended": _l("Suspended"),
    "closed": _l("Closed"),
}

ZERO = Decimal("0")


def status_label(status: str) -> str:
    """The translated label of a contribution status."""
    return str(STATUS_LABELS.get(status, status))


def funding_totals(contribution: Any) -> dict[str, Decimal]:
    """EUR totals per line kind, plus ``committed_total``: commitments corrected by adjustments.

    Adjustments are signed corrections of the committed amount (a ledger line is never edited).
    """
    sums = dict.fromkeys(("pledge", "commitment", "disbursement", "expenditure", "adjustment"), ZERO)
    for line in contribution.funding_lines:
        sums[line.kind] = sums.get(line.kind, ZERO) + (line.amount_eur or ZERO)
    sums["committed_total"] = sums["commitment"] + sums["adjustment"]
    return sums


def _today(today: dt.date | None) -> dt.date:
    return today or dt.datetime.now(dt.UTC).date()


def _span_status(start: dt.date | None, end: dt.date | None, today: dt.date) -> str:
    if end is not None and end < today:
        return "ended"
    if start is not None and start > today:
        return "planned"
    if start is None and end is None:
        return "planned"
    return "active"


def derive_status(contribution: Any, today: dt.date | None = None) -> str:
    """The status the lines give (or the manual one when set)."""
    if contribution.manual_status:
        return str(contribution.manual_status)
    day = _today(today)
    kind = contribution.type
    if kind == "funding":
        if not contribution.funding_lines:
            return "draft"
        totals = funding_totals(contribution)
        committed, disbursed = totals["committed_total"], totals["disbursement"]
        if disbursed > ZERO:
            return "disbursed" if committed > ZERO and disbursed >= committed else "partially_disbursed"
        if committed > ZERO:
            return "committed"
        return "pledged" if totals["pledge"] > ZERO else "draft"
    if kind == "staff":
        allocations = [a for a in contribution.staff if a.delivery_status != "cancelled"]
        if not allocations:
            return "draft"
        states = []
        for allocation in allocations:
            if allocation.delivery_status in ("active", "completed"):
                states.append(allocation.delivery_status)
                continue
            span = _span_status(
                allocation.period_start or contribution.period_start,
                allocation.period_end or contribution.period_end,
                day,
            )
            states.append({"ended": "completed"}.get(span, span))
        if "active" in states:
            return "active"
        if all(s == "completed" for s in states):
            return "completed"
        return "active" if "completed" in states else "planned"
    if kind == "governance":
        seats = contribution.governance
        if not seats:
            return "draft"
        spans = [_span_status(s.start_date, s.end_date, day) for s in seats]
        if "active" in spans:
            return "active"
        if all(s == "ended" for s in spans):
            return "ended"
        return "planned"
    if kind == "in_kind":
        if not contribution.in_kind:
            return "draft"
        end = contribution.period_end
        return "delivered" if end is not None and end < day else "planned"
    return "draft"


def refresh_status(contribution: Any, today: dt.date | None = None) -> str:
    """Store the derived status on the envelope (a cache for filters); returns it."""
    contribution.status = derive_status(contribution, today)
    return str(contribution.status)
