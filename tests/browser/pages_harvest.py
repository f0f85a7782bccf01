# SPDX-License-Identifier: EUPL-1.2
"""Harvest pages for the browser runs (demo data: commons/harvest/demo.py adds sources 1-2 approved, 3 proposed).

The preview page is left out: it fetches from the real forge, and the test machines have no internet.
"""

from __future__ import annotations

PAGES = [
    ("user", "/harvest/sources/propose"),
    ("admin", "/harvest/sources/propose"),
    ("admin", "/admin/harvest/sources"),
    ("secretariat", "/admin/harvest/sources"),
    ("admin", "/admin/harvest/sources/1"),
    ("secretariat", "/admin/harvest/sources/3"),
    ("admin", "/admin/harvest/jobs"),
]

ERROR_PAGES = [
    ("user", "/harvest/sources/propose", {"url": "TBD", "schedule_hours": "0"}),
    ("admin", "/harvest/sources/propose", {"url": "https://github.com/a/b/c", "organisation": "no-such-org"}),
]
