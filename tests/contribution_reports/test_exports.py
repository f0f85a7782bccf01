# SPDX-License-Identifier: EUPL-1.2
"""CSV, JSON and XLSX exports: documented columns, metadata, visibility, round trips, hostile text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from commons.contributions import exports
from tests.contribution_reports import factories as f
from tests.factories import CommonsFactory, OrganisationFactory

DOCS = Path(__file__).resolve().parents[2] / "docs" / "exports.md"
TRICKY = 'Line one, with "quotes"\n# not a comment\r\nthird line; 50% – ünïcødé'


def read_csv(body: str) -> tuple[list[str], list[dict[str, str]]]:
    """The documented way to read an export: a normal CSV whose row 1 is the header. Returns the leading
    ``#`` lines too, which must be none (the metadata lives in the JSON and the XLSX "About" sheet)."""
    lines = body.split("\r\n")
    comments = []
    while lines and lines[0].startswith("#"):
        comments.append(lines.pop(0))
    rows = list(csv.DictReader(io.StringIO("\r\n".join(lines), newline="")))
    return comments, rows


def about_sheet(client, url: str) -> dict[str, object]:
    """The "About" sheet of an XLSX export as key → value (the exchange-rate rows: currency → rate)."""
    book = load_workbook(io.BytesIO(client.get(url).data))
    return {row[0]: row[1] for row in book["About"].iter_rows(values_only=True) if row and row[0]}


@pytest.fixture()
def data(app):
    commons = CommonsFactory(name="Export Commons", slug="export-commons", catalogue_status="accepted")
    agency = OrganisationFactory(name="Agence nationale", member_state_code="FR")
    public = f.contribution(
        "FR", "funding", commons=commons, title="Grant", description=TRICKY, contributing_org_id=agency.id
    )
    f.funding_line(public, "commitment", "250000", day=dt.date(2026, 3, 2))
    f.funding_line(public, "disbursement", "54000", currency="USD", rate="1.08", day=dt.date(2026, 4, 2))
    f.evidence(public, url="https://example.org/proof.pdf", title="Payment proof", type="payment_proof")
    f.evidence(public, url="https://example.org/internal.pdf", title="Internal memo", visibility="restricted")
    team = f.contribution("FR", "staff", commons=commons, title="Secondment")
    f.staff(team, "developer", "430", headcount=2, person_names="Zoé Secretname")
    secret = f.contribution("FR", "funding", visibility="restricted", title="Quiet grant", commons=commons)
    f.funding_line(secret, "commitment", "7777.77", day=dt.date(2026, 5, 2))
    initiative = f.contribution("DE", "in_kind", visibility="initiative", title="Hosting for the initiative")
    f.in_kind(initiative, value_eur="900")
    return {"public": public, "team": team, "secret": secret, "initiative": initiative}


