# SPDX-License-Identifier: EUPL-1.2
"""The dashboard pages over HTTP: what each role sees, filters, statements, charts, escaping."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.contribution_reports import factories as f
from tests.factories import CommonsFactory

PAGES = (
    "/contributions",
    "/contributions/states/FR",
    "/contributions/reports/pipeline",
    "/contributions/reports/coverage",
    "/contributions/reports/governance",
    "/contributions/reports/staff",
    "/contributions/reports/gaps",
)


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture()
def ledger(app):
    """A public FR commitment, a restricted FR commitment with a distinctive amount, a public staff line."""
    commons = CommonsFactory(name="Ledger Commons", slug="ledger-commons", catalogue_status="accepted")
    public = f.contribution("FR", "funding", commons=commons, title="Public grant")
    f.funding_line(public, "commitment", "250000", day=dt.date(2026, 3, 2))
    f.funding_line(public, "disbursement", "100000", day=dt.date(2026, 4, 2))
    secret = f.contribution("FR", "funding", visibility="restricted", commons=commons, title="Quiet grant")
    f.funding_line(secret, "commitment", "7777.77", day=dt.date(2026, 5, 2))
    team = f.contribution("FR", "staff", commons=commons, title="Secondment")
    f.staff(team, "developer", "430", headcount=2, person_names="Zoé Secretname, Yann Hiddenperson")
    return {"commons": commons}


def test_dashboard_is_in_the_navigation_and_answers_anonymous(client, ledger):
    page = text(client.get("/contributions"))

    assert 'href="/contributions" aria-current="page"' in page
    assert "<h1>Contributions of member states</h1>" in page


def test_anonymous_matrix_shows_public_totals_in_separate_columns_and_hides_the_restricted_one(client, ledger):
    page = text(client.get("/contributions"))

    assert "€250,000.00" in page and "€100,000.00" in page
    assert "430.0" in page and "2.00" in page
    assert "7,777.77" not in page and "Quiet grant" not in page
    assert "fewer than 3 records not shown" in page


def test_own_state_representative_sees_the_restricted_amount(client, login_as, ledger):
    login_as("rep_fr")

    page = text(client.get("/contributions"))

    assert "€257,777.77" in page  # committed: public + own restricted, in one cash column


def test_other_state_representative_does_not_see_the_restricted_amount(client, login_as, ledger):
    login_as("rep_de")

    page = text(client.get("/contributions"))

    assert "7,777.77" not in page and "257,777.77" not in page


def test_three_restricted_records_appear_in_the_public_matrix(client, ledger):
    for amount in ("1000", "2000"):
        record = f.contribution("FR", "funding", visibility="restricted")
        f.funding_line(record, "commitment", amount, day=dt.date(2026, 6, 1))

    page = text(client.get("/contributions"))

    assert "€260,777.77" in page
    assert "fewer than 3 records not shown" not in page


@pytest.mark.parametrize("role", ["anonymous", "user", "rep_fr", "rep_de", "reviewer", "secretariat", "admin"])
def test_staff_names_appear_on_no_dashboard_for_any_role(client, login_as, ledger, role):
    login_as(role)
    paths = [*PAGES, "/contributions/commons/ledger-commons", "/contributions/states/FR?from=2026-01-01"]

    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Secretname" not in text(response) and "Hiddenperson" not in text(response), path


def test_filters_narrow_the_matrix_and_keep_their_values(client, ledger):
    f.funding_line(f.contribution("DE", "funding"), "commitment", "42", day=dt.date(2026, 1, 5))

    page = text(client.get("/contributions?member_state=DE&type=funding&year=2026"))

    assert "€42.00" in page and "€250,000.00" not in page
    assert '<option selected value="DE">' in page
    assert 'value="2026"' in page
    assert "/exports/contributions-aggregate.csv?member_state=DE" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=twenty", "Enter a year with four digits"),
        ("member_state=ZZ", "Choose a member state from the list."),
        ("type=cash", "Choose a contribution type from the list."),
        ("commons=%3Cscript%3E", "No commons has this identifier."),
    ],
)
def test_bad_filters_answer_422_with_the_field_named(client, ledger, query, message):
    response = client.get(f"/contributions?{query}")

    page = text(response)
    assert response.status_code == 422
    assert "<title>Error: " in page and message in page
    assert "<script>" not in page


def test_bad_year_is_kept_in_the_form(client, ledger):
    page = text(client.get("/contributions?year=20x6"))

    assert 'value="20x6"' in page and 'aria-invalid="true"' in page


def test_statement_lists_the_lines_of_its_date_range_only(client, ledger):
    page = text(client.get("/contributions/states/FR?from=2026-03-01&to=2026-03-31"))

    assert "€250,000.00" in page and "€100,000.00" not in page
    assert "Statement of France" in page
    assert 'href="/exports/contribution-lines.csv?member_state=FR"' in page and 'href="/exports/iati/FR.xml"' in page


def test_statement_accepts_el_for_greece(client, app):
    record = f.contribution("GR", "funding", title="Greek grant")
    f.funding_line(record, "commitment", "1234", day=dt.date(2026, 2, 2))

    response = client.get("/contributions/states/EL")

    assert response.status_code == 200
    assert "€1,234.00" in text(response) and "(EL)" in text(response)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-13-01", "Enter a date as YYYY-MM-DD"),
        ("from=yesterday", "Enter a date as YYYY-MM-DD"),
        ("to=2026-02-30", "Enter a date as YYYY-MM-DD"),
        ("from=2026-05-01&to=2026-04-01", "The end date must be on or after the start date."),
        ("from=0001-01-01", "Enter a date as YYYY-MM-DD"),
    ],
)
def test_statement_with_bad_dates_answers_422_and_keeps_what_was_typed(client, ledger, query, message):
    response = client.get(f"/contributions/states/FR?{query}")

    page = text(response)
    assert response.status_code == 422
    assert message in page and "<title>Error: " in page
    typed = query.split("&")[0].split("=")[1]
    assert f'value="{typed}"' in page


def test_statement_of_an_unknown_state_is_404(client, app):
    assert client.get("/contributions/states/XX").status_code == 404
    assert client.get("/contributions/states/%3Cb%3E").status_code == 404


def test_restricted_lines_are_listed_in_the_statement_only_for_their_state(client, login_as, ledger):
    assert "7,777.77" not in text(client.get("/contributions/states/FR"))
    login_as("rep_fr")
    assert "€7,777.77" in text(client.get("/contributions/states/FR"))


def test_commons_profile_shows_who_gives_what(client, ledger):
    response = client.get("/contributions/commons/ledger-commons")

    page = text(response)
    assert response.status_code == 200
    assert "Funding profile of Ledger Commons" in page and "Public grant" in page and "Quiet grant" not in page
    assert re.search(r'href="/contributions/FR-\d{4}-\d{4}"', page)  # each reference links to its record
    assert client.get("/contributions/commons/no-such-commons").status_code == 404


def test_pipeline_page_lists_an_ageing_pledge(client, app):
    old = f.contribution("FR", "funding", title="Forgotten pledge", status="pledged")
    f.funding_line(old, "pledge", "5000", day=dt.date.today() - dt.timedelta(days=400))

    page = text(client.get("/contributions/reports/pipeline"))

    assert "Forgotten pledge" not in page  # the table lists references, not titles
    assert old.ref in page


def test_coverage_page_names_the_commons_without_contributor(client, app):
    CommonsFactory(name="Orphan Commons", catalogue_status="accepted")

    page = text(client.get("/contributions/reports/coverage"))

    assert "Orphan Commons" in page and "No contributor" in page


def test_charts_are_accessible_svg_without_inline_style(client, ledger):
    for path in ("/contributions", "/contributions/reports/staff", "/contributions/reports/coverage"):
        page = text(client.get(path))
        svgs = re.findall(r"<svg\b.*?</svg>", page, flags=re.S)
        assert svgs, path
        for svg in svgs:
            assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
            assert "aria-labelledby=" in svg
        assert " style=" not in page and "<script>" not in page
        assert "<table" in page and "<caption>" in page


def test_hostile_text_is_escaped_on_every_dashboard(client, app):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    commons = CommonsFactory(name=hostile, slug="hostile", catalogue_status="accepted")
    record = f.contribution("FR", "governance", commons=commons, title=hostile)
    f.seat(record, body_name=hostile, membership_tier=hostile)
    money = f.contribution("FR", "funding", commons=commons, title=hostile)
    f.funding_line(money, "commitment", "10")

    for path in [*PAGES, "/contributions/commons/hostile"]:
        page = text(client.get(path))
        assert "<script>alert" not in page and "<img src=x" not in page, path
    assert "&lt;script&gt;" in text(client.get("/contributions/commons/hostile"))


def test_commons_filter_offers_only_commons_that_received_something(client, ledger):
    CommonsFactory(name="Unrelated Commons", slug="unrelated-commons")

    page = text(client.get("/contributions"))

    assert '<option value="ledger-commons">Ledger Commons</option>' in page
    assert "Unrelated Commons" not in page


def test_amounts_and_dates_follow_the_reader_locale(client, ledger):
    page = text(client.get("/contributions/states/FR", headers={"Accept-Language": "fr"}))

    assert "250\u202f000,00\u00a0€" in page
    assert "2 mars 2026" in page


def test_statement_offers_no_iati_file_when_nothing_is_public(client, app):
    f.funding_line(f.contribution("PL", "funding", visibility="restricted"), "commitment", "10")

    page = text(client.get("/contributions/states/PL"))

    assert "/exports/iati/PL.xml" not in page and "/exports/contribution-lines.csv?member_state=PL" in page


def test_cell_of_only_restricted_records_is_not_shown_at_all(client, app):
    for _ in range(2):
        f.funding_line(f.contribution("LU", "funding", visibility="restricted"), "commitment", "31415.92")

    page = text(client.get("/contributions?member_state=LU"))

    # The page for LU reads exactly as for a state with no record: the restricted ones leave no trace.
    assert "No contribution matches these filters." in page and "Fewer than 3 records" not in page
    assert "31,415.92" not in page and "62,831.84" not in page and "Other: records" not in page
