# SPDX-License-Identifier: EUPL-1.2
"""Commands of the harvest feature, added to the ``commons`` group: ``harvest …`` and ``worker``."""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import click
from flask.cli import with_appcontext


def _print_job(job: Any) -> None:
    from commons.harvest.services import job_summary

    summary = job_summary(job)
    click.echo(
        f"Job {job.id} (source {job.source_id}): {job.status}; added {job.added}, updated {job.updated}, "
        f"unchanged {job.unchanged}, archived {job.archived}, errored {job.errored}; "
        f"{job.requests} requests, {job.not_modified} not modified."
    )
    if summary["error"]:
        click.echo(f"  error: {summary['error']}")


def _combined(jobs: list[Any], queued: bool) -> dict[str, Any]:
    from commons.harvest.services import job_summary

    summaries = [job_summary(job) for job in jobs]
    total: dict[str, Any] = {
        key: sum(s[key] for s in summaries)
        for key in ("added", "updated", "unchanged", "archived", "errored", "requests", "not_modified")
    }
    statuses = {s["status"] for s in summaries}
    if not summaries:
        status = "nothing_to_run"
    elif len(statuses) == 1:
        status = statuses.pop()
    else:
        status = "mixed"
    total.update({"status": status, "queued": queued, "jobs": [s["job"] for s in summaries]})
    total["sources"] = [s["source"] for s in summaries]
    total["errors"] = [s["error"] for s in summaries if s["error"]]
    return total


