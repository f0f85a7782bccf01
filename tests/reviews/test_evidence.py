# SPDX-License-Identifier: EUPL-1.2
"""Facts shown beside each criterion: licence approval, activity, bus factor, usage by state, documentation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from commons.catalogue.models import CommonsSteward, UsageDeclaration
from commons.extensions import db
from commons.reviews import evidence
from commons.types import utcnow
from tests.factories import CommonsFactory, OrganisationFactory, RepositoryFactory


@pytest.mark.parametrize(
    ("expression", "expected", "warn"),
    [
        ("EUPL-1.2", ["EUPL-1.2: OSI-approved and FSF free"], False),
        ("GPL-2.0-or-later", ["GPL-2.0-or-later: OSI-approved and FSF free"], False),
        ("MIT OR Apache-2.0", ["Apache-2.0: OSI-approved and FSF free", "MIT: OSI-approved and FSF free"], False),
        ("CC0-1.0", ["CC0-1.0: FSF free"], False),
        ("Elastic-2.0", ["Elastic-2.0: approval not confirmed by OSI or FSF"], True),
        ("Not-A-Licence-9", ["Not-A-Licence-9 is not a valid SPDX licence expression."], True),
    ],
)
def test_licence_facts(app: Any, expression: str, expected: list[str], warn: bool) -> None:
    facts = evidence.licence_facts(expression)
    assert [f.value for f in facts] == expected
    assert all(f.warn is warn for f in facts)


def test_facts_for_a_commons(app: Any) -> None:
    commons = CommonsFactory(licences=["EUPL-1.2"])
    fr, it, it2 = (OrganisationFactory(member_state_code=s) for s in ("FR", "IT", "IT"))
    RepositoryFactory(
        commons=commons,
        pushed_at=utcnow() - timedelta(days=10),
        health={"bus_factor": 1, "contributors": 3, "has_readme": True, "has_contributing": False},
    )
    db.session.add(CommonsSteward(commons_id=commons.id, organisation_id=fr.id, role="owner"))
    for org in (fr, it, it2):
        db.session.add(UsageDeclaration(commons_id=commons.id, organisation_id=org.id, public=True))
    db.session.flush()
    db.session.expire(commons)
    facts = evidence.facts_for(commons)
    values = {code: [(f.label, f.value, f.warn) for f in items] for code, items in facts.items()}
    assert values["G1"] == [("Licence", "EUPL-1.2: OSI-approved and FSF free", False)]
    assert ("Bus factor", "1", True) in values["S3"]
    assert any(label == "Last activity" and "(10 days ago)" in value for label, value, _w in values["S3"])
    assert ("Usage by member state", "IT (2), FR (1)", False) in values["S2"]
    assert ("Member states using it", "2", False) in values["S5"]
    assert ("Documentation files", "README: yes; CONTRIBUTING: no; governance file: unknown", False) in values["G3"]
    assert values["G2"][0][1].endswith("(owner)")


def test_unknown_facts_are_said_to_be_unknown(app: Any) -> None:
    facts = evidence.facts_for(CommonsFactory(licences=[]))
    assert facts["G1"][0].value == "No licence is known." and facts["G1"][0].warn
    assert facts["S2"][0].value == "No public usage declared."
    assert ("Bus factor", "unknown") in [(f.label, f.value) for f in facts["S3"]]
