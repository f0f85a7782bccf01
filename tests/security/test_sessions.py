# SPDX-License-Identifier: EUPL-1.2
"""Sessions: a cookie captured before logout, a password change or the account being disabled gets nothing,
on any page of the matrix; cookie flags; a fresh session on login (no fixation).

Extends the single-page checks of tests/test_accounts.py to every GET route of the matrix and to writes.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from commons.accounts.models import ApiToken, User
from commons.accounts.services import disable_user
from commons.extensions import db
from commons.settings import Production
from tests.conftest import PASSWORD
from tests.security.conftest import page_csrf
from tests.security.test_matrix import CASES, fill

COOKIE = "commons_session"
HTML_GETS = [case for _feature, case in CASES if case.method == "GET" and not case.json]
NEW_PASSWORD = "another long passphrase"


def _end_session(matrix, how: str, victim, role: str) -> None:
    """End ``victim``'s session the way ``how`` says, from a second browser where needed."""
    if how == "logout":
        victim.post("/logout", data={"csrf_token": page_csrf(victim)})
    elif how == "password":
        other = matrix.client()
        matrix.login(other, role, fresh=True)
        response = other.post(
            "/account/password",
            data={
                "pw-current_password": PASSWORD,
                "pw-new_password": NEW_PASSWORD,
                "pw-confirm_password": NEW_PASSWORD,
                "csrf_token": page_csrf(other),
            },
        )
        assert response.status_code == 302
    else:
        user = db.session.scalar(select(User).where(User.email == matrix.ctx["emails"][role]))
        disable_user(user, check_permission=False)
        db.session.flush()


@pytest.mark.parametrize("how", ["logout", "password", "disable"])
@pytest.mark.parametrize("role", ["rep_fr", "admin"])
def test_replayed_cookie_gets_what_an_anonymous_visitor_gets(matrix, how, role):
    victim = matrix.client()
    matrix.login(victim, role, fresh=True)
    captured = victim.get_cookie(COOKIE)
    assert captured is not None
    token = page_csrf(victim)
    assert victim.get("/account").status_code == 200
    _end_session(matrix, how, victim, role)

    replay = matrix.client()
    replay.set_cookie(COOKIE, captured.value)
    for case in HTML_GETS:
        path = fill(case.path, matrix.ctx)
        status = replay.get(path).status_code
        assert status == case.expect["anonymous"], f"{how}: replayed {role} cookie on {path} got {status}"
    # Nor can it write, even with the CSRF token it had.
    tokens_before = db.session.scalar(select(func.count(ApiToken.id)))
    response = replay.post("/account/tokens", data={"tok-name": "stolen", "csrf_token": token})
    assert response.status_code in (302, 400)
    assert response.status_code == 400 or "/login" in response.headers["Location"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(ApiToken.id))) == tokens_before


def test_disabling_an_account_revokes_its_api_tokens(matrix):
    user = db.session.scalar(select(User).where(User.email == matrix.ctx["emails"]["rep_fr"]))
    disable_user(user, check_permission=False)
    db.session.flush()
    live = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)))
    assert list(live) == []


def test_login_starts_a_fresh_session(matrix):
    client = matrix.client()
    page_csrf(client)
    before = client.get_cookie(COOKIE)
    assert before is not None
    matrix.login(client, "user", fresh=True)
    after = client.get_cookie(COOKIE)
    assert after is not None and after.value != before.value
    # The pre-login cookie does not carry the login.
    fixed = matrix.client()
    fixed.set_cookie(COOKIE, before.value)
    assert fixed.get("/account").status_code == 302


def test_session_cookie_flags_with_production_settings(matrix):
    matrix.app.config.update(SESSION_COOKIE_SECURE=True)
    try:
        client = matrix.client()
        response = client.post(
            "/login",
            data={"email": matrix.ctx["emails"]["user"], "password": PASSWORD, "csrf_token": page_csrf(client)},
        )
    finally:
        matrix.app.config.update(SESSION_COOKIE_SECURE=False)
    assert response.status_code == 302
    cookies = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE + "=")]
    assert cookies, response.headers
    flags = {part.strip().split("=")[0].lower(): part.strip() for part in cookies[-1].split(";")[1:]}
    assert "httponly" in flags and "secure" in flags, cookies
    assert flags.get("samesite", "").lower() in ("samesite=lax", "samesite=strict"), cookies
    assert "domain" not in flags, "a session cookie for the exact host only"


def test_production_settings_are_secure_by_default():
    assert Production.SESSION_COOKIE_SECURE and Production.SESSION_COOKIE_HTTPONLY
    assert Production.SESSION_COOKIE_SAMESITE in ("Lax", "Strict")
    assert Production.REMEMBER_COOKIE_SECURE and Production.REMEMBER_COOKIE_HTTPONLY
    assert Production.REMEMBER_COOKIE_DURATION.days <= 30
    assert Production.PERMANENT_SESSION_LIFETIME.total_seconds() <= 24 * 3600
