# SPDX-License-Identifier: EUPL-1.2
"""The contributions API: visibility on reads, writes with a token through the same forms and services."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from commons.accounts.services import create_token
from commons.contributions.models import Contribution
from commons.extensions import db
from tests.contributions.factories import DAY, TODAY, make_contribution


@pytest.fixture()
def tokens(users):
    out = {role: create_token(user, "test")[1] for role, user in users.items()}
    db.session.commit()
    return out


def bearer(tokens, role):
    return {"Authorization": f"Bearer {tokens[role]}"}


def body(commons, **extra):
    data = {
        "type": "funding",
        "commons": commons.slug,
        "title": "Funding by API",
        "visibility": "public",
        "lines": [{"kind": "commitment", "date": DAY.isoformat(), "amount": "250000.00", "currency": "EUR"}],
    }
    data.update(extra)
    return data


def test_anonymous_list_shows_public_records_only(client, users, commons):
    public = make_contribution(users["rep_fr"], commons, visibility="public")
    make_contribution(users["rep_fr"], commons, kind="staff", visibility="initiative")
    make_contribution(users["rep_fr"], commons, kind="governance", visibility="restricted")
    db.session.commit()
    answer = client.get("/api/v1/contributions").get_json()
    assert [item["ref"] for item in answer["items"]] == [public.ref]
    assert answer["total"] == 1 and answer["next"] is None
    item = answer["items"][0]
    assert item["member_state"] == "FR" and item["type"] == "funding" and item["status"] == "committed"
    assert item["visibility"] == "public" and item["commons"] == commons.slug
    assert item["totals"]["committed_eur"] == "250000.00"


def test_reader_with_token_sees_by_role(client, users, commons, tokens):
    make_contribution(users["rep_fr"], commons, visibility="public")
    make_contribution(users["rep_fr"], commons, kind="staff", visibility="initiative")
    make_contribution(users["rep_fr"], commons, kind="governance", visibility="restricted")
    db.session.commit()
    totals = {
        role: client.get("/api/v1/contributions", headers=bearer(tokens, role)).get_json()["total"]
        for role in ("user", "rep_de", "rep_fr", "reviewer", "secretariat")
    }
    assert totals == {"user": 1, "rep_de": 2, "rep_fr": 3, "reviewer": 2, "secretariat": 3}


def test_list_pages_with_a_cursor(client, users, commons):
    for index in range(3):
        make_contribution(users["rep_fr"], commons, title=f"Funding {index}")
    db.session.commit()
    first = client.get("/api/v1/contributions?limit=2").get_json()
    second = client.get(f"/api/v1/contributions?limit=2&cursor={first['next']}").get_json()
    refs = [i["ref"] for i in first["items"] + second["items"]]
    assert len(set(refs)) == 3 and second["next"] is None and first["total"] == 3


def test_detail_hides_staff_names_from_other_readers(client, users, commons, tokens):
    staff = make_contribution(users["rep_fr"], commons, kind="staff")
    db.session.commit()
    anonymous = client.get(f"/api/v1/contributions/{staff.ref}").get_json()
    assert "person_names" not in anonymous["staff"][0]
    own = client.get(f"/api/v1/contributions/{staff.ref}", headers=bearer(tokens, "rep_fr")).get_json()
    assert own["staff"][0]["person_names"] == "Jeanne Martin, Paul Durand"
    assert own["staff"][0]["person_days"] == "430.0"


def test_rep_creates_with_a_token_and_the_lines(client, commons, tokens):
    response = client.post("/api/v1/contributions", json=body(commons), headers=bearer(tokens, "rep_fr"))
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    assert answer["ref"] == f"FR-{TODAY.year}-0001" and answer["member_state"] == "FR"
    assert answer["funding_lines"][0]["amount_eur"] == "250000.00"


def test_create_without_token_is_401(client, commons):
    assert client.post("/api/v1/contributions", json=body(commons)).status_code == 401


def test_member_state_of_another_state_in_the_body_is_never_stored(client, commons, tokens):
    response = client.post(
        "/api/v1/contributions", json=body(commons, member_state="DE"), headers=bearer(tokens, "rep_fr")
    )
    assert response.status_code == 422
    assert "member_state" in response.get_json()["errors"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Contribution.id))) == 0


@pytest.mark.parametrize(
    ("line", "field", "fragment"),
    [
        ({"amount": "NaN"}, "lines-0-amount", "no NaN"),
        ({"amount": "1e3"}, "lines-0-amount", "no NaN"),
        ({"amount": "12.345"}, "lines-0-amount", "at most 2 decimal places"),
        ({"currency": "ABC"}, "lines-0-currency", "ISO 4217"),
        ({"currency": "USD"}, "lines-0-currency", "No ECB reference rate"),
        ({"date": "2999-01-01"}, "lines-0-date", "future"),
    ],
)
def test_api_refuses_bad_lines_with_field_errors(client, commons, tokens, line, field, fragment):
    data = body(commons)
    data["lines"][0].update(line)
    response = client.post("/api/v1/contributions", json=data, headers=bearer(tokens, "rep_fr"))
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert fragment in " ".join(errors[field]), errors


def test_patch_with_version_and_stale_version_conflict(client, users, commons, tokens):
    contribution = make_contribution(users["rep_fr"], commons)
    db.session.commit()
    url = f"/api/v1/contributions/{contribution.ref}"
    ok = client.patch(url, json={"version": 1, "title": "Renamed"}, headers=bearer(tokens, "rep_fr"))
    assert ok.status_code == 200, ok.get_json()
    assert ok.get_json()["title"] == "Renamed" and ok.get_json()["version"] == 2
    stale = client.patch(url, json={"version": 1, "title": "Older"}, headers=bearer(tokens, "rep_fr"))
    assert stale.status_code == 409
    assert "changed by someone else" in stale.get_json()["message"]
    assert "now version 2" in stale.get_json()["errors"]["version"][0]
    missing = client.patch(url, json={"title": "No version"}, headers=bearer(tokens, "rep_fr"))
    assert missing.status_code == 422 and "version" in missing.get_json()["errors"]


def test_another_states_record_answers_404_and_nothing_changes(client, users, commons, tokens):
    contribution = make_contribution(users["rep_fr"], commons)
    db.session.commit()
    url = f"/api/v1/contributions/{contribution.ref}"
    headers = bearer(tokens, "rep_de")
    assert client.patch(url, json={"version": 1, "title": "x"}, headers=headers).status_code == 404
    assert client.put(url, json={"version": 1, "title": "x"}, headers=headers).status_code == 404
    line = {"kind": "disbursement", "date": DAY.isoformat(), "amount": "1", "currency": "EUR"}
    assert client.post(url + "/lines", json={"version": 1, "lines": [line]}, headers=headers).status_code == 404
    assert client.delete(url, json={"version": 1, "reason": "x"}, headers=headers).status_code == 404
    db.session.expire_all()
    row = db.session.get(Contribution, contribution.id)
    assert (row.title, row.version, len(row.funding_lines), row.deleted_at) == (contribution.title, 1, 1, None)


def test_add_lines_through_the_api(client, users, commons, tokens):
    contribution = make_contribution(users["rep_fr"], commons)
    db.session.commit()
    url = f"/api/v1/contributions/{contribution.ref}/lines"
    line = {"kind": "disbursement", "date": DAY.isoformat(), "amount": "100000", "currency": "EUR"}
    refused = client.post(url, json={"version": 1, "lines": [line]}, headers=bearer(tokens, "rep_fr"))
    assert refused.status_code == 422
    assert "lines-0-evidence_url" in refused.get_json()["errors"]
    line["evidence_url"] = "https://pay.example.org/1"
    added = client.post(url, json={"version": 1, "lines": [line]}, headers=bearer(tokens, "rep_fr"))
    assert added.status_code == 201, added.get_json()
    assert added.get_json()["status"] == "partially_disbursed"
    assert Decimal(added.get_json()["totals"]["disbursed_eur"]) == Decimal("100000")


def test_delete_and_status_through_the_api(client, users, commons, tokens):
    contribution = make_contribution(users["rep_fr"], commons)
    db.session.commit()
    url = f"/api/v1/contributions/{contribution.ref}"
    headers = bearer(tokens, "rep_fr")
    no_reason = client.post(url + "/status", json={"version": 1, "status": "cancelled"}, headers=headers)
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]
    cancelled = client.post(
        url + "/status", json={"version": 1, "status": "cancelled", "reason": "Merged"}, headers=headers
    )
    assert cancelled.get_json()["status"] == "cancelled"
    deleted = client.delete(url, json={"version": 2, "reason": "Entered twice"}, headers=headers)
    assert deleted.status_code == 200 and deleted.get_json()["deleted"] is True


def test_patch_a_line_through_the_api(client, users, commons, tokens):
    seat = make_contribution(users["rep_fr"], commons, kind="governance")
    funding = make_contribution(users["rep_fr"], commons)
    db.session.commit()
    url = f"/api/v1/contributions/{seat.ref}/lines/{seat.governance[0].id}"
    line = {"body": "board", "seat_role": "observer", "voting_rights": True, "start_date": DAY.isoformat()}
    refused = client.patch(url, json={"version": 1, "line": line}, headers=bearer(tokens, "rep_fr"))
    assert refused.status_code == 422 and "voting_rights" in refused.get_json()["errors"]
    line["voting_rights"] = False
    ok = client.patch(url, json={"version": 1, "line": line}, headers=bearer(tokens, "rep_fr"))
    assert ok.status_code == 200, ok.get_json()
    assert ok.get_json()["governance"][0]["seat_role"] == "observer"
    assert client.patch(url, json={"version": 2, "line": line}, headers=bearer(tokens, "rep_de")).status_code == 404
    ledger = f"/api/v1/contributions/{funding.ref}/lines/{funding.funding_lines[0].id}"
    assert client.patch(ledger, json={"version": 1, "line": {}}, headers=bearer(tokens, "rep_fr")).status_code == 409
