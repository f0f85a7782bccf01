# SPDX-License-Identifier: EUPL-1.2
"""The /publiccode/validate page, and the harvested file's validation on the commons and source pages."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from commons.catalogue.models import Repository
from commons.extensions import db
from tests.conftest import csrf_token
from tests.fakeforge import FakeForge

CASES = Path(__file__).parents[1] / "harvesters" / "publiccode_cases"
# Mistakes maintainers make: a YAML 1.1 boolean ("yes" is text in YAML 1.2), a lower-case country.
BROKEN = (CASES / "complete-0.7.yml").read_text(encoding="utf-8")
BROKEN = BROKEN.replace("localisationReady: true", "localisationReady: yes").replace("    - AT\n", "    - at\n")


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def post(client, data, headers=None):
    token = csrf_token(client, "/publiccode/validate")
    return client.post("/publiccode/validate", data={**data, "csrf_token": token}, headers=headers or {})


def test_page_offers_both_ways_to_check(client):
    response = client.get("/publiccode/validate?url=https://github.com/owner/name")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="content"' in page and 'value="https://github.com/owner/name"' in page


def test_pasted_file_shows_every_error_with_its_line_and_an_example(client):
    response = post(client, {"content": BROKEN})
    assert response.status_code == 200
    page = text(response)
    assert "Not valid: 3 errors. 2 warnings." in page
    line = BROKEN.splitlines().index("  localisationReady: yes") + 1
    assert f"line {line}, column 1" in page and f"line {line}, column 3" in page
    assert "localisation.localisationReady" in page and "intendedAudience.countries[0]" in page
    # The corrected example for YAML 1.1 booleans.
    assert "localisationReady: true" in page
    assert "IT.conforme" in page  # the deprecation warning is listed too


def test_valid_file_is_said_valid(client):
    valid = (CASES / "complete-0.7.yml").read_text(encoding="utf-8")
    page = text(post(client, {"content": valid}))
    assert "Valid publiccode.yml." in page and "1 warning." in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Cette valeur n’a pas le bon type pour cette clé."),
        ("de", "Dieser Wert hat den falschen Typ für diesen Schlüssel."),
    ],
)
def test_messages_are_in_the_users_language(client, language, expected):
    page = text(post(client, {"content": BROKEN}, headers={"Accept-Language": language}))
    assert expected in page


def test_hostile_content_is_escaped(client):
    response = post(client, {"content": 'publiccodeYmlVersion: "0"\n"<script>alert(1)</script>": x\n'})
    body = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body


def test_nothing_given_is_a_form_error(client):
    response = post(client, {})
    assert response.status_code == 422
    assert "Give the repository address or paste the file." in text(response)


def test_post_without_csrf_token_is_refused(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/publiccode/validate", data={"content": BROKEN})
    assert response.status_code in (400, 422)
    assert "Not valid" not in text(response)


def test_private_address_is_refused_by_the_outbound_guard(client):
    response = post(client, {"url": "http://127.0.0.1:9/owner/name"})
    assert response.status_code == 422
    assert "private or local network" in text(response)


@pytest.fixture()
def forge(app):
    with FakeForge() as running:
        app.config["COMMONS_HARVEST_ALLOWED_HOSTS"] = running.host
        yield running


def test_repository_address_is_fetched_through_the_forge_api(client, forge):
    forge.add_repo("gitea", "city", "petitions", publiccode=BROKEN)
    forge.add_repo("gitea", "city", "empty")
    page = text(post(client, {"url": forge.repo_web_url("gitea", "city/petitions")}))
    assert "Not valid: 3 errors." in page and "localisation.localisationReady" in page
    missing = post(client, {"url": forge.repo_web_url("gitea", "city/empty")})
    assert missing.status_code == 422
    assert "no publiccode.yml" in text(missing)
    unknown = post(client, {"url": forge.repo_web_url("gitea", "city/nothing-here")})
    assert unknown.status_code == 422


def test_commons_page_shows_the_harvested_files_validation(app, client):
    from tests.factories import CommonsFactory

    commons = CommonsFactory(catalogue_status="accepted")
    db.session.add(
        Repository(
            host="codeberg.org",
            remote_id="42",
            full_name="city/petitions",
            web_url="https://codeberg.org/city/petitions",
            commons_id=commons.id,
            publiccode_raw=BROKEN,
            publiccode_valid=False,
        )
    )
    db.session.commit()
    response = client.get(f"/commons/{commons.slug}")
    page = text(response)
    assert response.status_code == 200
    assert "Validation of the harvested publiccode.yml" in page and "localisation.localisationReady" in page
    assert "/publiccode/validate?url=https://codeberg.org/city/petitions" in response.get_data(as_text=True)


def test_harvest_source_page_lists_each_harvested_files_validation(app, client, login_as):
    from commons.harvest.models import HarvestSource

    source = HarvestSource(
        kind="gitea",
        forge_host="codeberg.org",
        api_base="https://codeberg.org/api/v1",
        owner="city",
        web_url="https://codeberg.org/city",
        approval_state="approved",
    )
    db.session.add(source)
    db.session.flush()
    valid = (CASES / "complete-0.7.yml").read_text(encoding="utf-8")
    for name, raw in (("a-valid", valid), ("b-broken", BROKEN), ("c-none", None)):
        db.session.add(
            Repository(
                host="codeberg.org",
                remote_id=name,
                full_name=f"city/{name}",
                web_url=f"https://codeberg.org/city/{name}",
                source_id=source.id,
                publiccode_raw=raw,
                publiccode_valid=None if raw is None else raw == valid,
            )
        )
    db.session.commit()
    login_as("secretariat")
    page = text(client.get(f"/admin/harvest/sources/{source.id}"))
    section = page.split("publiccode.yml of the harvested repositories", 1)[1]
    # Files with errors first; a repository without the file is not listed.
    assert section.index("city/b-broken : Not valid: 3 errors.") < section.index("city/a-valid : Valid publiccode.yml.")
    assert "city/c-none" not in section
    assert "localisation.localisationReady" in section
