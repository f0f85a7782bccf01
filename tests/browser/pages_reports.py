# SPDX-License-Identifier: EUPL-1.2
"""Pages of the contribution dashboards and exports for the browser runs (demo data: commons ``docs``)."""

from __future__ import annotations

PAGES = [
    ("anonymous", "/contributions"),
    ("anonymous", "/contributions?member_state=FR&type=funding"),
    ("anonymous", "/contributions/commons/docs"),
    ("anonymous", "/contributions/states/FR"),
    ("anonymous", "/contributions/states/EL?from=2025-01-01&to=2026-12-31"),
    ("anonymous", "/contributions/reports/pipeline"),
    ("anonymous", "/contributions/reports/coverage"),
    ("anonymous", "/contributions/reports/governance"),
    ("anonymous", "/contributions/reports/staff"),
    ("anonymous", "/contributions/reports/gaps"),
    ("anonymous", "/exports/"),
    ("rep_fr", "/contributions"),
    ("rep_fr", "/contributions/states/FR"),
    ("rep_de", "/contributions/commons/docs"),
    ("reviewer_it", "/contributions/reports/governance"),
    ("secretariat", "/contributions"),
    ("secretariat", "/contributions/reports/staff"),
]

ERROR_PAGES = [
    ("anonymous", "/contributions", {"year": "20x6"}),
    ("rep_fr", "/contributions/states/FR", {"from": "2026-02-30", "to": "yesterday"}),
]
