# SPDX-License-Identifier: EUPL-1.2
"""The search service on this run's database: full text, facets and their counts, sorting, pagination."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import inspect, select, text
from werkzeug.datastructures import MultiDict

from commons.catalogue.search import CommonsFacet, SearchParams, search
from commons.catalogue.services import refresh_commons
from commons.errors import ValidationFailed
from commons.extensions import db
from commons.types import utcnow
from tests.catalogue.factories import StewardFactory
from tests.factories import CommonsFactory, OrganisationFactory, RepositoryFactory


def run(**args):
    multi = MultiDict()
    for key, value in args.items():
        for v in value if isinstance(value, list) else [value]:
            multi.add(key, v)
    return search(SearchParams.from_args(multi))


def facet(result, name):
    return dict(result.facets[name])


@pytest.fixture()
def catalogue(app):
    now = utcnow()
    a = CommonsFactory(
        name="Nextcloud Hub",
        slug="nextcloud",
        summary="File sharing and collaboration for administrations",
        licences=["AGPL-3.0-or-later"],
        country="DE",
        topics=["collaboration", "storage"],
        descriptions={"fr": {"long": "Partage de fichiers souverain"}},
        catalogue_status="accepted",
        last_activity_at=now - timedelta(days=10),
    )
    b = CommonsFactory(
        name="Decidim",
        slug="decidim",
        summary="Participatory democracy framework",
        licences=["AGPL-3.0-only"],
        country="ES",
        topics=["participation"],
        last_activity_at=now - timedelta(days=300),
    )
    c = CommonsFactory(
        name="Collabora sharing tool",
        slug="collabora",
        summary="Office documents, sharing in the browser",
        licences=["MPL-2.0"],
        country="DE",
        last_activity_at=now - timedelta(days=800),
    )
    RepositoryFactory(
        commons=a,
        license_spdx="AGPL-3.0-or-later",
        stars=30,
        languages=["PHP"],
        publiccode_raw="publiccodeYmlVersion: '0.4'",
    )
    RepositoryFactory(commons=a, license_spdx=None, stars=12, host="gitlab.com", languages=["JavaScript"])
    RepositoryFactory(commons=b, license_spdx="AGPL-3.0-only", stars=100, languages=["Ruby"])
    RepositoryFactory(commons=c, license_spdx="MPL-2.0", stars=5, host="gitlab.com", languages=["C++"], archived=True)
    StewardFactory(commons=a, organisation=OrganisationFactory(slug="zendis", name="ZenDiS", member_state_code="DE"))
    for item in (a, b, c):
        refresh_commons(item)
    return {"a": a, "b": b, "c": c}


def test_words_find_name_summary_topics_and_descriptions_in_other_languages(catalogue):
    assert [c.slug for c in run(q="sharing", sort="name").items] == ["collabora", "nextcloud"]
    assert [c.slug for c in run(q="participation").items] == ["decidim"]
    assert [c.slug for c in run(q="souverain").items] == ["nextcloud"]
    assert [c.slug for c in run(q="demo").items] == ["decidim"]  # prefix of "democracy"
    assert run(q="nothing-like-this").total == 0


def test_operators_and_quotes_typed_by_users_are_plain_words(catalogue):
    for q in ('"sharing', "sharing AND", "NEAR(sharing", "sharing*", "sharing:* | !x", "' OR 1=1 --"):
        result = run(q=q)
        assert result.total >= 0
    assert run(q='"sharing" OR').total == 0


def test_facets_count_the_result_set_and_filters_combine(catalogue):
    result = run(q="sharing")
    assert result.total == 2
    assert facet(result, "country") == {"DE": 2}
    assert facet(result, "license") == {"AGPL-3.0-or-later": 1, "MPL-2.0": 1}
    assert facet(result, "forge") == {"github.com": 1, "gitlab.com": 2}
    assert facet(result, "has_publiccode") == {"yes": 1, "no": 1}
    assert facet(result, "archived") == {"no": 1, "yes": 1}
    assert facet(result, "organisation") == {"zendis": 1}
    assert facet(result, "activity") == {"6": 1, "12": 1}

    narrowed = run(q="sharing", license="MPL-2.0", country="DE")
    assert [c.slug for c in narrowed.items] == ["collabora"]
    # A facet is counted without its own filter, so the other licences stay choosable.
    assert facet(narrowed, "license") == {"AGPL-3.0-or-later": 1, "MPL-2.0": 1}
    assert facet(narrowed, "country") == {"DE": 1}


def test_values_within_a_facet_combine_with_or(catalogue):
    result = run(country=["DE", "ES"], sort="name")
    assert [c.slug for c in result.items] == ["collabora", "decidim", "nextcloud"]
    assert run(language="Ruby").total == 1
    assert run(active="12", sort="name").total == 2
    assert run(active="6").total == 1
    assert run(status="accepted").items[0].slug == "nextcloud"


def test_a_chosen_value_without_matches_still_shows_with_zero(catalogue):
    result = run(q="participation", country="FR")
    assert result.total == 0
    assert ("FR", 0) in result.facets["country"]


def test_sorting(catalogue):
    assert [c.slug for c in run(sort="stars").items] == ["decidim", "nextcloud", "collabora"]
    assert [c.slug for c in run(sort="activity").items] == ["nextcloud", "decidim", "collabora"]
    assert [c.slug for c in run(sort="name").items] == ["collabora", "decidim", "nextcloud"]


def test_refresh_commons_sums_stars_and_takes_latest_activity(catalogue):
    a = catalogue["a"]
    assert a.stars == 42
    pushed = utcnow() - timedelta(days=1)
    RepositoryFactory(commons=a, license_spdx=None, stars=8, pushed_at=pushed)
    refresh_commons(a)
    assert a.stars == 50
    assert a.last_activity_at == pushed


def test_pagination_by_page_and_by_cursor(catalogue):
    first = run(sort="name", per_page="2")
    assert first.total == 3 and first.pages == 2 and first.has_next
    assert [c.slug for c in first.items] == ["collabora", "decidim"]
    second = run(sort="name", per_page="2", page="2")
    assert [c.slug for c in second.items] == ["nextcloud"] and not second.has_next
    by_cursor = run(sort="name", per_page="2", cursor=first.next_cursor)
    assert [c.slug for c in by_cursor.items] == ["nextcloud"]
    assert by_cursor.next_cursor is None


def test_facet_rows_follow_changes_written_without_the_service(catalogue):
    b = catalogue["b"]
    b.licences = ["EUPL-1.2"]
    db.session.flush()
    values = set(
        db.session.scalars(
            select(CommonsFacet.value).where(CommonsFacet.commons_id == b.id, CommonsFacet.facet == "license")
        )
    )
    assert values == {"EUPL-1.2", "AGPL-3.0-only"}  # the repository still says AGPL
    assert run(license="EUPL-1.2").items == [b]
    b.name = "Renamed platform"
    db.session.flush()
    assert run(q="renamed").items == [b]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"status": "published"}, "status"),
        ({"category": "spaceship"}, "category"),
        ({"country": "FRA"}, "country"),
        ({"active": "3"}, "active"),
        ({"sort": "random"}, "sort"),
        ({"page": "0"}, "page"),
        ({"page": "abc"}, "page"),
        ({"per_page": "1000"}, "per_page"),
        ({"cursor": "xyz"}, "cursor"),
        ({"has_publiccode": "maybe"}, "has_publiccode"),
        ({"q": "x" * 300}, "q"),
        ({"license": [f"L{i}" for i in range(30)]}, "license"),
    ],
)
def test_bad_parameters_are_refused_with_a_message_per_field(app, args, field):
    with pytest.raises(ValidationFailed) as error:
        run(**args)
    assert list(error.value.errors) == [field]
    assert error.value.errors[field][0]


def test_query_args_round_trip_and_reset_page(app):
    params = SearchParams.from_args(MultiDict([("q", "x"), ("license", "MIT"), ("page", "3"), ("sort", "name")]))
    assert params.query_args() == [("q", "x"), ("license", "MIT"), ("sort", "name"), ("page", "3")]
    assert ("page", "3") not in params.toggled("license", "MIT")
    assert ("license", "MIT") not in params.toggled("license", "MIT")
    again = SearchParams.from_args(MultiDict(params.query_args()))
    assert again == params


def test_an_edited_summary_is_found_at_once(catalogue):
    # The terms follow the commons in the same flush (the tsvector and GIN index of 0003 that this test
    # also checked on PostgreSQL were dropped by migration 0006: the search reads commons_terms).
    catalogue["b"].summary = "Now about petitions"
    db.session.flush()
    assert run(q="petitions").items == [catalogue["b"]]


def test_the_dead_full_text_objects_are_gone(catalogue):
    names = set(inspect(db.engine).get_table_names())
    assert "commons_search" not in names and "commons_fts" not in names
    if db.session.get_bind().dialect.name == "sqlite":
        triggers = db.session.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars().all()
    else:
        triggers = db.session.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")).scalars().all()
    assert not [t for t in triggers if t.startswith(("commons_fts", "commons_search"))]


def test_relevance_puts_the_better_match_first_and_exports_see_the_same_order(catalogue):
    from commons.catalogue.search import iter_matching, matching_ids

    strong = CommonsFactory(
        name="Sharing sharing",
        slug="strong",
        summary="sharing of sharing for sharing",
        topics=["sharing"],
    )
    db.session.flush()
    result = run(q="sharing")
    assert result.items[0] == strong
    assert {c.slug for c in result.items} == {"strong", "collabora", "nextcloud"}
    params = SearchParams.from_args(MultiDict({"q": "sharing"}))
    assert [c.id for c in iter_matching(params)] == [c.id for c in result.items]
    assert list(db.session.scalars(matching_ids(params))) == [c.id for c in result.items]
