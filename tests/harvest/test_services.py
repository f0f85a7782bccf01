# SPDX-License-Identifier: EUPL-1.2
"""Runs of the harvest service against the fake forge over real HTTP (DESIGN.md §5, issue 3 §8)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from commons.audit import AuditEvent
from commons.catalogue.models import Commons, Repository
from commons.errors import Conflict, PermissionDenied, ValidationFailed
from commons.extensions import db
from commons.harvest import services
from commons.harvest.models import HarvestItem, HarvestJob, HttpCacheEntry
from commons.types import utcnow
from tests.factories import OrganisationFactory
from tests.fakeforge import FakeForge

PUBLICCODE = """publiccodeYmlVersion: "0.4"
name: Cartographie
url: "{url}"
softwareVersion: "1.0"
releaseDate: "2024-01-15"
platforms: [web]
categories: [data-visualization]
developmentStatus: stable
softwareType: standalone/web
description:
  en:
    shortDescription: Maps for public services
    longDescription: >
      {long}
    features: [maps]
  fr:
    shortDescription: Des cartes pour les services publics
    longDescription: >
      {long}
    features: [cartes]
legal:
  license: EUPL-1.2
maintenance:
  type: internal
  contacts:
    - name: Alice Martin
localisation:
  localisationReady: true
  availableLanguages: [en, fr]
