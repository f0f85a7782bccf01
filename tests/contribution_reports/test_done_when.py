# SPDX-License-Identifier: EUPL-1.2
"""Issue 6 "done when", on the reporting side: what a French representative records through the services
shows on the public dashboard in separate columns, stays out of sight of a German representative where it
is restricted, and France's IATI file validates."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from commons.contributions import services
from commons.extensions import db
from tests.factories import CommonsFactory

XSD = Path(__file__).resolve().parents[2].parent / "shared" / "iati-2.03" / "iati-activities-schema.xsd"


@pytest.fixture()
def recorded(app, users):
    rep = users["rep_fr"]
    commons = CommonsFactory(name="La Suite", slug="la-suite", catalogue_status="accepted")
    year = dt.date.today().year
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    early = min(dt.date(year, 1, 10), dt.date.today())
    money = services.create_contribution(
        rep,
        {
            "type": "funding",
            "commons": commons.slug,
            "title": "Core maintenance",
            "visibility": "public",
            "lines": [
                {"kind": "commitment", "date": early, "amount": Decimal("250000"), "currency": "EUR"},
                {
                    "kind": "disbursement",
                    "date": early,
                    "amount": Decimal("100000"),
                    "currency": "EUR",
                    "evidence_url": "https://example.org/payment-1.pdf",
                },
                {
                    "kind": "disbursement",
                    "date": early,
                    "amount": Decimal("50000"),
                    "currency": "EUR",
                    "evidence_url": "https://example.org/payment-2.pdf",
                },
            ],
        },
    )
    people = services.create_contribution(
        rep,
        {
            "type": "staff",
            "commons": commons.slug,
            "title": "Two-person secondment",
            "visibility": "restricted",
            "period_start": start,
            "period_end": end,
            "lines": [
                {
                    "role": "developer",
                    "headcount": 2,
                    "person_days": Decimal("430"),
                    "person_names": "Camille Confidentielle, Dominique Discrète",
                }
            ],
        },
    )
    seat = services.create_contribution(
        rep,
        {
            "type": "governance",
            "commons": commons.slug,
            "title": "Board seat",
            "visibility": "public",
            "lines": [
                {"body": "board", "seat_role": "member", "voting_rights": True, "formal": True, "start_date": early}
            ],
        },
    )
    db.session.commit()  # the test's outer transaction still rolls everything back
    return {"money": money, "people": people, "seat": seat, "year": year}


def aggregate(client) -> dict[tuple[str, str], dict[str, str]]:
    body = client.get("/exports/contributions-aggregate.csv").get_data(as_text=True)
    assert body.startswith("member_state,year,type,")  # the header is on row 1
    return {(row["member_state"], row["type"]): row for row in csv.DictReader(io.StringIO(body))}


def test_public_dashboard_shows_the_french_totals_in_separate_columns(client, recorded):
    page = client.get("/contributions").get_data(as_text=True)
    cells = aggregate(client)

    assert "€250,000.00" in page and "€150,000.00" in page
    funding, seats = cells[("FR", "funding")], cells[("FR", "governance")]
    assert (funding["committed_eur"], funding["disbursed_eur"], funding["person_days"]) == (
        "250000.00",
        "150000.00",
        "0",
    )
    assert (seats["seats_formal"], seats["committed_eur"]) == ("1", "0")
    # The secondment is restricted and alone in its cell: withheld from the public, row and all.
    assert ("FR", "staff") not in cells and ("other", "other") not in cells


def test_french_representative_sees_the_restricted_secondment(client, login_as, recorded):
    login_as("rep_fr")

    staff = aggregate(client)[("FR", "staff")]

    assert (staff["person_days"], staff["fte_years"], staff["suppressed"]) == ("430.0", "2.00", "false")


def test_german_representative_sees_neither_the_secondment_nor_names(client, login_as, recorded):
    login_as("rep_de")

    cells = aggregate(client)
    pages = [
        client.get(path).get_data(as_text=True)
        for path in (
            "/contributions",
            "/contributions/states/FR",
            "/contributions/commons/la-suite",
            "/contributions/reports/staff",
            "/exports/contribution-lines.csv",
            "/exports/contributions.json",
        )
    ]

    assert ("FR", "staff") not in cells and ("other", "other") not in cells
    assert not any("Two-person secondment" in page or "Confidentielle" in page for page in pages)


def test_france_iati_file_validates(client, recorded):
    if not XSD.exists():
        pytest.skip(f"IATI 2.03 schemas not found at {XSD.parent}")
    schema = etree.XMLSchema(etree.parse(str(XSD)))

    document = etree.fromstring(client.get("/exports/iati/FR.xml").data)

    assert schema.validate(document), schema.error_log
    assert len(document.findall("iati-activity")) == 2  # the funding and the seat; the restricted staff is out
    codes = document.xpath("//transaction/transaction-type/@code")
    assert codes == ["2", "3", "3"]
