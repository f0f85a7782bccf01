# SPDX-License-Identifier: EUPL-1.2
"""Needs posted by stewards or the secretariat, gaps per kind, the visibility query and small-cell suppression."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from commons.catalogue.models import CommonsSteward, Need
from commons.contributions import services
from commons.contributions.visibility import visible_contributions_query
from commons.extensions import db
from tests.conftest import csrf_token
from tests.contributions.factories import funding_line, make_contribution
from tests.factories import OrganisationFactory, UserFactory


def test_secretariat_posts_a_need_and_the_page_shows_the_gap(client, login_as, users, commons):
    make_contribution(users["rep_fr"], commons)  # €250,000 committed
    db.session.commit()
    login_as("secretariat")
    url = f"/commons/{commons.slug}/needs/new"
    data = {"csrf_token": csrf_token(client, url), "kind": "funding", "title": "Maintenance", "amount": "400000"}
    data["currency"] = "EUR"
    response = client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = client.get(f"/commons/{commons.slug}/needs").get_data(as_text=True)
    assert "Maintenance" in page and "€150,000.00" in page


def test_need_form_rules_are_checked(client, login_as, commons):
    login_as("secretariat")
    url = f"/commons/{commons.slug}/needs/new"
    data = {"csrf_token": csrf_token(client, url), "kind": "staff", "title": "TBD", "person_days": "10.3"}
    response = client.post(url, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "A staff need needs a role." in page and "half-day steps" in page and "placeholder" in page


def test_a_steward_may_post_needs_a_representative_may_not(client, login_as, users, commons):
    org = OrganisationFactory()
    db.session.add(CommonsSteward(commons_id=commons.id, organisation_id=org.id, role="owner"))
    steward = UserFactory(role="user", organisation_id=org.id)
    db.session.commit()
    need = services.post_need(steward, commons.slug, {"kind": "governance", "title": "Board seat", "seats": 2})
    assert need.status == "open"
    login_as("rep_de")
    assert client.get(f"/commons/{commons.slug}/needs/new").status_code == 403


def test_gaps_are_per_kind_in_their_own_unit(users, commons):
    make_contribution(users["rep_fr"], commons)
    make_contribution(users["rep_fr"], commons, kind="staff")
    make_contribution(users["rep_fr"], commons, kind="governance")
    admin = users["admin"]
    services.post_need(admin, commons.slug, {"kind": "funding", "title": "Cash", "amount": Decimal("300000")})
    services.post_need(admin, commons.slug, {"kind": "staff", "title": "Devs", "person_days": Decimal("500")})
    services.post_need(admin, commons.slug, {"kind": "governance", "title": "Seats", "seats": 3})
    db.session.refresh(commons)
    gaps = services.gaps_for(commons, admin)
    assert (gaps["funding"]["need"], gaps["funding"]["committed"], gaps["funding"]["gap"]) == (
        Decimal("300000"),
        Decimal("250000"),
        Decimal("50000"),
    )
    assert gaps["staff"]["committed"] == Decimal("430") and gaps["staff"]["gap"] == Decimal("70")
    assert (gaps["governance"]["committed"], gaps["governance"]["gap"]) == (1, 2)
    assert db.session.scalar(select(Need.status).where(Need.title == "Cash")) == "open"


def test_gaps_count_restricted_records_only_in_groups_of_three(users, commons):
    make_contribution(users["rep_fr"], commons, visibility="restricted")
    assert services.gaps_for(commons, None)["funding"]["committed"] == 0
    assert services.gaps_for(commons, users["rep_fr"])["funding"]["committed"] == Decimal("250000")
    for amount in ("1000", "2000"):
        make_contribution(
            users["rep_de"], commons, visibility="restricted", lines=[funding_line(amount=Decimal(amount))]
        )
    assert services.gaps_for(commons, None)["funding"]["committed"] == Decimal("253000")


def test_visible_query_by_role(users, commons):
    make_contribution(users["rep_fr"], commons, visibility="public")
    make_contribution(users["rep_fr"], commons, kind="staff", visibility="initiative")
    make_contribution(users["rep_fr"], commons, kind="governance", visibility="restricted")
    deleted = make_contribution(users["rep_de"], commons, kind="in_kind")
    services.delete_contribution(users["rep_de"], deleted.ref, "test", 1)

    def seen(user):
        return sorted(c.visibility for c in db.session.scalars(visible_contributions_query(user)))

    assert seen(None) == ["public"]
    assert seen(users["user"]) == ["public"]
    assert seen(users["reviewer"]) == ["initiative", "public"]
    assert seen(users["rep_de"]) == ["initiative", "public"]
    assert seen(users["rep_fr"]) == ["initiative", "public", "restricted"]
    assert seen(users["secretariat"]) == ["initiative", "public", "restricted"]


def test_gaps_never_reveal_a_hidden_record_by_subtraction(users, commons):
    # Two public records and one restricted make three records, but only one is hidden: counting it would let
    # anyone subtract the two public amounts (which they can read one by one) and learn the restricted one.
    for amount in ("1000", "2000"):
        make_contribution(users["rep_de"], commons, visibility="public", lines=[funding_line(amount=Decimal(amount))])
    make_contribution(users["rep_fr"], commons, visibility="restricted")
    assert services.gaps_for(commons, None)["funding"]["committed"] == Decimal("3000")
    assert services.gaps_for(commons, users["rep_fr"])["funding"]["committed"] == Decimal("253000")
