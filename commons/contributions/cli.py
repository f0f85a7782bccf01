# SPDX-License-Identifier: EUPL-1.2
"""Commands of the contributions feature, added to the ``commons`` group."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


def register(group: click.Group) -> None:
    """Add this feature's commands to ``group``: ``commons fx import|fetch``, ``commons contributions import``."""

    @group.group("fx")
    def fx_group() -> None:
        """Exchange rates (ECB euro reference rates)."""

    @fx_group.command("import")
    @click.argument("path", type=click.Path(dir_okay=False))
    @with_appcontext
    def fx_import(path: str) -> None:
        """Import ECB reference rates from a CSV (eurofxref*.csv) or XML (eurofxref*.xml) file; idempotent."""
        from pathlib import Path

        from commons.cli import fail
        from commons.contributions import fx
        from commons.extensions import db

        if not Path(path).is_file():
            fail(f"{path}: no such file")
        try:
            rates = fx.parse_file(path)
        except fx.RateFileError as error:
            fail(f"{path}: {error}")
        if not rates:
            fail(f"{path}: line 1: no rates in the file")
        summary = fx.import_and_record(rates, method="cli", source_name=Path(path).name)
        db.session.commit()
        click.echo(summary.line())

    @fx_group.command("fetch")
    @click.option("--url", default=None, help="Default: the COMMONS_FX_URL setting (the ECB's 90-day XML file).")
    @with_appcontext
    def fx_fetch(url: str | None) -> None:
        """Download the ECB reference rates through the outbound guard and import them (for a daily timer)."""
        import requests
        from flask import current_app

        from commons.cli import fail
        from commons.contributions import fx
        from commons.extensions import db
        from commons.outbound import session_from_config

        target = url or str(current_app.config["COMMONS_FX_URL"])
        try:
            session = session_from_config(current_app.config)
            data = fx.fetch(session, target)
            rates = fx.parse_bytes(data)
        except fx.RateFileError as error:
            fail(f"{target}: {error}")
        except (requests.RequestException, ValueError) as error:
            fail(f"{target}: download failed: {error}")
        if not rates:
            fail(f"{target}: line 1: no rates in the file")
        summary = fx.import_and_record(rates, method="fetch", source_name=target)
        db.session.commit()
        click.echo(summary.line())

    @group.group("contributions")
    def contributions_group() -> None:
        """Member-state contributions."""

    @contributions_group.command("import")
    @click.argument("path", type=click.Path(dir_okay=False))
    @click.option("--as", "email", required=True, help="E-mail of the representative (or admin) importing.")
    @click.option("--dry-run/--commit", default=True, help="Check only (default), or import when all rows are valid.")
    @with_appcontext
    def contributions_import(path: str, email: str, dry_run: bool) -> None:
        """Import contributions from a CSV file, all rows or none, as the given account."""
        from pathlib import Path

        from sqlalchemy import select

        from commons.accounts.models import User
        from commons.cli import fail, fail_from
        from commons.contributions import importer
        from commons.errors import ServiceError
        from commons.extensions import db

        user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None:
            fail(f"unknown account {email}")
        if not Path(path).is_file():
            fail(f"{path}: no such file")
        try:
            report = importer.run_import(user, Path(path).read_bytes(), dry_run=dry_run)
        except ServiceError as error:
            db.session.rollback()
            fail_from(error)
        if report.errors:
            db.session.rollback()
            for row, field, message in report.errors:
                click.echo(f"row {row}, {field}: {message}", err=True)
            fail(f"{len(report.errors)} problems; nothing imported")
        if dry_run:
            db.session.rollback()
            click.echo(f"Dry run: {report.rows} rows valid; nothing imported.")
            return
        db.session.commit()
        click.echo(f"Imported: {', '.join(report.created + report.updated)}")
