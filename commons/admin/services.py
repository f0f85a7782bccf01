# SPDX-License-Identifier: EUPL-1.2
"""Account administration from the web (staff) and invitations; exchange-rate uploads.

Every function checks its permission first (``users:administer`` with the account acted on, ``fx:manage``),
then validates, then changes and records an audit event in the same transaction. The caller commits.

The secretariat manages accounts but cannot give the administrator role, nor change, disable or invite an
administrator's account: only an administrator can (``commons.permissions``).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from commons.accounts import services as accounts
from commons.accounts.models import ADMIN, ROLES, Role, User
from commons.admin.models import Invitation
from commons.audit import record_event
from commons.contributions import fx
from commons.errors import Conflict, NotFound, ValidationFailed
from commons.extensions import db
from commons.memberstates.models import MemberState
from commons.organisations.models import Organisation
from commons.permissions import can, require
from commons.security import token_digest
from commons.types import utcnow

INVITATION_HOURS = 72
PAGE_SIZE = 50
STATUSES = ("active", "invited", "disabled")


# --- listing -------------------------------------------------------------------------------------------


@dataclass
class UserPage:
    users: list[User]
    total: int
    page: int
    pages: int


def user_status(user: User) -> str:
    """``disabled``, ``invited`` (no password set yet) or ``active``."""
    if not user.active:
        return "disabled"
    if not user.password_hash:
        return "invited"
    return "active"


def list_users(actor: Any, q: str = "", role: str = "", status: str = "", page: int = 1) -> UserPage:
    """Accounts matching a search on name or e-mail, a role and a status, by name, 50 a page."""
    require(actor, "users:administer")
    query = select(User)
    text = (q or "").strip()
    if text:
        pattern = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(func.lower(User.name).like(pattern, escape="\\"), func.lower(User.email).like(pattern, escape="\\"))
        )
    if role in ROLES:
        query = query.where(User.roles.any(Role.name == role))
    if status == "disabled":
        query = query.where(User.active.is_(False))
    elif status == "invited":
        query = query.where(User.active.is_(True), User.password_hash.is_(None))
    elif status == "active":
        query = query.where(User.active.is_(True), User.password_hash.is_not(None))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    users = list(
        db.session.scalars(
            query.order_by(func.lower(User.name), User.id).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
        )
    )
    return UserPage(users=users, total=total, page=page, pages=pages)


def get_user(actor: Any, user_id: int) -> User:
    """One account, for staff; an administrator's account only for an administrator (403 otherwise)."""
    require(actor, "users:administer")
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def require_administer(actor: Any, user: User | None = None) -> None:
    """Raise unless the actor may manage accounts (and ``user``'s account, when given)."""
    require(actor, "users:administer", user)


def require_rates(actor: Any) -> None:
    require(actor, "fx:manage")


def may_edit(actor: Any, user: User) -> bool:
    return can(actor, "users:administer", user)


def grantable_roles(actor: Any) -> tuple[str, ...]:
    """The roles this actor may give: every role for an admin, all but admin for the secretariat."""
    if ADMIN in getattr(actor, "role_names", set()):
        return ROLES
    return tuple(r for r in ROLES if r != ADMIN)


# --- checks shared by invite and update ----------------------------------------------------------------


def _check_profile(
    actor: Any,
    errors: dict[str, list[str]],
    *,
    name: str,
    roles: list[str],
    member_state: str | None,
    organisation: str | None,
    old_roles: set[str] | None = None,
) -> tuple[MemberState | None, Organisation | None]:
    if not (name or "").strip():
        errors.setdefault("name", []).append(_("Enter a name."))
    elif len(name.strip()) > 255:
        errors.setdefault("name", []).append(_("The name must have at most 255 characters."))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        errors.setdefault("roles", []).append(_("Unknown role %(role)s.", role=", ".join(unknown)))
    elif not roles:
        errors.setdefault("roles", []).append(_("Choose at least one role."))
    adding_admin = ADMIN in roles and ADMIN not in (old_roles or set())
    if adding_admin and ADMIN not in grantable_roles(actor):
        errors.setdefault("roles", []).append(_("Only an administrator can give the administrator role."))
    return accounts.check_state_and_organisation(
        errors, roles=roles, member_state=member_state, organisation=organisation
    )


# --- invitations ---------------------------------------------------------------------------------------


@dataclass
class InvitationSent:
    user: User
    link: str
    mailed: bool


def _invitation_link(token: str) -> str:
    if has_request_context():
        return url_for("admin_users.accept", token=token, _external=True)
    base = str(current_app.config.get("COMMONS_BASE_URL", "")).rstrip("/")
    return f"{base}/invitation/{token}"


