# SPDX-License-Identifier: EUPL-1.2
"""Factories for the report tests: contributions and their lines written straight to the models.

Reports read what the services stored; these factories store the same shapes (EUR amount, rate and rate date
locked on each line, status as the services derive it) without going through the forms.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from commons.contributions.models import (
    Contribution,
    Evidence,
    FundingLine,
    GovernanceParticipation,
    InKindItem,
    StaffAllocation,
)
from commons.extensions import db

_refs = itertools.count(1)


def contribution(
    state: str = "FR",
    type: str = "funding",
    visibility: str = "public",
    commons: Any = None,
    title: str | None = None,
    **fields: Any,
) -> Contribution:
    """A contribution envelope (flushed); ``ref`` is unique per test run."""
    number = next(_refs)
    record = Contribution(
        ref=fields.pop("ref", f"{state}-2026-{number:04d}"),
        member_state_code=state,
        type=type,
        visibility=visibility,
        commons_id=commons.id if commons is not None else None,
        title=title or f"{type} contribution {number}",
        status=fields.pop("status", "committed" if type == "funding" else "active"),
        purpose_tags=fields.pop("purpose_tags", []),
        **fields,
    )
    db.session.add(record)
    db.session.flush()
    return record


def funding_line(
    record: Contribution,
    kind: str,
    amount: str | Decimal,
    day: dt.date = dt.date(2026, 3, 2),
    currency: str = "EUR",
    rate: str | Decimal = "1",
    **fields: Any,
) -> FundingLine:
    """A ledger line; ``amount_eur`` = amount / rate (units per EUR), rounded to the cent, as the FX code locks."""
    amount = Decimal(amount)
    rate = Decimal(rate)
    line = FundingLine(
        contribution_id=record.id,
        kind=kind,
        date=day,
        amount=amount,
        currency=currency,
        rate=rate,
        amount_eur=fields.pop("amount_eur", (amount / rate).quantize(Decimal("0.01"))),
        rate_date=fields.pop("rate_date", day if currency != "EUR" else None),
        rate_source=fields.pop("rate_source", "ecb" if currency != "EUR" else "eur"),
        **fields,
    )
    db.session.add(line)
    db.session.flush()
    db.session.expire(record, ["funding_lines"])
    return line


def staff(record: Contribution, role: str = "developer", person_days: str = "215", headcount: int = 1, **fields: Any):
    allocation = StaffAllocation(
        contribution_id=record.id, role=role, person_days=Decimal(person_days), headcount=headcount, **fields
    )
    db.session.add(allocation)
    db.session.flush()
    db.session.expire(record, ["staff"])
    return allocation


def seat(record: Contribution, body: str = "board", formal: bool = True, **fields: Any) -> GovernanceParticipation:
    participation = GovernanceParticipation(
        contribution_id=record.id,
        body=body,
        formal=formal,
        seat_role=fields.pop("seat_role", "member"),
        voting_rights=fields.pop("voting_rights", True),
        **fields,
    )
    db.session.add(participation)
    db.session.flush()
    db.session.expire(record, ["governance"])
    return participation


def in_kind(record: Contribution, kind: str = "hosting", value_eur: str | None = "1000", **fields: Any) -> InKindItem:
    item = InKindItem(
        contribution_id=record.id,
        kind=kind,
        description=fields.pop("description", "Hosting of the public instance"),
        quantity=Decimal(fields.pop("quantity", "12")),
        unit=fields.pop("unit", "months"),
        value=Decimal(value_eur) if value_eur is not None else None,
        currency="EUR" if value_eur is not None else None,
        value_eur=Decimal(value_eur) if value_eur is not None else None,
        **fields,
    )
    db.session.add(item)
    db.session.flush()
    db.session.expire(record, ["in_kind"])
    return item


def evidence(record: Contribution, url: str = "https://example.org/decision.pdf", **fields: Any) -> Evidence:
    item = Evidence(
        contribution_id=record.id,
        url=url,
        type=fields.pop("type", "decision"),
        title=fields.pop("title", "Decision"),
        visibility=fields.pop("visibility", "public"),
        **fields,
    )
    db.session.add(item)
    db.session.flush()
    db.session.expire(record, ["evidence"])
    return item