def register(group: click.Group) -> None:
    """Add this feature's commands to ``group``."""

    @group.group()
    def harvest() -> None:
        """Harvest repositories from public forges."""

    @harvest.command("add-source")
    @click.option("--kind", required=True, type=click.Choice(["github", "gitlab", "gitea"]))
    @click.option("--url", required=True, help="Web address of the owner, e.g. https://github.com/etalab.")
    @click.option("--api-url", default=None, help="API base for Enterprise or self-hosted forges.")
    @click.option("--organisation", default=None, help="Slug of the organisation that owns the account.")
    @click.option("--schedule-hours", default=24, show_default=True, type=int, help="Hours between runs.")
    @click.option("--approve", is_flag=True, help="Approve the source at once (otherwise it waits).")
    @with_appcontext
    def add_source(
        kind: str,
        url: str,
        api_url: str | None,
        organisation: str | None,
        schedule_hours: int,
        approve: bool,
    ) -> None:
        """Add a forge account as a source; prints its id as the last word."""
        from commons.cli import fail_from
        from commons.errors import ServiceError
        from commons.extensions import db
        from commons.harvest import services

        try:
            source = services.add_source(
                kind=kind,
                url=url,
                api_url=api_url,
                organisation=organisation,
                schedule_hours=schedule_hours,
                approve=approve,
            )
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            fail_from(error)
        state = "approved" if source.approval_state == "approved" else "waiting for approval"
        click.echo(f"Added {source.kind} source {source.web_url} ({state}), id {source.id}")

    @harvest.command("run")
    @click.option("--source", "source_id", default=None, help="Run this source (its id).")
    @click.option("--due", is_flag=True, help="Run the sources whose next run time has come.")
    @click.option("--all", "run_all", is_flag=True, help="Run every approved source.")
    @click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on the last line.")
    @click.option(
        "--inline/--queue",
        default=None,
        help="Run here, or enqueue for the workers (default: queue when COMMONS_BROKER_URL is set).",
    )
    @click.option("--wait", is_flag=True, help="With a broker: wait for the queued jobs to finish.")
    @click.option("--timeout", default=3600, show_default=True, type=int, help="Seconds to --wait.")
    @with_appcontext
    def run(
        source_id: str | None,
        due: bool,
        run_all: bool,
        as_json: bool,
        inline: bool | None,
        wait: bool,
        timeout: int,
    ) -> None:
        """Run harvests: one source, the due ones, or all approved ones."""
        from flask import current_app

        from commons.cli import fail, fail_from
        from commons.errors import ServiceError
        from commons.extensions import db
        from commons.harvest import services

        if sum(bool(x) for x in (source_id, due, run_all)) != 1:
            fail("Give exactly one of --source ID, --due or --all.")
        from commons.harvest.budget import budget_from_config

        try:
            # A wrong setting must stop here with one line, not in the middle of a run.
            budget_from_config(current_app.config)
        except ValueError as exc:
            fail(f"Harvest settings: {exc}")
        try:
            if source_id is not None:
                sources = [services.get_source(source_id)]
                if sources[0].approval_state != "approved":
                    fail(f"Source {sources[0].id} is not approved: approve it before it runs.")
            else:
                sources = services.runnable_sources(due=due)
        except ServiceError as error:
            fail_from(error)
        use_queue = bool(current_app.config.get("COMMONS_BROKER_URL")) if inline is None else not inline
        jobs: list[Any] = []
        if use_queue:
            from commons.harvest.tasks import enqueue

            if not current_app.config.get("COMMONS_BROKER_URL"):
                fail("--queue needs COMMONS_BROKER_URL.")
            # Every job is committed before the first is sent: a worker must never start while this
            # process still writes (SQLite refuses a second writer).
            waiting = {source.id: services.pending_job(source) for source in sources}
            for source_id_, job in waiting.items():
                if job is not None and not as_json:
                    click.echo(f"Source {source_id_} already has job {job.id} {job.status}: not queued again.")
            jobs = [services.queue_job(None, s) for s in sources if waiting[s.id] is None]
            db.session.commit()
            for job in jobs:
                enqueue(job)
                if not as_json:
                    click.echo(f"Queued job {job.id} for source {job.source_id}.")
            if wait:
                deadline = time.monotonic() + timeout
                while time.monotonic() < deadline:
                    # End the read transaction: a snapshot would never show the workers' commits.
                    db.session.rollback()
                    if all(job.status not in ("queued", "running") for job in jobs):
                        break
                    time.sleep(0.2)
                else:
                    fail(f"Jobs still running after {timeout} seconds: {[job.id for job in jobs]}.")
                if not as_json:
                    for job in jobs:
                        _print_job(job)
        else:
            tty = sys.stdout.isatty() and not as_json
            for source in sources:
                if tty:
                    click.echo(f"Harvesting {source.web_url} …")

                def progress(job: Any) -> None:
                    if tty:
                        click.echo(
                            f"\r  added {job.added}, updated {job.updated}, unchanged {job.unchanged}, "
                            f"errored {job.errored}, {job.requests} requests",
                            nl=False,
                        )

                try:
                    job = services.run_source(source, progress=progress)
                except ServiceError as error:
                    db.session.rollback()
                    if source_id is not None:
                        fail_from(error)
                    click.echo(f"Source {source.id} skipped: {error.message}", err=True)
                    continue
                if tty:
                    click.echo("")
                jobs.append(job)
                if not as_json:
                    _print_job(job)
        if as_json:
            click.echo(json.dumps(_combined(jobs, use_queue and not wait), sort_keys=True))
        elif not sources:
            click.echo("No source to run.")

    @harvest.command("jobs")
    @click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
    @click.option("--source", "source_id", default=None, type=int, help="Only this source's jobs.")
    @with_appcontext
    def jobs(limit: int, source_id: int | None) -> None:
        """List the latest jobs."""
        from sqlalchemy import select

        from commons.extensions import db
        from commons.harvest.models import HarvestJob

        query = select(HarvestJob).order_by(HarvestJob.id.desc()).limit(limit)
        if source_id is not None:
            query = query.where(HarvestJob.source_id == source_id)
        rows = db.session.scalars(query).all()
        if not rows:
            click.echo("No harvest job yet.")
        for job in rows:
            started = job.started_at.strftime("%Y-%m-%d %H:%M") if job.started_at else "-"
            click.echo(
                f"{job.id:>6}  source {job.source_id:<4} {job.status:<10} {started}  +{job.added} "
                f"~{job.updated} ={job.unchanged} archived {job.archived} errored {job.errored}"
            )

    @harvest.command("show")
    @click.argument("job_id")
    @click.option("--json", "as_json", is_flag=True, help="Print the job as one JSON object.")
    @with_appcontext
    def show(job_id: str, as_json: bool) -> None:
        """Show one job and its per-item errors."""
        from commons.cli import fail_from
        from commons.errors import ServiceError
        from commons.harvest import services

        try:
            job = services.get_job(job_id)
        except ServiceError as error:
            fail_from(error)
        if as_json:
            summary = services.job_summary(job)
            summary["items"] = [
                {"stage": i.stage, "status": i.status, "full_name": i.full_name, "url": i.url, "error": i.error}
                for i in job.items
            ]
            click.echo(json.dumps(summary, sort_keys=True))
            return
        _print_job(job)
        source = job.source
        click.echo(f"  source: {source.kind} {source.web_url}")
        for item in job.items:
            if item.status == "error":
                click.echo(f"  [{item.stage}] {item.full_name or item.url}: {item.error}")
        changes = [i for i in job.items if i.status != "error"]
        if changes:
            click.echo(f"  {len(changes)} repositories added, updated or archived.")

    @group.command("worker")
    @click.option("--concurrency", default=2, show_default=True, type=click.IntRange(1, 64))
    @click.option("--loglevel", default="INFO", show_default=True)
    @with_appcontext
    def worker(concurrency: int, loglevel: str) -> None:
        """Run a Celery worker for queued harvests (needs COMMONS_BROKER_URL)."""
        from flask import current_app

        from commons.cli import fail
        from commons.harvest.tasks import celery_for

        if not current_app.config.get("COMMONS_BROKER_URL"):
            fail("COMMONS_BROKER_URL is not set: harvests run inline with `commons harvest run`.")
        from commons.database import is_sqlite

        if is_sqlite() and concurrency > 1:
            # SQLite takes one writer at a time: parallel runs would fail with "database is locked".
            click.echo("SQLite database: running one harvest at a time.", err=True)
            concurrency = 1
        celery = celery_for(current_app._get_current_object())  # type: ignore[attr-defined]
        celery.worker_main(["worker", f"--concurrency={concurrency}", f"--loglevel={loglevel}", "--pool=threads"])
