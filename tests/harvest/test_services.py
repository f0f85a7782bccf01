# SPDX-License-Identifier: EUPL-1.2
"""Runs of the harvest service against the fake forge over real HTTP."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from commons.catalogue.models import Commons, Repository
from commons.extensions import db
from commons.harvest import services
from commons.harvest.models import HarvestItem
from tests.fakeforge import FakeForge


def _repos() -> list[Repository]:
    db.session.expire_all()
    return list(db.session.scalars(select(Repository).order_by(Repository.id)))


def test_first_run_adds_every_repository_with_a_candidate_commons(forge: FakeForge, make_source) -> None:
    for i in range(5):
        forge.add_repo("github", "etalab", f"tool{i}", stars=i)
    source = make_source("github", "etalab")
    job = services.run_source(source)
    assert (job.status, job.added, job.updated, job.errored) == ("succeeded", 5, 0, 0)
    repos = _repos()
    assert sorted(r.full_name for r in repos) == [f"etalab/tool{i}" for i in range(5)]
    assert all(r.commons is not None and r.commons.catalogue_status == "candidate" for r in repos)
    assert db.session.scalar(select(func.count()).select_from(Commons)) == 5
