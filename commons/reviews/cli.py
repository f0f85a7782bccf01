# SPDX-License-Identifier: EUPL-1.2
"""Commands of the reviews feature, added to the ``commons`` group: ``commons reviews expire|renewals``.

Both are meant for cron or the scheduler; both are idempotent and print what they did.
"""

from __future__ import annotations

import json
from datetime import date

import click
from flask.cli import with_appcontext


def _on(value: str | None) -> date | None:
    from commons.cli import fail

    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--date must be a date such as 2026-12-31, not {value!r}")


def register(group: click.Group) -> None:
    """Add this feature's commands to ``group``."""

    @group.group("reviews")
    def reviews() -> None:
        """Working-group review rounds."""

    @reviews.command("expire")
    @click.option("--date", "on", default=None, help="Act as if today were this date (YYYY-MM-DD).")
    @click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
    @with_appcontext
    def expire(on: str | None, as_json: bool) -> None:
        """End as ineligible the rounds whose clarification deadline passed without an answer."""
        from commons.extensions import db
        from commons.reviews import services

        ended = services.expire_clarifications(on=_on(on))
        db.session.commit()
        rows = [{"review": r.id, "commons": r.commons.slug, "rationale": r.rationale} for r in ended]
        if as_json:
            click.echo(json.dumps({"expired": rows}))
            return
        for row in rows:
            click.echo(f"Ended review {row['review']} of {row['commons']} as ineligible: {row['rationale']}.")
        click.echo(f"{len(rows)} round(s) expired.")

    @reviews.command("renewals")
    @click.option("--date", "on", default=None, help="Act as if today were this date (YYYY-MM-DD).")
    @click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
    @with_appcontext
    def renewals(on: str | None, as_json: bool) -> None:
        """Open a renewal round for every accepted commons whose acceptance ends within 45 days."""
        from commons.extensions import db
        from commons.reviews import services

        opened = services.open_renewals(on=_on(on))
        db.session.commit()
        rows = [{"review": r.id, "commons": r.commons.slug, "valid_until": str(r.commons.valid_until)} for r in opened]
        if as_json:
            click.echo(json.dumps({"opened": rows}))
            return
        for row in rows:
            click.echo(f"Opened renewal round {row['review']} for {row['commons']} (valid until {row['valid_until']}).")
        click.echo(f"{len(rows)} renewal round(s) opened.")
