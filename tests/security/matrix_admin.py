# SPDX-License-Identifier: EUPL-1.2
"""Routes of the secretariat's tools: accounts, invitations and exchange rates.

Staff (secretariat, admin) manage accounts; the secretariat may look at an administrator's account but not
change, disable or re-invite it, and may not give the administrator role (422 with a message on the form).
The invitation link works without a login, for whoever holds it.
"""

from __future__ import annotations

from tests.security.cells import Case, everyone, only

STAFF = {"secretariat": 200, "admin": 200}
PASSWORD = "a long invitation passphrase"

CASES = [
    Case("admin_users.index", "GET", "/admin/users", only(STAFF, default=403)),
    Case(
        "admin_users.index",
        "GET",
        "/admin/users?q=%3Cscript%3E&role=nonsense&status=x&page=-3",
        only(STAFF, default=403),
        note="odd filters are ignored, never a 500",
    ),
    Case("admin_users.invite", "GET", "/admin/users/invite", only(STAFF, default=403)),
    Case(
        "admin_users.invite",
        "POST",
        "/admin/users/invite",
        only(STAFF, default=403),
        data={"email": "new.person@matrix.example.org", "name": "New Person", "roles": ["user"]},
        note="the link is shown once on the answer page (no mail server in tests)",
    ),
    Case(
        "admin_users.invite",
        "POST",
        "/admin/users/invite",
        only({"secretariat": 422, "admin": 200}, default=403),
        data={"email": "new.admin@matrix.example.org", "name": "New Admin", "roles": ["admin"]},
        note="the secretariat cannot make anyone admin",
    ),
    Case("admin_users.user", "GET", "/admin/users/{admin_target_id}", only(STAFF, default=403)),
    Case(
        "admin_users.user",
        "GET",
        "/admin/users/{user_ids[admin]}",
        only(STAFF, default=403),
        note="the secretariat sees an admin's account read-only",
    ),
    Case("admin_users.user", "GET", "/admin/users/999999", only({"secretariat": 404, "admin": 404}, default=403)),
    Case(
        "admin_users.user",
        "POST",
        "/admin/users/{admin_target_id}",
        only({"secretariat": 302, "admin": 302}, default=403),
        data={"name": "Renamed", "roles": ["reviewer"], "member_state": "FR", "organisation": ""},
    ),
    Case(
        "admin_users.user",
        "POST",
        "/admin/users/{admin_target_id}",
        only({"secretariat": 422, "admin": 302}, default=403),
        data={"name": "Promoted", "roles": ["admin"], "member_state": "", "organisation": ""},
        note="only an admin gives the admin role",
    ),
    Case(
        "admin_users.user",
        "POST",
        "/admin/users/{user_ids[admin]}",
        only({"secretariat": 403, "admin": 302}, default=403),
        data={"name": "Matrix admin", "roles": ["admin"], "member_state": "", "organisation": ""},
        note="the secretariat cannot edit an admin",
    ),
    Case(
        "admin_users.disable",
        "POST",
        "/admin/users/{admin_target_id}/disable",
        only({"secretariat": 302, "admin": 302}, default=403),
    ),
    Case(
        "admin_users.disable",
        "POST",
        "/admin/users/{user_ids[admin]}/disable",
        only({"secretariat": 403, "admin": 409}, default=403),
        note="the secretariat cannot disable an admin; nobody disables their own account",
    ),
    Case(
        "admin_users.enable",
        "POST",
        "/admin/users/{admin_target_id}/enable",
        only({"secretariat": 302, "admin": 302}, default=403),
    ),
    Case(
        "admin_users.reinvite",
        "POST",
        "/admin/users/{admin_target_id}/invitation",
        only(STAFF, default=403),
    ),
    Case(
        "admin_users.reinvite",
        "POST",
        "/admin/users/{user_ids[admin]}/invitation",
        only({"secretariat": 403, "admin": 200}, default=403),
    ),
    Case("admin_users.accept", "GET", "/invitation/{invite_token}", everyone(200)),
    Case("admin_users.accept", "GET", "/invitation/not-a-valid-token", everyone(404)),
    Case(
        "admin_users.accept",
        "POST",
        "/invitation/{invite_token}",
        everyone(302),
        data={"new_password": PASSWORD, "confirm_password": PASSWORD},
        note="whoever holds the link sets the password and is logged in as the invited account",
    ),
    Case(
        "admin_users.accept",
        "POST",
        "/invitation/{invite_token}",
        everyone(422),
        data={"new_password": "short", "confirm_password": "short"},
    ),
    Case("admin_rates.index", "GET", "/admin/exchange-rates", only(STAFF, default=403)),
    Case(
        "admin_rates.index",
        "POST",
        "/admin/exchange-rates",
        only({"secretariat": 422, "admin": 422}, default=403),
        data={},
        note="no file: the form again with its message",
    ),
]
