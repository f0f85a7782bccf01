# SPDX-License-Identifier: EUPL-1.2
"""What users met on the served site (issue 10, item 12), checked through gunicorn over real HTTP."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from lxml import html

from commons.collation import collation_key

DEMO_SLUGS = ["keycloak", "qgis", "jitsi-meet", "x-road", "moodle", "decidim", "autogram"]


# One gunicorn per test session: under pytest-xdist (`make test`, `--dist loadgroup`) one worker runs the layer.
pytestmark = pytest.mark.xdist_group("served")


def tree(response):
    assert response.status_code == 200, response.text[:300]
    return html.fromstring(response.content)


def related_slugs(visitor, slug: str) -> list[str]:
    page = tree(visitor.get(f"/commons/{slug}"))
    links = page.xpath("//section[@aria-labelledby='related-title']//a/@href")
    return [href.removeprefix("/commons/") for href in links]


def test_description_that_repeats_the_summary_is_not_shown_again(visitor):
    page = visitor.get("/commons/served-echo")
    text = " ".join(tree(page).xpath("//main//text()"))

    assert text.count("Forms that say the same thing twice.") == 1
    assert 'id="description-title"' not in page.text


@pytest.mark.parametrize("slug", ["docs", "decidim", "qgis"])
def test_demo_description_equal_to_the_summary_is_said_once(visitor, slug):
    response = visitor.get(f"/commons/{slug}")
    page = tree(response)
    summary = page.xpath("string(//p[@class='commons-lead'])").strip()

    assert summary and 'id="description-title"' not in response.text
    # Said once above the facts (the repositories table may quote its repository's own description).
    outside_repositories = page.xpath("//main//text()[not(ancestor::table)]")
    assert " ".join(outside_repositories).count(summary) == 1


def test_related_commons_share_a_topic_and_rank_by_how_much(visitor):
    assert related_slugs(visitor, "served-maps")[:1] == ["served-atlas"]
    assert "served-ledger" not in related_slugs(visitor, "served-maps")


def test_nothing_related_shows_no_related_section(visitor):
    page = visitor.get("/commons/served-ledger")

    assert page.status_code == 200 and "Related commons" not in page.text


def test_demo_commons_no_longer_all_show_the_same_related_commons(visitor):
    lists = {slug: related_slugs(visitor, slug) for slug in DEMO_SLUGS}

    non_empty = [tuple(v) for v in lists.values() if v]
    assert len(set(non_empty)) == len(non_empty)  # no two pages show the same list
    assert not lists["keycloak"] and not lists["x-road"]  # nothing in the demo relates to them
    # Docs relates to the other applications of its steward (La Suite numérique of DINUM).
    assert {"visio-la-suite-meet", "drive"} <= set(related_slugs(visitor, "docs"))


def _options(page, name: str) -> list[str]:
    return [o.text_content().strip() for o in page.xpath(f"//select[@name='{name}']/option") if o.get("value")]


def test_commons_drop_down_is_in_alphabetical_order_whatever_the_case(served):
    rep = served.visitor().login("rep.fr@demo.commons.example")
    try:
        names = _options(tree(rep.get("/contributions/new?type=funding")), "commons")
    finally:
        rep.close()

    assert len(names) > 100
    assert names == sorted(names, key=collation_key)
    assert names.index("Catalogi") < names.index("COVID-19 Italia data") < names.index("CryptPad")


def test_commons_filter_of_the_dashboard_is_in_alphabetical_order(visitor):
    names = _options(tree(visitor.get("/contributions")), "commons")

    assert len(names) > 3 and names == sorted(names, key=collation_key)


def _version_rows(served, ref: str) -> int:
    engine = sa.create_engine(served.database_url)
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    sa.text(
                        "SELECT count(*) FROM contribution_versions v JOIN contributions c "
                        "ON c.id = v.contribution_id WHERE c.ref = :ref"
                    ),
                    {"ref": ref},
                ).scalar_one()
            )
    finally:
        engine.dispose()


def test_saving_the_status_page_unchanged_writes_no_new_version(served):
    rep = served.visitor().login("rep.fr@demo.commons.example")
    try:
        mine = tree(rep.get("/contributions/mine"))
        ref = next(
            href.split("/")[2]
            for href in mine.xpath("//a/@href")
            if re.fullmatch(r"/contributions/FR-\d{4}-\d{4}", href)
        )
        history_before = len(tree(rep.get(f"/contributions/{ref}/history")).xpath("//tbody/tr"))
        versions_before = _version_rows(served, ref)
        form = tree(rep.get(f"/contributions/{ref}/status")).xpath("//form[contains(@action, '/status')]")[0]
        data = {field.name: field.value or "" for field in form.inputs if field.name}
        data["status"] = form.xpath("string(.//select[@name='status']/option[@selected]/@value)")
        data["reason"] = form.xpath("string(.//textarea[@name='reason'])")

        saved = rep.post(f"/contributions/{ref}/status", data)

        assert saved.status_code == 200 and saved.url.endswith(f"/contributions/{ref}"), saved.url
        assert "Nothing to save: the status and its reason are unchanged." in saved.text
        assert len(tree(rep.get(f"/contributions/{ref}/history")).xpath("//tbody/tr")) == history_before
        assert _version_rows(served, ref) == versions_before
        # A real change still makes a version.
        data.update(status="suspended", reason="Waiting for the budget vote.")
        assert "Status saved." in rep.post(f"/contributions/{ref}/status", data).text
        assert _version_rows(served, ref) == versions_before + 1
    finally:
        rep.close()
