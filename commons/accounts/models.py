# SPDX-License-Identifier: EUPL-1.2
"""Users, roles, API tokens and login failures."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commons.extensions import db
from commons.types import UTCDateTime, utcnow

ADMIN = "admin"
SECRETARIAT = "secretariat"
REVIEWER = "reviewer"
REP = "member_state_rep"
USER = "user"
ROLES = (ADMIN, SECRETARIAT, REVIEWER, REP, USER)

user_roles = Table(
    "user_roles",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class Role(db.Model):  # type: ignore[name-defined]
    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    description: Mapped[str | None] = mapped_column(String(255))


class User(UserMixin, db.Model):  # type: ignore[name-defined]
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Rotated on logout, password change and disable: Flask-Login's id is this token, so a session cookie
    # captured earlier no longer loads a user (DESIGN.md §8).
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    member_state_code: Mapped[str | None] = mapped_column(ForeignKey("member_states.code"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    roles = relationship("Role", secondary=user_roles, lazy="selectin")
    member_state = relationship("MemberState")
    organisation = relationship("Organisation")
    tokens = relationship("ApiToken", back_populates="user", cascade="all, delete-orphan")

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return bool(self.active)

    def get_id(self) -> str:
        return self.session_token

    @property
    def role_names(self) -> set[str]:
        return {role.name for role in self.roles}

    def has_role(self, *names: str) -> bool:
        return bool(self.role_names.intersection(names))

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class ApiToken(db.Model):  # type: ignore[name-defined]
    """A bearer token; only its SHA-256 is stored, the clear text is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(255), default="write")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user = relationship("User", back_populates="tokens")


class LoginFailure(db.Model):  # type: ignore[name-defined]
    """One failed login, for throttling per account and per IP address."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), index=True)
    ip: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
