# SPDX-License-Identifier: EUPL-1.2
"""Harvest operations: sources (propose, approve, reject), runs, and the upsert into the catalogue.

A run streams :func:`harvesters.harvest_source` through the guarded outbound session and writes every
record into :class:`commons.catalogue.models.Repository` keyed on (host, remote id), then creates or joins
a candidate :class:`Commons`. Unlike other services, :func:`run_source` commits, in batches: a run may
take minutes, and a run that is killed must keep what it already saved (DESIGN.md §5, "nothing lost or
duplicated"). A listing page's records and its ETag are committed together.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from commons.audit import record_event
from commons.catalogue.functions import known as known_functions
from commons.catalogue.models import Commons, CommonsSteward, Repository
from commons.errors import Conflict, NotFound, ValidationFailed
from commons.extensions import db
from commons.harvest.budget import CountingBudget, budget_from_config
from commons.harvest.cache import DbHttpCache, DbPreviousState
from commons.harvest.models import SOURCE_KINDS, HarvestItem, HarvestJob, HarvestSource
from commons.organisations.models import Organisation
from commons.outbound import BudgetExhausted, policy_from_config, session_from_config
from commons.permissions import can, require
from commons.types import utcnow
from harvesters import (
    CacheEntry,
    ItemError,
    ListingUnchanged,
    RepositoryRecord,
    SourceSpec,
    failure_cause,
    harvest_source,
    source_from_url,
)
from harvesters.base import web_host
from harvesters.publiccode import PubliccodeResult, parse_publiccode, stored_issues

log = logging.getLogger(__name__)

#: A repository missing from complete listings for this long is archived (``gone_at``), never deleted.
GRACE_PERIOD = timedelta(days=7)
#: Records written between two commits when no page boundary came first.
BATCH_SIZE = 200
#: Ids are 32-bit integers in both databases; anything larger cannot exist.
MAX_ID = 2**31 - 1
#: A running job that wrote nothing for this long is taken for dead (its process was killed); a new run
#: of its source then marks it as interrupted. A batch never takes this long: requests time out sooner.
STALE_AFTER = timedelta(minutes=15)
#: A running job also leaves a heartbeat this often between batches: one page of slow requests (100
#: publiccode.yml fetches near the read timeout, or rate-limit waits) can outlast STALE_AFTER, and a job
#: silent that long would be taken for dead while it still runs, letting a second run of its source start.
HEARTBEAT_EVERY = STALE_AFTER / 3
#: A queued job no worker picked up for this long no longer blocks its source.
QUEUED_FOR_AT_MOST = timedelta(hours=24)
#: Stale running jobs are marked as interrupted when a new run of the same source starts.
INTERRUPTED = "interrupted: the process running this job stopped before it finished"

# Repository fields copied from a record, as (model attribute, record attribute).
_FIELDS = (
    ("full_name", "full_name"),
    ("web_url", "web_url"),
    ("description", "description"),
    ("license_spdx", "license_spdx"),
    ("topics", "topics"),
    ("languages", "languages"),
    ("stars", "stars"),
    ("forks", "forks"),
    ("open_issues", "open_issues"),
    ("default_branch", "default_branch"),
    ("homepage", "homepage"),
    ("forge_created_at", "created_at"),
    ("pushed_at", "pushed_at"),
    ("forge_updated_at", "updated_at"),
    ("archived", "archived"),
    ("fork", "fork"),
)
_HEALTH_FLAGS = ("has_readme", "has_contributing", "has_governance")


# --- sources -----------------------------------------------------------------------------------------


def source_spec(source: HarvestSource) -> SourceSpec:
    """The harvester's description of a stored source."""
    return SourceSpec(kind=source.kind, api_base=source.api_base, owner=source.owner, web_url=source.web_url)  # type: ignore[arg-type]


def _check_source(
    kind: str, url: str, api_url: str | None, organisation: str | None, schedule_hours: int | None
) -> tuple[SourceSpec, Organisation | None, int]:
    errors: dict[str, list[str]] = {}
    spec: SourceSpec | None = None
    if kind not in SOURCE_KINDS:
        errors["kind"] = [_("Choose one of: %(kinds)s.", kinds=", ".join(SOURCE_KINDS))]
    else:
        web = (url or "").strip()
        api = (api_url or "").strip() or None
        try:
            spec = source_from_url(kind, web)  # type: ignore[arg-type]
        except ValueError as exc:
            errors["url"] = [_("This is not the address of a forge account: %(reason)s", reason=str(exc))]
        if spec is not None and api is not None:
            try:
                spec = source_from_url(kind, web, api)  # type: ignore[arg-type]
            except ValueError as exc:
                spec = None
                errors["api_url"] = [_("This is not the address of a forge API: %(reason)s", reason=str(exc))]
    org: Organisation | None = None
    if organisation:
        org = db.session.scalar(select(Organisation).where(Organisation.slug == organisation.strip()))
        if org is None:
            errors["organisation"] = [_("No organisation has the identifier “%(slug)s”.", slug=organisation)]
    hours = 24 if schedule_hours is None else schedule_hours
    if not 1 <= hours <= 24 * 90:
        errors["schedule_hours"] = [_("Enter a number of hours between 1 and 2160.")]
    if spec is not None:
        existing = db.session.scalar(
            select(HarvestSource).where(
                HarvestSource.api_base == spec.api_base, func.lower(HarvestSource.owner) == spec.owner.lower()
            )
        )
        if existing is not None:
            errors["url"] = [_("This forge account is already a source (number %(id)d).", id=existing.id)]
    if errors or spec is None:
        raise ValidationFailed(errors)
    return spec, org, hours


