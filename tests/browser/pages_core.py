# SPDX-License-Identifier: EUPL-1.2
"""Pages of the foundation for the browser runs (format: see tests/browser/conftest.py and conventions).

``PAGES``: ``(role, path)`` rendered and checked; ``ERROR_PAGES``: ``(role, path, {field: value})``, the form
holding those fields on ``path`` is submitted to show its errors.
"""

from __future__ import annotations

PAGES = [
    ("anonymous", "/"),
    ("anonymous", "/login"),
    ("anonymous", "/accessibility"),
    ("anonymous", "/api"),
    ("anonymous", "/this-page-does-not-exist"),
    ("user", "/"),
    ("user", "/account"),
    ("rep_fr", "/account"),
    ("admin", "/account"),
]

ERROR_PAGES = [
    # An unknown account, so that the demo accounts never reach their failure limit.
    ("anonymous", "/login", {"email": "nobody@demo.commons.example", "password": "not the password"}),
    ("anonymous", "/login", {"email": "", "password": ""}),
    (
        "user",
        "/account",
        {"pw-current_password": "wrong", "pw-new_password": "short", "pw-confirm_password": "other"},
    ),
]
