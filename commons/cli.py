# SPDX-License-Identifier: EUPL-1.2
"""The ``commons`` command: a Flask CLI group (``run``, ``db``, ``users``, ``tokens``, ``demo`` …)."""

from __future__ import annotations

import sys
from typing import NoReturn

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from commons.errors import ServiceError, ValidationFailed


def fail(message: str) -> NoReturn:
    """Bad input: one line on stderr and exit code 2."""
    click.echo(f"Error: {' '.join(str(message).split())}", err=True)
    sys.exit(2)


def fail_from(error: ServiceError) -> NoReturn:
    if isinstance(error, ValidationFailed):
        parts = [f"{field}: {' '.join(messages)}" for field, messages in error.errors.items()]
        fail("; ".join(parts) or error.message)
    fail(error.message or type(error).__name__)


def _create_app() -> Flask:
    from commons import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """Manage the commons platform."""


def read_password(confirm: bool = True) -> str:
    """The first line of stdin when it is not a terminal; otherwise a hidden prompt."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=confirm))


@main.group()
def users() -> None:
    """Manage accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", "roles", required=True, multiple=True, help="Repeat for several roles.")
@click.option("--member-state", default=None, help="ISO code, for member_state_rep (and reviewers).")
@click.option("--organisation", default=None, help="Organisation slug.")
@with_appcontext
def users_create(
    email: str, name: str, roles: tuple[str, ...], member_state: str | None, organisation: str | None
) -> None:
    """Create an account; the password is read from stdin (first line) or prompted."""
    from commons.accounts import services
    from commons.extensions import db

    # Check everything but the password first, so that bad input does not wait for a prompt.
    try:
        services.check_new_user(
            email=email,
            name=name,
            password=None,
            roles=list(roles),
            member_state=member_state,
            organisation=organisation,
        )
    except ServiceError as error:
        fail_from(error)
    password = read_password()
    try:
        user = services.create_user(
            email=email,
            name=name,
            password=password,
            roles=list(roles),
            member_state=member_state,
            organisation=organisation,
            check_permission=False,
        )
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        fail_from(error)
    click.echo(f"Created account {user.email} with role(s) {', '.join(sorted(user.role_names))}.")


@users.command("disable")
@click.option("--email", required=True)
@with_appcontext
def users_disable(email: str) -> None:
    """Disable an account: its sessions and tokens stop working at once."""
    from commons.accounts import services
    from commons.extensions import db

    try:
        user = services.get_user_by_email(email)
        services.disable_user(user, check_permission=False)
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        fail_from(error)
    click.echo(f"Disabled account {user.email}.")


@users.command("set-password")
@click.option("--email", required=True)
@with_appcontext
def users_set_password(email: str) -> None:
    """Set a new password (read from stdin or prompted); every session of the user ends."""
    from commons.accounts import services
    from commons.extensions import db

    try:
        user = services.get_user_by_email(email)
        services.set_password(user, read_password())
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        fail_from(error)
    click.echo(f"Password changed for {user.email}.")


@main.group()
def tokens() -> None:
    """Manage API tokens."""


@tokens.command("create")
@click.option("--email", required=True)
@click.option("--name", default="cli", show_default=True)
@with_appcontext
def tokens_create(email: str, name: str) -> None:
    """Create an API token and print it once, as the last word of the output."""
    from commons.accounts import services
    from commons.extensions import db

    try:
        user = services.get_user_by_email(email)
        if not user.active:
            fail(f"The account {user.email} is disabled.")
        _token, clear = services.create_token(user, name)
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        fail_from(error)
    click.echo(f"API token for {user.email} (shown once, store it now): {clear}")


@main.group()
def demo() -> None:
    """Demo data."""


@demo.command("load")
@with_appcontext
def demo_load() -> None:
    """Fill the platform with demo data (idempotent) and print the demo accounts' passwords."""
    from commons.demo import load_demo

    report = load_demo()
    for line in report:
        click.echo(line)


def _register_feature_commands() -> None:
    from commons.contributions.cli import register as register_contributions
    from commons.harvest.cli import register as register_harvest
    from commons.publiccode.cli import register as register_publiccode
    from commons.reviews.cli import register as register_reviews

    for register in (register_harvest, register_reviews, register_contributions, register_publiccode):
        register(main)


_register_feature_commands()