def _create_source(
    spec: SourceSpec, org: Organisation | None, hours: int, proposer: Any, approver: Any
) -> HarvestSource:
    now = utcnow()
    source = HarvestSource(
        kind=spec.kind,
        forge_host=web_host(spec.web_url),
        api_base=spec.api_base,
        owner=spec.owner,
        web_url=spec.web_url,
        organisation_id=org.id if org else None,
        schedule_hours=hours,
        approval_state="approved" if approver is not None else "proposed",
        proposed_by_id=getattr(proposer, "id", None),
        approved_by_id=getattr(approver, "id", None),
        approved_at=now if approver is not None else None,
        enabled=True,
        created_at=now,
    )
    db.session.add(source)
    db.session.flush()
    return source


def _source_facts(source: HarvestSource) -> dict[str, Any]:
    return {
        "kind": source.kind,
        "web_url": source.web_url,
        "api_base": source.api_base,
        "owner": source.owner,
        "organisation_id": source.organisation_id,
        "approval_state": source.approval_state,
    }


def propose_source(
    user: Any,
    *,
    kind: str,
    url: str,
    api_url: str | None = None,
    organisation: str | None = None,
    schedule_hours: int | None = None,
    approve: bool = False,
) -> HarvestSource:
    """Propose a forge account as a source (any logged-in user); it waits for an admin's approval.

    Staff (``harvest:manage``) may pass ``approve=True`` to approve it at once.
    """
    require(user, "harvest:propose")
    spec, org, hours = _check_source(kind, url, api_url, organisation, schedule_hours)
    approver = user if approve and can(user, "harvest:manage") else None
    source = _create_source(spec, org, hours, user, approver)
    record_event("harvest_source:approval:propose", source, new=_source_facts(source), actor=user)
    return source


def add_source(
    *,
    kind: str,
    url: str,
    api_url: str | None = None,
    organisation: str | None = None,
    schedule_hours: int | None = None,
    approve: bool = False,
) -> HarvestSource:
    """Add a source from the command line (an operator on the server: no permission check)."""
    spec, org, hours = _check_source(kind, url, api_url, organisation, schedule_hours)
    source = _create_source(spec, org, hours, None, "cli" if approve else None)
    record_event("harvest_source:approval:add", source, new=_source_facts(source))
    return source


def get_source(source_id: int | str) -> HarvestSource:
    """The source with this id, or NotFound."""
    try:
        key = int(source_id)
    except (TypeError, ValueError):
        raise NotFound(_("No harvest source has the number %(id)s.", id=source_id)) from None
    if not 1 <= key <= MAX_ID:
        raise NotFound(_("No harvest source has the number %(id)s.", id=source_id))
    source = db.session.get(HarvestSource, key)
    if source is None:
        raise NotFound(_("No harvest source has the number %(id)s.", id=source_id))
    return source


def get_job(job_id: int | str) -> HarvestJob:
    """The job with this id, or NotFound."""
    try:
        key = int(job_id)
    except (TypeError, ValueError):
        raise NotFound(_("No harvest job has the number %(id)s.", id=job_id)) from None
    if not 1 <= key <= MAX_ID:
        raise NotFound(_("No harvest job has the number %(id)s.", id=job_id))
    job = db.session.get(HarvestJob, key)
    if job is None:
        raise NotFound(_("No harvest job has the number %(id)s.", id=job_id))
    return job


def approve_source(user: Any, source: HarvestSource) -> HarvestSource:
    """Approve a proposed (or rejected) source so that it runs (``harvest:manage``)."""
    require(user, "harvest:manage")
    if source.approval_state == "approved":
        raise Conflict(_("This source is already approved."))
    old = source.approval_state
    source.approval_state = "approved"
    source.approved_by_id = getattr(user, "id", None)
    source.approved_at = utcnow()
    source.next_run_at = None
    record_event("harvest_source:approval:approve", source, old=old, new="approved", actor=user)
    db.session.flush()
    return source