usedBy: [Ville de Lyon]
"""
LONG = "A long description of the mapping tool used by many public administrations. " * 3


def _repos() -> list[Repository]:
    db.session.expire_all()
    return list(db.session.scalars(select(Repository).order_by(Repository.id)))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _errors(job: HarvestJob) -> list[HarvestItem]:
    return list(
        db.session.scalars(select(HarvestItem).where(HarvestItem.job_id == job.id, HarvestItem.status == "error"))
    )


def test_first_run_adds_every_repository_with_a_candidate_commons(forge: FakeForge, make_source) -> None:
    for i in range(5):
        forge.add_repo("github", "etalab", f"tool{i}", stars=i)
    source = make_source("github", "etalab")
    job = services.run_source(source)
    assert (job.status, job.added, job.updated, job.errored) == ("succeeded", 5, 0, 0)
    repos = _repos()
    assert sorted(r.full_name for r in repos) == [f"etalab/tool{i}" for i in range(5)]
    assert all(r.commons is not None and r.commons.catalogue_status == "candidate" for r in repos)
    assert _count(Commons) == 5
    assert {r.source_id for r in repos} == {source.id}
    assert job.requests >= 1 and job.finished_at is not None


@pytest.mark.parametrize(("kind", "count"), [("github", 230), ("gitlab", 205), ("gitea", 120)])
def test_every_page_of_a_listing_is_harvested(forge: FakeForge, make_source, kind: str, count: int) -> None:
    for i in range(count):
        forge.add_repo(kind, "mairie", f"r{i}")
    job = services.run_source(make_source(kind, "mairie"))
    assert (job.status, job.added) == ("succeeded", count)
    assert _count(Repository) == count
    listing_requests = forge.count() - forge.count(path="publiccode")
    assert listing_requests <= count // 50 + 2


def test_unchanged_second_run_is_answered_by_304_and_counts_unchanged(forge: FakeForge, make_source) -> None:
    for i in range(150):
        forge.add_repo("github", "etalab", f"r{i}", publiccode="publiccodeYmlVersion: '0.4'\n" if i < 3 else None)
    source = make_source("github", "etalab")
    first = services.run_source(source)
    assert first.added == 150
    forge.reset_log()
    second = services.run_source(source)
    assert (second.status, second.added, second.updated, second.unchanged) == ("succeeded", 0, 0, 150)
    assert second.not_modified == 2
    # Two listing requests, both 304: no body parsed, no publiccode.yml fetched again.
    assert forge.count() == 2 and forge.count(status=304) == 2
    assert _count(Repository) == 150
    assert db.session.scalar(select(func.count()).select_from(HarvestItem).where(HarvestItem.job_id == second.id)) == 0


def test_changed_repository_is_updated_and_its_publiccode_fetched_again(forge: FakeForge, make_source) -> None:
    repo = forge.add_repo("gitea", "comune", "mappe")
    forge.add_repo("gitea", "comune", "other")
    source = make_source("gitea", "comune")
    services.run_source(source)
    forge.update_repo("gitea", repo["id"], description="New words", stars=12)
    forge.reset_log()
    job = services.run_source(source)
    assert (job.added, job.updated, job.unchanged) == (0, 1, 1)
    stored = db.session.scalar(select(Repository).where(Repository.remote_id == str(repo["id"])))
    assert stored.description == "New words" and stored.commons.stars == 12
    assert forge.count(path="publiccode") == 1
    item = db.session.scalar(select(HarvestItem).where(HarvestItem.job_id == job.id))
    assert item.status == "updated" and "description" in item.details["changed"]


def test_rate_limited_page_is_retried_after_retry_after(forge: FakeForge, make_source) -> None:
    for i in range(3):
        forge.add_repo("github", "etalab", f"r{i}")
    fault = forge.set_fault("rate_limit", kind="github", owner="etalab", page=1, times=1, retry_after=1)
    job = services.run_source(make_source("github", "etalab"))
    assert fault.fired == 1
    assert (job.status, job.added, job.errored) == ("succeeded", 3, 0)
    assert forge.count(status=429) == 1


def test_failing_page_is_recorded_the_run_goes_on_and_nothing_is_archived(forge: FakeForge, make_source) -> None:
    for i in range(250):
        forge.add_repo("github", "etalab", f"r{i}")
    source = make_source("github", "etalab")
    services.run_source(source)
    # A repository seen long ago must not be archived by a run whose listing is incomplete.
    db.session.execute(Repository.__table__.update().values(last_seen_at=utcnow() - timedelta(days=30)))
    db.session.commit()
    forge.update_repo("github", forge.repos["github"][1000]["id"], description="changed")
    db.session.query(HttpCacheEntry).delete()
    db.session.commit()
    forge.set_fault("status", kind="github", owner="etalab", page=2, status=500)
    job = services.run_source(source)
    assert job.status == "partial"
    assert job.archived == 0 and job.updated == 1 and job.unchanged == 99
    [error] = _errors(job)
    assert error.stage == "listing" and "500" in error.error and "page=2" in error.url
    assert "500" in job.error
    assert _count(Repository) == 250
    assert not any(r.gone_at for r in _repos())


def test_listing_timeout_fails_the_job_with_the_reason(forge: FakeForge, make_source) -> None:
    forge.add_repo("gitlab", "ville", "lent")
    forge.set_fault("slow", kind="gitlab", owner="ville", page=1, delay=4)
    job = services.run_source(make_source("gitlab", "ville"))
    assert job.status == "failed"
    assert "timeout" in job.error.lower() or "timed out" in job.error.lower()
    assert _errors(job)[0].stage == "listing"


def test_malformed_json_fails_the_job_and_saves_nothing(forge: FakeForge, make_source) -> None:
    forge.add_repo("gitea", "comune", "x")
    forge.set_fault("malformed", kind="gitea", owner="comune", page=1)
    job = services.run_source(make_source("gitea", "comune"))
    assert job.status == "failed" and "malformed JSON" in job.error
    assert _count(Repository) == 0


def test_redirect_to_a_private_address_is_refused(forge: FakeForge, make_source) -> None:
    forge.add_repo("github", "etalab", "x")
    forge.set_fault(
        "redirect", kind="github", owner="etalab", page=1, location="http://169.254.169.254/latest/meta-data/"
    )
    job = services.run_source(make_source("github", "etalab"))
    assert job.status == "failed"
    assert "refused" in job.error and "169.254.169.254" in job.error
    assert _count(Repository) == 0


def test_source_on_a_loopback_address_is_refused_by_the_guard(harvest_app, forge: FakeForge, make_source) -> None:
    forge.add_repo("github", "etalab", "x")
    source = make_source("github", "etalab")
    harvest_app.config["COMMONS_HARVEST_ALLOWED_HOSTS"] = ""
    job = services.run_source(source)
    assert job.status == "failed"
    assert "refused" in job.error and "loopback" in job.error
    assert forge.count() == 0


def test_pagination_loop_is_stopped_and_recorded(forge: FakeForge, make_source) -> None:
    for i in range(150):
        forge.add_repo("github", "etalab", f"r{i}")
    forge.set_fault("loop", kind="github", owner="etalab", page=2)
    job = services.run_source(make_source("github", "etalab"))
    assert job.status == "partial" and job.added == 150
    assert "loop" in _errors(job)[0].error
    assert _count(Repository) == 150


def test_oversized_body_is_refused(harvest_app, forge: FakeForge, make_source) -> None:
    harvest_app.config["COMMONS_HARVEST_MAX_BYTES"] = 100_000
    forge.add_repo("gitea", "comune", "x")
    forge.set_fault("oversized", kind="gitea", owner="comune", page=1, size=300_000, declare_length=False)
    job = services.run_source(make_source("gitea", "comune"))
    assert job.status == "failed" and "larger than 100000 bytes" in job.error


def test_renamed_repository_keeps_its_record_and_its_old_name(forge: FakeForge, make_source) -> None:
    repo = forge.add_repo("github", "etalab", "ancien")
    source = make_source("github", "etalab")
    services.run_source(source)
    [before] = _repos()
    forge.rename("github", repo["id"], "nouveau")
    job = services.run_source(source)
    [after] = _repos()
    assert job.updated == 1 and after.id == before.id
    assert after.full_name == "etalab/nouveau" and after.previous_names == ["etalab/ancien"]
    assert after.web_url.endswith("/etalab/nouveau")
    assert _count(Commons) == 1


def test_hostile_text_is_stored_as_data(forge: FakeForge, make_source) -> None:
    forge.add_repo("github", "etalab", "x", description="<script>alert('x')</script>")
    services.run_source(make_source("github", "etalab"))
    [repo] = _repos()
    assert repo.description == "<script>alert('x')</script>"
    assert repo.commons.summary == "<script>alert('x')</script>"


def test_run_without_changes_is_idempotent_even_without_the_cache(forge: FakeForge, make_source) -> None:
    for i in range(120):
        forge.add_repo("gitlab", "groupe", f"r{i}")
    source = make_source("gitlab", "groupe")
    services.run_source(source)
    snapshot = [(r.id, r.full_name, r.commons_id) for r in _repos()]
    db.session.query(HttpCacheEntry).delete()
    db.session.commit()
    job = services.run_source(source)
    assert (job.added, job.updated, job.unchanged) == (0, 0, 120)
    assert [(r.id, r.full_name, r.commons_id) for r in _repos()] == snapshot
    assert _count(Commons) == 120


def test_killed_run_loses_nothing_and_a_rerun_duplicates_nothing(forge: FakeForge, make_source) -> None:
    for i in range(250):
        forge.add_repo("github", "etalab", f"r{i}")
    source = make_source("github", "etalab")

    def die_after_first_page(job: HarvestJob) -> None:
        if job.added >= 100:
            raise KeyboardInterrupt  # stands for SIGKILL right after a commit

    with pytest.raises(KeyboardInterrupt):
        services.run_source(source, progress=die_after_first_page)
    db.session.rollback()
    assert _count(Repository) == 100
    killed = db.session.scalar(select(HarvestJob).order_by(HarvestJob.id))
    # Until its heartbeat is old, the killed job counts as alive: nobody starts the source twice.
    with pytest.raises(Conflict):
        services.run_source(source)
    job = services.run_source(source, now=utcnow() + services.STALE_AFTER)
    assert (job.status, job.added, job.unchanged) == ("succeeded", 150, 100), (job.error, job.details)
    assert _count(Repository) == 250 and _count(Commons) == 250
    db.session.refresh(killed)
    assert killed.status == "failed" and "interrupted" in killed.error


def test_one_slow_listing_answer_on_a_busy_machine_does_not_fail_the_run(forge: FakeForge, make_source) -> None:
    """The flaky killed-run test ended ('failed', 0, 0) when its re-run's first page came after the read timeout
    of a busy machine: a read timeout was not retried. The page is now asked again (issue 11)."""
    for i in range(30):
        forge.add_repo("github", "etalab", f"r{i}")
    source = make_source("github", "etalab")
    slow = forge.set_fault("slow", kind="github", owner="etalab", page=1, delay=3, times=1)
    job = services.run_source(source)
    assert (job.status, job.added) == ("succeeded", 30), (job.error, job.details)
    assert slow.fired == 1


def test_a_killed_run_is_reclaimed_exactly_when_its_heartbeat_is_stale_whatever_the_wall_clock(
    forge: FakeForge, make_source
) -> None:
    """The "still alive?" check reads only the stored heartbeat and the run's clock (issue 11, flaky test).

    However long a busy machine takes between the kill and the re-run, a re-run is refused before
    ``heartbeat + STALE_AFTER`` and reclaims the killed job from that instant on: no wall-clock race.
    """
    for i in range(150):
        forge.add_repo("github", "etalab", f"r{i}")
    source = make_source("github", "etalab")

    def die_after_first_page(job: HarvestJob) -> None:
        if job.added >= 100:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        services.run_source(source, progress=die_after_first_page)
    db.session.rollback()
    killed = db.session.scalar(select(HarvestJob).order_by(HarvestJob.id))
    beat = datetime.fromisoformat(killed.details["heartbeat"])
    with pytest.raises(Conflict):
        services.run_source(source, now=beat + services.STALE_AFTER - timedelta(microseconds=1))
    assert _count(HarvestJob) == 1
    job = services.run_source(source, now=beat + services.STALE_AFTER)
    assert (job.status, job.added, job.unchanged) == ("succeeded", 50, 100), (job.error, job.details)
    db.session.refresh(killed)
    assert killed.status == "failed" and killed.error == services.INTERRUPTED


def test_a_run_slower_than_stale_after_within_one_page_is_never_taken_for_dead(
    forge: FakeForge, make_source, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page of slow requests must not leave its job silent for STALE_AFTER (issue 11, flaky test).

    The clock is the test's: every request the forge serves moves it one minute on, so the 101 requests
    of the first page (listing and 100 publiccode.yml files) take 101 minutes and no real time. At every
    request, a second run looking at the job as it is stored would have to find it alive.
    """
    for i in range(100):
        forge.add_repo("github", "etalab", f"r{i}")
    source = make_source("github", "etalab")
    start = utcnow()
    ticks = [0]
    seen_at: list[datetime] = []

    def clock() -> datetime:
        return start + timedelta(minutes=ticks[0])

    handler = forge._server.RequestHandlerClass
    serve = handler.do_GET

    def do_get(self: Any) -> None:
        ticks[0] += 1
        seen_at.append(clock())
        serve(self)

    monkeypatch.setattr(handler, "do_GET", do_get)
    monkeypatch.setattr(services, "utcnow", clock)
    beats: list[datetime] = []

    def record_heartbeat(job: HarvestJob) -> None:
        beat = (job.details or {}).get("heartbeat")
        if beat:
            beats.append(datetime.fromisoformat(beat))

    job = services.run_source(source, progress=record_heartbeat)
    assert (job.status, job.added) == ("succeeded", 100)
    assert forge.count() == 101 and len(seen_at) == 101
    for moment in seen_at:
        last = max([b for b in beats if b <= moment], default=None)
        stored = HarvestJob(status="running", started_at=start, details={"heartbeat": last.isoformat()} if last else {})
        assert services.is_alive(stored, moment), (moment - start, last and last - start)


