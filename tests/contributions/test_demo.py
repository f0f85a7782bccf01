# SPDX-License-Identifier: EUPL-1.2
"""The demo: every type, at least six member states, three currencies, every visibility; loading twice adds nothing."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from commons.contributions.models import Contribution, FundingLine
from commons.contributions.status import funding_totals
from commons.demo import load_demo
from commons.extensions import db


def test_demo_has_every_type_six_states_three_currencies_the_french_example_and_is_idempotent(app):
    load_demo()
    count = db.session.scalar(select(func.count(Contribution.id)))
    contributions = list(db.session.scalars(select(Contribution)))
    assert {c.type for c in contributions} == {"funding", "staff", "governance", "in_kind"}
    assert len({c.member_state_code for c in contributions}) >= 6
    assert {c.visibility for c in contributions} == {"public", "initiative", "restricted"}
    currencies = set(db.session.scalars(select(FundingLine.currency)))
    assert {"EUR", "SEK", "PLN", "DKK"} <= currencies
    load_demo()
    assert db.session.scalar(select(func.count(Contribution.id))) == count
    # The example: France's €250,000 commitment with two disbursements, two seconded people, a board seat.
    fr = {c.type: c for c in db.session.scalars(select(Contribution).where(Contribution.member_state_code == "FR"))}
    funding = db.session.scalar(select(Contribution).where(Contribution.title == "Funding of Docs 2026"))
    totals = funding_totals(funding)
    assert totals["commitment"] == Decimal("250000")
    assert [line.kind for line in funding.funding_lines].count("disbursement") == 2
    assert funding.status == "partially_disbursed"
    assert fr["staff"].staff[0].headcount == 2
    assert fr["governance"].governance[0].body == "board"