def reject_source(user: Any, source: HarvestSource) -> HarvestSource:
    """Reject a source: it never runs until approved (``harvest:manage``)."""
    require(user, "harvest:manage")
    if source.approval_state == "rejected":
        raise Conflict(_("This source is already rejected."))
    old = source.approval_state
    source.approval_state = "rejected"
    source.approved_by_id = None
    source.approved_at = None
    record_event("harvest_source:approval:reject", source, old=old, new="rejected", actor=user)
    db.session.flush()
    return source


def runnable_sources(*, due: bool = False, now: datetime | None = None) -> list[HarvestSource]:
    """Approved, enabled sources; with ``due``, only those whose next run time has come."""
    now = now or utcnow()
    query = select(HarvestSource).where(HarvestSource.approval_state == "approved", HarvestSource.enabled.is_(True))
    if due:
        query = query.where((HarvestSource.next_run_at.is_(None)) | (HarvestSource.next_run_at <= now))
    return list(db.session.scalars(query.order_by(HarvestSource.id)))


def _last_sign_of_life(job: HarvestJob) -> datetime | None:
    beat = (job.details or {}).get("heartbeat")
    if isinstance(beat, str):
        try:
            return _aware(datetime.fromisoformat(beat))
        except ValueError:
            pass
    return _aware(job.started_at or job.created_at)


def is_alive(job: HarvestJob, now: datetime | None = None) -> bool:
    """Whether a queued or running job may still be going on (running: a batch written recently)."""
    now = now or utcnow()
    seen = _last_sign_of_life(job)
    if job.status == "running":
        return seen is not None and now - seen < STALE_AFTER
    if job.status == "queued":
        return seen is not None and now - seen < QUEUED_FOR_AT_MOST
    return False


def pending_job(source: HarvestSource, now: datetime | None = None) -> HarvestJob | None:
    """A queued or running job of ``source`` that is still alive (so that nobody starts it twice)."""
    jobs = db.session.scalars(
        select(HarvestJob)
        .where(HarvestJob.source_id == source.id, HarvestJob.status.in_(("queued", "running")))
        .order_by(HarvestJob.id.desc())
    )
    return next((job for job in jobs if is_alive(job, now)), None)


def queue_job(user: Any, source: HarvestSource) -> HarvestJob:
    """Create a queued job for ``source`` (a worker or :func:`run_source` picks it up)."""
    if user is not None:
        require(user, "harvest:manage")
    if source.approval_state != "approved":
        raise Conflict(_("This source is not approved: an admin must approve it before it runs."))
    waiting = pending_job(source)
    if waiting is not None:
        raise Conflict(
            _("This source already has a job %(status)s (job %(id)d).", status=waiting.status, id=waiting.id)
        )
    job = HarvestJob(source_id=source.id, status="queued", created_at=utcnow(), details={})
    db.session.add(job)
    db.session.flush()
    record_event("harvest_job:status:queue", job, new={"source_id": source.id}, actor=user)
    return job


def job_summary(job: HarvestJob) -> dict[str, Any]:
    """The counts and state of a job, as the CLI and the API print them."""
    return {
        "job": job.id,
        "source": job.source_id,
        "status": job.status,
        "added": job.added,
        "updated": job.updated,
        "unchanged": job.unchanged,
        "archived": job.archived,
        "errored": job.errored,
        "requests": job.requests,
        "not_modified": job.not_modified,
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "error": job.error,
        "cause": (job.details or {}).get("cause"),
    }


# --- helpers for the upsert --------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    """YAML gives dates and other types JSON columns cannot hold; keep the data, as text."""
    return json.loads(json.dumps(value, default=lambda v: v.isoformat() if isinstance(v, date) else str(v)))


def _slugify(text: str, max_length: int = 100) -> str:
    from commons.demo import slugify

    return slugify(text, max_length)


def _merge(first: Iterable[str], second: Iterable[str]) -> list[str]:
    out: list[str] = []
    for value in [*first, *second]:
        if isinstance(value, str) and value and value not in out:
            out.append(value)
    return out


def _norm_url(url: str | None) -> str | None:
    if not url or not isinstance(url, str):
        return None
    text = url.strip().lower().rstrip("/")
    text = re.sub(r"\.git$", "", text)
    return re.sub(r"^https?://", "", text)


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, datetime) or isinstance(new, datetime):
        return _aware(old) == _aware(new)
    return bool(old == new)


@dataclass
class _Outcome:
    listing_errors: list[str] = field(default_factory=list)
    listing_causes: list[str] = field(default_factory=list)
    seen: int = 0
    publiccode_failed: set[str] = field(default_factory=set)


# --- the run -------------------------------------------------------------------------------------------