def test_curated_fields_are_never_overwritten(forge: FakeForge, make_source) -> None:
    repo = forge.add_repo("github", "etalab", "outil", description="forge words")
    source = make_source("github", "etalab")
    services.run_source(source)
    [stored] = _repos()
    stored.description = "words an admin chose"
    stored.curated_fields = ["description"]
    stored.commons.name = "Curated name"
    stored.commons.summary = "Curated summary"
    stored.commons.curated_fields = ["name", "summary"]
    db.session.commit()
    forge.update_repo("github", repo["id"], description="new forge words", stars=5, name="outil2")
    job = services.run_source(source)
    [stored] = _repos()
    assert job.updated == 1
    assert stored.description == "words an admin chose" and stored.stars == 5
    assert stored.commons.name == "Curated name" and stored.commons.summary == "Curated summary"


def test_repository_unseen_for_seven_days_is_archived_not_deleted(forge: FakeForge, make_source) -> None:
    keep = forge.add_repo("gitea", "comune", "keep")
    gone = forge.add_repo("gitea", "comune", "gone")
    source = make_source("gitea", "comune")
    start = utcnow()
    services.run_source(source, now=start)
    forge.remove_repo("gitea", gone["id"])
    early = services.run_source(source, now=start + timedelta(days=3))
    assert early.archived == 0
    late = services.run_source(source, now=start + timedelta(days=8))
    assert late.archived == 1
    repos = {r.remote_id: r for r in _repos()}
    assert repos[str(gone["id"])].gone_at is not None and repos[str(keep["id"])].gone_at is None
    assert _count(Repository) == 2
    archived = db.session.scalar(select(HarvestItem).where(HarvestItem.job_id == late.id))
    assert archived.status == "archived"


