# SPDX-License-Identifier: EUPL-1.2
"""Helpers shared by the API modules: cursors, pagination and authentication of writes."""

from __future__ import annotations

import base64
import json
from typing import Any

from flask import request
from flask_babel import gettext as _

from commons.accounts.auth import bearer_user
from commons.accounts.models import User
from commons.errors import PermissionDenied, ServiceError, ValidationFailed

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class Unauthorized(ServiceError):
    status = 401


def encode_cursor(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed({"cursor": [_("The cursor is not valid.")]}) from exc
    if not isinstance(data, dict):
        raise ValidationFailed({"cursor": [_("The cursor is not valid.")]})
    return data


def page_limit() -> int:
    raw = request.args.get("limit")
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    try:
        value = int(raw)
    except ValueError as exc:
        raise ValidationFailed({"limit": [_("The limit must be a whole number.")]}) from exc
    if not 1 <= value <= MAX_LIMIT:
        raise ValidationFailed({"limit": [_("The limit must be between 1 and %(max)d.", max=MAX_LIMIT)]})
    return value


def require_token_user() -> User:
    """Writes need ``Authorization: Bearer <token>``; the session cookie is never enough."""
    user = bearer_user()
    if user is None:
        raise Unauthorized(_("A valid API token is required: send Authorization: Bearer <token>."))
    return user


def json_body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationFailed({"body": [_("Send a JSON object.")]})
    return data


__all__ = ["PermissionDenied", "Unauthorized"]
