# SPDX-License-Identifier: EUPL-1.2
"""The ``commons`` command: users, tokens, demo data; bad input gives one line and exit code 2."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from commons.accounts.models import ApiToken, User
from commons.catalogue.models import Commons, Repository
from commons.cli import main
from commons.extensions import db
from commons.organisations.models import Organisation
from tests.factories import OrganisationFactory, UserFactory


def invoke(runner, args, input=None):
    return runner.invoke(main, args, input=input, catch_exceptions=False)


def test_users_create_reads_the_password_from_stdin(runner, app):
    org = OrganisationFactory(slug="dinum")
    result = invoke(
        runner,
        [
            "users",
            "create",
            "--email",
            "Rep@Example.org",
            "--name",
            "Rep",
            "--role",
            "member_state_rep",
            "--member-state",
            "fr",
            "--organisation",
            "dinum",
        ],
        input="a long enough password\nignored second line\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "rep@example.org"))
    assert user.member_state_code == "FR" and user.organisation_id == org.id
    assert user.role_names == {"member_state_rep"}
    from werkzeug.security import check_password_hash

    assert check_password_hash(user.password_hash, "a long enough password")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "emperor"], "Unknown role emperor"),
        (["--role", "member_state_rep", "--member-state", "XX"], "Unknown member state XX"),
        (["--role", "member_state_rep"], "needs a member state"),
        (["--role", "user", "--organisation", "nowhere"], "Unknown organisation nowhere"),
    ],
)
def test_users_create_refuses_bad_input_with_one_line_and_exit_2(runner, app, args, message):
    result = runner.invoke(
        main,
        ["users", "create", "--email", "x@example.org", "--name", "X", *args],
        input="a long enough password\n",
    )
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert db.session.scalar(select(func.count(User.id)).where(User.email == "x@example.org")) == 0


def test_users_create_refuses_a_duplicate_email(runner, app):
    UserFactory(email="taken@example.org")
    result = runner.invoke(
        main,
        ["users", "create", "--email", "TAKEN@example.org", "--name", "X", "--role", "user"],
        input="a long enough password\n",
    )
    assert result.exit_code == 2 and "already exists" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_users_create_refuses_a_short_password(runner, app):
    result = runner.invoke(
        main,
        ["users", "create", "--email", "x@example.org", "--name", "X", "--role", "user"],
        input="short\n",
    )
    assert result.exit_code == 2 and "at least 12 characters" in result.output


def test_users_disable_and_unknown_email(runner, app):
    user = UserFactory(email="ana@example.org")
    token_before = user.session_token
    assert invoke(runner, ["users", "disable", "--email", "ana@example.org"]).exit_code == 0
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.active is False and user.session_token != token_before
    result = runner.invoke(main, ["users", "disable", "--email", "nobody@example.org"])
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1


def test_tokens_create_prints_the_token_as_last_word_and_it_authenticates(runner, app, client):
    UserFactory(email="ana@example.org")
    result = invoke(runner, ["tokens", "create", "--email", "ana@example.org"])
    assert result.exit_code == 0
    token = result.output.split()[-1]
    row = db.session.scalar(select(ApiToken))
    assert token.startswith(row.prefix) and token not in row.token_hash
    from commons.accounts.auth import bearer_user

    with app.test_request_context(headers={"Authorization": f"Bearer {token}"}):
        assert bearer_user() is not None
    with app.test_request_context(headers={"Authorization": "Bearer nonsense"}):
        assert bearer_user() is None


def test_tokens_create_for_unknown_email_exits_2(runner, app):
    result = runner.invoke(main, ["tokens", "create", "--email", "nobody@example.org"])
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1


def test_demo_load_is_idempotent_and_prints_the_accounts(runner, app, monkeypatch):
    monkeypatch.setenv("COMMONS_DEMO_PASSWORD", "demo password 123")
    first = invoke(runner, ["demo", "load"])
    assert first.exit_code == 0, first.output
    counts = [db.session.scalar(select(func.count(m.id))) for m in (Commons, Repository, Organisation, User)]
    second = invoke(runner, ["demo", "load"])
    assert second.exit_code == 0
    assert counts == [db.session.scalar(select(func.count(m.id))) for m in (Commons, Repository, Organisation, User)]
    assert counts[0] >= 40 and counts[2] >= 20
    assert "admin@demo.commons.example" in second.output and "demo password 123" in second.output
    names = set(db.session.scalars(select(Commons.name)))
    assert {"Decidim", "QGIS", "X-Road"} <= names


def test_demo_load_keeps_the_demo_passwords_of_an_existing_database(runner, app, client, monkeypatch):
    from tests.conftest import login

    monkeypatch.delenv("COMMONS_DEMO_PASSWORD", raising=False)
    first = invoke(runner, ["demo", "load"])
    line = next(line for line in first.output.splitlines() if "admin@demo.commons.example" in line)
    password = line.split()[-1]
    assert len(password) >= 12 and "unchanged" not in line

    second = invoke(runner, ["demo", "load"])

    assert second.exit_code == 0 and password not in second.output
    again = next(line for line in second.output.splitlines() if "admin@demo.commons.example" in line)
    assert again.endswith("(unchanged: printed when the account was created)")
    assert "commons users set-password --email EMAIL" in second.output
    admin = db.session.scalar(select(User).where(User.email == "admin@demo.commons.example"))
    login(client, admin, password)  # the password printed by the first run still opens the account
