# SPDX-License-Identifier: EUPL-1.2
"""The publiccode.yml checker for the browser runs; the result page is checked in test_publiccode_page.py."""

from __future__ import annotations

PAGES = [
    ("anonymous", "/publiccode/validate"),
    ("user", "/publiccode/validate?url=https://github.com/owner/name"),
]

ERROR_PAGES = [
    ("anonymous", "/publiccode/validate", {"url": "not a web address"}),
]
