# SPDX-License-Identifier: EUPL-1.2
"""Login throttling per account and per IP, without a permanent lockout and without telling whether an
account exists. Extends tests/test_accounts.py (which checks the lock and its expiry from one address)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from commons.accounts.models import LoginFailure
from commons.extensions import db
from commons.types import utcnow
from tests.conftest import PASSWORD, csrf_token
from tests.factories import UserFactory

THROTTLED = "Too many failed attempts"


def attempt(client, email, password, ip="192.0.2.1"):
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_token(client)},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_account_lock_holds_whatever_address_the_attempts_come_from(client, app):
    UserFactory(email="target@example.org")
    limit = app.config["COMMONS_LOGIN_MAX_FAILURES"]
    for n in range(limit):
        # A distributed guess: each attempt from another address.
        assert attempt(client, "target@example.org", "wrong guess!", ip=f"198.51.100.{n + 1}").status_code == 200
    refused = attempt(client, "target@example.org", PASSWORD, ip="203.0.113.77")
    assert refused.status_code == 429 and THROTTLED in refused.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_account_lock_does_not_touch_other_accounts(client, app):
    UserFactory(email="target@example.org")
    UserFactory(email="bystander@example.org")
    for _ in range(app.config["COMMONS_LOGIN_MAX_FAILURES"]):
        attempt(client, "target@example.org", "wrong guess!", ip="198.51.100.1")
    assert attempt(client, "bystander@example.org", PASSWORD, ip="198.51.100.2").status_code == 302


def test_unknown_accounts_are_throttled_like_real_ones(client, app):
    # Otherwise the 429 would tell an attacker which e-mail addresses have accounts.
    for _ in range(app.config["COMMONS_LOGIN_MAX_FAILURES"]):
        attempt(client, "ghost@example.org", "wrong guess!")
    refused = attempt(client, "ghost@example.org", "wrong guess!")
    assert refused.status_code == 429 and THROTTLED in refused.get_data(as_text=True)


def test_address_limit_stops_spraying_across_accounts_from_one_address(client, app):
    app.config["COMMONS_LOGIN_IP_MAX_FAILURES"] = 4
    UserFactory(email="target@example.org")
    for n in range(4):
        attempt(client, f"spray{n}@example.org", "Summer2026!", ip="192.0.2.50")
    assert attempt(client, "target@example.org", PASSWORD, ip="192.0.2.50").status_code == 429
    # Another address is not punished for it.
    other = app.test_client()
    assert attempt(other, "target@example.org", PASSWORD, ip="192.0.2.51").status_code == 302


def test_throttled_attempts_never_log_in_and_the_lock_expires(client, app):
    UserFactory(email="target@example.org")
    for _ in range(app.config["COMMONS_LOGIN_MAX_FAILURES"]):
        attempt(client, "target@example.org", "wrong guess!")
    for _ in range(3):
        assert attempt(client, "target@example.org", PASSWORD).status_code == 429
    assert client.get("/account").status_code == 302
    lock = app.config["COMMONS_LOGIN_LOCK_MINUTES"]
    for failure in db.session.scalars(select(LoginFailure)):
        failure.at = utcnow() - timedelta(minutes=lock + 1)
    db.session.flush()
    assert attempt(client, "target@example.org", PASSWORD).status_code == 302
    # A success clears the account's failures: the next typo does not lock it again at once.
    db.session.expire_all()
    assert db.session.scalars(select(LoginFailure).where(LoginFailure.email == "target@example.org")).all() == []