class _Run:
    """One run of one source. Keeps the counters on the job and commits in batches."""

    def __init__(
        self,
        source: HarvestSource,
        job: HarvestJob,
        config: Any,
        progress: Callable[[HarvestJob], None] | None,
        now: datetime,
    ) -> None:
        self.source = source
        self.job = job
        self.config = config
        self.progress = progress
        self.now = now
        self.spec = source_spec(source)
        self.host = web_host(self.spec.web_url)
        self.outcome = _Outcome()
        self.crash_cause = "error"
        self.job_id = job.id
        self.source_id = source.id
        # Items wait here until a page is complete (or BATCH_SIZE is reached), then are written in one
        # short transaction: no transaction stays open while the forge is being asked for the next page.
        self.buffer: list[Any] = []
        self.cache_writes: list[tuple[str, CacheEntry]] = []
        self.budget = CountingBudget(budget_from_config(config))
        self.last_beat = utcnow()
        self.state = DbPreviousState(source.id, self.host)
        self.organisation = source.organisation
        # Demo rows and nominations know a repository only by its URL ("url:<path>"): adopt, never duplicate.
        self.url_keyed: dict[str, int] = {}
        rows = db.session.execute(
            select(Repository.id, Repository.full_name, Repository.web_url).where(
                Repository.host == self.host, Repository.remote_id.startswith("url:")
            )
        )
        for repo_id, full_name, web_url in rows:
            for key in (_norm_url(web_url), (full_name or "").lower()):
                if key:
                    self.url_keyed[key] = repo_id

    # --- bookkeeping ---
    def begin_write(self) -> None:
        """Open the batch's transaction with a write, so it holds the write lock before it reads.

        SQLite has a single writer: a transaction that reads first and writes later fails with
        "database is locked" if another writer committed in between (the web app saving an edit).
        Writing first makes it wait for the lock (busy timeout) instead; PostgreSQL just locks the job row.
        """
        db.session.execute(update(HarvestJob).where(HarvestJob.id == self.job_id).values(requests=self.budget.count))

    def commit(self) -> None:
        db.session.commit()
        if self.progress is not None:
            self.progress(self.job)

    def flush(self) -> None:
        """Write the buffered items and the validators of the pages they came from, then commit."""
        if not self.buffer and not self.cache_writes:
            return
        items, self.buffer = self.buffer, []
        writes, self.cache_writes = self.cache_writes, []
        self.begin_write()
        # The heartbeat tells a later run that this one is still alive (see STALE_AFTER).
        self.last_beat = utcnow()
        self.job.details = {**(self.job.details or {}), "heartbeat": self.last_beat.isoformat()}
        for item in items:
            if isinstance(item, ListingUnchanged):
                self.unchanged(item)
            elif isinstance(item, ItemError):
                self.error(item)
            else:
                self.record(item)
        for url, entry in writes:
            DbHttpCache().put(url, entry)
        self.commit()

    def keep_alive(self) -> None:
        """Between batches, renew the heartbeat in a short transaction of its own once HEARTBEAT_EVERY passed.

        Only the job row is written; the buffered items wait for their page as before.
        """
        beat = utcnow()
        if beat - self.last_beat < HEARTBEAT_EVERY:
            return
        self.begin_write()
        self.last_beat = beat
        self.job.details = {**(self.job.details or {}), "heartbeat": beat.isoformat()}
        self.commit()

    def _item(self, **values: Any) -> None:
        db.session.add(HarvestItem(job_id=self.job_id, **values))

    # --- the walk ---
    def run(self) -> HarvestJob:
        policy = policy_from_config(self.config)
        session = session_from_config(self.config, self.budget)
        run = self

        class _Cache:
            """Reads validators in a transaction of their own; writes them with the page's items."""

            def get(self, url: str) -> CacheEntry | None:
                entry = DbHttpCache().get(url)
                # End the read at once: no snapshot is held while the page is being fetched.
                db.session.commit()
                return entry

            def put(self, url: str, entry: CacheEntry) -> None:
                run.cache_writes.append((url, entry))
                run.flush()

        crashed: str | None = None
        try:
            for item in harvest_source(self.spec, session, _Cache(), self.state, policy.max_pages):
                self.buffer.append(item)
                if len(self.buffer) >= BATCH_SIZE:
                    self.flush()
                else:
                    self.keep_alive()
        except BudgetExhausted as exc:
            crashed = str(exc)
            self.crash_cause = "budget"
        except Exception as exc:  # noqa: BLE001 - the job must say why it stopped, whatever happened
            db.session.rollback()
            # What was not committed is dropped: the next run reads those pages again.
            self.buffer, self.cache_writes = [], []
            log.exception("harvest of source %s failed", self.source_id)
            crashed = f"unexpected error: {type(exc).__name__}: {exc}"
            self.crash_cause = failure_cause(exc)
        finally:
            session.close()
        return self.finish(crashed)

    def unchanged(self, item: ListingUnchanged) -> None:
        self.job.not_modified += 1
        ids = list(item.remote_ids)
        touched = 0
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            result = db.session.execute(
                update(Repository)
                .where(Repository.host == self.host, Repository.remote_id.in_(chunk))
                .values(last_seen_at=self.now, gone_at=None)
                .execution_options(synchronize_session=False)
            )
            touched += max(0, int(getattr(result, "rowcount", 0) or 0))
        self.job.unchanged += touched
        self.outcome.seen += len(ids)
        if touched < len(ids):
            # The cache promised repositories the catalogue no longer has: read everything next time.
            from commons.harvest.cache import forget_listing

            forget_listing(self.spec.api_base, self.spec.owner)
            self.job.details = {**(self.job.details or {}), "cache_reset": True}

    def error(self, item: ItemError) -> None:
        self.job.errored += 1
        if item.stage == "listing":
            self.outcome.listing_errors.append(item.message)
            self.outcome.listing_causes.append(item.cause)
        if item.stage == "publiccode" and item.remote_id:
            self.outcome.publiccode_failed.add(item.remote_id)
        self._item(
            remote_id=(item.remote_id or None) and item.remote_id[:64],
            full_name=(item.full_name or None) and item.full_name[:500],
            url=(item.url or "")[:1000] or None,
            stage=item.stage[:20],
            status="error",
            error=item.message,
            details={"cause": item.cause},
        )

    def record(self, record: RepositoryRecord) -> None:
        self.outcome.seen += 1
        repo = db.session.scalar(
            select(Repository).where(Repository.host == record.host, Repository.remote_id == record.remote_id)
        )
        added = False
        adopted = False
        if repo is None:
            repo_id = self.url_keyed.get(_norm_url(record.web_url) or "") or self.url_keyed.get(
                record.full_name.lower()
            )
            if repo_id is not None:
                repo = db.session.get(Repository, repo_id)
                if repo is not None and repo.remote_id.startswith("url:"):
                    repo.remote_id = record.remote_id
                    adopted = True
                    self.url_keyed = {k: v for k, v in self.url_keyed.items() if v != repo_id}
        if repo is None:
            repo = Repository(
                host=record.host,
                remote_id=record.remote_id,
                full_name=record.full_name,
                web_url=record.web_url,
                previous_names=[],
                topics=[],
                languages=[],
                health={},
                publiccode_errors=[],
                curated_fields=[],
                first_seen_at=self.now,
            )
            db.session.add(repo)
            added = True
        changed = self.apply(repo, record, fresh=added)
        if adopted:
            changed.append("remote_id")
        repo.last_seen_at = self.now
        if repo.gone_at is not None:
            repo.gone_at = None
            changed.append("gone_at")
        if repo.source_id is None:
            repo.source_id = self.source_id
        if repo.forge_kind != self.source.kind:
            repo.forge_kind = self.source.kind
        pc = self.publiccode(repo, record, changed)
        if added:
            db.session.flush()
        if added or changed or repo.commons_id is None:
            self.join_commons(repo, record, pc, added)
        if added:
            self.job.added += 1
            status = "added"
        elif changed:
            self.job.updated += 1
            status = "updated"
        else:
            self.job.unchanged += 1
            status = ""
        if status:
            self._item(
                repository_id=repo.id,
                remote_id=record.remote_id[:64],
                full_name=record.full_name[:500],
                url=record.web_url[:1000],
                stage="import",
                status=status,
                details={"changed": sorted(set(changed))} if status == "updated" else {},
            )

    def apply(self, repo: Repository, record: RepositoryRecord, *, fresh: bool) -> list[str]:
        """Copy the record's fields, except curated ones; return the names of the fields that changed."""
        curated = set(repo.curated_fields or [])
        changed: list[str] = []
        keep_dates = record.remote_id in self.outcome.publiccode_failed
        for attr, source_attr in _FIELDS:
            if attr in curated:
                continue
            if keep_dates and attr in ("pushed_at", "forge_updated_at") and not fresh:
                # publiccode.yml could not be read: keep the old activity date so the next run retries it.
                continue
            value = getattr(record, source_attr)
            if isinstance(value, list):
                value = list(value)
            if attr == "full_name" and not fresh and repo.full_name and repo.full_name != value:
                names = list(repo.previous_names or [])
                if repo.full_name not in names:
                    names.append(repo.full_name)
                repo.previous_names = names
            if not _same(getattr(repo, attr), value):
                setattr(repo, attr, value)
                changed.append(attr)
        health = dict(repo.health or {})
        for flag in _HEALTH_FLAGS:
            value = getattr(record, flag, None)
            if value is not None:
                health[flag] = bool(value)
        if health != (repo.health or {}) and "health" not in curated:
            repo.health = health
            changed.append("health")
        return [] if fresh else changed

    def publiccode(self, repo: Repository, record: RepositoryRecord, changed: list[str]) -> PubliccodeResult | None:
        """Store publiccode.yml when it was fetched this run; return the parsed file (None otherwise)."""
        if not record.publiccode_checked or "publiccode" in set(repo.curated_fields or []):
            return None
        raw = record.publiccode_raw
        if raw is None:
            if repo.publiccode_raw is not None or repo.publiccode_valid is not None:
                repo.publiccode_raw = None
                repo.publiccode_parsed = None
                repo.publiccode_valid = None
                repo.publiccode_errors = []
                changed.append("publiccode")
            self._health(repo, False)
            return None
        # The harvester validated the file with its logo fetched from the forge; parse here only for
        # records that come without that result.
        result = record.publiccode_result if record.publiccode_result is not None else parse_publiccode(raw)
        issues = stored_issues(result)
        if raw != repo.publiccode_raw or repo.publiccode_valid is None or issues != repo.publiccode_errors:
            repo.publiccode_raw = raw
            repo.publiccode_parsed = _jsonable(result.data) if isinstance(result.data, dict) else None
            repo.publiccode_valid = result.valid
            repo.publiccode_errors = issues
            changed.append("publiccode")
        self._health(repo, True)
        return result

    def _health(self, repo: Repository, has_publiccode: bool) -> None:
        if (repo.health or {}).get("has_publiccode") != has_publiccode:
            repo.health = {**(repo.health or {}), "has_publiccode": has_publiccode}

    # --- commons ---
    def join_commons(
        self, repo: Repository, record: RepositoryRecord, pc: PubliccodeResult | None, added: bool
    ) -> None:
        commons = repo.commons
        created = False
        if commons is None:
            commons = self.find_commons(repo, pc)
            if commons is None:
                commons = self.new_commons(record, pc)
                created = True
            repo.commons = commons
        primary = created or pc is not None or len(commons.repositories) <= 1
        self.fill_commons(commons, repo, record, pc, created=created, primary=primary)

    def find_commons(self, repo: Repository, pc: PubliccodeResult | None) -> Commons | None:
        if pc is None:
            return None
        target = _norm_url(pc.url)
        if target and target != _norm_url(repo.web_url):
            for other in db.session.scalars(
                select(Repository)
                .where(Repository.commons_id.is_not(None), Repository.id != repo.id)
                .where(func.lower(Repository.web_url).in_([f"https://{target}", f"http://{target}"]))
            ):
                return other.commons
        if pc.name:
            candidate = db.session.scalar(select(Commons).where(Commons.slug == _slugify(pc.name)))
            if candidate is not None and (
                candidate.name.strip().lower() == pc.name.strip().lower()
                or str((candidate.hints or {}).get("publiccode_name", "")).lower() == pc.name.strip().lower()
            ):
                return candidate
        return None

    def new_commons(self, record: RepositoryRecord, pc: PubliccodeResult | None) -> Commons:
        name = (pc.name if pc is not None and pc.name else record.name)[:255]
        bases = [_slugify(name), _slugify(f"{record.owner}-{record.name}")]
        slug = None
        for base in bases:
            if db.session.scalar(select(Commons.id).where(Commons.slug == base)) is None:
                slug = base
                break
        if slug is None:
            base = bases[-1][:110]
            taken = set(db.session.scalars(select(Commons.slug).where(Commons.slug.startswith(base + "-"))))
            number = 2
            while f"{base}-{number}" in taken:
                number += 1
            slug = f"{base}-{number}"
        commons = Commons(
            slug=slug,
            name=name,
            descriptions={},
            category="software",
            topics=[],
            licences=[],
            languages=[],
            external_ids={},
            hints={},
            curated_fields=[],
            catalogue_status="candidate",
            created_at=self.now,
        )
        db.session.add(commons)
        return commons

    def fill_commons(
        self,
        commons: Commons,
        repo: Repository,
        record: RepositoryRecord,
        pc: PubliccodeResult | None,
        *,
        created: bool,
        primary: bool,
    ) -> None:
        curated = set(commons.curated_fields or [])

        def put(name: str, value: Any) -> None:
            if name not in curated and value is not None and not _same(getattr(commons, name), value):
                setattr(commons, name, value)

        if primary:
            name = pc.name if pc is not None and pc.name else (record.name if created else None)
            put("name", name[:255] if name else None)
            if pc is not None and pc.descriptions:
                descriptions = {
                    lang: {
                        "name": block.get("localised_name") or pc.name or record.name,
                        "short": block.get("short"),
                        "long": block.get("long"),
                        "features": block.get("features") or [],
                    }
                    for lang, block in pc.descriptions.items()
                }
                put("descriptions", _jsonable(descriptions))
                first = descriptions.get("en") or next(iter(descriptions.values()))
                put("summary", first.get("short"))
            elif record.description and (created or not commons.descriptions):
                put("descriptions", {"en": {"name": commons.name, "short": record.description}})
                put("summary", record.description)
            website = None
            if pc is not None and isinstance(pc.data, dict) and isinstance(pc.data.get("landingURL"), str):
                website = pc.data["landingURL"]
            put("website", (website or record.homepage or None) and (website or record.homepage or "")[:500])
            licence = (pc.license if pc is not None and pc.license else None) or record.license_spdx
            if licence:
                put("licences", _merge([licence], [] if created else commons.licences or []))
            if pc is not None:
                # The standard's categories are the catalogue's functions (commons.catalogue.functions).
                if known_functions(pc.categories):
                    put("functions", known_functions(pc.categories))
                put("development_status", pc.development_status and pc.development_status[:20])
                if pc.maintenance is not None:
                    put("maintenance", _jsonable(pc.maintenance))
                hints = {
                    **(commons.hints or {}),
                    "funded_by": _jsonable(pc.funded_by),
                    "used_by": list(pc.used_by),
                    "organisation": pc.organisation,
                    "publiccode_name": pc.name,
                    "publiccode_url": pc.url,
                }
                put("hints", hints)
                if pc.countries and not commons.country:
                    put("country", pc.countries[0][:2])
        put("languages", _merge(commons.languages or [], record.languages))
        put("topics", _merge(commons.topics or [], [*record.topics, *(pc.categories if pc else [])]))
        if not commons.country and self.organisation is not None and self.organisation.country:
            put("country", self.organisation.country[:2])
        activity = _aware(repo.pushed_at or repo.forge_updated_at)
        if activity is not None and (commons.last_activity_at is None or activity > _aware(commons.last_activity_at)):  # type: ignore[operator]
            put("last_activity_at", activity)
        if created or commons.id is None:
            put("stars", repo.stars)
        else:
            db.session.flush()
            total = db.session.scalar(
                select(func.coalesce(func.sum(Repository.stars), 0)).where(Repository.commons_id == commons.id)
            )
            put("stars", int(total or 0))
        org = self.organisation
        if (
            org is not None
            and "stewards" not in curated
            and not any(s.organisation_id == org.id for s in commons.stewards)
        ):
            commons.stewards.append(CommonsSteward(organisation_id=org.id, role="owner"))

    # --- the end ---
    def archive(self) -> None:
        cutoff = self.now - GRACE_PERIOD
        gone = db.session.scalars(
            select(Repository).where(
                Repository.source_id == self.source_id,
                Repository.gone_at.is_(None),
                Repository.last_seen_at < cutoff,
            )
        ).all()
        for repo in gone:
            repo.gone_at = self.now
            self.job.archived += 1
            self._item(
                repository_id=repo.id,
                remote_id=repo.remote_id[:64],
                full_name=repo.full_name[:500],
                url=repo.web_url[:1000],
                stage="archive",
                status="archived",
                details={"last_seen_at": repo.last_seen_at.isoformat() if repo.last_seen_at else None},
            )

    def finish(self, crashed: str | None) -> HarvestJob:
        try:
            self.flush()
        except Exception as exc:  # noqa: BLE001 - the job still gets its final state below
            db.session.rollback()
            log.exception("harvest of source %s failed while saving", self.source_id)
            if crashed is None:
                crashed = f"unexpected error: {type(exc).__name__}: {exc}"
                self.crash_cause = "error"
        self.begin_write()
        job = self.job
        complete = crashed is None and not self.outcome.listing_errors
        if complete:
            self.archive()
        nothing = self.outcome.seen == 0
        cause: str | None = None
        if crashed is not None or self.outcome.listing_errors:
            reason = crashed or _("listing failed: %(reason)s", reason=self.outcome.listing_errors[0])
            # The cause is classified here, once, and the pages translate it (commons.failures).
            cause = self.crash_cause if crashed is not None else self.outcome.listing_causes[0]
            job.error = reason
            job.status = "failed" if nothing else "partial"
        else:
            job.status = "partial" if job.errored else "succeeded"
        job.finished_at = utcnow()
        job.requests = self.budget.count
        job.details = {
            **(job.details or {}),
            "listing_complete": complete,
            "seen": self.outcome.seen,
            "archive_checked": complete,
            "cause": cause,
        }
        source = self.source
        source.last_run_at = self.now
        source.next_run_at = self.now + timedelta(hours=source.schedule_hours or 24)
        record_event("harvest_job:status:finish", job, new=job_summary(job))
        self.commit()
        return job


