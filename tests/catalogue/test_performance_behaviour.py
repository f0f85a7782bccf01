# SPDX-License-Identifier: EUPL-1.2
"""What the performance work must not change: the anonymous answer cache never serves a stale, foreign or
wrongly-languaged answer, and related commons keep their ranking."""

from __future__ import annotations

import re

import pytest

from commons.cache import CachedAnswer, ResponseCache, response_cache
from commons.catalogue import services
from commons.catalogue.search import rebuild_facets
from commons.extensions import db
from tests.factories import CommonsFactory, RepositoryFactory

HIT = "X-Commons-Cache"


@pytest.fixture()
def cached(app):
    """The cache switched on (it is off under TESTING) and empty before and after the test."""
    app.config["COMMONS_SEARCH_CACHE_SECONDS"] = 30
    response_cache.invalidate()
    yield response_cache
    response_cache.invalidate()
    app.config.pop("COMMONS_SEARCH_CACHE_SECONDS", None)


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


def test_cache_off_under_testing_by_default_answers_are_never_marked_as_hits(app, client):
    CommonsFactory(name="Alpha registry", slug="alpha")
    db.session.commit()
    client.get("/commons?q=alpha")
    second = client.get("/commons?q=alpha")
    assert second.status_code == 200
    assert HIT not in second.headers


def test_repeated_anonymous_search_is_served_from_cache_with_the_same_results(app, client, cached):
    CommonsFactory(name="Alpha registry", slug="alpha")
    db.session.commit()
    first = client.get("/commons?q=alpha")
    second = client.get("/commons?q=alpha")
    assert HIT not in first.headers
    assert second.headers.get(HIT) == "hit"
    assert 'href="/commons/alpha"' in second.get_data(as_text=True)
    # Same page but for the CSRF token, whose signed timestamp changes when the two requests straddle a second.
    assert _without_tokens(first.get_data(as_text=True)) == _without_tokens(second.get_data(as_text=True))


def _without_tokens(html: str) -> str:
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]*"', r'\1"', html)


def test_commit_of_a_new_commons_is_visible_on_the_next_search_of_the_same_process(app, client, cached):
    CommonsFactory(name="Alpha registry", slug="alpha")
    db.session.commit()
    assert "/commons/beta" not in client.get("/commons").get_data(as_text=True)
    assert "/commons/beta" not in client.get("/api/v1/commons").get_data(as_text=True)
    generation = cached.generation

    CommonsFactory(name="Beta registry", slug="beta")
    db.session.commit()

    assert cached.generation > generation
    page = client.get("/commons")
    assert HIT not in page.headers
    assert 'href="/commons/beta"' in page.get_data(as_text=True)
    api = client.get("/api/v1/commons")
    assert HIT not in api.headers
    assert "beta" in [item["slug"] for item in api.get_json()["items"]]


def test_commit_of_a_changed_repository_empties_the_cache(app, client, cached):
    repo = RepositoryFactory(commons=CommonsFactory(name="Gamma", slug="gamma"), license_spdx="EUPL-1.2")
    db.session.commit()
    before = client.get("/api/v1/commons").get_json()
    assert client.get("/api/v1/commons").headers.get(HIT) == "hit"
    licences = {f["value"] for f in before["facets"]["license"]}
    assert "MIT" not in licences

    repo.license_spdx = "MIT"
    db.session.commit()

    after = client.get("/api/v1/commons")
    assert HIT not in after.headers
    assert "MIT" in {f["value"] for f in after.get_json()["facets"]["license"]}


def test_rolled_back_write_keeps_the_cache(app, client, cached):
    CommonsFactory(name="Delta", slug="delta")
    db.session.commit()
    client.get("/commons")
    generation = cached.generation
    CommonsFactory(name="Epsilon", slug="epsilon")
    db.session.flush()
    db.session.rollback()
    assert cached.generation == generation
    assert client.get("/commons").headers.get(HIT) == "hit"


def test_logged_in_reader_always_gets_a_fresh_page_and_never_an_anonymous_one(app, client, cached, login_as, users):
    CommonsFactory(name="Alpha registry", slug="alpha")
    db.session.commit()
    anonymous = client.get("/commons?q=alpha")
    assert "My account" not in anonymous.get_data(as_text=True)
    assert client.get("/commons?q=alpha").headers.get(HIT) == "hit"

    login_as("user")
    for _ in range(2):
        page = client.get("/commons?q=alpha")
        assert HIT not in page.headers
        assert "My account" in page.get_data(as_text=True)


def test_logged_in_page_is_never_stored_for_anonymous_readers(app, client, cached, login_as, users):
    CommonsFactory(name="Alpha registry", slug="alpha")
    db.session.commit()
    login_as("user")
    assert "My account" in client.get("/commons?q=alpha").get_data(as_text=True)
    assert len(cached) == 0

    anonymous = app.test_client().get("/commons?q=alpha")
    assert HIT not in anonymous.headers
    assert "My account" not in anonymous.get_data(as_text=True)


def test_each_anonymous_reader_gets_its_own_csrf_token_from_a_cached_page(app, cached):
    CommonsFactory(name="Alpha registry", slug="alpha")
    db.session.commit()
    first_reader, second_reader = app.test_client(), app.test_client()
    first = first_reader.get("/commons?q=alpha")
    second = second_reader.get("/commons?q=alpha")
    assert second.headers.get(HIT) == "hit"
    first_token, second_token = _token(first.get_data(as_text=True)), _token(second.get_data(as_text=True))
    assert first_token != second_token
    # The token served from the cache is the second reader's own: its language form works.
    second_reader.post("/language", data={"csrf_token": second_token, "lang": "fr", "next": "/commons"})
    with second_reader.session_transaction() as session:
        assert session.get("lang") == "fr"
    # A token from another session is refused: the check above is a real one.
    first_reader.post("/language", data={"csrf_token": second_token, "lang": "de", "next": "/commons"})
    with first_reader.session_transaction() as session:
        assert session.get("lang") != "de"