def test_contributions_csv_round_trips_through_the_csv_module(client, data):
    response = client.get("/exports/contributions.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    comments, rows = read_csv(response.get_data(as_text=True))
    assert comments == []  # the header is on row 1, as a spreadsheet expects
    assert response.get_data(as_text=True).startswith(",".join(exports.CONTRIBUTION_COLUMNS) + "\r\n")
    assert list(rows[0]) == list(exports.CONTRIBUTION_COLUMNS)
    grant = next(row for row in rows if row["ref"] == data["public"].ref)
    assert grant["description"] == TRICKY
    assert grant["committed_eur"] == "250000.00" and grant["disbursed_eur"] == "50000.00"
    assert grant["contributing_org"] == "Agence nationale" and grant["commons_slug"] == "export-commons"
    staff = next(row for row in rows if row["ref"] == data["team"].ref)
    assert (staff["person_days"], staff["fte_years"], staff["headcount"]) == ("430.0", "2.00", "2")
    assert staff["committed_eur"] == "0"


def test_csv_metadata_lives_in_the_json_and_the_xlsx_about_sheet(client, data):
    query = "member_state=FR&year=2026&type=funding"
    response = client.get(f"/exports/contributions.csv?{query}")

    comments, rows = read_csv(response.get_data(as_text=True))
    assert comments == [] and {row["type"] for row in rows} == {"funding"}
    link = response.headers["Link"]
    assert link.startswith("<http://localhost/exports/contributions.json?") and 'rel="describedby"' in link
    assert "member_state=FR" in link and "year=2026" in link and "type=funding" in link
    meta = client.get(f"/exports/contributions.json?{query}").get_json()["metadata"]
    assert meta["filters"] == {"member_state": "FR", "year": "2026", "type": "funding"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", meta["generated"])
    assert meta["licence"] == "CC-BY-4.0" and meta["schema_version"] == "1.0"
    assert {"currency": "USD", "units_per_eur": "1.08000000", "date": "2026-04-02", "source": "ecb"} in meta[
        "exchange_rates"
    ]
    about = about_sheet(client, f"/exports/contributions.xlsx?{query}")
    assert about["filters"] == "member_state=FR; year=2026; type=funding"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", str(about["generated"]))
    assert about["licence"] == "CC-BY-4.0" and about["schema_version"] == "1.0"
    assert about["USD"] == "1.08000000"


def test_export_without_foreign_currency_says_so(client, app):
    f.funding_line(f.contribution("DE", "funding"), "commitment", "10")

    comments, _rows = read_csv(client.get("/exports/contributions.csv").get_data(as_text=True))

    assert comments == []
    assert client.get("/exports/contributions.json").get_json()["metadata"]["exchange_rates"] == []
    about = about_sheet(client, "/exports/contributions.xlsx")
    assert about["exchange_rate_currency"] == "units_per_eur"
    assert about["none (every amount is in EUR)"] is None


@pytest.mark.parametrize(
    ("role", "visible", "hidden"),
    [
        ("anonymous", {"Grant", "Secondment"}, {"Quiet grant", "Hosting for the initiative"}),
        ("reviewer", {"Grant", "Hosting for the initiative"}, {"Quiet grant"}),
        ("rep_de", {"Grant", "Hosting for the initiative"}, {"Quiet grant"}),
        ("rep_fr", {"Grant", "Quiet grant", "Hosting for the initiative"}, set()),
        ("secretariat", {"Grant", "Quiet grant", "Hosting for the initiative"}, set()),
    ],
)
def test_exports_hold_only_the_records_the_reader_may_see(client, login_as, data, role, visible, hidden):
    login_as(role)

    _comments, rows = read_csv(client.get("/exports/contributions.csv").get_data(as_text=True))
    document = client.get("/exports/contributions.json").get_json()

    titles = {row["title"] for row in rows}
    assert visible <= titles and not hidden & titles
    assert {item["title"] for item in document["contributions"]} == titles


def test_restricted_evidence_is_not_exported_to_the_public(client, data):
    _comments, rows = read_csv(client.get("/exports/contribution-lines.csv").get_data(as_text=True))

    urls = {row["url"] for row in rows if row["line_type"] == "evidence"}
    assert urls == {"https://example.org/proof.pdf"}


def test_lines_csv_has_every_line_with_its_own_currency_and_locked_rate(client, data):
    _comments, rows = read_csv(client.get("/exports/contribution-lines.csv").get_data(as_text=True))

    assert list(rows[0]) == list(exports.LINE_COLUMNS)
    usd = next(row for row in rows if row["currency"] == "USD")
    assert (usd["amount"], usd["amount_eur"], usd["rate"], usd["rate_date"], usd["rate_source"]) == (
        "54000.00",
        "50000.00",
        "1.08000000",
        "2026-04-02",
        "ecb",
    )
    staff = next(row for row in rows if row["line_type"] == "staff")
    assert (staff["staff_role"], staff["person_days"], staff["fte_years"]) == ("developer", "430.0", "2.00")


def test_staff_names_are_in_no_export_for_any_role(client, login_as, data):
    login_as("admin")
    for path in (
        "/exports/contributions.csv",
        "/exports/contribution-lines.csv",
        "/exports/contributions-aggregate.csv",
        "/exports/contributions.json",
        "/exports/iati/FR.xml",
    ):
        assert b"Secretname" not in client.get(path).data, path
    book = load_workbook(io.BytesIO(client.get("/exports/contributions.xlsx").data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert not any("Secretname" in str(value) for value in row if value)


def test_aggregate_csv_applies_the_small_cell_rule(client, data):
    _comments, rows = read_csv(client.get("/exports/contributions-aggregate.csv").get_data(as_text=True))

    assert list(rows[0]) == list(exports.AGGREGATE_COLUMNS)
    funding = next(row for row in rows if (row["member_state"], row["type"]) == ("FR", "funding"))
    assert funding["suppressed"] == "true" and funding["records"] == "1"
    assert funding["committed_eur"] == "250000.00"
    assert not any("7777.77" in value for row in rows for value in row.values())


def test_aggregate_csv_never_shows_a_cell_made_only_of_withheld_records(client, app):
    for _ in range(2):
        f.funding_line(f.contribution("IT", "funding", visibility="restricted"), "commitment", "500")

    _comments, rows = read_csv(client.get("/exports/contributions-aggregate.csv").get_data(as_text=True))

    # Not even an empty, suppressed row: its existence would tell that IT has a restricted record.
    assert not [row for row in rows if row["member_state"] in ("IT", "other")]
    assert not any("500" in value and row["member_state"] != "FR" for row in rows for value in row.values())


def test_aggregate_csv_pools_withheld_cells_into_an_other_row_of_at_least_three(client, app):
    for state in ("IT", "IT", "DK"):
        f.funding_line(f.contribution(state, "funding", visibility="restricted"), "commitment", "500")

    _comments, rows = read_csv(client.get("/exports/contributions-aggregate.csv").get_data(as_text=True))

    assert not [row for row in rows if row["member_state"] in ("IT", "DK")]
    (other,) = [row for row in rows if row["member_state"] == "other"]
    assert (other["type"], other["year"], other["records"], other["committed_eur"]) == ("other", "", "3", "1500.00")
    assert other["suppressed"] == "false"


def test_json_has_schema_version_metadata_lines_and_aggregate(client, data):
    response = client.get("/exports/contributions.json?commons=export-commons")

    document = response.get_json()
    assert response.mimetype == "application/json"
    assert document["schema_version"] == exports.SCHEMA_VERSION
    meta = document["metadata"]
    assert meta["filters"] == {"commons": "export-commons"} and meta["licence"] == "CC-BY-4.0"
    assert meta["exchange_rates"] == [
        {"currency": "USD", "units_per_eur": "1.08000000", "date": "2026-04-02", "source": "ecb"}
    ]
    grant = next(item for item in document["contributions"] if item["ref"] == data["public"].ref)
    assert grant["committed_eur"] == "250000.00" and grant["description"] == TRICKY
    kinds = [line["kind"] for line in grant["lines"] if line["line_type"] == "funding"]
    assert kinds == ["commitment", "disbursement"]
    assert {row["type"] for row in document["aggregate"]} == {"funding", "staff"}
    assert "person_names" not in json.dumps(document)


def test_xlsx_has_about_sheet_and_one_sheet_per_level(client, data):
    response = client.get("/exports/contributions.xlsx?member_state=FR")

    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["About", "Contributions", "Lines", "Aggregate"]
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True) if row and row[0]}
    assert about["licence"] == "CC-BY-4.0" and about["filters"] == "member_state=FR"
    assert about["schema_version"] == exports.SCHEMA_VERSION and about["generated"]
    assert "USD" in about  # the exchange-rate table: currency → units per EUR
    header = [cell.value for cell in book["Contributions"][1]]
    assert header == list(exports.CONTRIBUTION_COLUMNS)
    refs = [row[0] for row in book["Contributions"].iter_rows(min_row=2, values_only=True)]
    assert data["public"].ref in refs and data["secret"].ref not in refs
    committed = header.index("committed_eur")
    grant = next(
        row for row in book["Contributions"].iter_rows(min_row=2, values_only=True) if row[0] == data["public"].ref
    )
    assert Decimal(str(grant[committed])) == Decimal("250000")


def test_formula_like_text_stays_text(client, app):
    record = f.contribution("FR", "funding", title='=HYPERLINK("http://evil.example","x")', description="+1+1")
    f.funding_line(record, "adjustment", "-100")

    _comments, rows = read_csv(client.get("/exports/contributions.csv").get_data(as_text=True))
    book = load_workbook(io.BytesIO(client.get("/exports/contributions.xlsx").data))

    assert rows[0]["title"] == '\'=HYPERLINK("http://evil.example","x")' and rows[0]["description"] == "'+1+1"
    assert rows[0]["committed_eur"] == "-100.00"  # numbers are never prefixed
    cells = [cell for row in book["Contributions"].iter_rows(min_row=2) for cell in row]
    title_cell = next(cell for cell in cells if isinstance(cell.value, str) and "HYPERLINK" in cell.value)
    assert title_cell.data_type == "s"


@pytest.mark.parametrize(
    "path",
    [
        "/exports/contributions.csv?year=abc",
        "/exports/contribution-lines.csv?member_state=ZZ",
        "/exports/contributions-aggregate.csv?type=cash",
        "/exports/contributions.json?commons=nope",
        "/exports/contributions.xlsx?year=99999",
    ],
)
def test_bad_export_filters_answer_422(client, app, path):
    response = client.get(path, headers={"Accept": "application/json"})

    assert response.status_code == 422
    assert response.get_json()["errors"]


def test_docs_list_every_column_in_order():
    doc = DOCS.read_text(encoding="utf-8")

    for name, columns in (
        ("contributions.csv", exports.CONTRIBUTION_COLUMNS),
        ("contribution-lines.csv", exports.LINE_COLUMNS),
        ("contributions-aggregate.csv", exports.AGGREGATE_COLUMNS),
    ):
        section = doc.split(f"## `{name}`", 1)[1].split("\n## ", 1)[0]
        documented = re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.M)
        assert documented == list(columns), name


def test_exports_index_links_every_export_and_iati_file(client, data):
    page = client.get("/exports/").get_data(as_text=True)

    for href in ("contributions.csv", "contribution-lines.csv", "contributions-aggregate.csv", "contributions.json"):
        assert f'href="/exports/{href}"' in page
    assert 'href="/exports/iati/FR.xml"' in page and 'href="/exports/iati/DE.xml"' not in page


def test_exports_of_a_logged_in_reader_are_never_stored_by_shared_caches(client, login_as, data):
    assert "no-store" not in client.get("/exports/contributions.csv").headers.get("Cache-Control", "")
    login_as("rep_fr")

    response = client.get("/exports/contributions.csv")

    assert "no-store" in response.headers["Cache-Control"]
    assert "Cookie" in response.headers["Vary"]
