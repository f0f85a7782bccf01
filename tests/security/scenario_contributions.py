# SPDX-License-Identifier: EUPL-1.2
"""Contributions of the matrix scenario: FR records of each visibility, a deleted one, a DE one, a need.

Keys: ``contribution_fr`` (public funding), ``contribution_fr_restricted``, ``contribution_fr_deleted``,
``contribution_de`` (public), ``contribution_fr_seat`` with its seat ``seat_id``, ``need_id`` (a need of the
scenario's commons).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from commons.contributions import services

DAY = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=30)


def _data(ctx: dict[str, Any], title: str, visibility: str, amount: str) -> dict[str, Any]:
    return {
        "type": "funding",
        "commons": ctx["commons"],
        "title": title,
        "visibility": visibility,
        "not_duplicate": True,
        "lines": [
            {
                "kind": "commitment",
                "date": DAY,
                "amount": Decimal(amount),
                "currency": "EUR",
                "evidence_url": None,
                "justification": None,
                "note": None,
            }
        ],
    }


def build(ctx: dict[str, Any]) -> None:
    rep_fr, rep_de = ctx["users"]["rep_fr"], ctx["users"]["rep_de"]
    public = services.create_contribution(rep_fr, _data(ctx, "Matrix public funding", "public", "250000"))
    restricted = services.create_contribution(rep_fr, _data(ctx, "Matrix restricted", "restricted", "1000"))
    deleted = services.create_contribution(rep_fr, _data(ctx, "Matrix deleted", "public", "2000"))
    services.delete_contribution(rep_fr, deleted.ref, "Matrix: entered twice", deleted.version)
    german = services.create_contribution(rep_de, _data(ctx, "Matrix German funding", "public", "3000"))
    seat = services.create_contribution(
        rep_fr,
        {
            "type": "governance",
            "commons": ctx["commons"],
            "title": "Matrix board seat",
            "visibility": "public",
            "not_duplicate": True,
            "lines": [
                {
                    "body": "board",
                    "body_name": "Matrix board",
                    "membership_tier": None,
                    "seat_role": "member",
                    "voting_rights": True,
                    "formal": True,
                    "start_date": DAY,
                    "end_date": None,
                }
            ],
        },
    )
    need = services.post_need(
        ctx["users"]["admin"], ctx["commons"], {"kind": "funding", "title": "Matrix need", "amount": Decimal("9")}
    )
    ctx.update(
        contribution_fr=public.ref,
        contribution_fr_restricted=restricted.ref,
        contribution_fr_deleted=deleted.ref,
        contribution_de=german.ref,
        contribution_fr_seat=seat.ref,
        seat_id=seat.governance[0].id,
        need_id=need.id,
    )