def test_unapproved_source_does_not_run(forge: FakeForge, harvest_app) -> None:
    source = services.add_source(kind="github", url=forge.web_url("github", "etalab"))
    db.session.commit()
    assert source.approval_state == "proposed"
    with pytest.raises(Conflict):
        services.run_source(source)
    assert forge.count() == 0


def test_proposal_waits_for_staff_approval(forge: FakeForge, harvest_app, users) -> None:
    source = services.propose_source(users["user"], kind="gitlab", url=forge.web_url("gitlab", "g/sub"))
    assert source.approval_state == "proposed" and source.owner == "g/sub"
    with pytest.raises(PermissionDenied):
        services.approve_source(users["rep_fr"], source)
    services.approve_source(users["secretariat"], source)
    assert source.approval_state == "approved" and source.approved_by_id == users["secretariat"].id
    tags = set(db.session.scalars(select(AuditEvent.tag)))
    assert {"harvest_source:approval:propose", "harvest_source:approval:approve"} <= tags
    with pytest.raises(PermissionDenied):
        services.propose_source(None, kind="github", url="https://github.com/x")


@pytest.mark.parametrize(
    ("kind", "url", "field"),
    [
        ("svn", "https://github.com/etalab", "kind"),
        ("github", "ftp://github.com/etalab", "url"),
        ("github", "https://github.com/a/b/c", "url"),
        ("github", "TBD", "url"),
    ],
)
def test_bad_source_is_refused_with_a_field_error(harvest_app, kind: str, url: str, field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.add_source(kind=kind, url=url)
    assert field in caught.value.errors


def test_same_account_twice_is_refused(harvest_app, make_source) -> None:
    source = make_source("github", "etalab")
    with pytest.raises(ValidationFailed) as caught:
        services.add_source(kind="github", url=source.web_url.upper().replace("HTTP://", "http://"))
    assert "already a source" in caught.value.errors["url"][0]


def test_demo_repository_known_by_url_is_adopted_not_duplicated(forge: FakeForge, make_source) -> None:
    from tests.factories import RepositoryFactory

    remote = forge.add_repo("github", "suitenumerique", "docs")
    demo = RepositoryFactory(
        host=forge.host,
        remote_id="url:suitenumerique/docs",
        full_name="suitenumerique/docs",
        web_url=forge.repo_web_url("github", "suitenumerique/docs"),
    )
    demo_commons = demo.commons_id
    db.session.commit()
    services.run_source(make_source("github", "suitenumerique"))
    [repo] = _repos()
    assert repo.id == demo.id and repo.remote_id == str(remote["id"]) and repo.commons_id == demo_commons
    assert _count(Commons) == 1


def test_publiccode_fills_the_commons_and_a_second_repository_joins_it(forge: FakeForge, make_source) -> None:
    org = OrganisationFactory(slug="ville-de-paris", country="FR")
    main_url = forge.repo_web_url("github", "paris/carto")
    forge.add_repo("github", "paris", "carto", publiccode=PUBLICCODE.format(url=main_url, long=LONG), stars=3)
    forge.add_repo("github", "paris", "carto-api", publiccode=PUBLICCODE.format(url=main_url, long=LONG), stars=4)
    forge.add_repo("github", "paris", "broken", publiccode="name: [unclosed")
    job = services.run_source(make_source("github", "paris", organisation="ville-de-paris"))
    assert job.added == 3
    repos = {r.full_name: r for r in _repos()}
    carto = repos["paris/carto"]
    assert carto.publiccode_valid is True, carto.publiccode_errors
    assert carto.publiccode_parsed["name"] == "Cartographie"
    assert repos["paris/carto-api"].commons_id == carto.commons_id
    commons = carto.commons
    assert commons.name == "Cartographie" and commons.slug == "cartographie"
    assert commons.descriptions["fr"]["short"] == "Des cartes pour les services publics"
    assert commons.summary == "Maps for public services"
    assert commons.licences == ["EUPL-1.2"] and commons.development_status == "stable"
    assert commons.maintenance["type"] == "internal" and commons.hints["used_by"] == ["Ville de Lyon"]
    assert "data-visualization" in commons.topics
    assert commons.stars == 7 and commons.last_activity_at is not None
    assert [s.organisation_id for s in commons.stewards] == [org.id]
    broken = repos["paris/broken"]
    assert broken.publiccode_valid is False and broken.publiccode_errors
    assert broken.health["has_publiccode"] is True
    assert _count(Commons) == 2


def test_same_repository_name_under_two_owners_gets_two_slugs(forge: FakeForge, make_source) -> None:
    forge.add_repo("gitea", "a", "portal")
    forge.add_repo("gitea", "b", "portal")
    services.run_source(make_source("gitea", "a"))
    services.run_source(make_source("gitea", "b"))
    assert sorted(db.session.scalars(select(Commons.slug))) == ["b-portal", "portal"]


def test_spent_budget_ends_the_run_without_archiving(harvest_app, forge: FakeForge, make_source) -> None:
    for i in range(250):
        forge.add_repo("github", "etalab", f"r{i}")
    harvest_app.config["COMMONS_HARVEST_PER_HOST_BUDGET"] = 2
    job = services.run_source(make_source("github", "etalab"))
    assert job.status == "partial" and "budget" in job.error
    # One listing page and one publiccode.yml look-up, then the budget is spent mid-page.
    assert job.added == 1 and job.archived == 0 and job.requests == 2
    assert _count(HttpCacheEntry) == 0
    harvest_app.config["COMMONS_HARVEST_PER_HOST_BUDGET"] = None
    again = services.run_source(job.source)
    assert (again.status, again.added, again.unchanged) == ("succeeded", 249, 1)


def test_due_sources_exclude_recent_and_unapproved_ones(forge: FakeForge, make_source) -> None:
    ran = make_source("github", "a")
    waiting = make_source("github", "b")
    services.add_source(kind="github", url=forge.web_url("github", "c"))
    forge.add_owner("github", "a")
    services.run_source(ran)
    due = services.runnable_sources(due=True)
    assert [s.id for s in due] == [waiting.id]
    later = services.runnable_sources(due=True, now=utcnow() + timedelta(days=2))
    assert {s.id for s in later} == {ran.id, waiting.id}


def test_process_killed_mid_run_keeps_its_pages_and_a_rerun_completes(tmp_path) -> None:
    """A real ``commons harvest run`` process, killed with SIGKILL while it waits for page 2."""
    import os
    import signal
    import subprocess
    import sys
    import time as clock

    from commons import create_app
    from tests.conftest import fresh_database_url, migrate_to_head

    url = fresh_database_url(tmp_path, "killed")
    migrate_to_head(url)
    with FakeForge() as forge:
        for i in range(250):
            forge.add_repo("github", "etalab", f"r{i}")
        forge.set_fault("slow", kind="github", owner="etalab", page=2, delay=30, times=1)
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, COMMONS_HARVEST_ALLOWED_HOSTS=forge.host)
        with app.app_context():
            source = services.add_source(kind="github", url=forge.web_url("github", "etalab"), approve=True)
            db.session.commit()
            source_id = source.id
            db.session.remove()
        env = {
            **os.environ,
            "COMMONS_CONFIG": "development",
            "COMMONS_DATABASE_URL": url,
            "COMMONS_HARVEST_ALLOWED_HOSTS": forge.host,
            "COMMONS_HARVEST_TIMEOUT": "5,60",
        }
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from commons.cli import main; main()",
                "harvest",
                "run",
                "--source",
                str(source_id),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = clock.monotonic() + 60
            with app.app_context():
                while clock.monotonic() < deadline:
                    saved = db.session.scalar(select(func.count()).select_from(Repository)) or 0
                    db.session.rollback()
                    if saved >= 100:
                        break
                    clock.sleep(0.1)
                db.session.remove()
            assert saved == 100, "the first page was not committed before the kill"
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        finally:
            if process.poll() is None:
                process.kill()
        forge.clear_faults()
        with app.app_context():
            job = services.run_source(db.session.get(type(source), source_id), now=utcnow() + services.STALE_AFTER)
            assert (job.status, job.added, job.unchanged) == ("succeeded", 150, 100), (job.error, job.details)
            assert db.session.scalar(select(func.count()).select_from(Repository)) == 250
            assert db.session.scalar(select(func.count()).select_from(Commons)) == 250
            killed = db.session.scalar(select(HarvestJob).order_by(HarvestJob.id))
            assert killed.status == "failed" and "interrupted" in killed.error
            db.session.remove()
            db.engine.dispose()


