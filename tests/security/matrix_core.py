# SPDX-License-Identifier: EUPL-1.2
"""Routes of the foundation: home, health, language, accessibility and API pages, login, account, static."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import PASSWORD
from tests.security.cells import Case, everyone, logged_in, only

NEW_PASSWORD = "a brand new matrix passphrase"

CASES = [
    Case("main.index", "GET", "/", everyone(200)),
    Case("main.index", "GET", "/?q=%3Cscript%3E", everyone(200), note="unknown query arguments are ignored"),
    Case("main.accessibility", "GET", "/accessibility", everyone(200)),
    Case("main.api_docs", "GET", "/api", everyone(200)),
    Case("main.healthz", "GET", "/healthz", everyone(200)),
    Case("main.set_language", "POST", "/language", everyone(302), data={"lang": "fr", "next": "/account"}),
    Case("static", "GET", "/static/css/commons.css", everyone(200)),
    Case("static", "GET", "/static/../commons/settings.py", everyone(404), note="no path traversal"),
    Case("accounts.login", "GET", "/login", logged_in(302, anonymous=200), note="logged in: sent on"),
    Case(
        "accounts.login",
        "POST",
        "/login",
        logged_in(302, anonymous=200),
        data={"email": "nobody@matrix.example.org", "password": "not the password"},
        note="anonymous: the form again with the same message as a wrong password",
    ),
    Case("accounts.logout", "POST", "/logout", everyone(302)),
    Case("accounts.account", "GET", "/account", logged_in(200)),
    Case(
        "accounts.change_password",
        "POST",
        "/account/password",
        logged_in(302),
        data={"pw-current_password": PASSWORD, "pw-new_password": NEW_PASSWORD, "pw-confirm_password": NEW_PASSWORD},
    ),
    Case(
        "accounts.change_password",
        "POST",
        "/account/password",
        logged_in(422),
        data={"pw-current_password": "wrong", "pw-new_password": "short", "pw-confirm_password": "short"},
    ),
    Case("accounts.create_token", "POST", "/account/tokens", logged_in(200), data={"tok-name": "matrix"}),
    Case(
        "accounts.revoke_token",
        "POST",
        "/account/tokens/{token_id}/revoke",
        only({"user": 302}, default=404),
        note="another account's token does not exist for you",
    ),
]

# The API engineer owns the API routes in matrix_api.py; until it exists the list route is classified here.
if not (Path(__file__).parent / "matrix_api.py").exists():
    CASES.append(Case("api.commons_list", "GET", "/api/v1/commons", everyone(200), json=True))
