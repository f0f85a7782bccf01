# SPDX-License-Identifier: EUPL-1.2
"""Every file route downloaded through gunicorn (production settings) over real HTTP on 127.0.0.1.

A route that sends a file or streams joins this layer by being listed in :data:`FILE_ROUTES` with the test
that downloads it; :func:`test_every_file_route_is_downloaded_by_this_layer` fails on a file route that is
not listed (the rule is in :func:`file_endpoints`), as the security matrix does for routes.
"""

from __future__ import annotations

import csv
import inspect
import io
import json
import os
import re
from pathlib import Path

import pytest
import yaml
from lxml import etree, html
from openpyxl import load_workbook

from commons.catalogue.exports import CSV_COLUMNS
from commons.contributions import exports
from tests.served.conftest import BULK

# One gunicorn per test session: under pytest-xdist (`make test`, `--dist loadgroup`) one worker runs the layer.
pytestmark = pytest.mark.xdist_group("served")

# Endpoint → the test of this module that downloads it and reads it with the right parser.
FILE_ROUTES = {
    "catalogue.export_csv": "test_catalogue_csv_has_every_row_the_api_counts",
    "catalogue.export_json": "test_catalogue_json_is_whole_and_has_every_item_the_api_counts",
    "catalogue.feed": "test_atom_feed_parses_and_links_to_commons_pages",
    "catalogue.publiccode": "test_publiccode_yml_of_every_kind_of_commons_parses",
    "exports.contributions_csv": "test_contribution_csvs_have_the_header_on_row_1",
    "exports.lines_csv": "test_contribution_csvs_have_the_header_on_row_1",
    "exports.aggregate_csv": "test_contribution_csvs_have_the_header_on_row_1",
    "exports.contributions_json": "test_contributions_json_carries_the_metadata",
    "exports.contributions_xlsx": "test_contributions_xlsx_opens_with_openpyxl_and_has_the_about_sheet",
    "exports.iati": "test_iati_file_of_every_listed_state_is_valid_against_the_xsd",
    "api.openapi": "test_openapi_description_parses",
}
# A file route: its URL ends in a file name, or its view sets a download header or streams.
FILE_SUFFIX = re.compile(r"\.(csv|json|xlsx|xml|atom|rss|yml|yaml|pdf|ttl|rdf|txt|zip|ods)$")
FILE_VIEW = re.compile(r"Content-Disposition|send_file|send_from_directory|stream_with_context|stream_rows\(")

# ../shared/iati-2.03 next to the repository, as tests/contribution_reports finds it (or given by the environment).
SCHEMAS = Path(
    os.environ.get("COMMONS_IATI_SCHEMAS") or Path(__file__).resolve().parents[2].parent / "shared" / "iati-2.03"
)


def file_endpoints() -> set[str]:
    """The endpoints of the application that send a file or stream, by the rule above."""
    from commons import create_app

    app = create_app("testing")
    found = {rule.endpoint for rule in app.url_map.iter_rules() if FILE_SUFFIX.search(rule.rule)}
    for endpoint, view in app.view_functions.items():
        if endpoint == "static":
            continue
        try:
            source = inspect.getsource(inspect.unwrap(view))
        except (OSError, TypeError):
            continue
        if FILE_VIEW.search(source):
            found.add(endpoint)
    return found


def test_every_file_route_is_downloaded_by_this_layer():
    missing = file_endpoints() - set(FILE_ROUTES)
    assert not missing, f"file routes not downloaded through gunicorn: add them to FILE_ROUTES: {sorted(missing)}"
    assert not set(FILE_ROUTES) - file_endpoints(), "FILE_ROUTES lists an endpoint that is no file route"
    names = {name for name, value in globals().items() if name.startswith("test_") and callable(value)}
    assert set(FILE_ROUTES.values()) <= names


def api_total(visitor, query: str) -> int:
    response = visitor.get(f"/api/v1/commons?{query}&limit=1")
    assert response.status_code == 200, response.text[:300]
    return int(response.json()["total"])


@pytest.mark.parametrize("query", ["", "country=MT", "q=maps", "country=FR&sort=name"])
def test_catalogue_csv_has_every_row_the_api_counts(visitor, query):
    response = visitor.get(f"/commons/export.csv?{query}", stream=True)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    body = b"".join(response.iter_content(chunk_size=None)).decode("utf-8")  # fails if the stream breaks

    assert body.startswith(",".join(CSV_COLUMNS) + "\r\n")  # the header on row 1
    rows = list(csv.DictReader(io.StringIO(body, newline="")))
    total = api_total(visitor, query)
    assert total > 0 and len(rows) == total
    assert len({row["slug"] for row in rows}) == total
    described = re.fullmatch(r'<([^>]+)>; rel="describedby"; type="application/json"', response.headers["Link"])
    assert described  # the metadata: the JSON export of the same search
    metadata = visitor.get(described.group(1).removeprefix(visitor.base_url)).json()
    assert metadata["licence"]["id"] == "CC-BY-4.0" and metadata["total"] == total
    if query == "country=MT":
        assert total == BULK  # more than one batch of the stream
        assert {row["country"] for row in rows} == {"MT"}


@pytest.mark.parametrize("query", ["", "country=MT", "q=maps"])
def test_catalogue_json_is_whole_and_has_every_item_the_api_counts(visitor, query):
    response = visitor.get(f"/commons/export.json?{query}")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/json")

    document = json.loads(response.content)  # the whole document, or this raises
    total = api_total(visitor, query)
    assert document["total"] == total == len(document["items"])
    assert document["licence"]["id"] == "CC-BY-4.0"
    assert all(item["url"].startswith(visitor.base_url + "/commons/") for item in document["items"])


