# SPDX-License-Identifier: EUPL-1.2
"""Exports: CSV and JSON of the search (same rows, filters stated), publiccode.yml, the Atom feed."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import yaml
from lxml import etree
from werkzeug.datastructures import MultiDict

from commons.catalogue.exports import CSV_COLUMNS
from commons.catalogue.search import SearchParams, iter_matching
from commons.extensions import db
from harvesters.publiccode import parse_publiccode
from tests.catalogue.factories import StewardFactory
from tests.factories import CommonsFactory, OrganisationFactory, RepositoryFactory

HOSTILE = 'Évry, "quoted"\n<script>alert(1)</script> & =HYPERLINK("http://x")'
ATOM = "{http://www.w3.org/2005/Atom}"


def _many(n: int, **fields) -> list:
    return [
        CommonsFactory(slug=f"export-{i:03d}", name=f"Export tool {i}", country="DE" if i % 2 else "FR", **fields)
        for i in range(n)
    ]


def _read_csv(text: str) -> tuple[list[str], list[dict[str, str]]]:
    comments = [line for line in text.splitlines() if line.startswith("#")]
    body = "\n".join(line for line in text.split("\r\n") if not line.startswith("#"))
    return comments, list(csv.DictReader(io.StringIO(body)))


def test_csv_export_streams_every_matching_row_beyond_the_page_size(client, app):
    _many(130)
    db.session.flush()
    response = client.get("/commons/export.csv?country=DE&sort=name")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    comments, rows = _read_csv(response.get_data(as_text=True))
    expected = [c.slug for c in iter_matching(SearchParams.from_args(MultiDict({"country": "DE", "sort": "name"})))]
    assert [r["slug"] for r in rows] == expected and len(expected) == 65
    assert list(rows[0]) == list(CSV_COLUMNS)
    # The header is on row 1; date, filters and licence are in the JSON export the answer links to.
    assert comments == [] and response.get_data(as_text=True).startswith(",".join(CSV_COLUMNS) + "\r\n")
    link = response.headers["Link"]
    assert link == (
        '<http://localhost/commons/export.json?country=DE&sort=name>; rel="describedby"; type="application/json"'
    )
    described = client.get("/commons/export.json?country=DE&sort=name").get_json()
    assert described["generated_at"].startswith("20")
    assert described["filters"] == {"country": ["DE"]}
    assert described["licence"]["id"] == "CC-BY-4.0"


def test_csv_round_trips_hostile_text_and_defuses_formulas(client, app):
    CommonsFactory(slug="hostile", name=HOSTILE, summary="-2+3 looks like a formula", licences=["MIT", "EUPL-1.2"])
    db.session.flush()
    _comments, rows = _read_csv(client.get("/commons/export.csv?q=hostile").get_data(as_text=True))
    (row,) = [r for r in rows if r["slug"] == "hostile"]
    assert row["name"] == HOSTILE  # commas, quotes, newline and markup survive the csv module
    assert row["summary"] == "'-2+3 looks like a formula"
    assert row["licenses"] == "MIT;EUPL-1.2"


def test_json_export_states_schema_filters_licence_and_has_the_search_rows(client, app):
    _many(110)
    CommonsFactory(slug="hostile", name=HOSTILE, country="DE")
    db.session.flush()
    response = client.get("/commons/export.json?country=DE&country=FR&q=export")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = json.loads(response.get_data(as_text=True))
    assert data["schema_version"] == "1.0"
    assert data["filters"] == {"q": "export", "country": ["DE", "FR"]}
    assert data["licence"]["id"] == "CC-BY-4.0"
    datetime.fromisoformat(data["generated_at"])
    expected = [
        c.slug
        for c in iter_matching(
            SearchParams.from_args(MultiDict([("country", "DE"), ("country", "FR"), ("q", "export")]))
        )
    ]
    assert [i["slug"] for i in data["items"]] == expected and len(expected) == 110
    everything = json.loads(client.get("/commons/export.json").get_data(as_text=True))
    assert HOSTILE in [i["name"] for i in everything["items"]] and everything["filters"] == {}


def test_exports_refuse_bad_filters_like_the_page(client, app):
    assert client.get("/commons/export.csv?status=bogus").status_code == 422
    assert client.get("/commons/export.json?country=%00").status_code == 422


def test_generated_publiccode_is_valid_and_escapes_hostile_text(client, app):
    commons = CommonsFactory(
        slug="gen-pc",
        name=HOSTILE,
        summary="Short: a tool",
        licences=["EUPL-1.2"],
        topics=["document-management", "not a category"],
        website="https://example.org/tool",
        development_status="stable",
        descriptions={"fr": {"short": "Un outil", "long": "Un outil pour les collectivités."}},
    )
    RepositoryFactory(commons=commons, web_url="https://github.com/example/gen-pc")
    StewardFactory(commons=commons, organisation=OrganisationFactory(name="DINUM"))
    db.session.flush()
    response = client.get("/commons/gen-pc/publiccode.yml")
    assert response.status_code == 200 and response.mimetype == "application/yaml"
    text = response.get_data(as_text=True)
    result = parse_publiccode(text)
    assert result.valid, [(e.path, e.message) for e in result.errors]
    assert result.name == HOSTILE
    assert result.url == "https://github.com/example/gen-pc"
    assert result.license == "EUPL-1.2" and result.development_status == "stable"
    assert result.categories == ["document-management"]
    assert set(result.descriptions) == {"fr"}
    assert yaml.safe_load(text)["organisation"]["name"] == "DINUM"


def test_generated_publiccode_of_a_bare_commons_is_still_valid(client, app):
    CommonsFactory(slug="bare", name="Bare", summary=None, licences=[], topics=[], descriptions={})
    db.session.flush()
    result = parse_publiccode(client.get("/commons/bare/publiccode.yml").get_data(as_text=True))
    assert result.valid, [(e.path, e.message) for e in result.errors]


def test_harvested_valid_publiccode_is_served_as_harvested(client, app):
    raw = "publiccodeYmlVersion: '0.4'\nname: Harvested\n# the project's own file\n"
    commons = CommonsFactory(slug="harvested-pc")
    RepositoryFactory(commons=commons, publiccode_raw="invalid: [", publiccode_valid=False)
    RepositoryFactory(commons=commons, publiccode_raw=raw, publiccode_valid=True)
    db.session.flush()
    assert client.get("/commons/harvested-pc/publiccode.yml").get_data(as_text=True) == raw
    assert client.get("/commons/nope/publiccode.yml").status_code == 404


def test_atom_feed_is_valid_xml_with_candidates_and_accepted_and_escapes(client, app):
    CommonsFactory(
        slug="feed-new",
        name=HOSTILE + "\x01\x0b",
        summary="</summary><script>x</script>",
        created_at=datetime(2026, 5, 1, tzinfo=UTC),
    )
    CommonsFactory(
        slug="feed-accepted",
        name="Accepted tool",
        catalogue_status="accepted",
        created_at=datetime(2025, 1, 1, tzinfo=UTC),
        accepted_at=datetime(2026, 6, 1, tzinfo=UTC),
    )
    db.session.flush()
    response = client.get("/commons/feed.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    body = response.get_data()
    assert b"<script>" not in body
    root = etree.fromstring(body)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{required}") is not None
    entries = root.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles[0] == "Accepted: Accepted tool"  # the newest event first
    assert f"New candidate: {HOSTILE}" in titles  # control characters dropped, the rest kept as text
    hostile = entries[titles.index(f"New candidate: {HOSTILE}")]
    assert hostile.findtext(f"{ATOM}summary") == "</summary><script>x</script>"
    assert len({e.findtext(f"{ATOM}id") for e in entries}) == len(entries)
    assert root.findtext(f"{ATOM}updated") == "2026-06-01T00:00:00Z"
