# SPDX-License-Identifier: EUPL-1.2
"""Review pages for the accessibility run, on the demo data of ``commons/reviews/demo.py``.

The demo creates its rounds in this order on a fresh database: 1 Decidim, 2 X-Road, 3 QGIS, 4 openDesk,
5 Docs (accepted), 6 OpenProject (in review: the French reviewer completed, the Italian one has not
declared yet), 7 Nextcloud Server (submitted), 8 CryptPad (awaiting a clarification).
"""

from __future__ import annotations

PAGES = [
    ("anonymous", "/commons/decidim/review"),
    ("anonymous", "/commons/openproject/review"),
    ("anonymous", "/commons/pix/review"),
    ("reviewer_fr", "/reviews"),
    ("reviewer_fr", "/reviews/6"),
    ("reviewer_fr", "/reviews/6/assess"),
    ("reviewer_it", "/reviews/6/conflict"),
    ("reviewer_it", "/reviews/7"),
    ("secretariat", "/reviews"),
    ("secretariat", "/reviews/new"),
    ("secretariat", "/reviews/1"),
    ("secretariat", "/reviews/6/assign"),  # nobody left to assign: the page says why
    ("secretariat", "/reviews/7/assign"),
    ("secretariat", "/reviews/6/clarification"),
    ("secretariat", "/reviews/6/decision"),
    ("secretariat", "/reviews/8"),
    ("secretariat", "/reviews/8/answer"),
]

ERROR_PAGES = [
    ("secretariat", "/reviews/new", {"commons": ""}),
    ("secretariat", "/reviews/7/assign", {"reviewer": ""}),  # round 6 has nobody left to assign: no form
    ("secretariat", "/reviews/6/decision", {"rationale": ""}),
    ("secretariat", "/reviews/6/clarification", {"question": "Who funds it?", "deadline": "2020-01-01"}),
    ("secretariat", "/reviews/8/answer", {"answer": ""}),
    ("reviewer_it", "/reviews/6/conflict", {"statement": ""}),
    ("reviewer_fr", "/reviews/6/assess", {"g1_evidence": "javascript:alert(1)"}),
]
