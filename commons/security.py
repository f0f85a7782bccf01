# SPDX-License-Identifier: EUPL-1.2
"""Response headers, safe redirects and the bearer-token reader."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, request
from flask_login import current_user

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def add_security_headers(response: Response) -> Response:
    """Strict CSP (no inline script or style), no sniffing, no framing, and no caching of personal pages."""
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    try:
        logged_in = bool(current_user and current_user.is_authenticated)
    except Exception:  # noqa: BLE001 - headers must be set even when the user cannot be loaded
        logged_in = False
    if logged_in or request.authorization is not None:
        response.headers["Cache-Control"] = "no-store"
        response.headers["Vary"] = "Cookie"
    return response


def is_safe_next(target: str | None) -> bool:
    """Only local paths: refuse absolute, scheme-relative, backslash and ``javascript:`` targets."""
    if not target:
        return False
    if "\\" in target or any(ord(c) < 32 for c in target):
        return False
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return False
    return target.startswith("/") and not target.startswith("//")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _nul_path(value: Any, path: str = "", depth: int = 0) -> str | None:
    """The key path of the first string holding NUL in a JSON document (``"lines.0.note"``), or None."""
    if isinstance(value, str):
        return (path or "body") if "\x00" in value else None
    if depth > 50:
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                return path or "body"
            found = _nul_path(item, here, depth + 1)
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_path(item, f"{path}.{index}" if path else str(index), depth + 1)
            if found:
                return found
    return None


def refuse_nul_characters() -> None:
    """No text with NUL reaches a service: PostgreSQL refuses it (a 500) and no person types it.

    Checked once for every request: the query string, form fields and JSON bodies.
    """
    from flask_babel import gettext as _

    from commons.errors import ValidationFailed

    sources: list[Any] = [request.args]
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            sources.append(request.form)
        elif request.is_json:
            sources.append(request.get_json(silent=True))
    for source in sources:
        pairs = source.items(multi=True) if hasattr(source, "items") and hasattr(source, "getlist") else None
        if pairs is not None:
            for key, value in pairs:
                if "\x00" in key or "\x00" in value:
                    field = key.replace("\x00", "") or "query"
                    raise ValidationFailed({field: [_("The value contains a character that is not allowed.")]})
        else:
            field = _nul_path(source)
            if field:
                raise ValidationFailed({field: [_("The value contains a character that is not allowed.")]})


def init_security(app: Flask) -> None:
    app.before_request(refuse_nul_characters)
    app.after_request(add_security_headers)
