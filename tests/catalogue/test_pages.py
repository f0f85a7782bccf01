# SPDX-License-Identifier: EUPL-1.2
"""Catalogue pages: search page, commons page, organisation pages; hostile text escaped everywhere."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from commons.catalogue.services import refresh_commons
from commons.types import utcnow
from tests.catalogue.factories import StewardFactory, UsageFactory
from tests.factories import CommonsFactory, OrganisationFactory, RepositoryFactory

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def body(response):
    return response.get_data(as_text=True)


@pytest.fixture()
def sample(app):
    org = OrganisationFactory(slug="dinum", name="DINUM", member_state_code="FR")
    city = OrganisationFactory(slug="berlin", name="Land Berlin", member_state_code="DE")
    commons = CommonsFactory(
        slug="grist",
        name="Grist",
        summary="Spreadsheets for public administrations",
        licences=["Apache-2.0"],
        topics=["spreadsheet"],
        descriptions={
            "en": {"short": "A modern spreadsheet", "long": "English long text"},
            "fr": {"short": "Un tableur moderne", "long": "Texte long en français"},
        },
        last_activity_at=utcnow() - timedelta(days=3),
    )
    RepositoryFactory(
        commons=commons,
        license_spdx="Apache-2.0",
        full_name="gristlabs/grist-core",
        stars=100,
        pushed_at=utcnow() - timedelta(days=3),
        health={"contributors": 60, "bus_factor": 3, "releases": 12, "has_readme": True},
        publiccode_raw="publiccodeYmlVersion: '0.4'\nname: Grist\n",
    )
    StewardFactory(commons=commons, organisation=org)
    UsageFactory(commons=commons, organisation=org, context="Internal dashboards")
    UsageFactory(commons=commons, organisation=city, context="Secret project", public=False)
    refresh_commons(commons)
    other = CommonsFactory(slug="other-sheet", name="Other sheet", topics=["spreadsheet"], licences=["MIT"])
    refresh_commons(other)
    return {"commons": commons, "org": org, "city": city}


def test_search_page_lists_results_with_facets_and_announced_count(client, sample):
    response = client.get("/commons?q=spreadsheets&license=Apache-2.0")
    assert response.status_code == 200
    html = body(response)
    assert 'role="status"' in html and "1 commons matches" in html
    assert 'href="/commons/grist"' in html
    assert re.search(r"<legend[^>]*>Licence</legend>", html)
    assert re.search(r'name="license" value="Apache-2.0" checked', html)
    assert 'aria-current="page"' in html  # the Catalogue entry of the navigation


def test_search_page_links_to_the_exports_of_the_same_query(client, sample):
    html = body(client.get("/commons?q=spreadsheets&license=Apache-2.0&page=1"))
    assert 'href="/commons/export.csv?q=spreadsheets&amp;license=Apache-2.0"' in html
    assert 'href="/commons/export.json?q=spreadsheets&amp;license=Apache-2.0"' in html


def test_search_page_with_nothing_found_offers_ways_out(client, sample):
    html = body(client.get("/commons?q=zzzzqqq&country=DE"))
    assert "No commons found" in html
    assert "Search again without the filters" in html


def test_search_page_with_bad_parameters_answers_400_with_messages(client, sample):
    response = client.get("/commons?status=bogus&sort=random")
    assert response.status_code == 400
    html = body(response)
    assert "Unknown status: bogus." in html
    assert "<title>Error:" in html


def test_search_page_links_keep_the_state_and_pages(client, app):
    for n in range(25):
        CommonsFactory(slug=f"tool-{n:02d}", name=f"Tool {n:02d}", country="IT")
    html = body(client.get("/commons?country=IT&sort=name"))
    assert "Page 1 of 2." in html
    assert 'href="/commons?country=IT&amp;sort=name&amp;page=2"' in html
    page2 = body(client.get("/commons?country=IT&sort=name&page=2"))
    assert "Tool 24" in page2 and "Tool 00" not in page2


def test_commons_page_shows_description_in_reader_language_with_fallback(client, sample):
    french = body(client.get("/commons/grist", headers={"Accept-Language": "fr"}))
    assert "Texte long en français" in french
    german = body(client.get("/commons/grist", headers={"Accept-Language": "de"}))
    assert "English long text" in german


def test_commons_page_shows_health_inputs_usage_and_publiccode(client, sample):
    html = body(client.get("/commons/grist"))
    assert "Health score:" in html
    assert "Contributor concentration (bus factor)" in html
    assert "DINUM" in html and "Internal dashboards" in html
    # A private declaration is counted nowhere public and its text is not shown.
    assert "Secret project" not in html and "Land Berlin" not in html
    assert "<pre" in html and "publiccodeYmlVersion" in html
    assert 'href="/commons/other-sheet"' in html  # related through the shared topic


def test_unknown_commons_answers_404(client, app):
    assert client.get("/commons/does-not-exist").status_code == 404


def test_organisation_pages_list_uses_and_stewardship(client, sample):
    html = body(client.get("/organisations"))
    assert "DINUM" in html
    detail = body(client.get("/organisations/dinum"))
    assert 'href="/commons/grist"' in detail
    berlin = body(client.get("/organisations/berlin"))
    assert "Secret project" not in berlin and "grist" not in berlin
    assert client.get("/organisations/nope").status_code == 404


def test_hostile_harvested_text_is_escaped_on_every_page(client, app, users):
    org = OrganisationFactory(slug="evil-org", name=HOSTILE)
    commons = CommonsFactory(
        slug="evil",
        name=HOSTILE,
        summary=HOSTILE,
        licences=[HOSTILE],
        topics=[HOSTILE],
        website="javascript:alert(1)",
        descriptions={"en": {"short": HOSTILE, "long": HOSTILE}},
    )
    RepositoryFactory(
        commons=commons,
        full_name="evil/repo",
        web_url="javascript:alert(1)",
        description=HOSTILE,
        license_spdx=HOSTILE,
        publiccode_raw=HOSTILE,
    )
    StewardFactory(commons=commons, organisation=org)
    UsageFactory(commons=commons, organisation=org, context=HOSTILE, instance_url="javascript:alert(2)")
    refresh_commons(commons)
    for url in (
        "/commons",
        "/commons?q=script",
        f"/commons?license={HOSTILE}",
        "/commons/evil",
        "/organisations",
        "/organisations/evil-org",
        f"/commons?q={HOSTILE}",
    ):
        html = body(client.get(url))
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
        assert 'href="javascript:' not in html, url