def test_language_is_part_of_the_key(app, cached):
    CommonsFactory(name="Alpha registry", slug="alpha")
    db.session.commit()
    reader = app.test_client()
    english = reader.get("/commons?q=alpha", headers={"Accept-Language": "en"})
    french = reader.get("/commons?q=alpha", headers={"Accept-Language": "fr"})
    assert HIT not in french.headers
    assert 'lang="en"' in english.get_data(as_text=True)
    assert english.get_data(as_text=True) != french.get_data(as_text=True)
    assert reader.get("/commons?q=alpha", headers={"Accept-Language": "fr"}).headers.get(HIT) == "hit"


def test_api_key_ignores_the_order_of_parameter_names_but_not_values(app, client, cached):
    CommonsFactory(name="Alpha registry", slug="alpha", country="FR")
    CommonsFactory(name="Alpha tools", slug="alpha-de", country="DE")
    db.session.commit()
    first = client.get("/api/v1/commons?q=alpha&country=FR")
    assert [i["slug"] for i in first.get_json()["items"]] == ["alpha"]
    assert client.get("/api/v1/commons?country=FR&q=alpha").headers.get(HIT) == "hit"
    other = client.get("/api/v1/commons?q=alpha&country=DE")
    assert HIT not in other.headers
    assert [i["slug"] for i in other.get_json()["items"]] == ["alpha-de"]


def test_api_request_with_authorization_header_bypasses_the_cache(app, client, cached):
    CommonsFactory(name="Alpha registry", slug="alpha")
    db.session.commit()
    client.get("/api/v1/commons")
    answer = client.get("/api/v1/commons", headers={"Authorization": "Bearer not-a-token"})
    assert HIT not in answer.headers


def test_invalid_search_is_not_stored(app, client, cached):
    assert client.get("/commons?sort=nonsense").status_code == 400
    again = client.get("/commons?sort=nonsense")
    assert again.status_code == 400
    assert HIT not in again.headers


def test_cache_keeps_at_most_its_bound_dropping_the_least_recently_used():
    cache = ResponseCache(max_entries=2)
    far = 1e18
    for key in ("a", "b"):
        cache.put(key, CachedAnswer(key, 200, "text/plain", far, False))
    assert cache.get("a") is not None  # "b" is now the least recently used
    cache.put("c", CachedAnswer("c", 200, "text/plain", far, False))
    assert len(cache) == 2
    assert cache.get("b") is None
    assert cache.get("a") is not None and cache.get("c") is not None


def test_expired_answer_is_not_served():
    cache = ResponseCache()
    cache.put("a", CachedAnswer("a", 200, "text/plain", 0.0, False))
    assert cache.get("a") is None


# --------------------------------------------------------------------------- related commons


def test_related_commons_ranks_by_shared_topics_then_id(app):
    target = CommonsFactory(slug="target", topics=["gis", "maps", "open-data"])
    one = CommonsFactory(slug="one-topic", topics=["gis"])
    three = CommonsFactory(slug="three-topics", topics=["open-data", "maps", "gis", "other"])
    two = CommonsFactory(slug="two-topics", topics=["maps", "open-data"])
    CommonsFactory(slug="unrelated", topics=["finance"], category="data")
    archived = CommonsFactory(slug="archived", topics=["gis", "maps", "open-data"], catalogue_status="archived")
    db.session.flush()
    related = services.related_commons(target, limit=3)
    assert [c.slug for c in related] == ["three-topics", "two-topics", "one-topic"]
    assert archived not in related and target not in related
    assert one in related and two in related and three in related


def test_related_commons_fills_up_from_the_category(app):
    target = CommonsFactory(slug="target", topics=["gis"], category="data")
    shared = CommonsFactory(slug="shared", topics=["gis"], category="software")
    best = CommonsFactory(slug="best-data", category="data", stars=50)
    CommonsFactory(slug="other-data", category="data", stars=5)
    CommonsFactory(slug="software", category="software", stars=500)
    db.session.flush()
    assert services.related_commons(target, limit=2) == [shared, best]


def test_related_commons_reads_a_bounded_number_of_candidates_per_topic(app, monkeypatch):
    target = CommonsFactory(slug="target", topics=["gis", "maps"])
    low = [CommonsFactory(slug=f"gis-{i}", topics=["gis"]) for i in range(3)]
    both = CommonsFactory(slug="both", topics=["gis", "maps"])
    db.session.flush()
    rebuild_facets()
    assert services.related_commons(target, limit=1) == [both]
    # With one candidate per topic the commons sharing both topics (highest id of "gis") is not read.
    monkeypatch.setattr(services, "RELATED_CANDIDATES", 1)
    assert services.related_commons(target, limit=1) == [low[0]]


@pytest.mark.parametrize("walk", [1, 2, 300])
def test_related_commons_fill_up_is_the_same_whatever_the_length_of_the_stars_walk(app, monkeypatch, walk):
    target = CommonsFactory(slug="target", category="data")
    CommonsFactory(slug="software-top", category="software", stars=900)
    CommonsFactory(slug="data-archived", category="data", stars=800, catalogue_status="archived")
    second = CommonsFactory(slug="data-second", category="data", stars=40)
    first = CommonsFactory(slug="data-first", category="data", stars=70)
    tie = CommonsFactory(slug="data-tie", category="data", stars=40)
    db.session.flush()
    monkeypatch.setattr(services, "BEST_STARRED_WALK", walk)
    assert services.related_commons(target, limit=3) == [first, second, tie]
