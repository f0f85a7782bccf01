# SPDX-License-Identifier: EUPL-1.2
"""Scale-out against the real Redis on 127.0.0.1: shared per-host budgets and Celery workers.

``COMMONS_TEST_REDIS_URL`` (CI: redis://127.0.0.1:6379/15) names the database; keys carry a random prefix
so runs never meet. Skipped, with the reason, when Redis cannot be reached.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from commons import create_app
from commons.extensions import db
from commons.harvest import services
from commons.harvest.budget import RedisHostBudget, budget_from_config
from commons.harvest.models import HarvestJob
from commons.outbound import BudgetExhausted
from tests.conftest import fresh_database_url, migrate_to_head
from tests.fakeforge import FakeForge

REDIS_URL = os.environ.get("COMMONS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_client() -> Iterator[object]:
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis at {REDIS_URL} is unreachable: {exc}")
    yield client
    client.close()


@pytest.fixture
def prefix(redis_client) -> Iterator[str]:
    value = f"commons-test-{uuid.uuid4().hex[:12]}"
    yield value
    # Budget keys, the Celery queue and kombu's binding of that queue.
    keys = [*redis_client.scan_iter(f"{value}*"), *redis_client.scan_iter(f"_kombu.binding*.{value}*")]
    if keys:
        redis_client.delete(*keys)


def test_budget_is_shared_between_processes(redis_client, prefix) -> None:
    first = RedisHostBudget(redis_client, prefix=prefix, per_host_budget=3)
    second = RedisHostBudget(redis_client, prefix=prefix, per_host_budget=3)
    first.acquire("forge.example:443")
    first.release("forge.example:443")
    second.acquire("forge.example:443")
    second.release("forge.example:443")
    first.acquire("forge.example:443")
    first.release("forge.example:443")
    with pytest.raises(BudgetExhausted):
        second.acquire("forge.example:443")
    assert second.used("forge.example:443") == 3
    # Another host has its own budget.
    second.acquire("other.example:443")
    second.release("other.example:443")


def test_concurrency_slots_are_shared_and_freed(redis_client, prefix) -> None:
    waits: list[float] = []
    holder = RedisHostBudget(redis_client, prefix=prefix, per_host_concurrency=1)
    other = RedisHostBudget(redis_client, prefix=prefix, per_host_concurrency=1, poll=0.01)
    holder.acquire("h:443")
    released = threading.Timer(0.2, holder.release, args=("h:443",))
    released.start()
    started = time.monotonic()
    other.acquire("h:443")
    assert time.monotonic() - started >= 0.15
    other.release("h:443")
    released.join()
    # A slot held by a killed worker frees itself after its time to live.
    dead = RedisHostBudget(redis_client, prefix=prefix, per_host_concurrency=1, slot_ttl=1)
    dead.acquire("k:443")

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        time.sleep(seconds)

    survivor = RedisHostBudget(redis_client, prefix=prefix, per_host_concurrency=1, poll=0.05, sleep=sleep)
    survivor.acquire("k:443")
    assert waits and sum(waits) <= 2.5


def test_budget_from_config_uses_redis_when_a_broker_is_set(redis_client, prefix) -> None:
    budget = budget_from_config(
        {"COMMONS_BROKER_URL": REDIS_URL, "COMMONS_REDIS_PREFIX": prefix, "COMMONS_HARVEST_PER_HOST_BUDGET": "5"}
    )
    assert isinstance(budget, RedisHostBudget) and budget.per_host_budget == 5


def test_inline_run_with_a_broker_counts_requests_in_redis(
    redis_client, prefix, harvest_app, forge, make_source
) -> None:
    for i in range(3):
        forge.add_repo("github", "etalab", f"r{i}")
    harvest_app.config.update(COMMONS_BROKER_URL=REDIS_URL, COMMONS_REDIS_PREFIX=prefix)
    job = services.run_source(make_source("github", "etalab"))
    assert job.status == "succeeded" and job.added == 3
    assert int(redis_client.get(f"{prefix}:budget:{forge.host}")) == job.requests == forge.count()


def test_queued_runs_are_executed_by_a_celery_worker(redis_client, prefix, tmp_path: Path) -> None:
    from celery.contrib.testing import tasks as _ping  # noqa: F401 - registers celery.ping for start_worker
    from celery.contrib.testing.worker import start_worker

    from commons.cli import main
    from commons.harvest.tasks import celery_for

    # The worker thread and the CLI are two sessions: the database must be one both can open.
    url = fresh_database_url(tmp_path, "celery")
    migrate_to_head(url)
    with FakeForge() as forge:
        for i in range(120):
            forge.add_repo("gitea", "comune", f"r{i}")
        forge.add_repo("gitlab", "ville", "carte")
        app = create_app(
            "testing",
            SQLALCHEMY_DATABASE_URI=url,
            COMMONS_BROKER_URL=REDIS_URL,
            COMMONS_REDIS_PREFIX=prefix,
            COMMONS_CELERY_QUEUE=f"{prefix}-queue",
            COMMONS_HARVEST_ALLOWED_HOSTS=forge.host,
        )
        runner = app.test_cli_runner()
        for kind, owner in (("gitea", "comune"), ("gitlab", "ville")):
            added = runner.invoke(
                main, ["harvest", "add-source", "--kind", kind, "--url", forge.web_url(kind, owner), "--approve"]
            )
            assert added.exit_code == 0, added.output
        celery = celery_for(app)
        # SQLite has one writer at a time; PostgreSQL deployments run several worker threads.
        with start_worker(celery, pool="threads", concurrency=1, perform_ping_check=False, shutdown_timeout=10):
            result = runner.invoke(main, ["harvest", "run", "--all", "--json", "--wait", "--timeout", "30"])
        assert result.exit_code == 0, result.output
        summary = json.loads(result.output.strip().splitlines()[-1])
        assert summary["status"] == "succeeded" and summary["added"] == 121 and len(summary["jobs"]) == 2
        assert int(redis_client.get(f"{prefix}:budget:{forge.host}")) == forge.count()
        queued = runner.invoke(main, ["harvest", "run", "--all", "--json"])
        assert json.loads(queued.output.strip().splitlines()[-1])["queued"] is True
        # Without a worker the jobs stay queued, and a second cron tick does not queue them again.
        again = runner.invoke(main, ["harvest", "run", "--all", "--json"])
        assert json.loads(again.output.strip().splitlines()[-1])["jobs"] == []
        with app.app_context():
            statuses = [job.status for job in db.session.query(HarvestJob).order_by(HarvestJob.id)]
            db.session.remove()
            db.engine.dispose()
        assert statuses == ["succeeded", "succeeded", "queued", "queued"]
