# SPDX-License-Identifier: EUPL-1.2
"""Flask-Login wiring and bearer-token authentication for the API."""

from __future__ import annotations

from flask import Flask, request
from sqlalchemy import select

from commons.accounts.models import ApiToken, User
from commons.extensions import db, login_manager
from commons.security import token_digest
from commons.types import utcnow


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_token: str) -> User | None:
        # The id in the cookie is the user's rotating session token, not their primary key.
        if not session_token:
            return None
        user = db.session.scalar(select(User).where(User.session_token == session_token))
        if user is None or not user.active:
            return None
        return user


def bearer_user() -> User | None:
    """The user of a valid ``Authorization: Bearer`` token, or None. Cached for the request."""
    cache_key = "commons.bearer_user"
    if cache_key in request.environ:
        return request.environ[cache_key]  # type: ignore[no-any-return]
    user = None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(token.strip())))
        now = utcnow()
        if (
            row is not None
            and row.revoked_at is None
            and (row.expires_at is None or row.expires_at > now)
            and row.user.active
        ):
            row.last_used_at = now
            user = row.user
    request.environ[cache_key] = user
    return user
