# SPDX-License-Identifier: EUPL-1.2
"""Accounts: login, CSRF, throttling, session invalidation, password change, tokens, headers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from commons.accounts.models import ApiToken, LoginFailure
from commons.audit import AuditEvent
from commons.extensions import db
from commons.types import utcnow
from tests.conftest import PASSWORD, csrf_token, login
from tests.factories import UserFactory


def _post_login(client, email, password):
    return client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_token(client)})


def test_login_with_right_password_logs_in_and_audits(client, app):
    user = UserFactory(email="ana@example.org")
    response = _post_login(client, "ANA@example.org ", PASSWORD)
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    tags = set(db.session.scalars(select(AuditEvent.tag).where(AuditEvent.actor_id == user.id)))
    assert "account:login" in tags


def test_login_without_csrf_token_answers_400_and_changes_nothing(client, app):
    UserFactory(email="ana@example.org")
    response = client.post("/login", data={"email": "ana@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/account").status_code == 302  # still anonymous: sent to the login page


def test_login_with_token_from_another_session_is_refused(app):
    UserFactory(email="ana@example.org")
    other = app.test_client()
    token = csrf_token(other)
    client = app.test_client()
    client.get("/login")
    response = client.post("/login", data={"email": "ana@example.org", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 400


def test_unknown_user_and_wrong_password_get_the_same_message(client, app):
    UserFactory(email="ana@example.org")
    wrong = _post_login(client, "ana@example.org", "not the password").get_data(as_text=True)
    unknown = _post_login(client, "nobody@example.org", PASSWORD).get_data(as_text=True)
    message = "The e-mail address or the password is not correct."
    assert message in wrong and message in unknown


def test_five_failures_lock_the_account_for_a_while_then_it_opens_again(client, app):
    UserFactory(email="ana@example.org")
    for _ in range(5):
        assert _post_login(client, "ana@example.org", "wrong password!").status_code == 200
    refused = _post_login(client, "ana@example.org", PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed attempts" in refused.get_data(as_text=True)
    assert client.get("/account").status_code == 302
    # No permanent lockout: once the failures are older than the lock, the right password works.
    for failure in db.session.scalars(select(LoginFailure)):
        failure.at = utcnow() - timedelta(minutes=6)
    db.session.flush()
    assert _post_login(client, "ana@example.org", PASSWORD).status_code == 302


def test_failures_from_one_ip_throttle_every_account(client, app):
    app.config["COMMONS_LOGIN_IP_MAX_FAILURES"] = 3
    UserFactory(email="ana@example.org")
    for n in range(3):
        _post_login(client, f"guess{n}@example.org", "wrong password!")
    assert _post_login(client, "ana@example.org", PASSWORD).status_code == 429


def test_session_cookie_replayed_after_logout_gets_nothing(client, app):
    user = UserFactory(email="ana@example.org")
    login(client, user)
    cookie = client.get_cookie("commons_session")
    assert cookie is not None
    captured = cookie.value
    token = csrf_token(client, "/account")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    replay = app.test_client()
    replay.set_cookie("commons_session", captured)
    assert replay.get("/account").status_code == 302


def test_password_change_ends_other_sessions_but_keeps_this_one(app):
    user = UserFactory(email="ana@example.org")
    first, second = app.test_client(), app.test_client()
    login(first, user)
    login(second, user)
    response = first.post(
        "/account/password",
        data={
            "pw-current_password": PASSWORD,
            "pw-new_password": "a brand new passphrase",
            "pw-confirm_password": "a brand new passphrase",
            "csrf_token": csrf_token(first, "/account"),
        },
    )
    assert response.status_code == 302
    assert first.get("/account").status_code == 200
    assert second.get("/account").status_code == 302


def test_password_change_errors_are_shown_per_field(client, app):
    login(client, UserFactory(email="ana@example.org"))
    response = client.post(
        "/account/password",
        data={
            "pw-current_password": "wrong",
            "pw-new_password": "short",
            "pw-confirm_password": "short",
            "csrf_token": csrf_token(client, "/account"),
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The current password is not correct." in html
    assert "at least 12 characters" in html
    assert 'href="#pw-current_password"' in html  # the summary links to the field


def test_disabled_account_session_gets_nothing(client, app):
    from commons.accounts.services import disable_user

    user = UserFactory(email="ana@example.org")
    login(client, user)
    disable_user(user, check_permission=False)
    db.session.flush()
    assert client.get("/account").status_code == 302


def test_token_is_shown_once_and_stored_hashed(client, app):
    user = UserFactory(email="ana@example.org")
    login(client, user)
    response = client.post("/account/tokens", data={"tok-name": "ci", "csrf_token": csrf_token(client, "/account")})
    html = response.get_data(as_text=True)
    token = html.split('id="new-token">')[1].split("<")[0]
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert row is not None and token not in row.token_hash and row.prefix == token[:10]
    assert token not in client.get("/account").get_data(as_text=True)


def test_security_headers_on_every_kind_of_response(client, app):
    for url in ("/", "/login", "/healthz", "/does-not-exist", "/api/v1/commons"):
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"]


def test_logged_in_pages_are_not_cached(client, app):
    login(client, UserFactory(email="ana@example.org"))
    assert client.get("/account").headers["Cache-Control"] == "no-store"


def test_session_cookie_flags(app):
    app.config["SESSION_COOKIE_SECURE"] = True
    client = app.test_client()
    response = client.get("/login")
    header = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in header and "Secure" in header and "SameSite=Lax" in header


def test_open_redirects_through_next_are_refused(client, app):
    user = UserFactory(email="ana@example.org")
    for target in (
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "\\\\evil",
    ):
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")}) if client.get_cookie(
            "commons_session"
        ) else None
        response = client.post(
            f"/login?next={target}",
            data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client)},
        )
        assert response.status_code == 302
        assert response.headers["Location"] == "/", target
        db.session.refresh(user)
        client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})


def test_local_next_is_followed(client, app):
    user = UserFactory(email="ana@example.org")
    response = client.post(
        "/login?next=/account",
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client)},
    )
    assert response.headers["Location"] == "/account"