def run_source(
    source: HarvestSource,
    job: HarvestJob | None = None,
    *,
    progress: Callable[[HarvestJob], None] | None = None,
    now: datetime | None = None,
    config: Any = None,
) -> HarvestJob:
    """Harvest one approved source now and return its finished job (commits in batches).

    ``job`` is a queued job to run (from a worker); otherwise one is created. Earlier jobs of the same
    source still marked running are closed as interrupted. Per-item and per-page failures are recorded as
    :class:`HarvestItem` rows and the run goes on; a refused or failing listing ends the job as failed
    (or partial) with the reason in ``job.error``; a spent request budget ends the run the same way.
    """
    if source.approval_state != "approved":
        raise Conflict(_("This source is not approved: an admin must approve it before it runs."))
    started = now or utcnow()
    running = db.session.scalars(
        select(HarvestJob).where(HarvestJob.source_id == source.id, HarvestJob.status == "running")
    ).all()
    for old in running:
        if job is not None and old.id == job.id:
            continue  # a worker picking its own job up again after a crash
        if is_alive(old, started):
            raise Conflict(_("This source is already being harvested (job %(id)d).", id=old.id))
        old.status = "failed"
        old.error = INTERRUPTED
        old.details = {**(old.details or {}), "cause": "interrupted"}
        old.finished_at = started
    if job is None:
        job = HarvestJob(source_id=source.id, created_at=started, details={})
        db.session.add(job)
    job.status = "running"
    job.started_at = started
    db.session.flush()
    record_event("harvest_job:status:start", job, new={"source_id": source.id})
    db.session.commit()
    cfg = config if config is not None else current_app.config
    return _Run(source, job, cfg, progress, started).run()


