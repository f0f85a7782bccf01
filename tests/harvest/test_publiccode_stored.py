# SPDX-License-Identifier: EUPL-1.2
"""A harvest stores the publiccode.yml issues, logo check included, and the pages show them as stored."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from commons.catalogue.models import Repository
from commons.extensions import db
from commons.harvest import services
from tests.fakeforge import FakeForge

DATA = Path(__file__).parents[1] / "harvesters"
PNG = (DATA / "data" / "publiccode-v0" / "valid" / "assets" / "img" / "logo.png").read_bytes()
BASE = (DATA / "publiccode_cases" / "complete-0.7.yml").read_text(encoding="utf-8")
BASE_LOGO = 'logo: "https://code.example.eu/statistik/datenwerk/-/raw/main/logo.png"\n'
NAMES = {"present": "Datenwerk Eins", "missing": "Datenwerk Zwei", "garbage": "Datenwerk Drei"}


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def publiccode(case: str) -> str:
    return BASE.replace(BASE_LOGO, 'logo: "assets/logo.png"\n').replace("name: Datenwerk", f"name: {NAMES[case]}", 1)


@pytest.fixture
def harvested(forge: FakeForge, make_source):
    assert "name: Datenwerk\n" in BASE
    forge.add_repo("gitlab", "stat", "present", publiccode=publiccode("present"), files={"assets/logo.png": PNG})
    forge.add_repo("gitlab", "stat", "missing", publiccode=publiccode("missing"))
    forge.add_repo("gitlab", "stat", "garbage", publiccode=publiccode("garbage"), files={"assets/logo.png": b"GIF89a"})
    source = make_source("gitlab", "stat")
    job = services.run_source(source)
    assert job.added == 3
    repos = {r.full_name: r for r in db.session.scalars(db.select(Repository))}
    for repo in repos.values():
        repo.commons.catalogue_status = "accepted"
    db.session.commit()
    return source, repos


def logo_issues(repo: Repository) -> list[tuple[str, str]]:
    return [(i["severity"], i["code"]) for i in repo.publiccode_errors[1:] if i["key"] == "logo"]


def test_harvest_stores_the_logo_check_with_the_new_style_issues(harvested):
    _source, repos = harvested
    present, missing, garbage = repos["stat/present"], repos["stat/missing"], repos["stat/garbage"]
    assert present.publiccode_errors[0] == {"format": 2}
    assert present.publiccode_valid is True and logo_issues(present) == []
    assert missing.publiccode_valid is False and logo_issues(missing) == [("error", "no_such_file")]
    assert garbage.publiccode_valid is False and logo_issues(garbage) == [("error", "not_png")]
    entry = next(i for i in missing.publiccode_errors[1:] if i["key"] == "logo")
    assert entry["line"] == 9 and entry["column"] == 1 and entry["params"]["path"] == "assets/logo.png"


def test_rerun_without_changes_keeps_the_rows_unchanged(harvested, forge):
    source, _repos = harvested
    forge.reset_log()
    job = services.run_source(db.session.get(type(source), source.id))
    assert job.updated == 0 and forge.count(path="logo") == 0


def test_pages_show_the_stored_result_without_validating_again(harvested, client, login_as, monkeypatch):
    source, repos = harvested

    def no_revalidation(*args, **kwargs):
        raise AssertionError("the page validated the stored text again")

    monkeypatch.setattr("commons.publiccode.services.parse_publiccode", no_revalidation)
    commons_page = text(client.get(f"/commons/{repos['stat/missing'].commons.slug}"))
    assert "the file 'assets/logo.png' is not in the repository" in commons_page
    assert "was not checked" not in commons_page.split("Validation of the harvested publiccode.yml", 1)[1]
    present_page = text(client.get(f"/commons/{repos['stat/present'].commons.slug}"))
    assert "From stat/present. Valid." in present_page
    assert "'assets/logo.png' was not checked" not in present_page and "not in the repository" not in present_page
    # The stored message code and parameters give the message in the reader's language.
    french = text(client.get(f"/commons/{repos['stat/missing'].commons.slug}", headers={"Accept-Language": "fr"}))
    assert "le fichier « assets/logo.png » n’est pas dans le dépôt" in french
    login_as("secretariat")
    source_page = text(client.get(f"/admin/harvest/sources/{source.id}"))
    section = source_page.split("publiccode.yml of the harvested repositories", 1)[1]
    assert "'assets/logo.png' is not in the repository" in section
    assert "'assets/logo.png' is not a readable PNG image" in section
    assert "stat/present : Valid publiccode.yml." in section


def test_rows_stored_the_old_way_are_validated_again(harvested, client):
    _source, repos = harvested
    repo = repos["stat/missing"]
    repo.publiccode_errors = [{"path": "logo", "message": "old message", "severity": "error"}]
    repo.publiccode_valid = False
    db.session.commit()
    page = text(client.get(f"/commons/{repo.commons.slug}"))
    # Validated again from the text: the logo cannot be checked without the forge.
    assert "the file 'assets/logo.png' was not checked" in page and "old message" not in page
