# SPDX-License-Identifier: EUPL-1.2
"""Response headers, safe redirects and the bearer-token reader."""

from __future__ import annotations

import hashlib
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


def init_security(app: Flask) -> None:
    app.after_request(add_security_headers)
