# SPDX-License-Identifier: EUPL-1.2
"""The catalogue's JSON API: contract, same counts as the search, cursors, errors, organisations, usage."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from commons.api.helpers import encode_cursor
from commons.catalogue.search import SearchParams, search
from commons.extensions import db
from commons.reviews.models import Review
from tests.catalogue.factories import StewardFactory, UsageFactory
from tests.factories import CommonsFactory, OrganisationFactory, RepositoryFactory


@pytest.fixture()
def catalogue(app):
    """Twelve commons over two licences, three countries and two statuses, with repositories."""
    out = []
    for n in range(12):
        commons = CommonsFactory(
            name=f"Parcel registry {n}" if n % 2 else f"Meeting planner {n}",
            slug=f"api-commons-{n:02d}",
            summary="Land parcels for municipalities" if n % 2 else "Plans meetings",
            licences=["EUPL-1.2"] if n % 3 else ["MIT"],
            country=("FR", "DE", "IT")[n % 3],
            catalogue_status="accepted" if n < 4 else "candidate",
            languages=["Python"],
            last_activity_at=datetime(2026, 1, 1 + n, tzinfo=UTC),
        )
        RepositoryFactory(commons=commons, license_spdx=commons.licences[0], languages=["Python"])
        out.append(commons)
    db.session.flush()
    return out


def all_pages(client, query: str) -> tuple[list[dict], set[int]]:
    items: list[dict] = []
    totals: set[int] = set()
    url = f"/api/v1/commons?{query}"
    while True:
        page = client.get(url)
        assert page.status_code == 200, page.get_data(as_text=True)
        body = page.json
        items.extend(body["items"])
        totals.add(body["total"])
        if not body["next"]:
            return items, totals
        url = f"/api/v1/commons?{query}&cursor={body['next']}"


def test_list_answers_items_total_next_and_facets(client, catalogue):
    body = client.get("/api/v1/commons?limit=5").json
    assert set(body) >= {"items", "total", "next", "facets"}
    assert body["total"] == 12 and len(body["items"]) == 5 and body["next"]
    item = body["items"][0]
    for key in ("slug", "name", "summary", "license", "status", "licenses", "category", "country", "url"):
        assert key in item
    assert {"value": "EUPL-1.2", "count": 8} in body["facets"]["license"]
    assert {"value": "MIT", "count": 4} in body["facets"]["license"]
    assert {"value": "accepted", "count": 4} in body["facets"]["status"]
    for values in body["facets"].values():
        assert all(set(v) == {"value", "count"} for v in values)


def test_list_counts_equal_the_search_service_of_the_page(client, catalogue):
    query = "q=parcel&license=EUPL-1.2&country=FR&country=DE"
    body = client.get(f"/api/v1/commons?{query}").json
    expected = search(SearchParams.from_args(_args(query)))
    assert body["total"] == expected.total > 0
    assert {i["slug"] for i in body["items"]} == {c.slug for c in expected.items}
    assert body["facets"]["country"] == [{"value": v, "count": n} for v, n in expected.facets["country"]]


def test_list_counts_equal_the_html_page(client, catalogue, app):
    for query in ("q=parcel&license=EUPL-1.2", "country=FR&country=DE&status=candidate", "license=MIT"):
        body = client.get(f"/api/v1/commons?{query}").json
        page = client.get(f"/commons?{query}").get_data(as_text=True)
        counted = re.search(r'id="result-count">\s*(\d+) commons', page)
        assert counted, page[:2000]
        assert int(counted.group(1)) == body["total"] > 0
        for item in body["items"]:
            assert f"/commons/{item['slug']}" in page
        for value in body["facets"]["license"]:
            assert f'{value["value"]} <span class="commons-facet__count">({value["count"]}' in page


def _args(query: str):
    from werkzeug.datastructures import MultiDict

    return MultiDict([tuple(part.split("=", 1)) for part in query.split("&")])


def test_cursor_walks_every_match_once(client, catalogue):
    items, totals = all_pages(client, "limit=5&sort=name")
    slugs = [i["slug"] for i in items]
    assert len(slugs) == len(set(slugs)) == 12 and totals == {12}
    assert slugs == sorted(slugs, key=lambda s: next(i["name"] for i in items if i["slug"] == s))


def test_filters_combine_and_booleans_accept_true_false(client, catalogue):
    body = client.get("/api/v1/commons?status=accepted&license=MIT").json
    assert body["total"] == 2  # n = 0 and 3
    assert all(i["status"] == "accepted" and i["license"] == "MIT" for i in body["items"])
    same = client.get("/api/v1/commons?archived=false").json["total"]
    assert same == client.get("/api/v1/commons?archived=no").json["total"] == 12
    assert client.get("/api/v1/commons?archived=true").json["total"] == 0


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("limit=1e3", "limit"),
        ("status=published", "status"),
        ("category=spaceship", "category"),
        ("has_publiccode=maybe", "has_publiccode"),
        ("archived=2", "archived"),
        ("country=FRA", "country"),
        ("active=7", "active"),
        ("sort=random", "sort"),
        ("q=" + "x" * 201, "q"),
        ("license=" + "&license=".join(str(n) for n in range(21)), "license"),
    ],
)
def test_bad_parameters_answer_422_with_field_errors(client, catalogue, query, field):
    response = client.get(f"/api/v1/commons?{query}")
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.is_json and field in response.json["errors"]


@pytest.mark.parametrize("cursor", ["%%%", "o-1", "eyJpZCI6MWU0MDB9"])
def test_a_cursor_the_api_did_not_give_out_answers_400_with_a_field_error(client, catalogue, cursor):
    # Issue 11: every list of the API answers a malformed cursor alike, as its OpenAPI document says.
    response = client.get(f"/api/v1/commons?cursor={cursor}")
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.is_json and "cursor" in response.json["errors"]


@pytest.mark.parametrize(
    "query",
    [
        "q=%00",
        "%00=1",
        "sort=%00",
        "cursor=%00",
        "limit=%00",
        "q=%27%22%3B--",
        "q=AND+OR+NOT+*",
        'q="unbalanced',
        "q=NEAR(a+b)",
        "license=%00",
        "q=%F0%9F%90%8D",
    ],
)
def test_hostile_search_text_never_answers_500(client, catalogue, query):
    response = client.get(f"/api/v1/commons?{query}")
    assert response.status_code in (200, 422)
    assert response.is_json


def test_detail_has_repositories_stewards_usage_health_and_review(client, catalogue):
    commons = catalogue[1]
    owner = OrganisationFactory(name="Ville de Lyon", slug="ville-de-lyon", member_state_code="FR")
    StewardFactory(commons=commons, organisation=owner, role="owner")
    UsageFactory(commons=commons, organisation=OrganisationFactory(member_state_code="DE"))
    UsageFactory(commons=commons, organisation=OrganisationFactory(member_state_code="DE"))
    UsageFactory(commons=commons, organisation=OrganisationFactory(member_state_code="IT"), public=False)
    db.session.add(
        Review(
            commons_id=commons.id,
            status="decided",
            decision="accepted",
            decided_at=datetime(2026, 3, 1, tzinfo=UTC),
            valid_until=date(2027, 3, 1),
        )
    )
    db.session.flush()
    body = client.get(f"/api/v1/commons/{commons.slug}").json
    assert body["slug"] == commons.slug and body["name"] == commons.name
    assert body["repositories"][0]["url"].startswith("https://github.com/")
    assert body["stewards"] == [
        {"organisation": "ville-de-lyon", "name": "Ville de Lyon", "country": "FR", "role": "owner"}
    ]
    # The private declaration of an Italian body is not counted in public.
    assert body["usage"]["by_country"] == [{"country": "DE", "count": 2}]
    assert body["review"]["decision"] == "accepted"
    assert body["review"]["valid_until"] == "2027-03-01"
    assert "score" in body["health"]
    assert body["publiccode_url"].endswith(f"/commons/{commons.slug}/publiccode.yml")


def test_detail_without_review_has_null_review_and_drafts_stay_private(client, catalogue):
    commons = catalogue[2]
    db.session.add(Review(commons_id=commons.id, status="draft"))
    db.session.flush()
    assert client.get(f"/api/v1/commons/{commons.slug}").json["review"] is None


def test_unknown_slug_answers_404_json(client, catalogue):
    for url in (
        "/api/v1/commons/nope",
        "/api/v1/organisations/nope",
        "/api/v1/commons/" + "x" * 500,
        "/api/v1/commons/a%00b",
        "/api/v1/organisations/a%00b",
    ):
        response = client.get(url)
        assert response.status_code == 404 and response.json["status"] == 404


def test_organisations_list_filters_and_detail(client, catalogue):
    lyon = OrganisationFactory(name="Ville de Lyon", slug="ville-de-lyon", acronym="VDL", member_state_code="FR")
    OrganisationFactory(name="Stadt Köln", slug="stadt-koeln", member_state_code="DE", org_type="local_government")
    StewardFactory(commons=catalogue[0], organisation=lyon)
    UsageFactory(commons=catalogue[1], organisation=lyon, since=date(2024, 5, 1))
    UsageFactory(commons=catalogue[2], organisation=lyon, public=False)
    body = client.get("/api/v1/organisations?member_state=DE").json
    assert [o["slug"] for o in body["items"]] == ["stadt-koeln"] and body["total"] == 1
    assert client.get("/api/v1/organisations?q=lyon").json["items"][0]["slug"] == "ville-de-lyon"
    assert client.get("/api/v1/organisations?q=100%25").json["total"] == 0  # % is a character, not a wildcard
    assert client.get("/api/v1/organisations?type=local_government").json["total"] == 1
    assert client.get("/api/v1/organisations?type=castle").status_code == 422
    detail = client.get("/api/v1/organisations/ville-de-lyon").json
    assert detail["uses"] == [{"commons": catalogue[1].slug, "name": catalogue[1].name, "since": "2024-05-01"}]
    assert detail["stewards"][0]["commons"] == catalogue[0].slug


def test_organisations_cursor_pages(client, app):
    for n in range(7):
        OrganisationFactory(slug=f"org-page-{n}")
    seen: list[str] = []
    url = "/api/v1/organisations?limit=3"
    while url:
        body = client.get(url).json
        seen += [o["slug"] for o in body["items"]]
        url = f"/api/v1/organisations?limit=3&cursor={body['next']}" if body["next"] else ""
    assert len(seen) == len(set(seen)) == body["total"] >= 7
    # A malformed cursor is a bad request (400, as the OpenAPI document says), never a 500.
    assert client.get("/api/v1/organisations?cursor=eyJpZCI6LTF9").status_code == 400  # {"id":-1}
    assert client.get("/api/v1/organisations?cursor=eyJpZCI6ImEifQ").status_code == 400  # {"id":"a"}
    huge = encode_cursor({"id": 10**30})
    assert client.get(f"/api/v1/organisations?cursor={huge}").status_code == 400
    assert client.get(f"/api/v1/usage?cursor={huge}").status_code == 400


def test_member_states_lists_the_eu_27_and_institutions(client, app):
    body = client.get("/api/v1/member-states").json
    codes = {s["code"] for s in body["items"]}
    assert {"FR", "DE", "GR", "BG"} <= codes and body["total"] == len(body["items"]) >= 27
    greece = next(s for s in body["items"] if s["code"] == "GR")
    assert greece["display_code"] == "EL"
    assert next(s for s in body["items"] if s["code"] == "FR")["initiative_status"] == "member"


def test_usage_list_shows_public_declarations_without_people(client, catalogue, users):
    org = OrganisationFactory(slug="usage-org", member_state_code="IT")
    UsageFactory(commons=catalogue[0], organisation=org, declared_by=users["user"])
    UsageFactory(commons=catalogue[1], organisation=org, public=False)
    body = client.get("/api/v1/usage?organisation=usage-org").json
    assert body["total"] == 1 and body["items"][0]["commons"] == catalogue[0].slug
    assert "declared_by" not in body["items"][0] and users["user"].email not in str(body)
    assert client.get("/api/v1/usage?country=IT").json["total"] == 1
    assert client.get("/api/v1/usage?country=Italy").status_code == 422