def test_run_survives_another_writer_committing_while_a_page_is_fetched(tmp_path) -> None:
    """SQLite has one writer: the web app saving an edit mid-run must not break the harvest."""
    import threading

    from commons import create_app
    from tests.conftest import fresh_database_url, migrate_to_head

    url = fresh_database_url(tmp_path, "concurrent")
    migrate_to_head(url)
    with FakeForge() as forge:
        for i in range(150):
            forge.add_repo("github", "etalab", f"r{i}")
        slow = forge.set_fault("slow", kind="github", owner="etalab", page=2, delay=1.5, times=1)
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, COMMONS_HARVEST_ALLOWED_HOSTS=forge.host)
        with app.app_context():
            source = services.add_source(kind="github", url=forge.web_url("github", "etalab"), approve=True)
            db.session.commit()

            def other_writer() -> None:
                while slow.fired == 0:
                    clock.sleep(0.05)
                clock.sleep(0.3)
                with app.app_context():
                    db.session.add(OrganisationFactory._meta.model(slug="edited-meanwhile", name="Edited"))
                    db.session.commit()
                    db.session.remove()

            import time as clock

            writer = threading.Thread(target=other_writer)
            writer.start()
            job = services.run_source(source)
            writer.join(timeout=10)
            assert (job.status, job.added, job.error) == ("succeeded", 150, None)
            db.session.remove()
            db.engine.dispose()


