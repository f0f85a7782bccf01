# SPDX-License-Identifier: EUPL-1.2
"""Fixtures of the security suite.

The matrix has its own database per session (and xdist worker): migrated, the scenario (``scenario.py`` and
every ``scenario_*.py``) built and committed once; each cell runs in a rolled-back transaction on top of it
(``matrix``). Other security tests use the ordinary ``app``/``client`` fixtures of ``tests/conftest.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from commons import create_app
from commons.extensions import Session, db
from tests.conftest import PASSWORD, IsolatedClient, drop_database, fresh_database_url, migrate_to_head
from tests.security.cells import ROLES

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
# A page that is cheap to render and always carries a form (the language switcher) with the CSRF token.
CSRF_PAGE = "/accessibility"


COOKIE = "commons_session"


@dataclass
class Matrix:
    """What a matrix cell needs: the app (inside a rolled-back transaction) and the scenario values.

    ``sessions[role]`` holds the session cookie and CSRF token of a login through the real form, made once
    per worker when the scenario is built: a cell that logs out or changes a password rotates the account's
    session token only inside its own transaction, so the next cell's cookie still works.
    """

    app: Flask
    ctx: dict[str, Any]
    sessions: dict[str, tuple[str, str]]

    def client(self) -> FlaskClient:
        return self.app.test_client()

    def login(self, client: FlaskClient, role: str, fresh: bool = False) -> None:
        """Give ``client`` the session of ``role`` (``fresh=True``: log in through the form now)."""
        if fresh:
            login_through_form(client, self.ctx, role)
        elif role in self.sessions:
            client.set_cookie(COOKIE, self.sessions[role][0])

    def csrf(self, client: FlaskClient, role: str) -> str:
        """The CSRF token of ``role``'s cached session (``client`` must carry that session)."""
        cookie = client.get_cookie(COOKIE)
        if role in self.sessions and cookie is not None and cookie.value == self.sessions[role][0]:
            return self.sessions[role][1]
        return page_csrf(client)

    def bearer(self, role: str) -> dict[str, str]:
        """The ``Authorization`` header of ``role``'s API token (none for anonymous)."""
        if role == "anonymous":
            return {}
        return {"Authorization": f"Bearer {self.ctx['tokens'][role]}"}


def login_through_form(client: FlaskClient, ctx: dict[str, Any], role: str) -> None:
    """Log in through the real form as the scenario account of ``role`` (``anonymous``: nothing)."""
    if role == "anonymous":
        return
    response = client.post(
        "/login",
        data={"email": ctx["emails"][role], "password": PASSWORD, "csrf_token": page_csrf(client)},
    )
    assert response.status_code == 302, f"login as {role}: {response.status_code}"


def page_csrf(client: FlaskClient, url: str = CSRF_PAGE) -> str:
    """The CSRF token of this client's session, read from a form on ``url``."""
    page = client.get(url)
    match = CSRF_RE.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url} ({page.status_code})"
    return match.group(1)


@pytest.fixture(scope="session")
def matrix_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, dict[str, Any], Any]]:
    """The application on the matrix database, the scenario built and committed once, each role logged in."""
    from tests.security.scenario import build_scenario

    url = fresh_database_url(tmp_path_factory.mktemp("matrixdb"), "matrix")
    migrate_to_head(url)
    application = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    application.test_client_class = IsolatedClient
    with application.app_context():
        ctx = build_scenario()
        db.session.remove()
    sessions = {}
    for role in ROLES:
        client = application.test_client()
        login_through_form(client, ctx, role)
        token = page_csrf(client)
        cookie = client.get_cookie(COOKIE)
        assert cookie is not None
        sessions[role] = (cookie.value, token)
    with application.app_context():
        db.engine.dispose()
    yield application, ctx, sessions
    with application.app_context():
        db.engine.dispose()
    drop_database(url)


@pytest.fixture()
def matrix(matrix_app: tuple[Flask, dict[str, Any], Any]) -> Iterator[Matrix]:
    """The scenario inside a transaction that is rolled back after the test."""
    application, ctx, sessions = matrix_app
    with application.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {"class_": Session, "bind": connection, "join_transaction_mode": "create_savepoint"}
        )
        try:
            yield Matrix(application, ctx, sessions)
        finally:
            db.session.remove()
            db.session = original
            if outer.is_active:
                outer.rollback()
            connection.close()
