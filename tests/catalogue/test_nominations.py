# SPDX-License-Identifier: EUPL-1.2
"""Nominations against the fake forge: candidates created once, URL variants and renames deduplicated,
private addresses refused by the outbound guard, forge errors shown as form errors."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from commons.catalogue.models import Commons, Nomination, Repository
from commons.catalogue.services import nominate, normalise_repository_url
from commons.errors import PermissionDenied, ValidationFailed
from commons.extensions import db
from tests.conftest import csrf_token
from tests.fakeforge import FakeForge


@pytest.fixture()
def forge(app):
    with FakeForge() as running:
        app.config["COMMONS_HARVEST_ALLOWED_HOSTS"] = running.host
        yield running


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_nomination_creates_a_candidate_from_forge_metadata(app, forge, users):
    forge.add_repo(
        "gitea",
        "citizens",
        "OpenPetition",
        description="Petitions for <b>cities</b>",
        license="AGPL-3.0-or-later",
        stars=7,
        publiccode="publiccodeYmlVersion: '0.4'\nname: Open Petition\n",
    )
    commons, created = nominate(
        users["user"], forge.repo_web_url("gitea", "citizens/OpenPetition"), kind="gitea", reason="Used in Lyon"
    )
    assert created
    assert commons.catalogue_status == "candidate"
    assert commons.summary == "Petitions for <b>cities</b>"
    assert commons.licences == ["AGPL-3.0-or-later"] and commons.stars == 7
    [repo] = commons.repositories
    assert repo.forge_kind == "gitea" and repo.publiccode_raw.startswith("publiccodeYmlVersion")
    nomination = db.session.scalar(select(Nomination))
    assert nomination.status == "created" and nomination.reason == "Used in Lyon"


@pytest.mark.parametrize(
    "variant",
    [
        "{base}/citizens/openpetition",
        "{base}/Citizens/OpenPetition/",
        "{base}/citizens/OpenPetition.git",
        "{base}/citizens/OpenPetition/-/tree/main",
    ],
)
def test_url_variants_find_the_existing_commons_without_a_duplicate(app, forge, users, variant):
    forge.add_repo("gitea", "citizens", "OpenPetition")
    first, created = nominate(users["user"], forge.repo_web_url("gitea", "citizens/OpenPetition"), kind="gitea")
    assert created
    requests_before = len(forge.requests)
    again, created_again = nominate(users["rep_fr"], variant.format(base=forge.url), kind="gitea")
    assert not created_again and again.id == first.id
    assert count(Commons) == 1 and count(Repository) == 1
    assert len(forge.requests) == requests_before  # known already: the forge is not asked again


def test_renamed_repository_is_recognised_by_its_remote_id(app, forge, users):
    repo = forge.add_repo("github", "etalab", "old-name")
    first, _created = nominate(users["user"], forge.repo_web_url("github", "etalab/old-name"), kind="github")
    forge.rename("github", repo["id"], "new-name")
    again, created = nominate(users["user"], forge.repo_web_url("github", "etalab/new-name"), kind="github")
    assert not created and again.id == first.id
    assert count(Repository) == 1


def test_previous_name_is_an_alias(app, forge, users):
    repo = forge.add_repo("gitlab", "group", "tool")
    forge.rename("gitlab", repo["id"], "tool-renamed")
    # Nominated under its old name: the forge answers for the new one, the old one becomes an alias.
    first, created = nominate(users["user"], forge.repo_web_url("gitlab", "group/tool"), kind="gitlab")
    assert created
    stored = db.session.scalar(select(Repository))
    if stored.full_name.lower() != "group/tool":
        assert "group/tool" in stored.previous_names
    again, created_again = nominate(users["user"], forge.repo_web_url("gitlab", "group/tool"), kind="gitlab")
    assert not created_again and again.id == first.id


def test_private_address_is_refused_by_the_guard(app, forge, users):
    app.config["COMMONS_HARVEST_ALLOWED_HOSTS"] = ""
    forge.add_repo("gitea", "citizens", "tool")
    with pytest.raises(ValidationFailed) as error:
        nominate(users["user"], forge.repo_web_url("gitea", "citizens/tool"), kind="gitea")
    assert "private or local network" in error.value.errors["url"][0]
    assert count(Commons) == 0 and count(Nomination) == 0
    assert forge.requests == []


def test_missing_repository_and_forge_errors_become_field_errors(app, forge, users):
    forge.add_owner("gitea", "citizens")
    with pytest.raises(ValidationFailed) as error:
        nominate(users["user"], forge.repo_web_url("gitea", "citizens/none"), kind="gitea")
    assert "no public repository" in error.value.errors["url"][0]
    forge.add_repo("gitea", "citizens", "broken")
    forge.set_fault("status", kind="gitea", path="/repos/citizens/broken", status=500)
    with pytest.raises(ValidationFailed) as error:
        nominate(users["user"], forge.repo_web_url("gitea", "citizens/broken"), kind="gitea")
    assert "could not be reached" in error.value.errors["url"][0]


@pytest.mark.parametrize(
    ("url", "kind", "field"),
    [
        ("", None, "url"),
        ("javascript:alert(1)", None, "url"),
        ("https://github.com/only-owner", None, "url"),
        ("https://forge.example/owner/name", None, "kind"),
        ("https://forge.example/owner/name", "svn", "kind"),
    ],
)
def test_bad_addresses_are_refused_before_any_request(app, users, url, kind, field):
    with pytest.raises(ValidationFailed) as error:
        nominate(users["user"], url, kind=kind)
    assert field in error.value.errors


def test_known_forges_are_detected_and_urls_normalised():
    assert normalise_repository_url("https://www.GitHub.com/Etalab/Tool.git/") == ("https", "github.com", "Etalab/Tool")
    assert normalise_repository_url("https://gitlab.com/a/b/c/-/issues") == ("https", "gitlab.com", "a/b/c")


def test_anonymous_cannot_nominate(app):
    with pytest.raises(PermissionDenied):
        nominate(None, "https://github.com/a/b")


def test_nomination_form_redirects_to_the_new_candidate_and_shows_errors(client, login_as, forge):
    forge.add_repo("gitea", "citizens", "Agenda", description='<script>alert("x")</script>')
    login_as("user")
    url = "/commons/nominate"
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "url": forge.repo_web_url("gitea", "citizens/Agenda"),
            "kind": "gitea",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/commons/agenda")
    page = client.get("/commons/agenda").get_data(as_text=True)
    assert '<script>alert("x")</script>' not in page and "&lt;script&gt;" in page
    bad = client.post(url, data={"csrf_token": csrf_token(client, url), "url": "https://forge.example/a/b"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "Choose the kind of forge" in html and 'value="https://forge.example/a/b"' in html


# --- an unreachable forge is not a refused address (issue 10, item 5) ---------------------------------


def _closed_loopback_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _url_error(users, url, kind="gitea"):
    with pytest.raises(ValidationFailed) as error:
        nominate(users["user"], url, kind=kind)
    [message] = error.value.errors["url"]
    assert count(Commons) == 0
    return message


def test_host_name_that_does_not_resolve_is_unreachable_not_refused(app, users):
    message = _url_error(users, "https://doc-editor.invalid/opengovfoo/doc-editor")
    assert "could not be reached" in message and "did not resolve" in message and "doc-editor.invalid" in message
    assert "not allowed" not in message and "private" not in message


def test_closed_port_on_an_allowed_host_is_a_refused_connection(app, users):
    port = _closed_loopback_port()
    app.config["COMMONS_HARVEST_ALLOWED_HOSTS"] = f"127.0.0.1:{port}"
    message = _url_error(users, f"http://127.0.0.1:{port}/citizens/tool")
    assert "could not be reached" in message and "refused the connection" in message
    assert "not allowed" not in message


def test_forge_answering_503_could_not_be_reached(app, forge, users):
    forge.add_repo("gitea", "citizens", "down")
    forge.set_fault("status", kind="gitea", path="/repos/citizens/down", status=503)
    message = _url_error(users, forge.repo_web_url("gitea", "citizens/down"))
    assert "could not be reached" in message and "server error" in message
    assert "not allowed" not in message
    assert forge.count(status=503) >= 1  # the request reached the forge: nothing was refused


def test_forge_that_does_not_answer_in_time_could_not_be_reached(app, forge, users):
    app.config["COMMONS_HARVEST_TIMEOUT"] = "0.3"
    forge.add_repo("gitea", "citizens", "slow")
    forge.set_fault("slow", kind="gitea", path="/repos/citizens/slow", delay=1.5)
    message = _url_error(users, forge.repo_web_url("gitea", "citizens/slow"))
    assert "could not be reached" in message and "did not answer in time" in message


def test_private_address_alone_is_not_allowed(app, users):
    message = _url_error(users, "http://10.0.0.7/citizens/tool")
    assert message == "This address is not allowed: it points to a private or local network."