def test_a_source_is_never_run_twice_at_once_but_a_dead_run_is_taken_over(
    forge: FakeForge, make_source, runner
) -> None:
    from commons.cli import main

    forge.add_repo("gitea", "comune", "x")
    source = make_source("gitea", "comune")
    alive = HarvestJob(source_id=source.id, status="running", started_at=utcnow(), details={})
    db.session.add(alive)
    db.session.commit()
    with pytest.raises(Conflict):
        services.run_source(source)
    with pytest.raises(Conflict):
        services.queue_job(None, source)
    result = runner.invoke(main, ["harvest", "run", "--source", str(source.id)])
    assert result.exit_code == 2 and f"job {alive.id}" in result.output
    alive.started_at = utcnow() - timedelta(minutes=20)
    db.session.commit()
    job = services.run_source(source)
    assert job.status == "succeeded" and job.added == 1
    db.session.refresh(alive)
    assert alive.status == "failed" and "interrupted" in alive.error


def test_cache_promising_a_missing_repository_is_dropped_and_the_next_run_restores_it(
    forge: FakeForge, make_source
) -> None:
    for i in range(3):
        forge.add_repo("gitlab", "groupe/sous", f"r{i}")
    other = make_source("gitlab", "autre")
    forge.add_repo("gitlab", "autre", "x")
    services.run_source(other)
    source = make_source("gitlab", "groupe/sous")
    services.run_source(source)
    # A restored backup, or a hand-made deletion: the catalogue lost a row the cache still lists.
    lost = _repos()[-1]
    db.session.query(HarvestItem).filter(HarvestItem.repository_id == lost.id).delete()
    db.session.delete(lost)
    db.session.commit()
    second = services.run_source(source)
    assert second.unchanged == 2 and second.details["cache_reset"] is True
    third = services.run_source(source)
    assert (third.added, third.unchanged) == (1, 2)
    assert _count(Repository) == 4
    # The other owner's validators were kept.
    forge.reset_log()
    assert services.run_source(other).not_modified == 1


def test_publiccode_categories_become_functions_and_every_description_language_is_searchable(
    forge: FakeForge, make_source
) -> None:
    from werkzeug.datastructures import MultiDict

    from commons.catalogue.search import SearchParams, search

    main_url = forge.repo_web_url("github", "paris/carto")
    forge.add_repo("github", "paris", "carto", publiccode=PUBLICCODE.format(url=main_url, long=LONG), stars=3)
    services.run_source(make_source("github", "paris"))
    [repo] = _repos()
    assert repo.commons.functions == ["data-visualization"]

    def found(q: str) -> list[str]:
        return [c.slug for c in search(SearchParams.from_args(MultiDict({"q": q}))).items]

    assert found("cartes") == ["cartographie"]  # the French description, French stemming
    assert found("Datenvisualisierung") == ["cartographie"]  # the function's German label
    assert [c.slug for c in search(SearchParams.from_args(MultiDict({"function": "data-visualization"}))).items] == [
        "cartographie"
    ]
