# SPDX-License-Identifier: EUPL-1.2
"""The issue's "done when", through the pages: a French representative records a €250,000 commitment with two
disbursements, a two-person staff secondment and a board seat; the German representative can neither see the
restricted parts nor change anything."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from commons.contributions import services
from commons.contributions.models import Contribution
from commons.extensions import db
from tests.conftest import csrf_token, login
from tests.contributions.factories import TODAY

START = dt.date(TODAY.year, 1, 1).isoformat()
END = dt.date(TODAY.year, 12, 31).isoformat()
D1, D2, D3 = (TODAY - dt.timedelta(days=n) for n in (60, 30, 10))


def _record(client, kind, fields):
    url = f"/contributions/new?type={kind}"
    data = {"csrf_token": csrf_token(client, url), "commons": "docs-test", "period_start": START}
    data.update({"period_end": END, "visibility": "public", "save": "Save"})
    data.update(fields)
    response = client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    return response.headers["Location"].rsplit("/", 1)[1]


def test_french_record_and_german_representative_sees_and_changes_nothing_restricted(app, users, commons):
    french = app.test_client()
    login(french, users["rep_fr"])
    funding = _record(
        french,
        "funding",
        {
            "title": "Docs 2026",
            "lines-0-kind": "commitment",
            "lines-0-date": D1.isoformat(),
            "lines-0-amount": "250000",
            "lines-1-kind": "disbursement",
            "lines-1-date": D2.isoformat(),
            "lines-1-amount": "100000",
            "lines-1-evidence_url": "https://pay.example.org/1",
            "lines-2-kind": "disbursement",
            "lines-2-date": D3.isoformat(),
            "lines-2-amount": "50000",
            "lines-2-evidence_url": "https://pay.example.org/2",
        },
    )
    staff = _record(
        french,
        "staff",
        {
            "title": "Two developers seconded",
            "visibility": "restricted",
            "lines-0-role": "developer",
            "lines-0-headcount": "2",
            "lines-0-fte": "2",
            "lines-0-person_names": "Camille Leroy, Hugo Petit",
        },
    )
    seat = _record(
        french,
        "governance",
        {"title": "Board seat", "lines-0-body": "board", "lines-0-seat_role": "member", "lines-0-voting_rights": "y"},
    )
    db.session.expire_all()
    records = {c.ref: c for c in db.session.scalars(select(Contribution))}
    assert records[funding].status == "partially_disbursed" and len(records[funding].funding_lines) == 3
    assert records[staff].staff[0].person_days == 430 and records[staff].visibility == "restricted"
    assert records[seat].governance[0].voting_rights is True

    german = app.test_client()
    login(german, users["rep_de"])
    assert german.get(f"/contributions/{staff}").status_code == 404
    assert "Camille" not in german.get(f"/contributions/{funding}").get_data(as_text=True)
    refs = [i["ref"] for i in german.get("/api/v1/contributions").get_json()["items"]]
    assert staff not in refs and funding in refs
    before = db.session.execute(sa.select(Contribution.ref, Contribution.version, Contribution.title)).all()
    token = csrf_token(german, "/contributions/new?type=funding")
    for ref in (funding, staff, seat):
        edit = german.post(
            f"/contributions/{ref}/edit",
            data={"csrf_token": token, "version": "1", "commons": "docs-test", "title": "DE", "visibility": "public"},
        )
        delete = german.post(f"/contributions/{ref}/delete", data={"csrf_token": token, "version": "1", "reason": "x"})
        assert (edit.status_code, delete.status_code) == (404, 404)
    db.session.expire_all()
    assert db.session.execute(sa.select(Contribution.ref, Contribution.version, Contribution.title)).all() == before


def test_version_compare_and_set_runs_in_sql(users, commons):
    from tests.contributions.factories import make_contribution

    contribution = make_contribution(users["rep_fr"], commons)
    db.session.commit()
    # Another transaction moved the row on; this session's object still says version 1.
    db.session.execute(
        sa.update(Contribution)
        .where(Contribution.id == contribution.id)
        .values(version=5)
        .execution_options(synchronize_session=False)
    )
    assert contribution.version == 1
    with pytest.raises(services.StaleVersion) as error:
        services.update_contribution(users["rep_fr"], contribution.ref, {"title": "Too late"}, 1)
    assert error.value.current_version == 5
