# SPDX-License-Identifier: EUPL-1.2
"""Status derived from the lines: funding, staff, governance, in kind; manual statuses win."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace as NS

import pytest

from commons.contributions.status import derive_status, funding_totals

TODAY = dt.date(2026, 6, 1)


def envelope(kind: str, **extra):
    base = {
        "type": kind,
        "manual_status": None,
        "funding_lines": [],
        "staff": [],
        "governance": [],
        "in_kind": [],
        "period_start": None,
        "period_end": None,
    }
    base.update(extra)
    return NS(**base)


def line(kind: str, eur: str):
    return NS(kind=kind, amount_eur=Decimal(eur))


@pytest.mark.parametrize(
    ("lines", "status"),
    [
        ([], "draft"),
        ([line("pledge", "100")], "pledged"),
        ([line("pledge", "100"), line("commitment", "100")], "committed"),
        ([line("commitment", "100"), line("disbursement", "40")], "partially_disbursed"),
        ([line("commitment", "100"), line("disbursement", "40"), line("disbursement", "60")], "disbursed"),
        ([line("commitment", "100"), line("adjustment", "-20"), line("disbursement", "80")], "disbursed"),
        ([line("commitment", "100"), line("adjustment", "-100")], "draft"),
        ([line("pledge", "50"), line("disbursement", "10")], "partially_disbursed"),
    ],
)
def test_funding_status_follows_the_ledger(lines, status):
    assert derive_status(envelope("funding", funding_lines=lines), TODAY) == status


def test_adjustments_correct_the_committed_total():
    totals = funding_totals(envelope("funding", funding_lines=[line("commitment", "100"), line("adjustment", "-25")]))
    assert totals["committed_total"] == Decimal("75")


def staff(status="planned", start=None, end=None):
    return NS(delivery_status=status, period_start=start, period_end=end)


@pytest.mark.parametrize(
    ("allocations", "status"),
    [
        ([], "draft"),
        ([staff(start=dt.date(2026, 9, 1))], "planned"),
        ([staff(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))], "active"),
        ([staff(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))], "completed"),
        ([staff("completed"), staff("completed")], "completed"),
        ([staff("active"), staff(start=dt.date(2027, 1, 1))], "active"),
        ([staff("cancelled")], "draft"),
    ],
)
def test_staff_status_follows_allocations_and_dates(allocations, status):
    assert derive_status(envelope("staff", staff=allocations), TODAY) == status


def seat(start, end=None):
    return NS(start_date=start, end_date=end)


@pytest.mark.parametrize(
    ("seats", "status"),
    [
        ([], "draft"),
        ([seat(dt.date(2026, 9, 1))], "planned"),
        ([seat(dt.date(2026, 1, 1))], "active"),
        ([seat(dt.date(2024, 1, 1), dt.date(2025, 1, 1))], "ended"),
    ],
)
def test_governance_status_follows_seat_dates(seats, status):
    assert derive_status(envelope("governance", governance=seats), TODAY) == status


def test_in_kind_is_delivered_after_its_period():
    items = [NS(kind="hosting")]
    assert derive_status(envelope("in_kind", in_kind=items, period_end=dt.date(2026, 12, 31)), TODAY) == "planned"
    assert derive_status(envelope("in_kind", in_kind=items, period_end=dt.date(2026, 1, 31)), TODAY) == "delivered"
    assert derive_status(envelope("in_kind"), TODAY) == "draft"


@pytest.mark.parametrize("manual", ["cancelled", "suspended", "closed"])
def test_manual_status_wins_over_the_lines(manual):
    contribution = envelope("funding", funding_lines=[line("commitment", "1")], manual_status=manual)
    assert derive_status(contribution, TODAY) == manual
