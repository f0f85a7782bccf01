# SPDX-License-Identifier: EUPL-1.2
"""The health score: every input's points, unknown inputs listed, and the member states involved."""

from __future__ import annotations

from datetime import timedelta

import pytest

from commons.catalogue.health import health_of
from commons.contributions.models import Contribution
from commons.extensions import db
from commons.licences import licence_keys
from commons.types import utcnow
from tests.catalogue.factories import UsageFactory
from tests.factories import CommonsFactory, OrganisationFactory, RepositoryFactory


def inputs(health):
    return {i.key: i for i in health.inputs}


def test_unharvested_signals_are_unknown_and_score_zero(app):
    commons = CommonsFactory(licences=[], last_activity_at=None)
    health = health_of(commons)
    by_key = inputs(health)
    assert health.maximum == 100
    assert {i.key for i in health.unknown} == {"activity", "community", "bus_factor", "documentation"}
    assert by_key["licence"].known and by_key["licence"].points == 0  # no licence is known to be bad
    assert health.score == 0


@pytest.mark.parametrize(("days", "points"), [(10, 25), (120, 18), (300, 10), (600, 4), (1000, 0)])
def test_activity_points_follow_the_last_push(app, days, points):
    commons = CommonsFactory()
    RepositoryFactory(commons=commons, pushed_at=utcnow() - timedelta(days=days))
    db.session.refresh(commons)
    assert inputs(health_of(commons))["activity"].points == points


@pytest.mark.parametrize(
    ("contributors", "bus", "community", "concentration"),
    [(80, 6, 20, 15), (25, 3, 15, 11), (6, 2, 10, 7), (2, 1, 5, 2), (1, 1, 2, 2)],
)
def test_community_and_bus_factor_take_the_best_repository(app, contributors, bus, community, concentration):
    commons = CommonsFactory()
    RepositoryFactory(commons=commons, health={"contributors": contributors, "bus_factor": bus})
    RepositoryFactory(commons=commons, health={"contributors": 1, "bus_factor": 1})
    db.session.refresh(commons)
    by_key = inputs(health_of(commons))
    assert by_key["community"].points == community and by_key["community"].value == contributors
    assert by_key["bus_factor"].points == concentration


@pytest.mark.parametrize(
    ("licences", "repo_licence", "points"),
    [
        (["EUPL-1.2"], "EUPL-1.2", 20),
        (["MIT OR Apache-2.0"], None, 20),
        (["GPL-2.0-or-later WITH Classpath-exception-2.0"], None, 20),
        (["LicenseRef-Proprietary-Thing"], None, 10),
        (["Not a licence (really)"], None, 0),
        ([], "NOASSERTION", 0),
    ],
)
def test_licence_clarity(app, licences, repo_licence, points):
    commons = CommonsFactory(licences=licences)
    RepositoryFactory(commons=commons, license_spdx=repo_licence)
    db.session.refresh(commons)
    assert inputs(health_of(commons))["licence"].points == points


def test_licence_keys_parse_spdx_expressions():
    assert licence_keys("MIT OR Apache-2.0") == ["Apache-2.0", "MIT"]
    assert licence_keys("(MIT") is None


def test_documentation_files_in_any_repository_count(app):
    commons = CommonsFactory()
    RepositoryFactory(commons=commons, health={"has_readme": True, "has_contributing": False})
    RepositoryFactory(commons=commons, health={"has_governance": True})
    db.session.refresh(commons)
    item = inputs(health_of(commons))["documentation"]
    assert item.known and item.points == 8 + 6
    assert item.value == {"has_readme": True, "has_contributing": False, "has_governance": True}


def test_member_states_come_from_public_usage_and_public_contributions(app, users):
    commons = CommonsFactory()
    UsageFactory(commons=commons, organisation=OrganisationFactory(member_state_code="FR"))
    UsageFactory(commons=commons, organisation=OrganisationFactory(member_state_code="IT"), public=False)
    for n, (state, visibility, status) in enumerate(
        [("DE", "public", "committed"), ("ES", "restricted", "committed"), ("NL", "public", "draft")]
    ):
        db.session.add(
            Contribution(
                ref=f"{state}-2026-{n:04d}",
                member_state_code=state,
                commons_id=commons.id,
                type="funding",
                title="Support",
                visibility=visibility,
                status=status,
            )
        )
    db.session.flush()
    assert health_of(commons).member_states == ["DE", "FR"]
