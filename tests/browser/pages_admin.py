# SPDX-License-Identifier: EUPL-1.2
"""Pages of the secretariat's tools for the browser runs (format: see tests/browser/pages_core.py).

The account page of one user and the invitation form with a valid link are checked in
``test_admin_journey.py`` (their addresses depend on what the journey creates).
"""

from __future__ import annotations

PAGES = [
    ("secretariat", "/admin/users"),
    ("admin", "/admin/users"),
    ("admin", "/admin/users?q=demo&role=member_state_rep&status=active"),
    ("admin", "/admin/users?q=nobody-matches-this"),
    ("admin", "/admin/users/invite"),
    ("secretariat", "/admin/users/invite"),
    ("secretariat", "/admin/exchange-rates"),
    ("admin", "/admin/exchange-rates"),
    ("anonymous", "/invitation/not-a-valid-link"),
]

ERROR_PAGES = [
    ("admin", "/admin/users/invite", {"email": "not-an-address", "name": ""}),
    ("secretariat", "/admin/users/invite", {"email": "", "name": "Someone"}),
]
