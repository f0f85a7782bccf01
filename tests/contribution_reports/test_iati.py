# SPDX-License-Identifier: EUPL-1.2
"""IATI 2.03 files: valid against the official schema for several states, public records only, no future."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from lxml import etree

from commons.catalogue.models import CommonsSteward
from commons.contributions.iati import EXT_NS, reporting_org_ref
from commons.extensions import db
from commons.organisations.models import OrganisationIdentifier
from tests.contribution_reports import factories as f
from tests.factories import CommonsFactory, OrganisationFactory

SCHEMAS = Path(__file__).resolve().parents[2].parent / "shared" / "iati-2.03"
XSD = SCHEMAS / "iati-activities-schema.xsd"
NS = {"c": EXT_NS}


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    if not XSD.exists():
        pytest.skip(f"IATI 2.03 schemas not found at {SCHEMAS} (../shared/iati-2.03 next to the repository)")
    return etree.XMLSchema(etree.parse(str(XSD)))


def fetch(client, code: str) -> etree._Element:
    response = client.get(f"/exports/iati/{code}.xml")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/xml"
    return etree.fromstring(response.data)


def assert_valid(schema: etree.XMLSchema, document: etree._Element) -> None:
    assert schema.validate(document), "\n".join(str(error) for error in schema.error_log)


@pytest.fixture()
def world(app):
    """Contributions of four states (two outside the DAC list), of every type, in EUR and two other currencies."""
    steward = OrganisationFactory(name="Steward Foundation", org_type="foundation", member_state_code="NL")
    db.session.add(OrganisationIdentifier(organisation_id=steward.id, scheme="iati", value="NL-KVK-12345678"))
    commons = CommonsFactory(name="Commons One", slug="commons-one", catalogue_status="accepted")
    db.session.add(CommonsSteward(commons_id=commons.id, organisation_id=steward.id, role="owner"))
    db.session.flush()
    ministry = OrganisationFactory(name="Ministère du numérique", member_state_code="FR")
    edic = OrganisationFactory(name="Digital Commons EDIC", org_type="eu_institution", member_state_code="FR")

    fr = f.contribution(
        "FR",
        "funding",
        commons=commons,
        title="€250,000 commitment",
        description="Two disbursements so far",
        contributing_org_id=ministry.id,
        intermediary_org_id=edic.id,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2027, 12, 31),
    )
    f.funding_line(fr, "pledge", "250000", day=dt.date(2025, 11, 1))
    f.funding_line(fr, "commitment", "250000", day=dt.date(2026, 1, 15))
    f.funding_line(fr, "disbursement", "100000", day=dt.date(2026, 3, 1))
    f.funding_line(fr, "disbursement", "54000", currency="USD", rate="1.08", day=dt.date(2026, 6, 1))
    f.evidence(fr, url="https://example.org/payment.pdf", type="payment_proof", title="Payment proof")
    f.evidence(fr, url="https://example.org/private.pdf", visibility="restricted", title="Private")
    staff = f.contribution("FR", "staff", commons=commons, title="Two-person secondment")
    f.staff(staff, "developer", "430", headcount=2, person_names="Zoé Secretname", employment_type="secondment")
    board = f.contribution("FR", "governance", commons=commons, title="Board seat")
    f.seat(board, body="board", body_name="Board of directors", seat_role="member", start_date=dt.date(2026, 2, 1))
    hidden = f.contribution("FR", "funding", visibility="restricted", title="Restricted grant")
    f.funding_line(hidden, "commitment", "999")
    f.contribution("FR", "funding", visibility="initiative", title="Initiative grant")

    de = f.contribution("DE", "in_kind", commons=commons, title="Hosting")
    f.in_kind(de, value_eur="12000")
    se = f.contribution("SE", "funding", commons=commons, title="Swedish grant")
    f.funding_line(se, "commitment", "1000000", currency="SEK", rate="11.2", day=dt.date(2026, 2, 2))
    gr = f.contribution("GR", "funding", commons=commons, title="Greek grant")
    f.funding_line(gr, "commitment", "5000", day=dt.date(2026, 2, 2))
    bg = f.contribution("BG", "staff", title="Bulgarian translators")
    f.staff(bg, "translation", "20")
    return {"fr": fr, "hidden": hidden}


@pytest.mark.parametrize("code", ["FR", "DE", "SE", "EL", "GR", "BG"])
def test_iati_file_validates_against_the_2_03_schema(client, schema, world, code):
    document = fetch(client, code)

    assert_valid(schema, document)
    assert document.get("version") == "2.03"


def test_iati_file_of_france_has_one_activity_per_public_contribution(client, schema, world):
    document = fetch(client, "FR")

    titles = document.xpath("//iati-activity/title/narrative/text()")
    assert sorted(titles) == ["Board seat", "Two-person secondment", "€250,000 commitment"]
    assert "Restricted grant" not in etree.tostring(document, encoding="unicode")
    assert "Initiative grant" not in etree.tostring(document, encoding="unicode")


def test_iati_activity_carries_identifiers_orgs_sector_and_transactions(client, schema, world):
    document = fetch(client, "FR")
    (activity,) = document.xpath("//iati-activity[title/narrative='€250,000 commitment']")

    assert activity.findtext("iati-identifier") == f"XM-DAC-4-{world['fr'].ref}"
    assert activity.find("reporting-org").get("ref") == "XM-DAC-4"
    roles = {(org.get("role"), org.findtext("narrative")) for org in activity.findall("participating-org")}
    assert ("1", "Government of France") in roles
    assert ("3", "Ministère du numérique") in roles and ("3", "Digital Commons EDIC") in roles
    assert ("4", "Steward Foundation") in roles
    implementing = activity.xpath("participating-org[@role='4']")[0]
    assert implementing.get("ref") == "NL-KVK-12345678" and implementing.get("type") == "60"
    assert activity.find("sector").get("code") == "22040"
    transactions = [
        (
            t.find("transaction-type").get("code"),
            t.find("value").get("currency"),
            t.findtext("value"),
            t.find("value").get("value-date"),
        )
        for t in activity.findall("transaction")
    ]
    assert transactions == [
        ("12", "EUR", "250000.00", "2025-11-01"),
        ("2", "EUR", "250000.00", "2026-01-15"),
        ("3", "EUR", "100000.00", "2026-03-01"),
        ("3", "USD", "54000.00", "2026-06-01"),
    ]
    links = [link.get("url") for link in activity.findall("document-link")]
    assert links == ["https://example.org/payment.pdf"]


def test_staff_and_governance_go_to_the_extension_namespace_without_names(client, schema, world):
    document = fetch(client, "FR")

    (staff,) = document.xpath("//c:staff", namespaces=NS)
    assert (staff.get("role"), staff.get("headcount"), staff.get("person-days"), staff.get("fte-years")) == (
        "developer",
        "2",
        "430.0",
        "2.00",
    )
    (seat,) = document.xpath("//c:governance", namespaces=NS)
    assert (seat.get("body"), seat.get("voting-rights"), seat.text) == ("board", "true", "Board of directors")
    assert b"Secretname" not in etree.tostring(document)


def test_in_kind_of_germany_is_in_the_extension(client, schema, world):
    document = fetch(client, "DE")

    (item,) = document.xpath("//c:in-kind", namespaces=NS)
    assert item.get("value-eur") == "12000.00" and item.get("kind") == "hosting"


def test_non_dac_state_uses_the_documented_prefix(client, schema, world):
    document = fetch(client, "BG")

    assert document.find(".//reporting-org").get("ref") == "XX-COMMONS-BG" == reporting_org_ref("BG")
    assert document.findtext(".//iati-identifier").startswith("XX-COMMONS-BG-")


def test_no_actual_date_or_transaction_is_in_the_future(client, schema, world):
    future = f.contribution(
        "FR", "staff", title="Starts next year", period_start=dt.date.today() + dt.timedelta(days=90)
    )
    f.staff(future, "maintainer", "10")
    today = dt.date.today().isoformat()

    document = fetch(client, "FR")

    assert_valid(schema, document)
    for element in document.xpath("//transaction-date | //value | //activity-date[@type='2' or @type='4']"):
        day = element.get("iso-date") or element.get("value-date")
        assert day <= today, etree.tostring(element)
    (start,) = document.xpath("//iati-activity[title/narrative='Starts next year']/activity-date")
    assert start.get("type") == "1"  # a start still to come is a planned start


def test_hostile_text_is_escaped_and_the_file_stays_valid(client, schema, app):
    # No NUL: PostgreSQL text cannot hold it; the other C0 controls are storable but not XML 1.0.
    hostile = '<script>alert("x")</script> & ]]> \x07\x0b\x1b control'
    record = f.contribution("IT", "governance", title=hostile, description=hostile)
    f.seat(record, body_name=hostile, membership_tier=hostile)
    f.evidence(record, url="javascript:alert(1)", title=hostile)

    response = client.get("/exports/iati/IT.xml")
    document = etree.fromstring(response.data)

    assert_valid(schema, document)
    assert b"<script>" not in response.data and b"javascript:" not in response.data
    assert document.findtext(".//title/narrative").startswith('<script>alert("x")</script> & ]]>')


def test_state_without_public_contribution_has_no_file(client, app):
    f.contribution("PL", "funding", visibility="restricted")

    assert client.get("/exports/iati/PL.xml").status_code == 404
    assert client.get("/exports/iati/ZZ.xml").status_code == 404


def test_iati_is_public_records_only_even_for_the_own_state(client, login_as, schema, world):
    login_as("rep_fr")

    body = client.get("/exports/iati/FR.xml").get_data(as_text=True)

    assert "Restricted grant" not in body and "Initiative grant" not in body


def test_the_schema_check_itself_refuses_a_broken_activity(client, schema, world):
    document = fetch(client, "FR")
    activity = document.find("iati-activity")
    activity.remove(activity.find("reporting-org"))

    assert not schema.validate(document)


def test_clean_drops_what_xml_1_0_cannot_carry():
    from commons.contributions.iati import clean

    assert clean("a\x00b\x07c\x0bd\ud800e\ufffef\tg\nh") == "abcdef\tg\nh"
