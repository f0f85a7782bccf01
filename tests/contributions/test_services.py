# SPDX-License-Identifier: EUPL-1.2
"""Rates locked on save, optimistic locking, soft delete with history, audit events, refs, ledger corrections."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

import pytest
from sqlalchemy import select

from commons.audit import AuditEvent
from commons.contributions import services
from commons.contributions.models import Contribution, ContributionVersion, FundingLine
from commons.errors import Conflict, NotFound, ValidationFailed
from commons.extensions import db
from tests.conftest import csrf_token
from tests.contributions.factories import DAY, TODAY, add_rates, funding_line, make_contribution

FRIDAY = dt.date(2026, 2, 13)
SATURDAY = dt.date(2026, 2, 14)


def test_refs_count_per_state_and_year(users, commons):
    first = make_contribution(users["rep_fr"], commons)
    second = make_contribution(users["rep_fr"], commons, kind="staff")
    german = make_contribution(users["rep_de"], commons)
    assert (first.ref, second.ref) == (f"FR-{TODAY.year}-0001", f"FR-{TODAY.year}-0002")
    assert german.ref == f"DE-{TODAY.year}-0001"


def test_non_euro_line_takes_the_last_business_day_rate_and_keeps_it_after_reimport(users, commons):
    add_rates([("USD", FRIDAY, "1.1604")])
    contribution = make_contribution(
        users["rep_fr"], commons, lines=[funding_line(date=SATURDAY, amount=Decimal("11604"), currency="USD")]
    )
    line = contribution.funding_lines[0]
    assert (line.rate, line.rate_date, line.rate_source) == (Decimal("1.1604"), FRIDAY, "ecb")
    assert line.amount_eur == Decimal("10000.00")
    db.session.commit()
    add_rates([("USD", FRIDAY, "1.2500"), ("USD", SATURDAY, "1.3000")])  # the ECB file re-imported, revised
    db.session.commit()
    db.session.expire_all()
    again = db.session.get(FundingLine, line.id)
    assert (again.rate, again.rate_date, again.amount_eur) == (Decimal("1.1604"), FRIDAY, Decimal("10000.00"))


def test_actual_bank_rate_with_evidence_replaces_the_ecb_rate(users, commons):
    contribution = make_contribution(
        users["rep_fr"],
        commons,
        lines=[
            funding_line(
                currency="SEK",
                amount=Decimal("110000"),
                bank_rate=Decimal("11.0"),
                evidence_url="https://bank.example.org/fx/1",
            )
        ],
    )
    line = contribution.funding_lines[0]
    assert (line.rate_source, line.rate, line.amount_eur) == ("bank", Decimal("11.0"), Decimal("10000.00"))
    assert line.evidence is not None and line.evidence.url == "https://bank.example.org/fx/1"


def test_funding_lines_are_corrected_by_adjustments_not_edited(users, commons):
    contribution = make_contribution(users["rep_fr"], commons)
    services.add_lines(
        users["rep_fr"],
        contribution.ref,
        [funding_line(kind="adjustment", amount=Decimal("-50000"), justification="Budget cut")],
        contribution.version,
    )
    services.add_lines(
        users["rep_fr"],
        contribution.ref,
        [funding_line(kind="disbursement", amount=Decimal("200000"), evidence_url="https://pay.example.org/1")],
        contribution.version,
    )
    assert [line.kind for line in contribution.funding_lines] == ["commitment", "adjustment", "disbursement"]
    assert contribution.funding_lines[0].amount == Decimal("250000")
    assert contribution.status == "disbursed"
    tags = set(db.session.scalars(select(AuditEvent.tag).where(AuditEvent.object_id == str(contribution.id))))
    assert {"contribution:create", "contribution:funding_line:add"} <= tags


def test_more_disbursed_than_committed_is_accepted_with_a_justification(users, commons):
    contribution = make_contribution(users["rep_fr"], commons)
    db.session.commit()
    line = funding_line(kind="disbursement", amount=Decimal("300000"), evidence_url="https://pay.example.org/2")
    with pytest.raises(ValidationFailed) as failure:
        services.add_lines(users["rep_fr"], contribution.ref, [line], contribution.version)
    assert "justification" in failure.value.errors
    db.session.rollback()
    contribution = services.find(contribution.ref)
    line["justification"] = "Top-up decided on 3 March"
    services.add_lines(users["rep_fr"], contribution.ref, [line], contribution.version)
    assert contribution.status == "disbursed"


def test_every_changed_field_is_audited_with_old_and_new(users, commons):
    contribution = make_contribution(users["rep_fr"], commons)
    data = {"title": "New title", "visibility": "restricted", "description": None}
    services.update_contribution(users["rep_fr"], contribution.ref, data, 1)
    events = {
        e.tag: e for e in db.session.scalars(select(AuditEvent).where(AuditEvent.object_id == str(contribution.id)))
    }
    assert events["contribution:title:update"].old == "Support of Docs (funding)"
    assert events["contribution:title:update"].new == "New title"
    assert events["contribution:visibility:update"].new == "restricted"
    assert events["contribution:title:update"].actor_id == users["rep_fr"].id
    assert contribution.version == 2
    snapshots = db.session.scalars(
        select(ContributionVersion.version).where(ContributionVersion.contribution_id == contribution.id)
    ).all()
    assert sorted(snapshots) == [1, 2]


def test_stale_version_is_refused_by_the_service(users, commons):
    contribution = make_contribution(users["rep_fr"], commons)
    services.update_contribution(users["rep_fr"], contribution.ref, {"title": "Theirs"}, 1)
    with pytest.raises(services.StaleVersion) as error:
        services.update_contribution(users["rep_fr"], contribution.ref, {"title": "Mine"}, 1)
    assert error.value.theirs["title"] == "Theirs"
    assert error.value.yours["title"] == "Mine"
    assert contribution.title == "Theirs"


def test_stale_edit_form_answers_409_showing_both_versions_and_keeps_the_input(client, login_as, users, commons):
    contribution = make_contribution(users["rep_fr"], commons)
    db.session.commit()
    login_as("rep_fr")
    url = f"/contributions/{contribution.ref}/edit"
    token = csrf_token(client, url)
    services.update_contribution(users["rep_fr"], contribution.ref, {"title": "Changed by a colleague"}, 1)
    db.session.commit()
    form = {
        "csrf_token": token,
        "version": "1",
        "commons": commons.slug,
        "title": "My own title",
        "visibility": "public",
    }
    response = client.post(url, data=form)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 409
    assert "changed by someone else" in page
    assert "Changed by a colleague" in page and 'value="My own title"' in page
    assert 'name="version" type="hidden" value="2"' in page
    db.session.expire_all()
    assert db.session.get(Contribution, contribution.id).title == "Changed by a colleague"
    # Having seen both, the representative saves again: the form now carries the current version.
    again = client.post(url, data={**form, "version": "2"})
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(Contribution, contribution.id).title == "My own title"


def test_soft_delete_keeps_the_record_listed_among_deleted_and_hidden_elsewhere(client, login_as, users, commons):
    contribution = make_contribution(users["rep_fr"], commons)
    db.session.commit()
    login_as("rep_fr")
    url = f"/contributions/{contribution.ref}/delete"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "version": "1", "reason": "Entered twice"})
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.get(Contribution, contribution.id)
    assert row.deleted_at is not None and row.delete_reason == "Entered twice"
    mine = client.get("/contributions/mine").get_data(as_text=True)
    deleted_section = mine[mine.index("Deleted contributions") :]
    assert contribution.ref in deleted_section and "Entered twice" in deleted_section
    assert client.get(f"/contributions/{contribution.ref}").status_code == 200  # the state still sees it
    assert client.get(f"/api/v1/contributions/{contribution.ref}").status_code == 404  # gone for the public
    assert services.get_for_edit(users["rep_fr"], contribution.ref, allow_deleted=True).deleted_at is not None
    with pytest.raises(Conflict):
        services.update_contribution(users["rep_fr"], contribution.ref, {"title": "x"}, row.version)
    tags = set(db.session.scalars(select(AuditEvent.tag).where(AuditEvent.object_id == str(contribution.id))))
    assert "contribution:delete" in tags


def test_delete_needs_a_reason(client, login_as, users, commons):
    contribution = make_contribution(users["rep_fr"], commons)
    db.session.commit()
    login_as("rep_fr")
    url = f"/contributions/{contribution.ref}/delete"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "version": "1", "reason": ""})
    assert response.status_code == 422
    assert "Give the reason for deleting." in response.get_data(as_text=True)


def test_restore_brings_a_deleted_contribution_back(users, commons):
    contribution = make_contribution(users["rep_fr"], commons)
    services.delete_contribution(users["rep_fr"], contribution.ref, "By mistake", 1)
    services.restore_contribution(users["rep_fr"], contribution.ref, 2)
    assert contribution.deleted_at is None and contribution.version == 3


def test_rep_of_another_state_gets_404_and_nothing_changes(client, login_as, users, commons):
    contribution = make_contribution(users["rep_fr"], commons, visibility="public")
    db.session.commit()
    with pytest.raises(NotFound):
        services.update_contribution(users["rep_de"], contribution.ref, {"title": "Hijacked"}, 1)
    with pytest.raises(NotFound):
        services.delete_contribution(users["rep_de"], contribution.ref, "no", 1)
    login_as("rep_de")
    for path in ("edit", "lines/new", "evidence/new", "status", "delete", "history"):
        assert client.get(f"/contributions/{contribution.ref}/{path}").status_code == 404, path
    token = csrf_token(client, "/contributions/new?type=funding")
    response = client.post(
        f"/contributions/{contribution.ref}/edit",
        data={
            "csrf_token": token,
            "version": "1",
            "commons": commons.slug,
            "title": "Hijacked",
            "visibility": "public",
        },
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Contribution, contribution.id).title == "Support of Docs (funding)"
    assert client.get(f"/contributions/{contribution.ref}").status_code == 200  # public: readable, not editable


def test_restricted_parts_are_hidden_from_another_state_and_staff_names_never_public(client, login_as, users, commons):
    restricted = make_contribution(users["rep_fr"], commons, visibility="restricted")
    staff = make_contribution(users["rep_fr"], commons, kind="staff")
    db.session.commit()
    assert client.get(f"/contributions/{restricted.ref}").status_code == 404
    assert "Jeanne Martin" not in client.get(f"/contributions/{staff.ref}").get_data(as_text=True)
    login_as("rep_de")
    assert client.get(f"/contributions/{restricted.ref}").status_code == 404
    assert "Jeanne Martin" not in client.get(f"/contributions/{staff.ref}").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    login_as("rep_fr")
    assert client.get(f"/contributions/{restricted.ref}").status_code == 200
    assert "Jeanne Martin" in client.get(f"/contributions/{staff.ref}").get_data(as_text=True)


def test_a_submitted_member_state_of_another_state_is_never_stored(users, commons):
    db.session.commit()
    with pytest.raises(ValidationFailed) as failure:
        make_contribution(users["rep_fr"], commons, member_state="DE")
    assert "member_state" in failure.value.errors
    db.session.rollback()
    assert db.session.scalar(select(Contribution).where(Contribution.member_state_code == "DE")) is None
    own = make_contribution(users["rep_fr"], commons, member_state="fr")
    assert own.member_state_code == "FR"


def test_user_without_a_state_cannot_record(client, login_as):
    login_as("user")
    assert client.get("/contributions/new?type=funding").status_code == 403
    assert client.get("/contributions/mine").status_code == 403


def test_ledger_line_in_the_past_window_is_accepted_but_the_future_refused_by_the_form(users, commons):
    contribution = make_contribution(users["rep_fr"], commons, lines=[funding_line(date=DAY)])
    assert contribution.funding_lines[0].date == DAY


def test_a_seat_ends_and_a_secondment_is_edited_with_the_capacity_rule(client, login_as, users, commons):
    seat = make_contribution(users["rep_fr"], commons, kind="governance")
    staff = make_contribution(users["rep_fr"], commons, kind="staff")
    db.session.commit()
    login_as("rep_fr")
    seat_url = f"/contributions/{seat.ref}/lines/{seat.governance[0].id}/edit"
    page = client.get(seat_url).get_data(as_text=True)
    assert 'value="Board of directors"' in page
    form = {
        "csrf_token": csrf_token(client, seat_url),
        "version": "1",
        "body": "board",
        "body_name": "Board of directors",
        "seat_role": "member",
        "voting_rights": "y",
        "formal": "y",
        "start_date": DAY.isoformat(),
        "end_date": (DAY + dt.timedelta(days=1)).isoformat(),
    }
    assert client.post(seat_url, data=form).status_code == 302
    db.session.expire_all()
    saved = db.session.get(Contribution, seat.id)
    assert saved.governance[0].end_date == DAY + dt.timedelta(days=1) and saved.status == "ended"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.tag == "contribution:governance_line:update"))
    assert event.new["end_date"] == (DAY + dt.timedelta(days=1)).isoformat()

    staff_url = f"/contributions/{staff.ref}/lines/{staff.staff[0].id}/edit"
    form = {
        "csrf_token": csrf_token(client, staff_url),
        "version": "1",
        "role": "developer",
        "headcount": "2",
        "person_days": "431",
        "employment_type": "secondment",
        "delivery_status": "active",
    }
    refused = client.post(staff_url, data=form)
    assert refused.status_code == 422
    assert "exceed the working capacity of 430" in refused.get_data(as_text=True)
    assert client.post(staff_url, data={**form, "person_days": "400"}).status_code == 302
    db.session.expire_all()
    allocation = db.session.get(Contribution, staff.id).staff[0]
    assert (allocation.person_days, allocation.delivery_status) == (Decimal("400"), "active")
    names = [e.new for e in db.session.scalars(select(AuditEvent).where(AuditEvent.tag.like("contribution:staff%")))]
    assert "Jeanne" not in repr(names)  # named persons never reach the audit trail


def test_funding_lines_cannot_be_edited(client, login_as, users, commons):
    contribution = make_contribution(users["rep_fr"], commons)
    db.session.commit()
    with pytest.raises(Conflict):
        services.update_line(users["rep_fr"], contribution.ref, contribution.funding_lines[0].id, {}, 1)
    login_as("rep_fr")
    assert (
        client.get(f"/contributions/{contribution.ref}/lines/{contribution.funding_lines[0].id}/edit").status_code
        == 404
    )
