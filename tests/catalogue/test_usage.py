# SPDX-License-Identifier: EUPL-1.2
"""Usage declarations and referents: own organisation only, public counts, private personal data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from commons.audit import AuditEvent
from commons.catalogue import services
from commons.catalogue.models import UsageDeclaration, UsageReferent
from commons.errors import NotFound, PermissionDenied, ValidationFailed
from commons.extensions import db
from tests.conftest import csrf_token
from tests.factories import CommonsFactory, OrganisationFactory


@pytest.fixture()
def setup(app, users):
    org = OrganisationFactory(slug="city-of-lyon", name="City of Lyon", member_state_code="FR")
    other = OrganisationFactory(slug="city-of-graz", name="City of Graz", member_state_code="AT")
    users["user"].organisation = org
    users["rep_fr"].organisation = org
    db.session.flush()
    commons = CommonsFactory(slug="decidim", name="Decidim")
    return {"org": org, "other": other, "commons": commons}


def declarations(commons):
    db.session.expire_all()
    return list(db.session.scalars(select(UsageDeclaration).where(UsageDeclaration.commons_id == commons.id)))


def test_user_declares_use_for_own_organisation_through_the_form(client, login_as, setup):
    login_as("user")
    url = "/commons/decidim/usage"
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "context": "Participatory budget",
            "since": "2022-03-01",
            "instance_url": "https://decidim.lyon.example/",
            "public": "y",
        },
    )
    assert response.status_code == 302
    [usage] = declarations(setup["commons"])
    assert usage.organisation_id == setup["org"].id
    assert usage.since == date(2022, 3, 1) and usage.public
    assert setup["commons"].usage_count == 1
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.tag == "usage:declaration:create"))
    page = client.get("/commons/decidim").get_data(as_text=True)
    assert "City of Lyon" in page and "Participatory budget" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("instance_url", "javascript:alert(1)", "starts with http:// or https://"),
        ("instance_url", "ftp://files.example/", "starts with http:// or https://"),
        ("since", (date.today() + timedelta(days=30)).isoformat(), "cannot be in the future"),
        ("since", "yesterday", "Not a valid date value"),
        ("context", "TBD", "not a placeholder"),
    ],
)
def test_bad_declaration_is_refused_with_422_and_keeps_what_was_typed(client, login_as, setup, field, value, message):
    login_as("user")
    url = "/commons/decidim/usage"
    data = {"csrf_token": csrf_token(client, url), "context": "Our intranet", field: value}
    response = client.post(url, data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert "<title>Error:" in html
    assert declarations(setup["commons"]) == []


def test_user_without_organisation_gets_a_clear_message(client, login_as, setup, users):
    users["rep_de"].organisation = None
    login_as("rep_de")
    url = "/commons/decidim/usage"
    assert "belongs to no organisation" in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "context": "x y z"})
    assert response.status_code == 422
    assert declarations(setup["commons"]) == []


def test_declaring_for_another_organisation_is_refused(app, setup, users):
    with pytest.raises(PermissionDenied):
        services.declare_usage(users["user"], setup["commons"], organisation=setup["other"])
    # An admin may declare on behalf of any organisation.
    usage = services.declare_usage(users["admin"], setup["commons"], organisation=setup["other"])
    assert usage.organisation_id == setup["other"].id


def test_private_declaration_is_not_counted_or_shown_publicly(client, setup, users):
    services.declare_usage(users["user"], setup["commons"], context="Confidential pilot", public=False)
    assert setup["commons"].usage_count == 0
    page = client.get("/commons/decidim").get_data(as_text=True)
    assert "Confidential pilot" not in page and "City of Lyon" not in page
    org_page = client.get("/organisations/city-of-lyon").get_data(as_text=True)
    assert "Decidim" not in org_page


def test_private_declaration_is_visible_to_members_of_the_organisation(client, login_as, setup, users):
    services.declare_usage(users["user"], setup["commons"], context="Confidential pilot", public=False)
    login_as("user")
    org_page = client.get("/organisations/city-of-lyon").get_data(as_text=True)
    assert "Decidim" in org_page and "private declaration" in org_page


def test_withdraw_removes_declaration_and_referents(client, login_as, setup, users):
    services.declare_usage(users["user"], setup["commons"])
    services.volunteer_referent(users["user"], setup["commons"])
    login_as("user")
    token = csrf_token(client, "/commons/decidim")
    assert client.post("/commons/decidim/usage/withdraw", data={"csrf_token": token}).status_code == 302
    assert declarations(setup["commons"]) == []
    assert db.session.scalars(select(UsageReferent)).all() == []
    assert setup["commons"].usage_count == 0
    with pytest.raises(NotFound):
        services.withdraw_usage(users["user"], setup["commons"])


def test_referent_needs_a_declaration_first(app, setup, users):
    with pytest.raises(ValidationFailed) as error:
        services.volunteer_referent(users["user"], setup["commons"])
    assert "Declare first" in error.value.errors["referent"][0]


@pytest.mark.parametrize(
    ("role", "sees_name"),
    [("anonymous", False), ("user", False), ("rep_de", True), ("reviewer", True), ("secretariat", True)],
)
def test_referent_names_are_visible_only_to_initiative_roles(client, login_as, setup, users, role, sees_name):
    users["user"].name = "Renée Referent"
    services.declare_usage(users["user"], setup["commons"])
    services.volunteer_referent(users["user"], setup["commons"])
    login_as(role)
    html = client.get("/commons/decidim").get_data(as_text=True)
    assert ("<li>Renée Referent, City of Lyon</li>" in html) is sees_name
    assert "1 referent can answer questions." in html


def test_referent_form_volunteers_and_withdraws(client, login_as, setup, users):
    services.declare_usage(users["user"], setup["commons"])
    login_as("user")
    token = csrf_token(client, "/commons/decidim")
    assert client.post("/commons/decidim/referent", data={"csrf_token": token}).status_code == 302
    assert services.is_referent(users["user"], setup["commons"])
    client.post("/commons/decidim/referent", data={"csrf_token": token, "action": "withdraw"})
    db.session.expire_all()
    assert not services.is_referent(users["user"], setup["commons"])


def test_anonymous_is_sent_to_login_and_get_changes_nothing(client, setup):
    response = client.get("/commons/decidim/usage")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post("/commons/decidim/usage", data={"context": "x"}).status_code in (302, 400)
    assert declarations(setup["commons"]) == []


def test_every_bad_field_of_a_declaration_is_reported_in_one_submit(client, login_as, setup):
    """The future date comes with the bad address (and the placeholder), not one submit later (issue 10, 3)."""
    login_as("user")
    url = "/commons/decidim/usage"
    future = (date.today() + timedelta(days=30)).isoformat()
    data = {
        "csrf_token": csrf_token(client, url),
        "context": "TBD",
        "instance_url": "ftp://x.example/",
        "since": future,
    }
    response = client.post(url, data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for field, message in (
        ("instance_url", "starts with http:// or https://"),
        ("since", "cannot be in the future"),
        ("context", "not a placeholder"),
    ):
        assert f'id="{field}-error"' in page and message in page, field
        assert f'href="#{field}"' in page, field
    assert declarations(setup["commons"]) == []


def test_without_organisation_the_post_says_so(client, login_as, setup, users):
    users["rep_de"].organisation = None
    login_as("rep_de")
    url = "/commons/decidim/usage"
    future = (date.today() + timedelta(days=30)).isoformat()
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "since": future})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    # In the error summary, with the form's error, and in the note that replaces the form.
    summary = page[page.index('id="error-summary"') :]
    assert "belongs to no organisation" in summary[: summary.index("</ul>")]
    assert declarations(setup["commons"]) == []
