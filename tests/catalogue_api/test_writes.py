# SPDX-License-Identifier: EUPL-1.2
"""Writes through the API: usage declarations and nominations, with and without a bearer token."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from commons.accounts.services import create_token
from commons.catalogue.models import Commons, Nomination, UsageDeclaration
from commons.extensions import db
from tests.conftest import login
from tests.factories import CommonsFactory, OrganisationFactory
from tests.fakeforge import FakeForge


@pytest.fixture()
def member(users):
    """The plain user, working for a French city, with an API token."""
    user = users["user"]
    user.organisation = OrganisationFactory(slug="ville-test", name="Ville test", member_state_code="FR")
    db.session.flush()
    _row, clear = create_token(user)
    db.session.flush()
    return user, {"Authorization": f"Bearer {clear}"}


def _usage_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(UsageDeclaration.id))) or 0


def test_declaring_usage_with_a_token_answers_201_then_200(client, member):
    user, auth = member
    commons = CommonsFactory(slug="usable")
    body = {"commons": "usable", "context": "Citizen requests desk", "since": "2024-02-01", "public": True}
    first = client.post("/api/v1/usage", json=body, headers=auth)
    assert first.status_code == 201, first.get_data(as_text=True)
    assert first.json["organisation"]["slug"] == "ville-test" and first.json["since"] == "2024-02-01"
    again = client.post("/api/v1/usage", json=body | {"context": "Now in every district"}, headers=auth)
    assert again.status_code == 200 and again.json["context"] == "Now in every district"
    assert _usage_count() == 1
    listed = client.get("/api/v1/usage?commons=usable").json
    assert listed["total"] == 1 and listed["items"][0]["context"] == "Now in every district"
    db.session.expire_all()
    assert db.session.get(Commons, commons.id).usage_count == 1


def test_declaring_usage_without_a_token_answers_401_even_with_a_session(client, member):
    user, _auth = member
    CommonsFactory(slug="usable")
    assert client.post("/api/v1/usage", json={"commons": "usable"}).status_code == 401
    login(client, user)  # a session cookie is not a credential for the API
    response = client.post("/api/v1/usage", json={"commons": "usable"})
    assert response.status_code == 401 and response.json["status"] == 401
    bad = client.post("/api/v1/usage", json={"commons": "usable"}, headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    assert _usage_count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "commons"),
        ({"commons": "missing-one"}, "commons"),
        ({"commons": 12}, "commons"),
        ({"commons": "usable", "since": "yesterday"}, "since"),
        ({"commons": "usable", "since": "2999-01-01"}, "since"),
        ({"commons": "usable", "public": "yes"}, "public"),
        ({"commons": "usable", "instance_url": "javascript:alert(1)"}, "instance_url"),
        ({"commons": "usable", "context": "x" * 2001}, "context"),
        ({"commons": "usable", "context": "a\x00b"}, "context"),
        ({"commons": "usable", "organisation": "nowhere"}, "organisation"),
    ],
)
def test_bad_usage_fields_answer_422_and_store_nothing(client, member, body, field):
    _user, auth = member
    CommonsFactory(slug="usable")
    response = client.post("/api/v1/usage", json=body, headers=auth)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert field in response.json["errors"]
    assert _usage_count() == 0


def test_usage_body_that_is_not_a_json_object_answers_422(client, member):
    _user, auth = member
    for data in ("[1, 2]", "not json", '"text"'):
        response = client.post("/api/v1/usage", data=data, headers=auth | {"Content-Type": "application/json"})
        assert response.status_code in (400, 422) and response.is_json


def test_declaring_for_another_organisation_is_refused(client, member):
    _user, auth = member
    CommonsFactory(slug="usable")
    OrganisationFactory(slug="someone-else", member_state_code="DE")
    response = client.post("/api/v1/usage", json={"commons": "usable", "organisation": "someone-else"}, headers=auth)
    assert response.status_code in (403, 404)
    assert _usage_count() == 0


@pytest.fixture()
def forge(app) -> Iterator[FakeForge]:
    with FakeForge() as running:
        app.config.update(COMMONS_HARVEST_ALLOWED_HOSTS=running.host, COMMONS_HARVEST_TIMEOUT="2,2")
        yield running


def test_nomination_creates_a_candidate_then_finds_the_same_one(client, member, forge):
    _user, auth = member
    forge.add_repo("gitea", "city", "agenda", description="<b>Agenda</b> of the city council", license="EUPL-1.2")
    url = forge.repo_web_url("gitea", "city/agenda")
    first = client.post("/api/v1/nominations", json={"url": url, "kind": "gitea", "reason": "Used by us"}, headers=auth)
    assert first.status_code == 201, first.get_data(as_text=True)
    assert first.json["created"] is True and first.json["commons"]["status"] == "candidate"
    assert first.json["commons"]["summary"] == "<b>Agenda</b> of the city council"  # data, escaped by JSON
    again = client.post("/api/v1/nominations", json={"url": url + "/", "kind": "gitea"}, headers=auth)
    assert again.status_code == 200 and again.json["created"] is False
    assert again.json["commons"]["slug"] == first.json["commons"]["slug"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Commons.id)).where(Commons.slug == first.json["commons"]["slug"])) == 1


def test_nomination_needs_a_token_and_a_url(client, member, forge):
    _user, auth = member
    assert client.post("/api/v1/nominations", json={"url": "https://github.com/a/b"}).status_code == 401
    for body, field in (
        ({}, "url"),
        ({"url": 5}, "url"),
        ({"url": "ftp://x/y"}, "url"),
        ({"url": "https://x.org/a/b", "kind": "svn"}, "kind"),
    ):
        response = client.post("/api/v1/nominations", json=body, headers=auth)
        assert response.status_code == 422 and field in response.json["errors"], (body, response.json)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Nomination.id))) == 0
