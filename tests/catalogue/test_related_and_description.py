# SPDX-License-Identifier: EUPL-1.2
"""Related commons relate by topic, steward and a telling category, or not at all; the description does not
repeat the summary; names sort as readers expect (issue 10, item 12)."""

from __future__ import annotations

from commons.catalogue import services
from commons.catalogue.models import CommonsSteward
from commons.collation import collation_key, sorted_by_name
from commons.extensions import db
from tests.factories import CommonsFactory, OrganisationFactory


def test_software_commons_with_nothing_in_common_have_no_related_commons(app):
    target = CommonsFactory(slug="target", category="software", topics=["identity"])
    CommonsFactory(slug="popular", category="software", stars=9000, country="FR")
    CommonsFactory(slug="other", category="software", topics=["maps"], stars=10)
    db.session.flush()

    assert services.related_commons(target) == []


def test_commons_of_the_same_steward_are_related(app):
    agency = OrganisationFactory(slug="agency")
    target, sibling, stranger = (CommonsFactory(slug=s) for s in ("target", "sibling", "stranger"))
    db.session.add_all(
        [
            CommonsSteward(commons_id=target.id, organisation_id=agency.id, role="owner"),
            CommonsSteward(commons_id=sibling.id, organisation_id=agency.id, role="owner"),
            CommonsSteward(commons_id=sibling.id, organisation_id=agency.id, role="maintainer"),
        ]
    )
    db.session.flush()

    assert services.related_commons(target) == [sibling]  # once, although it has two roles
    assert stranger not in services.related_commons(sibling)


def test_a_shared_topic_and_a_shared_steward_outrank_one_of_them(app):
    agency = OrganisationFactory(slug="agency")
    target = CommonsFactory(slug="target", topics=["gis"])
    topic_only = CommonsFactory(slug="topic-only", topics=["gis"])
    both = CommonsFactory(slug="both", topics=["gis"])
    for commons in (target, both):
        db.session.add(CommonsSteward(commons_id=commons.id, organisation_id=agency.id, role="owner"))
    db.session.flush()

    assert services.related_commons(target) == [both, topic_only]


def test_description_repeating_the_summary_is_dropped(app):
    commons = CommonsFactory(
        summary="A tool for forms.",
        descriptions={"en": {"short": "A  tool for FORMS.", "long": "A tool for forms, and much more."}},
    )
    assert services.page_description(commons, "en") == ({"long": "A tool for forms, and much more."}, "en")

    commons.descriptions = {"en": {"short": "A tool for forms.", "long": "A tool for forms."}}
    assert services.page_description(commons, "en") == ({}, None)


def test_names_sort_without_regard_to_case_and_accents():
    names = ["COVID-19 Italia data", "Zeus", "Catalogi", "Élan", "eduID", "CryptPad", "Ísland.is", "corona"]

    assert sorted(names, key=collation_key) == [
        "Catalogi",
        "corona",
        "COVID-19 Italia data",
        "CryptPad",
        "eduID",
        "Élan",
        "Ísland.is",
        "Zeus",
    ]
    assert sorted_by_name([("b", "Beta"), ("a", "alpha")], lambda row: row[1]) == [("a", "alpha"), ("b", "Beta")]