def _mail_enabled() -> bool:
    return bool(current_app.config.get("MAIL_ENABLED"))


def _queue_invitation_mail(user: User, link: str, actor: Any) -> bool:
    """Queue the link by e-mail (sent after the commit, by the review notifications' sender)."""
    from commons.reviews.notifications import PENDING_KEY
    from commons.reviews.services import mail_settings

    settings = mail_settings()
    if not settings.get("enabled"):
        return False
    body = _(
        "Hello %(person)s,\n\n%(inviter)s invited you to the platform of the European initiative for digital "
        "commons. Choose your password with this link (valid for %(hours)d hours, usable once):\n%(link)s\n",
        person=user.name,
        inviter=getattr(actor, "name", "") or _("The secretariat"),
        hours=INVITATION_HOURS,
        link=link,
    )
    subject = _("[commons] Your invitation to the digital commons platform")
    db.session().info.setdefault(PENDING_KEY, []).append(([user.email], subject, body, settings))
    return True


def _new_invitation(actor: Any, user: User) -> InvitationSent:
    """Revoke the account's unused links, make a new one; the clear token lives only in the returned link."""
    now = utcnow()
    for old in db.session.scalars(
        select(Invitation).where(
            Invitation.user_id == user.id, Invitation.used_at.is_(None), Invitation.revoked_at.is_(None)
        )
    ):
        old.revoked_at = now
    clear = secrets.token_urlsafe(32)
    invitation = Invitation(
        user_id=user.id,
        token_hash=token_digest(clear),
        created_at=now,
        expires_at=now + timedelta(hours=INVITATION_HOURS),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(invitation)
    db.session.flush()
    link = _invitation_link(clear)
    mailed = _queue_invitation_mail(user, link, actor)
    record_event(
        "account:invitation:create",
        user,
        new={"invitation": invitation.id, "expires_at": invitation.expires_at.isoformat(), "mailed": mailed},
        actor=actor,
    )
    return InvitationSent(user=user, link=link, mailed=mailed)


def invite_user(
    actor: Any,
    *,
    email: str,
    name: str,
    roles: list[str],
    member_state: str | None = None,
    organisation: str | None = None,
) -> InvitationSent:
    """Create an account without a password and a one-time link (72 hours) to set one."""
    require(actor, "users:administer")
    errors: dict[str, list[str]] = {}
    address = accounts.normalise_email(email)
    if "@" not in address or len(address) > 255 or any(c.isspace() for c in address):
        errors.setdefault("email", []).append(_("Enter a valid e-mail address."))
    elif db.session.scalar(select(User.id).where(User.email == address)) is not None:
        errors.setdefault("email", []).append(
            _("An account with this e-mail address already exists: find it in the list and send it a new link.")
        )
    _check_profile(actor, errors, name=name, roles=roles, member_state=member_state, organisation=organisation)
    if errors:
        raise ValidationFailed(errors)
    user = accounts.create_user(
        email=address,
        name=name,
        password=None,
        roles=roles,
        member_state=member_state,
        organisation=organisation,
        actor=actor,
        check_permission=False,
    )
    return _new_invitation(actor, user)


def reinvite_user(actor: Any, user: User) -> InvitationSent:
    """A new link for an account (a lost invitation, or a forgotten password); older links stop working."""
    require(actor, "users:administer", user)
    if not user.active:
        raise Conflict(_("The account is disabled: enable it before you send it a link."))
    return _new_invitation(actor, user)


def _invitation_by_token(token: str) -> Invitation:
    """The usable invitation of a clear token; otherwise a message that says why and what to do."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == token_digest(token or "")))
    if invitation is None or invitation.used_at is not None or invitation.revoked_at is not None:
        raise NotFound(
            _(
                "This link is not valid: it was already used or replaced by a newer one. "
                "Log in, or ask the secretariat for a new link."
            )
        )
    if invitation.expires_at <= utcnow():
        raise Conflict(_("This link has expired (links are valid for 72 hours). Ask the secretariat for a new one."))
    if not invitation.user.active:
        raise NotFound(_("This account is disabled. Ask the secretariat."))
    return invitation


def check_invitation(token: str) -> User:
    """The account a valid link is for (raises when the link cannot be used)."""
    return _invitation_by_token(token).user  # type: ignore[no-any-return]


def accept_invitation(token: str, password: str, confirm: str) -> User:
    """Set the password of an invited account (same rules as the account page); the link is then spent."""
    invitation = _invitation_by_token(token)
    errors: dict[str, list[str]] = {}
    problems = accounts.password_problems(password)
    if problems:
        errors["new_password"] = problems
    elif password != confirm:
        errors["confirm_password"] = [_("The two new passwords are not the same.")]
    if errors:
        raise ValidationFailed(errors)
    user: User = invitation.user
    user.password_hash = accounts.hash_password(password)
    user.password_changed_at = utcnow()
    user.last_login_at = utcnow()
    accounts.rotate_session(user)
    invitation.used_at = utcnow()
    record_event("account:invitation:accept", user, new={"invitation": invitation.id}, actor=user)
    return user


# --- changes -------------------------------------------------------------------------------------------


def _profile(user: User) -> dict[str, Any]:
    return {
        "name": user.name,
        "roles": sorted(user.role_names),
        "member_state": user.member_state_code,
        "organisation": user.organisation.slug if user.organisation else None,
    }


def update_user(
    actor: Any,
    user: User,
    *,
    name: str,
    roles: list[str],
    member_state: str | None,
    organisation: str | None,
) -> User:
    """Change an account's name, roles, member state and organisation."""
    require(actor, "users:administer", user)
    errors: dict[str, list[str]] = {}
    old_roles = set(user.role_names)
    state, org = _check_profile(
        actor,
        errors,
        name=name,
        roles=roles,
        member_state=member_state,
        organisation=organisation,
        old_roles=old_roles,
    )
    if getattr(actor, "id", None) == user.id and ADMIN in old_roles and ADMIN not in roles:
        errors.setdefault("roles", []).append(
            _("You cannot remove your own administrator role: ask another administrator.")
        )
    if errors:
        raise ValidationFailed(errors)
    old = _profile(user)
    accounts.ensure_roles()
    user.name = name.strip()
    user.roles = list(db.session.scalars(select(Role).where(Role.name.in_(roles))))
    user.member_state_code = state.code if state else None
    user.organisation_id = org.id if org else None
    db.session.flush()
    new = _profile(user)
    if new != old:
        changed = [key for key in new if new[key] != old[key]]
        record_event(
            "account:update",
            user,
            old={k: old[k] for k in changed},
            new={k: new[k] for k in changed},
            actor=actor,
        )
    return user


def disable_user(actor: Any, user: User) -> None:
    """Disable an account: its sessions, API tokens and unused links stop working at once."""
    require(actor, "users:administer", user)
    if getattr(actor, "id", None) == user.id:
        raise Conflict(_("You cannot disable your own account."))
    if not user.active:
        return
    accounts.disable_user(user, actor=actor, check_permission=False)
    now = utcnow()
    for invitation in db.session.scalars(
        select(Invitation).where(
            Invitation.user_id == user.id, Invitation.used_at.is_(None), Invitation.revoked_at.is_(None)
        )
    ):
        invitation.revoked_at = now


def enable_user(actor: Any, user: User) -> None:
    """Enable a disabled account again. Its old API tokens stay revoked; it logs in with its password."""
    require(actor, "users:administer", user)
    if user.active:
        return
    user.active = True
    accounts.rotate_session(user)
    record_event("account:enable", user, actor=actor)


def pending_invitation(user: User) -> Invitation | None:
    """The account's newest unused, unrevoked link (it may have expired)."""
    return db.session.scalar(
        select(Invitation)
        .where(Invitation.user_id == user.id, Invitation.used_at.is_(None), Invitation.revoked_at.is_(None))
        .order_by(Invitation.created_at.desc())
        .limit(1)
    )


def is_expired(invitation: Invitation, now: datetime | None = None) -> bool:
    return invitation.expires_at <= (now or utcnow())


# --- exchange rates ------------------------------------------------------------------------------------


def upload_rates(actor: Any, filename: str, data: bytes) -> fx.ImportSummary:
    """Import an ECB rates file (CSV, XML, or the ECB's zip) uploaded from the web page."""
    require(actor, "fx:manage")
    name = (filename or "").strip()[-200:] or "upload"
    if not data:
        raise ValidationFailed({"file": [_("Choose the ECB file to upload.")]})
    try:
        rates = fx.parse_bytes(data)
    except fx.RateFileError as error:
        raise ValidationFailed(
            {"file": [_("%(file)s is not an ECB rates file: %(problem)s", file=name, problem=str(error))]}
        ) from error
    if not rates:
        raise ValidationFailed({"file": [_("%(file)s holds no rates.", file=name)]})
    return fx.import_and_record(rates, method="upload", source_name=name, actor=actor)


def rates_overview(actor: Any) -> dict[str, Any]:
    """Coverage per currency and the last imports, for the exchange-rates page."""
    require(actor, "fx:manage")
    return {"coverage": fx.coverage(), "imports": fx.recent_imports(5), "today": dt.date.today()}
