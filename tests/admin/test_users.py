# SPDX-License-Identifier: EUPL-1.2
"""Account administration: invitations (hashed, 72 hours, single use), roles, disable/enable, audit, pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from commons.accounts.services import create_token
from commons.admin import services
from commons.admin.models import Invitation
from commons.audit import AuditEvent
from commons.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from commons.extensions import db
from commons.security import token_digest
from commons.types import utcnow
from tests.conftest import PASSWORD, csrf_token, login
from tests.factories import OrganisationFactory, UserFactory

NEW_PASSWORD = "a long invitation passphrase"


def _token(link: str) -> str:
    return link.rsplit("/", 1)[-1]


def _tags(user_id: int) -> list[str]:
    return list(
        db.session.scalars(select(AuditEvent.tag).where(AuditEvent.object_id == str(user_id)).order_by(AuditEvent.id))
    )


def test_invitation_token_is_stored_hashed_and_works_once(app, users):
    sent = services.invite_user(users["secretariat"], email="New@Example.org ", name="New Person", roles=["user"])
    token = _token(sent.link)
    row = db.session.scalar(select(Invitation).where(Invitation.user_id == sent.user.id))
    assert row.token_hash == token_digest(token) and token not in row.token_hash
    assert sent.user.email == "new@example.org" and sent.user.password_hash is None
    assert not sent.mailed
    assert row.expires_at - row.created_at == timedelta(hours=72)
    user = services.accept_invitation(token, NEW_PASSWORD, NEW_PASSWORD)
    assert user.password_hash and user.password_changed_at
    with pytest.raises(NotFound) as error:
        services.accept_invitation(token, NEW_PASSWORD, NEW_PASSWORD)
    assert "already used" in error.value.message
    assert _tags(user.id) == ["account:create", "account:invitation:create", "account:invitation:accept"]


def test_expired_invitation_says_so_and_sets_nothing(app, users):
    sent = services.invite_user(users["admin"], email="late@example.org", name="Late", roles=["user"])
    row = db.session.scalar(select(Invitation).where(Invitation.user_id == sent.user.id))
    row.expires_at = utcnow() - timedelta(minutes=1)
    with pytest.raises(Conflict) as error:
        services.accept_invitation(_token(sent.link), NEW_PASSWORD, NEW_PASSWORD)
    assert "expired" in error.value.message
    assert sent.user.password_hash is None


def test_a_new_link_replaces_the_old_one(app, users):
    sent = services.invite_user(users["admin"], email="twice@example.org", name="Twice", roles=["user"])
    again = services.reinvite_user(users["secretariat"], sent.user)
    with pytest.raises(NotFound):
        services.check_invitation(_token(sent.link))
    assert services.check_invitation(_token(again.link)) is sent.user


def test_accepting_follows_the_password_rules(app, users):
    sent = services.invite_user(users["admin"], email="rules@example.org", name="Rules", roles=["user"])
    with pytest.raises(ValidationFailed) as error:
        services.accept_invitation(_token(sent.link), "short", "short")
    assert "at least 12 characters" in error.value.errors["new_password"][0]
    with pytest.raises(ValidationFailed) as error:
        services.accept_invitation(_token(sent.link), NEW_PASSWORD, NEW_PASSWORD + "x")
    assert "confirm_password" in error.value.errors


@pytest.mark.parametrize("role", ["user", "rep_fr", "reviewer"])
def test_only_staff_invite(app, users, role):
    with pytest.raises(PermissionDenied):
        services.invite_user(users[role], email="x@example.org", name="X", roles=["user"])


def test_secretariat_cannot_make_anyone_admin(app, users):
    with pytest.raises(ValidationFailed) as error:
        services.invite_user(users["secretariat"], email="boss@example.org", name="Boss", roles=["admin"])
    assert error.value.errors["roles"] == ["Only an administrator can give the administrator role."]
    with pytest.raises(ValidationFailed):
        services.update_user(
            users["secretariat"], users["user"], name="U", roles=["admin"], member_state=None, organisation=None
        )
    assert "admin" not in users["user"].role_names


@pytest.mark.parametrize(
    "call",
    [
        lambda actor, target: services.update_user(
            actor, target, name="X", roles=["user"], member_state=None, organisation=None
        ),
        services.disable_user,
        services.reinvite_user,
    ],
)
def test_secretariat_cannot_touch_an_admin_account(app, users, call):
    with pytest.raises(PermissionDenied):
        call(users["secretariat"], users["admin"])
    assert users["admin"].active and "admin" in users["admin"].role_names


def test_admin_gives_roles_member_state_and_organisation_with_audit(app, users):
    org = OrganisationFactory(member_state_code="DE")
    target = users["user"]
    services.update_user(
        users["admin"],
        target,
        name="Renamed",
        roles=["member_state_rep", "reviewer"],
        member_state="de",
        organisation=org.slug,
    )
    assert target.role_names == {"member_state_rep", "reviewer"}
    assert target.member_state_code == "DE" and target.organisation_id == org.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.tag == "account:update"))
    assert event.actor_id == users["admin"].id
    assert event.new["roles"] == ["member_state_rep", "reviewer"] and event.old["roles"] == ["user"]


def test_representative_needs_a_member_state_and_roles_are_checked(app, users):
    with pytest.raises(ValidationFailed) as error:
        services.update_user(
            users["admin"],
            users["user"],
            name="",
            roles=["member_state_rep", "pope"],
            member_state=None,
            organisation="no-such-org",
        )
    assert set(error.value.errors) == {"name", "roles", "member_state", "organisation"}


def test_admin_cannot_remove_own_admin_role_nor_disable_self(app, users):
    admin = users["admin"]
    with pytest.raises(ValidationFailed):
        services.update_user(admin, admin, name=admin.name, roles=["user"], member_state=None, organisation=None)
    with pytest.raises(Conflict):
        services.disable_user(admin, admin)


def test_disable_ends_sessions_tokens_and_links_then_enable(app, users):
    target = UserFactory(role="user", email="leaving@example.org")
    _token_row, clear = create_token(target, "script")
    link = services.reinvite_user(users["admin"], target).link
    session_before = target.session_token
    services.disable_user(users["secretariat"], target)
    assert not target.active and target.session_token != session_before
    assert all(t.revoked_at is not None for t in target.tokens)
    with pytest.raises(NotFound):
        services.check_invitation(_token(link))
    services.enable_user(users["secretariat"], target)
    assert target.active
    assert _tags(target.id)[-2:] == ["account:disable", "account:enable"]
    assert clear  # the old token stays revoked (checked through the API below)


def test_list_filters_by_text_role_and_state(app, users):
    services.invite_user(users["admin"], email="pending@example.org", name="Pending Person", roles=["reviewer"])
    page = services.list_users(users["secretariat"], q="PENDING")
    assert [u.email for u in page.users] == ["pending@example.org"]
    assert [u.email for u in services.list_users(users["admin"], status="invited").users] == ["pending@example.org"]
    reviewers = {u.email for u in services.list_users(users["admin"], role="reviewer").users}
    assert reviewers == {"pending@example.org", "reviewer@example.org"}
    assert services.list_users(users["admin"], q="100%_").total == 0


# --- through the Flask client ----------------------------------------------------------------------------


def test_admin_invites_and_the_person_accepts_through_the_link(app, client, users):
    login(client, users["admin"])
    token = csrf_token(client, "/admin/users/invite")
    page = client.post(
        "/admin/users/invite",
        data={"csrf_token": token, "email": "welcome@example.org", "name": "Wel <b>come</b>", "roles": ["reviewer"]},
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "shown only once" in html
    assert "Wel &lt;b&gt;come&lt;/b&gt;" in html
    link = re.search(r'id="invitation-link">([^<]+)<', html).group(1)
    path = "/invitation/" + _token(link)
    other = app.test_client()
    form = other.get(path)
    assert form.status_code == 200 and "welcome@example.org" in form.get_data(as_text=True)
    token = csrf_token(other, path)
    bad = other.post(path, data={"csrf_token": token, "new_password": "short", "confirm_password": "short"})
    assert bad.status_code == 422 and "at least 12 characters" in bad.get_data(as_text=True)
    done = other.post(path, data={"csrf_token": token, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert done.status_code == 302
    account = other.get("/account")
    assert account.status_code == 200 and "welcome@example.org" in account.get_data(as_text=True)
    again = app.test_client().get(path)
    assert again.status_code == 404 and "already used" in again.get_data(as_text=True)


def test_secretariat_invite_form_offers_no_admin_role_and_refuses_it(app, client, users):
    login(client, users["secretariat"])
    html = client.get("/admin/users/invite").get_data(as_text=True)
    assert 'value="secretariat"' in html and 'value="admin"' not in html
    token = csrf_token(client, "/admin/users/invite")
    page = client.post(
        "/admin/users/invite",
        data={"csrf_token": token, "email": "boss@example.org", "name": "Boss", "roles": ["admin"]},
    )
    assert page.status_code == 422
    body = page.get_data(as_text=True)
    assert "Only an administrator can give the administrator role." in body and 'value="boss@example.org"' in body


def _bearer(app, clear):
    from commons.accounts.auth import bearer_user

    with app.test_request_context("/api/v1/commons", headers={"Authorization": f"Bearer {clear}"}):
        return bearer_user()


def test_disabled_account_session_and_api_token_stop_at_once(app, client, users):
    target = UserFactory(role="user", email="gone@example.org")
    _row, clear = create_token(target, "script")
    db.session.flush()
    victim = app.test_client()
    login(victim, target, PASSWORD)
    assert victim.get("/account").status_code == 200
    assert _bearer(app, clear) is target
    login(client, users["secretariat"])
    token = csrf_token(client, f"/admin/users/{target.id}")
    response = client.post(f"/admin/users/{target.id}/disable", data={"csrf_token": token})
    assert response.status_code == 302
    assert victim.get("/account").status_code == 302
    db.session.expire_all()  # the request ran in its own session: forget this test's copies
    assert _bearer(app, clear) is None


def test_secretariat_sees_an_admin_account_read_only(app, client, users):
    login(client, users["secretariat"])
    html = client.get(f"/admin/users/{users['admin'].id}").get_data(as_text=True)
    assert "Only an administrator can change an administrator" in html
    assert "Disable the account" not in html


def test_mail_server_configured_sends_the_link_instead_of_showing_it(app, users, monkeypatch):
    sent_mail = []
    monkeypatch.setitem(app.config, "MAIL_ENABLED", True)
    monkeypatch.setattr(
        "commons.reviews.notifications.send_message",
        lambda recipients, subject, body, settings: sent_mail.append((recipients, body)) or True,
    )
    sent = services.invite_user(users["admin"], email="mailed@example.org", name="Mailed", roles=["user"])
    assert sent.mailed
    db.session.commit()
    assert sent_mail and sent_mail[0][0] == ["mailed@example.org"] and sent.link in sent_mail[0][1]


def test_pages_speak_french_and_german(app, client, users):
    login(client, users["secretariat"])
    for lang, words in (
        ("fr", ["Inviter un utilisateur", "Tous les rôles"]),
        ("de", ["Benutzer einladen", "Alle Rollen"]),
    ):
        client.post("/language", data={"lang": lang, "next": "/", "csrf_token": csrf_token(client, "/")})
        html = client.get("/admin/users").get_data(as_text=True)
        assert all(word in html for word in words), lang
        rates = client.get("/admin/exchange-rates").get_data(as_text=True)
        assert {"fr": "Couverture par devise", "de": "Abdeckung nach Währung"}[lang] in rates