def test_atom_feed_parses_and_links_to_commons_pages(visitor):
    response = visitor.get("/commons/feed.atom")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/atom+xml")

    feed = etree.fromstring(response.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = feed.findall("a:entry", ns)
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed" and entries
    link = entries[0].find("a:link", ns).get("href")
    assert visitor.get(link.removeprefix(visitor.base_url)).status_code == 200


@pytest.mark.parametrize("slug", ["docs", "served-maps", "served-echo"])
def test_publiccode_yml_of_every_kind_of_commons_parses(visitor, slug):
    page = visitor.get(f"/commons/{slug}")
    assert page.status_code == 200
    links = html.fromstring(page.content).xpath("//a[contains(@href, 'publiccode.yml')]/@href")
    assert links == [f"/commons/{slug}/publiccode.yml"]  # the commons page links to it

    response = visitor.get(links[0])
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/yaml")
    data = yaml.safe_load(response.content)
    assert data["publiccodeYmlVersion"] and data["name"]
    assert data["legal"]["license"]


def _visitors(served):
    anonymous = served.visitor()
    rep = served.visitor().login("rep.fr@demo.commons.example")
    return {"anonymous": anonymous, "rep_fr": rep}


@pytest.fixture(scope="module")
def readers(served):
    people = _visitors(served)
    yield people
    for person in people.values():
        person.close()


@pytest.mark.parametrize("reader", ["anonymous", "rep_fr"])
@pytest.mark.parametrize(
    ("name", "columns"),
    [
        ("contributions.csv", exports.CONTRIBUTION_COLUMNS),
        ("contribution-lines.csv", exports.LINE_COLUMNS),
        ("contributions-aggregate.csv", exports.AGGREGATE_COLUMNS),
    ],
)
def test_contribution_csvs_have_the_header_on_row_1(readers, reader, name, columns):
    visitor = readers[reader]
    response = visitor.get(f"/exports/{name}?member_state=FR")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]

    text = response.content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(columns)  # row 1 is the header, as a spreadsheet expects
    assert len(rows) > 1 and all(len(row) == len(columns) for row in rows)
    # The metadata is one link away: the JSON export of the same filters.
    described = re.fullmatch(r'<([^>]+)>; rel="describedby"; type="application/json"', response.headers["Link"])
    assert described
    meta = visitor.get(described.group(1).removeprefix(visitor.base_url)).json()["metadata"]
    assert meta["filters"] == {"member_state": "FR"} and meta["licence"] == "CC-BY-4.0"


def test_restricted_records_reach_only_the_logged_in_representative(readers):
    def titles(visitor):
        text = visitor.get("/exports/contributions.csv?member_state=FR").content.decode("utf-8")
        return {row["title"]: row["visibility"] for row in csv.DictReader(io.StringIO(text, newline=""))}

    public, own = titles(readers["anonymous"]), titles(readers["rep_fr"])
    assert set(public.values()) == {"public"}
    assert "restricted" in own.values() and set(public) < set(own)


@pytest.mark.parametrize("reader", ["anonymous", "rep_fr"])
def test_contributions_json_carries_the_metadata(readers, reader):
    response = readers[reader].get("/exports/contributions.json?member_state=FR")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/json")

    document = json.loads(response.content)
    meta = document["metadata"]
    assert document["schema_version"] == exports.SCHEMA_VERSION
    assert meta["filters"] == {"member_state": "FR"} and meta["licence"] == "CC-BY-4.0"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", meta["generated"])
    assert isinstance(meta["exchange_rates"], list) and document["contributions"]


def test_contributions_xlsx_opens_with_openpyxl_and_has_the_about_sheet(readers):
    response = readers["rep_fr"].get("/exports/contributions.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")

    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == ["About", "Contributions", "Lines", "Aggregate"]
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True) if row and row[0]}
    assert about["licence"] == "CC-BY-4.0" and about["filters"] == "none" and about["generated"]
    rates = [key for key in about if isinstance(key, str) and re.fullmatch(r"[A-Z]{3}", key)]
    assert {"SEK", "PLN"} <= set(rates)  # foreign currencies of the demo that this reader sees, with their rates
    header = next(book["Contributions"].iter_rows(values_only=True))
    assert list(header) == list(exports.CONTRIBUTION_COLUMNS)
    assert sum(1 for _ in book["Contributions"].iter_rows(min_row=2)) > 5


def test_iati_file_of_every_listed_state_is_valid_against_the_xsd(visitor):
    xsd = SCHEMAS / "iati-activities-schema.xsd"
    if not xsd.exists():
        pytest.skip(f"IATI 2.03 schemas not found at {SCHEMAS} (../shared/iati-2.03 next to the repository)")
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    index = visitor.get("/exports/")
    links = html.fromstring(index.content).xpath("//a[contains(@href, '/exports/iati/')]/@href")
    assert len(links) >= 3

    for link in links:
        response = visitor.get(link)
        assert response.status_code == 200, link
        document = etree.fromstring(response.content)
        assert schema.validate(document), f"{link}: " + "\n".join(str(e) for e in schema.error_log)
        assert document.findall("iati-activity")


def test_openapi_description_parses(visitor):
    response = visitor.get("/api/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.") and "/v1/commons" in json.dumps(document["paths"])
