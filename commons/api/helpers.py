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


class BadCursor(ValidationFailed):
    """A ``cursor`` that no page of this API gave out: 400 with a field error (as the OpenAPI document says)."""

    status = 400

    def __init__(self) -> None:
        super().__init__({"cursor": [_("The cursor is not valid.")]})


# A cursor this API gives out is a few dozen characters; a longer one is not ours.
MAX_CURSOR_LENGTH = 500


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    """The JSON object inside a cursor, or None without one; anything else is a ``BadCursor`` (400)."""
    if not cursor:
        return None
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise BadCursor()
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        # Floats such as 1e400 become inf, never a number a column can hold: refused below, never int(inf).
        data = json.loads(base64.urlsafe_b64decode(padded.encode()), parse_constant=_refuse_constant)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise BadCursor() from exc
    if not isinstance(data, dict):
        raise BadCursor()
    return data


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


def cursor_after_id(name: str = "cursor") -> int | None:
    """The id a keyset cursor (``{"id": n}``) points after, read from the query parameter ``name``.

    The one place cursors are range-checked: a whole number an id column can hold (32-bit on PostgreSQL,
    64-bit on SQLite), else 400 with a field error. None when the parameter is absent.
    """
    from commons.database import id_in_range

    data = decode_cursor(request.args.get(name))
    if data is None:
        return None
    value = data.get("id")
    if not id_in_range(value):
        raise BadCursor()
    return int(value)  # type: ignore[arg-type]


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


TRUE_WORDS = ("true", "1", "yes", "on")
FALSE_WORDS = ("false", "0", "no", "off")


def query_bool(name: str) -> bool | None:
    """A boolean query parameter (true/false, 1/0, yes/no, on/off); None when absent or empty."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValidationFailed({name: [_("Use true or false.")]})


def query_text(name: str, max_length: int = 200) -> str | None:
    """A free-text query parameter, stripped; None when absent or blank; refused when too long."""
    raw = request.args.get(name)
    if raw is None or not raw.strip():
        return None
    if len(raw) > max_length or "\x00" in raw:
        raise ValidationFailed({name: [_("At most %(max)d characters.", max=max_length)]})
    return raw.strip()


def query_choice(name: str, choices: tuple[str, ...] | list[str]) -> str | None:
    """A query parameter that must be one of ``choices``; None when absent or empty."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if raw not in choices:
        raise ValidationFailed({name: [_("Choose one of: %(choices)s.", choices=", ".join(choices))]})
    return raw


def list_answer(items: list[Any], total: int, next_cursor: str | None, **extra: Any) -> dict[str, Any]:
    """The shape of every list answer: ``{"items", "total", "next"}`` plus feature extras."""
    return {"items": items, "total": total, "next": next_cursor, **extra}


__all__ = ["PermissionDenied", "Unauthorized"]
