# SPDX-License-Identifier: EUPL-1.2
"""Account operations: creation, authentication with throttling, passwords, sessions and API tokens."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from commons.accounts.models import REP, ROLES, ApiToken, LoginFailure, Role, User, new_session_token
from commons.audit import record_event
from commons.errors import NotFound, ValidationFailed
from commons.extensions import db
from commons.memberstates.models import MemberState
from commons.organisations.models import Organisation
from commons.permissions import require
from commons.security import token_digest
from commons.types import utcnow

MIN_PASSWORD_LENGTH = 12
# Computed once so that an unknown e-mail costs as much time as a wrong password (no user enumeration).
_DUMMY_HASH: str | None = None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config.get("COMMONS_PASSWORD_METHOD", "scrypt"))


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_hex(16))
    return _DUMMY_HASH


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def password_problems(password: str) -> list[str]:
    problems = []
    if len(password or "") < MIN_PASSWORD_LENGTH:
        problems.append(_("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))
    return problems


def ensure_roles() -> None:
    """Roles are data: make sure every known role exists."""
    existing = set(db.session.scalars(select(Role.name)))
    for name in ROLES:
        if name not in existing:
            db.session.add(Role(name=name))
    db.session.flush()


def check_state_and_organisation(
    errors: dict[str, list[str]], *, roles: list[str], member_state: str | None, organisation: str | None
) -> tuple[MemberState | None, Organisation | None]:
    """The member state and organisation of an account, each found or an error added to ``errors``.

    Shared by the CLI, the demo and the web's user management, so that every way in reads ``EL`` as Greece
    and asks a representative for a state alike.
    """
    state = None
    if member_state:
        code = member_state.strip().upper()
        code = {"EL": "GR"}.get(code, code)
        state = db.session.get(MemberState, code)
        if state is None:
            errors.setdefault("member_state", []).append(_("Unknown member state %(code)s.", code=member_state))
    if REP in roles and not member_state:
        errors.setdefault("member_state", []).append(_("A member-state representative needs a member state."))
    org = None
    if organisation:
        org = db.session.scalar(select(Organisation).where(Organisation.slug == organisation))
        if org is None:
            errors.setdefault("organisation", []).append(_("Unknown organisation %(slug)s.", slug=organisation))
    return state, org


def check_new_user(
    *,
    email: str,
    name: str,
    password: str | None,
    roles: list[str],
    member_state: str | None = None,
    organisation: str | None = None,
) -> tuple[MemberState | None, Organisation | None]:
    """Validate a new account without writing anything; raises ValidationFailed with every problem."""
    errors: dict[str, list[str]] = {}
    email = normalise_email(email)
    if "@" not in email or len(email) > 255:
        errors.setdefault("email", []).append(_("Enter a valid e-mail address."))
    elif db.session.scalar(select(User.id).where(User.email == email)) is not None:
        errors.setdefault("email", []).append(_("An account with this e-mail address already exists."))
    if not (name or "").strip():
        errors.setdefault("name", []).append(_("Enter a name."))
    unknown = [r for r in roles if r not in ROLES]
    if unknown or not roles:
        errors.setdefault("role", []).append(
            _(
                "Unknown role %(role)s; use one of %(roles)s.",
                role=", ".join(unknown) or "''",
                roles=", ".join(ROLES),
            )
        )
    state, org = check_state_and_organisation(errors, roles=roles, member_state=member_state, organisation=organisation)
    if password is not None:
        problems = password_problems(password)
        if problems:
            errors["password"] = problems
    if errors:
        raise ValidationFailed(errors)
    return state, org


def create_user(
    *,
    email: str,
    name: str,
    password: str | None,
    roles: list[str],
    member_state: str | None = None,
    organisation: str | None = None,
    actor: Any = None,
    check_permission: bool = True,
) -> User:
    """Create an account. The CLI passes ``check_permission=False`` (it runs as the operator)."""
    if check_permission:
        require(actor, "users:manage")
    state, org = check_new_user(
        email=email,
        name=name,
        password=password,
        roles=roles,
        member_state=member_state,
        organisation=organisation,
    )
    email = normalise_email(email)
    ensure_roles()
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password) if password else None,
        member_state_code=state.code if state else None,
        organisation_id=org.id if org else None,
        roles=list(db.session.scalars(select(Role).where(Role.name.in_(roles)))),
    )
    db.session.add(user)
    db.session.flush()
    record_event("account:create", user, new={"email": email, "roles": sorted(roles)}, actor=actor)
    return user


def get_user_by_email(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise NotFound(_("No account with this e-mail address."))
    return user


@dataclass
class LoginResult:
    user: User | None
    throttled: bool = False


def _window_start() -> datetime:
    return utcnow() - timedelta(minutes=current_app.config["COMMONS_LOGIN_WINDOW_MINUTES"])


def is_throttled(email: str, ip: str) -> bool:
    """After N failures an account waits a few minutes (no permanent lockout); an IP has its own limit."""
    cfg = current_app.config
    since = _window_start()
    account_failures = db.session.execute(
        select(func.count(LoginFailure.id), func.max(LoginFailure.at)).where(
            LoginFailure.email == email, LoginFailure.at >= since
        )
    ).one()
    if account_failures[0] >= cfg["COMMONS_LOGIN_MAX_FAILURES"]:
        last = account_failures[1]
        if last is not None and utcnow() - last < timedelta(minutes=cfg["COMMONS_LOGIN_LOCK_MINUTES"]):
            return True
    ip_failures = db.session.scalar(
        select(func.count(LoginFailure.id)).where(LoginFailure.ip == ip, LoginFailure.at >= since)
    )
    return bool(ip_failures and ip_failures >= cfg["COMMONS_LOGIN_IP_MAX_FAILURES"])


def authenticate(email: str, password: str, ip: str) -> LoginResult:
    """Check credentials with throttling. Unknown user and wrong password look the same to the caller."""
    email = normalise_email(email)
    if is_throttled(email, ip):
        record_event("account:login:throttled", object_type="account", object_id=email[:64])
        db.session.commit()
        return LoginResult(None, throttled=True)
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None or not user.password_hash:
        check_password_hash(_dummy_hash(), password or "")
        ok = False
    else:
        ok = check_password_hash(user.password_hash, password or "") and user.active
    if not ok:
        db.session.add(LoginFailure(email=email, ip=ip))
        record_event(
            "account:login:failure",
            user,
            object_type="account",
            object_id=email[:64] if user is None else None,
        )
        db.session.commit()
        return LoginResult(None)
    assert user is not None
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == email))
    user.last_login_at = utcnow()
    record_event("account:login", user, actor=user)
    db.session.commit()
    return LoginResult(user)


def rotate_session(user: User) -> None:
    """Invalidate every session of this user: cookies captured before no longer load anyone."""
    user.session_token = new_session_token()


def logout(user: User) -> None:
    rotate_session(user)
    record_event("account:logout", user, actor=user)
    db.session.commit()


def change_password(user: User, current: str, new: str, confirm: str) -> None:
    errors: dict[str, list[str]] = {}
    if not user.password_hash or not check_password_hash(user.password_hash, current or ""):
        errors["current_password"] = [_("The current password is not correct.")]
    problems = password_problems(new)
    if problems:
        errors["new_password"] = problems
    elif new != confirm:
        errors["confirm_password"] = [_("The two new passwords are not the same.")]
    if errors:
        raise ValidationFailed(errors)
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    rotate_session(user)
    record_event("account:password:update", user, actor=user)
    db.session.commit()


def set_password(user: User, password: str) -> None:
    problems = password_problems(password)
    if problems:
        raise ValidationFailed({"password": problems})
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    rotate_session(user)
    record_event("account:password:reset", user)


def disable_user(user: User, actor: Any = None, check_permission: bool = True) -> None:
    if check_permission:
        require(actor, "users:manage")
    user.active = False
    rotate_session(user)
    for token in user.tokens:
        if token.revoked_at is None:
            token.revoked_at = utcnow()
    record_event("account:disable", user, actor=actor)


def create_token(user: User, name: str = "api", actor: Any = None) -> tuple[ApiToken, str]:
    """Create an API token; returns the row and the clear token, which is never stored."""
    name = (name or "").strip() or "api"
    if len(name) > 100:
        raise ValidationFailed({"name": [_("The name must have at most 100 characters.")]})
    clear = "cmn_" + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, prefix=clear[:10], token_hash=token_digest(clear))
    db.session.add(token)
    db.session.flush()
    record_event("account:token:create", token, new={"name": name, "prefix": token.prefix}, actor=actor or user)
    return token, clear


def revoke_token(user: User, token_id: int) -> None:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record_event("account:token:revoke", token, actor=user)
    db.session.commit()