# --- reading, for the pages ----------------------------------------------------------------------------


def list_sources(user: Any) -> list[HarvestSource]:
    """Every source, proposed ones first (``harvest:manage``)."""
    require(user, "harvest:manage")
    order = {"proposed": 0, "approved": 1, "rejected": 2}
    rows = list(db.session.scalars(select(HarvestSource).order_by(HarvestSource.id)))
    return sorted(rows, key=lambda s: (order.get(s.approval_state, 3), s.id))


def list_jobs(user: Any, *, source: HarvestSource | None = None, limit: int = 50) -> list[HarvestJob]:
    """The latest jobs, newest first (``harvest:manage``)."""
    require(user, "harvest:manage")
    query = select(HarvestJob).order_by(HarvestJob.id.desc()).limit(limit)
    if source is not None:
        query = query.where(HarvestJob.source_id == source.id)
    return list(db.session.scalars(query))


def job_items(job: HarvestJob, *, errors_only: bool = False, limit: int = 500) -> list[HarvestItem]:
    """The items of a job, errors first."""
    query = select(HarvestItem).where(HarvestItem.job_id == job.id)
    if errors_only:
        query = query.where(HarvestItem.status == "error")
    rows = list(db.session.scalars(query.order_by(HarvestItem.id).limit(limit)))
    return sorted(rows, key=lambda i: (i.status != "error", i.id))


