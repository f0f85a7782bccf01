# SPDX-License-Identifier: EUPL-1.2
"""Factories and helpers of the contribution tests: saved contributions built through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from commons.contributions import fx, services
from commons.contributions.models import Contribution

TODAY = dt.datetime.now(dt.UTC).date()
DAY = TODAY - dt.timedelta(days=40)


def funding_line(**overrides: Any) -> dict[str, Any]:
    line = {
        "kind": "commitment",
        "date": DAY,
        "amount": Decimal("250000"),
        "currency": "EUR",
        "bank_rate": None,
        "evidence_url": None,
        "evidence_type": "payment_proof",
        "justification": None,
        "note": None,
    }
    line.update(overrides)
    return line


def make_contribution(actor: Any, commons: Any, kind: str = "funding", **overrides: Any) -> Contribution:
    """A saved contribution of ``actor``'s state (one commitment of €250,000 for funding)."""
    lines = overrides.pop("lines", None)
    if lines is None:
        lines = {
            "funding": [funding_line()],
            "staff": [
                {
                    "role": "developer",
                    "headcount": 2,
                    "fte": Decimal("2"),
                    "person_days": None,
                    "employment_type": "secondment",
                    "delivery_status": "planned",
                    "period_start": None,
                    "period_end": None,
                    "person_names": "Jeanne Martin, Paul Durand",
                }
            ],
            "governance": [
                {
                    "body": "board",
                    "body_name": "Board of directors",
                    "membership_tier": None,
                    "seat_role": "member",
                    "voting_rights": True,
                    "formal": True,
                    "start_date": DAY,
                    "end_date": None,
                }
            ],
            "in_kind": [
                {
                    "kind": "hosting",
                    "description": "Hosting of the demo instance",
                    "quantity": Decimal("12"),
                    "unit": "months",
                    "value": None,
                    "currency": None,
                }
            ],
        }[kind]
    data = {
        "member_state": None,
        "type": kind,
        "commons": commons.slug,
        "title": f"Support of {commons.name} ({kind})",
        "description": None,
        "instrument": None,
        "purpose_tags": [],
        "period_start": dt.date(TODAY.year, 1, 1),
        "period_end": dt.date(TODAY.year, 12, 31),
        "decision_date": None,
        "visibility": "public",
        "not_duplicate": True,
        "lines": lines,
    }
    data.update(overrides)
    return services.create_contribution(actor, data)


def add_rates(rows: list[tuple[str, dt.date, str]]) -> None:
    fx.import_rates([fx.Rate(day, currency, Decimal(rate)) for currency, day, rate in rows])
