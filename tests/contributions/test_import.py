# SPDX-License-Identifier: EUPL-1.2
"""Bulk CSV import: a dry-run report (row, field, error); nothing imported unless every row is valid."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from commons.accounts.services import create_token
from commons.contributions.models import Contribution
from commons.extensions import db
from tests.conftest import csrf_token
from tests.contributions.factories import DAY, make_contribution

HEADER = "ref,type,commons,title,visibility,line_kind,line_date,line_amount,line_currency,line_evidence_url\n"


def csv_text(commons, *rows):
    return HEADER + "".join(rows).replace("{slug}", commons.slug).replace("{day}", DAY.isoformat())


GOOD = ",funding,{slug},Grant A,public,commitment,{day},1000,EUR,\n"
GOOD_2 = ",funding,{slug},Grant B,public,pledge,{day},2000.50,EUR,\n"
BAD = ",funding,{slug},TBD,public,commitment,{day},NaN,EUR,\n"


@pytest.fixture()
def token(users):
    clear = create_token(users["rep_fr"], "import")[1]
    db.session.commit()
    return {"Authorization": f"Bearer {clear}"}


def count():
    db.session.expire_all()
    return db.session.scalar(select(func.count(Contribution.id)))


def test_dry_run_reports_every_row_and_imports_nothing(client, commons, token):
    data = csv_text(commons, GOOD, BAD, GOOD_2)
    response = client.post("/api/v1/contributions/import?dry_run=1", data=data, headers=token)
    assert response.status_code == 422
    report = response.get_json()
    assert report["dry_run"] is True and report["imported"] is False and report["rows"] == 3
    fields = {(e["row"], e["field"]) for e in report["errors"]}
    assert fields == {(3, "title"), (3, "line_amount")}
    assert count() == 0


def test_valid_dry_run_imports_nothing_then_the_real_run_imports_all(client, commons, token):
    data = csv_text(commons, GOOD, GOOD_2)
    dry = client.post("/api/v1/contributions/import?dry_run=1", data=data, headers=token)
    assert dry.status_code == 200 and dry.get_json()["valid"] is True and dry.get_json()["would_create"] == 2
    assert count() == 0
    real = client.post("/api/v1/contributions/import", data=data, headers=token)
    assert real.status_code == 201, real.get_json()
    assert len(real.get_json()["created"]) == 2
    assert count() == 2


def test_one_bad_row_means_nothing_is_imported(client, commons, token):
    response = client.post("/api/v1/contributions/import", data=csv_text(commons, GOOD, BAD), headers=token)
    assert response.status_code == 422 and response.get_json()["imported"] is False
    assert count() == 0


def test_a_row_with_ref_adds_a_line_to_an_own_contribution(client, users, commons, token):
    contribution = make_contribution(users["rep_fr"], commons)
    db.session.commit()
    row = f"{contribution.ref},,,,,disbursement,{{day}},1000,EUR,https://pay.example.org/9\n"
    response = client.post("/api/v1/contributions/import", data=csv_text(commons, row), headers=token)
    assert response.status_code == 201, response.get_json()
    db.session.expire_all()
    assert len(db.session.get(Contribution, contribution.id).funding_lines) == 2


def test_a_row_naming_another_states_contribution_is_an_error(client, users, commons, token):
    german = make_contribution(users["rep_de"], commons)
    db.session.commit()
    row = f"{german.ref},,,,,disbursement,{{day}},1000,EUR,https://pay.example.org/9\n"
    response = client.post("/api/v1/contributions/import", data=csv_text(commons, row), headers=token)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "ref"
    db.session.expire_all()
    assert len(db.session.get(Contribution, german.id).funding_lines) == 1


def test_import_page_shows_the_report_table(client, login_as, commons):
    login_as("rep_fr")
    url = "/contributions/import"
    data = {
        "csrf_token": csrf_token(client, url),
        "dry_run": "y",
        "file": (io.BytesIO(csv_text(commons, GOOD, BAD).encode()), "rows.csv"),
    }
    response = client.post(url, data=data, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was imported" in page and "<td>3</td><td>line_amount</td>" in page
    assert count() == 0


def test_cli_import_dry_run_and_commit(runner, users, commons, tmp_path):
    from commons.cli import main

    db.session.commit()
    path = tmp_path / "rows.csv"
    path.write_text(csv_text(commons, GOOD))
    dry = runner.invoke(main, ["contributions", "import", str(path), "--as", users["rep_fr"].email])
    assert dry.exit_code == 0 and "nothing imported" in dry.output
    assert count() == 0
    real = runner.invoke(main, ["contributions", "import", str(path), "--as", users["rep_fr"].email, "--commit"])
    assert real.exit_code == 0, real.output
    assert count() == 1
    path.write_text(csv_text(commons, BAD))
    bad = runner.invoke(main, ["contributions", "import", str(path), "--as", users["rep_fr"].email, "--commit"])
    assert bad.exit_code == 2 and "row 2, line_amount" in bad.stderr