class _AlwaysSame(datetime):
    """An activity date equal to any other: the preview never fetches publiccode.yml files."""

    def __eq__(self, other: object) -> bool:
        return True

    def __ne__(self, other: object) -> bool:
        return False

    __hash__ = datetime.__hash__


class _PreviewState:
    def previous_pushed_at(self, host: str, remote_id: str) -> datetime | None:
        return _AlwaysSame(2000, 1, 1, tzinfo=UTC)


@dataclass
class Preview:
    """The first repositories of a source, fetched live through the guard; nothing is stored."""

    records: list[RepositoryRecord]
    errors: list[ItemError]
    error: str | None = None
    cause: str | None = None


def preview_source(user: Any, source: HarvestSource, limit: int = 20) -> Preview:
    """Fetch the first page of a source's listing (``harvest:manage``); writes nothing."""
    require(user, "harvest:manage")
    from harvesters import MemoryHttpCache

    preview = Preview([], [])
    session = session_from_config(current_app.config, budget_from_config(current_app.config))
    try:
        for item in harvest_source(source_spec(source), session, MemoryHttpCache(), _PreviewState(), 1):
            if isinstance(item, RepositoryRecord):
                preview.records.append(item)
                if len(preview.records) >= limit:
                    break
            elif isinstance(item, ItemError):
                preview.errors.append(item)
    except BudgetExhausted as exc:
        preview.error, preview.cause = str(exc), "budget"
    finally:
        session.close()
    if preview.error is None and not preview.records and preview.errors:
        preview.error, preview.cause = preview.errors[0].message, preview.errors[0].cause
    return preview
