# SPDX-License-Identifier: EUPL-1.2
"""Contribution pages for the accessibility run, on the demo data of ``commons/contributions/demo.py``.

On a fresh demo database the French records are numbered in the demo's order: 0001 funding of Docs (public,
two disbursements), 0002 staff secondment (initiative), 0003 board seat, 0004 a restricted pledge; the
German representative's first record is DE-…-0001 (openDesk). Refs carry the year of creation. The demo
creates the first staff allocation and the first seat of the database (id 1 each).
"""

from __future__ import annotations

import datetime as dt

YEAR = dt.datetime.now(dt.UTC).year
FR_FUNDING = f"/contributions/FR-{YEAR}-0001"
FR_STAFF = f"/contributions/FR-{YEAR}-0002"
FR_SEAT = f"/contributions/FR-{YEAR}-0003"
DE_FUNDING = f"/contributions/DE-{YEAR}-0001"

PAGES = [
    ("anonymous", FR_FUNDING),
    ("anonymous", FR_SEAT),
    ("anonymous", "/commons/docs/needs"),
    ("rep_fr", "/contributions/mine"),
    ("rep_fr", "/contributions/new"),
    ("rep_fr", "/contributions/new?type=funding"),
    ("rep_fr", "/contributions/new?type=staff"),
    ("rep_fr", "/contributions/new?type=governance"),
    ("rep_fr", "/contributions/new?type=in_kind"),
    ("rep_fr", FR_FUNDING),
    ("rep_fr", FR_STAFF),
    ("rep_fr", f"{FR_FUNDING}/edit"),
    ("rep_fr", f"{FR_FUNDING}/lines/new"),
    ("rep_fr", f"{FR_STAFF}/lines/new"),
    ("rep_fr", f"{FR_SEAT}/lines/new"),
    ("rep_fr", f"{FR_STAFF}/lines/1/edit"),
    ("rep_fr", f"{FR_SEAT}/lines/1/edit"),
    ("rep_fr", f"{FR_FUNDING}/evidence/new"),
    ("rep_fr", f"{FR_FUNDING}/status"),
    ("rep_fr", f"{FR_FUNDING}/delete"),
    ("rep_fr", f"{FR_FUNDING}/history"),
    ("rep_fr", "/contributions/import"),
    ("rep_de", DE_FUNDING),
    ("rep_de", FR_STAFF),
    ("secretariat", "/contributions/mine"),
    ("secretariat", "/commons/docs/needs"),
    ("secretariat", "/commons/docs/needs/new"),
]

ERROR_PAGES = [
    ("rep_fr", "/contributions/new?type=funding", {"title": "TBD", "lines-0-amount": "NaN"}),
    ("rep_fr", "/contributions/new?type=staff", {"title": "Developers", "lines-0-fte": "3"}),
    # An observer seat with a vote: the checkbox is ticked through its ECL label (``fill_and_submit``).
    (
        "rep_fr",
        "/contributions/new?type=governance",
        {"title": "Observer seat", "lines-0-seat_role": "observer", "lines-0-voting_rights": "y"},
    ),
    ("rep_fr", "/contributions/new?type=governance", {"title": "TBD", "lines-0-end_date": "2000-01-01"}),
    ("rep_fr", "/contributions/new?type=in_kind", {"title": "Hosting", "lines-0-quantity": "0"}),
    ("rep_fr", f"{FR_FUNDING}/lines/new", {"amount": "1e5"}),
    # An amount the English page cannot read without doubt: the message shows both readings.
    ("rep_fr", f"{FR_FUNDING}/lines/new", {"amount": "1,5", "note": "N" * 501}),
    ("rep_fr", f"{FR_FUNDING}/edit", {"title": "N/A"}),
    ("rep_fr", f"{FR_STAFF}/lines/1/edit", {"person_days": "10.3"}),
    ("rep_fr", f"{FR_FUNDING}/status", {"status": "cancelled", "reason": ""}),
    ("rep_fr", f"{FR_FUNDING}/delete", {"reason": ""}),
    ("rep_fr", f"{FR_FUNDING}/evidence/new", {"url": "javascript:alert(1)"}),
    ("secretariat", "/commons/docs/needs/new", {"kind": "staff", "title": "Designers"}),
]
