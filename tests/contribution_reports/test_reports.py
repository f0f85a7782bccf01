# SPDX-License-Identifier: EUPL-1.2
"""The aggregation rules: units apart, intermediaries once, and the small-cell rule for unreadable records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from flask_login import AnonymousUserMixin

from commons.contributions import reports
from tests.contribution_reports import factories as f
from tests.factories import CommonsFactory, OrganisationFactory

ANONYMOUS = AnonymousUserMixin()


def cell(matrix: reports.Matrix, state: str, year: int, kind: str) -> reports.Cell:
    matches = [c for c in matrix.cells if (c.member_state, c.year, c.type) == (state, year, kind)]
    assert len(matches) == 1, [(c.member_state, c.year, c.type) for c in matrix.cells]
    return matches[0]


def test_matrix_keeps_cash_days_seats_and_in_kind_in_their_own_columns(app):
    commons = CommonsFactory()
    funding = f.contribution("FR", "funding", commons=commons)
    f.funding_line(funding, "pledge", "300000")
    f.funding_line(funding, "commitment", "250000")
    f.funding_line(funding, "disbursement", "100000")
    f.funding_line(funding, "disbursement", "54000", currency="USD", rate="1.08")
    f.funding_line(funding, "expenditure", "7000")
    staff = f.contribution("FR", "staff", commons=commons)
    f.staff(staff, "developer", "430", headcount=2)
    governance = f.contribution("FR", "governance", commons=commons)
    f.seat(governance, formal=True)
    f.seat(governance, body="working_group", formal=False)
    gift = f.contribution("FR", "in_kind", commons=commons)
    f.in_kind(gift, value_eur="1200")
    f.in_kind(gift, kind="audit", value_eur=None)

    matrix = reports.aggregate_matrix(ANONYMOUS)

    money = cell(matrix, "FR", 2026, "funding").measures
    assert (money["pledged_eur"], money["committed_eur"], money["disbursed_eur"]) == (
        Decimal("300000.00"),
        Decimal("250000.00"),
        Decimal("150000.00"),
    )
    assert money["person_days"] == 0 and money["seats_formal"] == 0 and money["in_kind_value_eur"] == 0
    days = cell(matrix, "FR", 2026, "staff").measures
    assert days["person_days"] == Decimal("430.0") and days["fte_years"] == Decimal("2.00")
    assert days["committed_eur"] == 0
    seats = cell(matrix, "FR", 2026, "governance").measures
    assert (seats["seats_formal"], seats["seats_informal"]) == (1, 1)
    kind = cell(matrix, "FR", 2026, "in_kind").measures
    assert (kind["in_kind_items"], kind["in_kind_value_eur"]) == (2, Decimal("1200.00"))
    total = matrix.grand_total.measures
    # Each unit is summed on its own; nothing mixes EUR with days or seats.
    assert total["committed_eur"] == Decimal("250000.00")
    assert total["disbursed_eur"] == Decimal("150000.00")
    assert total["person_days"] == Decimal("430.0")
    assert total["seats_formal"] + total["seats_informal"] == 2
    assert total["in_kind_value_eur"] == Decimal("1200.00")
    assert matrix.grand_total.records == 4


def test_money_through_an_intermediary_counts_once_for_the_state(app):
    edic = OrganisationFactory(name="Digital Commons EDIC", member_state_code="DE", org_type="eu_institution")
    regrant = f.contribution("FR", "funding", intermediary_org_id=edic.id)
    f.funding_line(regrant, "commitment", "500000")

    matrix = reports.aggregate_matrix(ANONYMOUS)

    assert [(c.member_state, c.type) for c in matrix.cells] == [("FR", "funding")]
    assert matrix.grand_total.measures["committed_eur"] == Decimal("500000.00")
    assert matrix.grand_total.records == 1


def _restricted(state: str, amount: str, n: int) -> None:
    for _ in range(n):
        record = f.contribution(state, "funding", visibility="restricted")
        f.funding_line(record, "commitment", amount)


def test_two_restricted_records_are_withheld_from_the_cell_and_the_totals(app):
    public = f.contribution("FR", "funding")
    f.funding_line(public, "commitment", "100")
    _restricted("FR", "1000", 2)

    matrix = reports.aggregate_matrix(ANONYMOUS)

    fr = cell(matrix, "FR", 2026, "funding")
    assert fr.suppressed and not fr.withheld
    assert fr.records == 1 and fr.measures["committed_eur"] == Decimal("100.00")
    # Totals add what the cells show: subtracting cells from totals reveals nothing.
    assert matrix.state_totals[0].measures["committed_eur"] == Decimal("100.00")
    assert matrix.grand_total.measures["committed_eur"] == Decimal("100.00")
    assert matrix.grand_total.records == 1


def test_three_restricted_records_count_in_the_cell(app):
    public = f.contribution("FR", "funding")
    f.funding_line(public, "commitment", "100")
    _restricted("FR", "1000", 3)

    matrix = reports.aggregate_matrix(ANONYMOUS)

    fr = cell(matrix, "FR", 2026, "funding")
    assert not fr.suppressed
    assert fr.records == 4 and fr.measures["committed_eur"] == Decimal("3100.00")
    assert matrix.grand_total.measures["committed_eur"] == Decimal("3100.00")


def test_cell_of_only_two_restricted_records_does_not_appear_at_all(app):
    _restricted("DE", "5000", 2)

    matrix = reports.aggregate_matrix(ANONYMOUS)

    # Not even an empty row: a row of its own would tell that something exists in DE in 2026.
    assert [(c.member_state, c.year, c.type) for c in matrix.cells] == []
    assert matrix.other is None and matrix.state_totals == []
    assert matrix.grand_total.measures["committed_eur"] == 0 and matrix.grand_total.records == 0


def test_restricted_records_of_one_cell_are_not_pooled_with_another_cell(app):
    _restricted("FR", "1000", 2)
    _restricted("DE", "1000", 2)

    matrix = reports.aggregate_matrix(ANONYMOUS)

    # Neither cell is shown, and FR's two are never added to DE's to make a cell of four.
    assert matrix.cells == [] and matrix.state_totals == []
    # They are pooled only in the "other" row, which names no state, year or type and holds at least 3.
    assert matrix.other is not None and matrix.other.records == 4
    assert matrix.other.measures["committed_eur"] == Decimal("4000.00")
    assert matrix.grand_total.measures["committed_eur"] == Decimal("4000.00")


def test_other_row_of_fewer_than_three_records_is_left_out(app):
    public = f.contribution("FR", "funding")
    f.funding_line(public, "commitment", "100")
    _restricted("DE", "1000", 1)
    _restricted("IT", "1000", 1)

    matrix = reports.aggregate_matrix(ANONYMOUS)

    assert [c.member_state for c in matrix.cells] == ["FR"] and matrix.other is None
    assert matrix.grand_total.measures["committed_eur"] == Decimal("100.00")


@pytest.mark.parametrize(
    ("role", "counted"),
    [("rep_fr", True), ("secretariat", True), ("admin", True), ("rep_de", False), ("reviewer", False), ("user", False)],
)
def test_one_restricted_record_counts_only_for_its_state_and_the_staff(app, users, role, counted):
    _restricted("FR", "1000", 1)

    matrix = reports.aggregate_matrix(users[role])

    if counted:
        assert cell(matrix, "FR", 2026, "funding").measures["committed_eur"] == Decimal("1000.00")
    else:
        # Alone in its cell and unreadable: the cell does not appear at all.
        assert not any(c.member_state == "FR" for c in matrix.cells) and matrix.other is None


@pytest.mark.parametrize(
    ("role", "counted"), [("anonymous", False), ("user", False), ("reviewer", True), ("rep_de", True)]
)
def test_initiative_records_are_seen_by_the_initiative_only(app, users, role, counted):
    record = f.contribution("FR", "staff", visibility="initiative")
    f.staff(record, person_days="10")

    viewer = ANONYMOUS if role == "anonymous" else users[role]
    matrix = reports.aggregate_matrix(viewer)

    if counted:
        assert cell(matrix, "FR", 2026, "staff").measures["person_days"] == Decimal("10.0")
    else:
        assert not any(c.type == "staff" for c in matrix.cells) and matrix.other is None


def test_commons_filter_counts_only_readable_records_even_above_the_threshold(app):
    commons = CommonsFactory()
    for _ in range(3):
        record = f.contribution("FR", "funding", visibility="restricted", commons=commons)
        f.funding_line(record, "commitment", "1000")

    unfiltered = reports.aggregate_matrix(ANONYMOUS)
    filtered = reports.aggregate_matrix(ANONYMOUS, reports.ReportFilters(commons=commons))

    assert unfiltered.grand_total.measures["committed_eur"] == Decimal("3000.00")
    assert filtered.cells == [] and not filtered.hidden_allowed


def test_lines_count_in_the_year_of_their_date(app):
    record = f.contribution("FR", "funding")
    f.funding_line(record, "commitment", "1000", day=dt.date(2025, 12, 31))
    f.funding_line(record, "disbursement", "400", day=dt.date(2026, 1, 2))

    matrix = reports.aggregate_matrix(ANONYMOUS)
    only_2026 = reports.aggregate_matrix(ANONYMOUS, reports.ReportFilters(year=2026))

    assert cell(matrix, "FR", 2025, "funding").measures["committed_eur"] == Decimal("1000.00")
    assert cell(matrix, "FR", 2026, "funding").measures["disbursed_eur"] == Decimal("400.00")
    assert [c.year for c in only_2026.cells] == [2026]


def test_cancelled_contribution_keeps_its_disbursements_but_not_its_promises(app):
    record = f.contribution("FR", "funding", status="cancelled", manual_status="cancelled")
    f.funding_line(record, "pledge", "9000")
    f.funding_line(record, "commitment", "5000")
    f.funding_line(record, "disbursement", "1000")

    fr = cell(reports.aggregate_matrix(ANONYMOUS), "FR", 2026, "funding").measures

    assert (fr["pledged_eur"], fr["committed_eur"], fr["disbursed_eur"]) == (0, 0, Decimal("1000.00"))


def test_deleted_contributions_are_left_out(app):
    from commons.types import utcnow

    record = f.contribution("FR", "funding", deleted_at=utcnow())
    f.funding_line(record, "commitment", "1000")

    assert reports.aggregate_matrix(ANONYMOUS).cells == []


def test_pipeline_lists_pledges_older_than_twelve_months_without_commitment(app):
    today = dt.date(2026, 11, 23)
    old = f.contribution("FR", "funding", title="Old pledge", status="pledged")
    f.funding_line(old, "pledge", "1000", day=dt.date(2025, 10, 1))
    committed = f.contribution("FR", "funding", title="Old but committed")
    f.funding_line(committed, "pledge", "1000", day=dt.date(2025, 10, 1))
    f.funding_line(committed, "commitment", "1000", day=dt.date(2026, 2, 1))
    recent = f.contribution("DE", "funding", title="Recent pledge", status="pledged")
    f.funding_line(recent, "pledge", "1000", day=dt.date(2026, 6, 1))
    cancelled = f.contribution("DE", "funding", title="Cancelled pledge", status="cancelled", manual_status="cancelled")
    f.funding_line(cancelled, "pledge", "1000", day=dt.date(2024, 6, 1))

    report = reports.pipeline_report(ANONYMOUS, today=today)

    assert [row["contribution"].title for row in report["ageing"]] == ["Old pledge"]
    assert report["ageing"][0]["months"] == 13
    assert report["stages"]["pledged"]["records"] == 2
    assert report["stages"]["committed"]["records"] == 1


def test_coverage_finds_accepted_commons_with_no_or_one_contributing_state(app):
    lonely = CommonsFactory(name="Lonely", catalogue_status="accepted")
    single = CommonsFactory(name="Single", catalogue_status="accepted")
    shared = CommonsFactory(name="Shared", catalogue_status="accepted")
    CommonsFactory(name="Candidate", catalogue_status="candidate")
    f.funding_line(f.contribution("FR", "funding", commons=single), "commitment", "10")
    f.funding_line(f.contribution("FR", "funding", commons=single), "commitment", "10")
    f.funding_line(f.contribution("FR", "funding", commons=shared), "commitment", "30")
    f.funding_line(f.contribution("DE", "funding", commons=shared), "commitment", "10")
    # A restricted contribution the reader cannot see does not make the commons look covered.
    f.contribution("IT", "staff", visibility="restricted", commons=lonely)

    report = reports.coverage_report(ANONYMOUS)

    assert [row["commons"].name for row in report["zero"]] == ["Lonely"]
    assert [row["commons"].name for row in report["one"]] == ["Single"]
    shared_row = next(row for row in report["rows"] if row["commons"] == shared)
    assert shared_row["states"] == ["DE", "FR"] and shared_row["top_share"] == Decimal("75.0")
    assert all(row["commons"].catalogue_status == "accepted" for row in report["rows"])


def test_staff_by_role_sums_days_and_headcount(app):
    f.staff(f.contribution("FR", "staff"), "developer", "215", headcount=1)
    f.staff(f.contribution("DE", "staff"), "developer", "107.5", headcount=2)
    f.staff(f.contribution("DE", "staff"), "security", "20")

    rows = {row["role"]: row for row in reports.staff_by_role(ANONYMOUS)}

    assert rows["developer"]["person_days"] == Decimal("322.5")
    assert rows["developer"]["fte_years"] == Decimal("1.50")
    assert rows["developer"]["headcount"] == 3 and rows["developer"]["states"] == ["DE", "FR"]
    assert rows["security"]["person_days"] == Decimal("20.0")


def test_gaps_compare_needs_with_what_is_committed(app):
    from commons.catalogue.models import Need
    from commons.extensions import db

    commons = CommonsFactory()
    db.session.add_all(
        [
            Need(commons_id=commons.id, kind="funding", title="Audit", amount=Decimal("50000"), currency="EUR"),
            Need(commons_id=commons.id, kind="staff", title="Maintainer", staff_role="maintainer", person_days=200),
            Need(commons_id=commons.id, kind="governance", title="Board seat", governance_body="board", seats=2),
        ]
    )
    db.session.flush()
    f.funding_line(f.contribution("FR", "funding", commons=commons), "commitment", "20000")
    f.staff(f.contribution("FR", "staff", commons=commons), "maintainer", "250")
    f.seat(f.contribution("DE", "governance", commons=commons), "board")

    rows = {row["kind"]: row for row in reports.gaps_report(ANONYMOUS)}

    assert (rows["funding"]["needed"], rows["funding"]["missing"]) == (Decimal("50000.00"), Decimal("30000.00"))
    assert rows["staff"]["missing"] == 0  # more than asked: nothing missing
    assert rows["governance"]["missing"] == 1
    assert [need.title for need in rows["funding"]["needs"]] == ["Audit"]


def test_gaps_page_shows_each_kind_in_its_unit(client, app):
    from commons.catalogue.models import Need
    from commons.extensions import db

    commons = CommonsFactory(name="Needy Commons")
    db.session.add(Need(commons_id=commons.id, kind="funding", title="Audit", amount=Decimal("50000"), currency="EUR"))
    db.session.flush()
    f.funding_line(f.contribution("FR", "funding", commons=commons), "commitment", "20000")

    page = client.get("/contributions/reports/gaps").get_data(as_text=True)

    assert "Needy Commons" in page and "€50,000.00" in page and "€30,000.00" in page


def test_gaps_count_only_what_the_reader_may_read(app, users):
    from commons.catalogue.models import Need
    from commons.extensions import db

    commons = CommonsFactory()
    db.session.add(Need(commons_id=commons.id, kind="funding", title="Audit", amount=Decimal("9000"), currency="EUR"))
    db.session.flush()
    for visibility in ("public", "public", "restricted"):
        record = f.contribution("FR", "funding", visibility=visibility, commons=commons)
        f.funding_line(record, "commitment", "1000" if visibility == "public" else "4321")

    (public,) = reports.gaps_report(ANONYMOUS, commons)
    (own,) = reports.gaps_report(users["rep_fr"], commons)

    # The profile beside the gaps lists the readable records only: the two must agree, or they could be
    # subtracted from each other to reveal the restricted amount.
    assert public["committed"] == Decimal("2000.00") and public["missing"] == Decimal("7000.00")
    assert own["committed"] == Decimal("6321.00")


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"member_state": "XX"}, "member_state"),
        ({"year": "20x6"}, "year"),
        ({"year": "1e3"}, "year"),
        ({"type": "money"}, "type"),
        ({"commons": "no-such-commons"}, "commons"),
    ],
)
def test_bad_filters_name_their_field(app, args, field):
    from commons.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        reports.parse_filters(args)

    assert list(caught.value.errors) == [field]


def test_greece_is_accepted_as_el_and_gr(app):
    assert reports.parse_filters({"member_state": "EL"}).member_state == "GR"
    assert reports.parse_filters({"member_state": "gr"}).member_state == "GR"
