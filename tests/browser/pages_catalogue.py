# SPDX-License-Identifier: EUPL-1.2
"""Catalogue and organisation pages for the browser runs, on the demo data (see ``commons/demo.py``)."""

from __future__ import annotations

PAGES = [
    ("anonymous", "/commons"),
    ("anonymous", "/commons?q=office&sort=name"),
    ("anonymous", "/commons?country=FR&status=accepted&active=12"),
    ("anonymous", "/commons?q=zzzz-nothing-matches"),
    ("anonymous", "/commons?status=bogus"),
    ("anonymous", "/commons/libreoffice"),
    ("anonymous", "/organisations"),
    ("anonymous", "/organisations/direction-interministerielle-du-numerique"),
    ("user", "/commons/libreoffice"),
    ("user", "/commons/libreoffice/usage"),
    ("user", "/commons/nominate"),
    ("rep_fr", "/commons/libreoffice"),
    ("admin", "/commons/libreoffice/usage"),
]

ERROR_PAGES = [
    ("user", "/commons/libreoffice/usage", {"instance_url": "javascript:alert(1)", "since": "tomorrow"}),
    ("user", "/commons/nominate", {"url": "not a web address"}),
]
