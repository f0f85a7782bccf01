# SPDX-License-Identifier: EUPL-1.2
"""Fixtures: the schema is built once by the migrations; each test runs in a rolled-back transaction.

The suite runs on SQLite by default and on PostgreSQL when ``COMMONS_TEST_DB=postgres`` and
``COMMONS_TEST_DATABASE_URL`` are set (``make test`` does both). Under pytest-xdist each worker has its own
database.
"""

from __future__ import annotations

import contextvars
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from commons import create_app
from commons.extensions import Session, db


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _postgres_url() -> str | None:
    if os.environ.get("COMMONS_TEST_DB") != "postgres":
        return None
    url = os.environ.get("COMMONS_TEST_DATABASE_URL")
    if not url:
        raise RuntimeError("COMMONS_TEST_DB=postgres needs COMMONS_TEST_DATABASE_URL")
    return url


def fresh_database_url(tmp_dir: Path, name: str) -> str:
    """A new, empty database for this worker: a SQLite file, or a PostgreSQL database created from scratch."""
    base = _postgres_url()
    if base is None:
        path = tmp_dir / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return f"sqlite:///{path}"
    url = make_url(base)
    # The process id keeps concurrent runs on one server (several developers, xdist workers) apart.
    db_name = re.sub(r"[^a-z0-9_]", "_", f"{url.database}_{name}_{_worker()}_{os.getpid()}".lower())
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{db_name}"'))
    admin.dispose()
    return url.set(database=db_name).render_as_string(hide_password=False)


def migrate_to_head(url: str) -> None:
    """Build the schema the way production does: Alembic migrations, never create_all."""
    from flask_migrate import upgrade

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        db.engine.dispose()


def drop_database(url: str) -> None:
    """Drop a PostgreSQL database made by :func:`fresh_database_url` (SQLite files go with the temp dir)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        return
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = fresh_database_url(tmp_path_factory.mktemp("db"), "suite")
    migrate_to_head(url)
    yield url
    drop_database(url)


class IsolatedClient(FlaskClient):
    """Each request runs in its own application context, as in production.

    Flask reuses an application context that is already pushed (the test's own), which would share ``g``
    (cached locale, CSRF token, bearer user) between requests.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture()
def app(database_url: str) -> Iterator[Flask]:
    """The application bound to the migrated database; everything a test writes is rolled back."""
    application = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    application.test_client_class = IsolatedClient
    with application.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {"class_": Session, "bind": connection, "join_transaction_mode": "create_savepoint"}
        )
        try:
            yield application
        finally:
            db.session.remove()
            db.session = original
            if outer.is_active:
                outer.rollback()
            connection.close()
            db.engine.dispose()


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(client: FlaskClient, url: str = "/login") -> str:
    """The CSRF token of the form on ``url`` for this client's session."""
    page = client.get(url)
    match = CSRF_RE.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url} ({page.status_code})"
    return match.group(1)


PASSWORD = "correct horse battery staple"


def login(client: FlaskClient, user: Any, password: str = PASSWORD) -> Any:
    """Log in through the real form, CSRF token included."""
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"email": user.email, "password": password, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


@pytest.fixture()
def users(app: Flask) -> dict[str, Any]:
    """One account per role of the security matrix."""
    from tests.factories import UserFactory

    return {
        "user": UserFactory(role="user", email="user@example.org"),
        "rep_fr": UserFactory(role="member_state_rep", member_state_code="FR", email="rep.fr@example.org"),
        "rep_de": UserFactory(role="member_state_rep", member_state_code="DE", email="rep.de@example.org"),
        "reviewer": UserFactory(role="reviewer", member_state_code="FR", email="reviewer@example.org"),
        "secretariat": UserFactory(role="secretariat", email="secretariat@example.org"),
        "admin": UserFactory(role="admin", email="admin@example.org"),
    }


@pytest.fixture()
def login_as(client: FlaskClient, users: dict[str, Any]) -> Any:
    """``login_as("rep_fr")`` logs the test client in as that role's account and returns the user."""

    def _login(role: str) -> Any:
        if role == "anonymous":
            return None
        user = users[role]
        login(client, user)
        return user

    return _login
