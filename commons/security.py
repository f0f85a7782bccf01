# SPDX-License-Identifier: EUPL-1.2
"""Response headers, safe redirects and the bearer-token reader."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request
from flask_babel import gettext as _
from flask_login import current_user

from commons.errors import ServiceError

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
    hsts = current_app.config.get("COMMONS_HSTS_HEADER")
    if hsts:
        response.headers["Strict-Transport-Security"] = hsts
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


# Deeper JSON than this is no document a client of this API sends; a parser or walker would recurse on it.
MAX_JSON_DEPTH = 32


class BadRequestInput(ServiceError):
    """Input no client sends in good faith (a malformed multipart field name, JSON nested too deep): 400."""

    status = 400


def has_lone_surrogate(text: str) -> bool:
    """A UTF-16 surrogate on its own (``"\\ud800"`` in JSON) cannot be encoded as UTF-8, nor stored."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _bad_text(text: str) -> bool:
    return "\x00" in text or has_lone_surrogate(text)


def _json_problem(document: Any) -> tuple[str, str] | None:
    """``("depth", path)`` for a document nested deeper than ``MAX_JSON_DEPTH``, ``("text", path)`` for the
    first key or string holding NUL or a lone surrogate, or None. Iterative: no recursion on hostile input."""
    stack: list[tuple[Any, str, int]] = [(document, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            if _bad_text(value):
                return "text", path or "body"
            continue
        if isinstance(value, dict | list) and depth >= MAX_JSON_DEPTH:
            return "depth", path or "body"
        if isinstance(value, dict):
            for key, item in value.items():
                if _bad_text(str(key)):
                    return "text", path or "body"
                stack.append((item, f"{path}.{key}" if path else str(key), depth + 1))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                stack.append((item, f"{path}.{index}" if path else str(index), depth + 1))
    return None


def _request_json() -> Any:
    """The parsed JSON body (cached by Flask for the view), or None when it is not JSON at all."""
    try:
        return request.get_json(silent=True)
    except RecursionError as exc:
        # The C parser recurses once per level: 100,000 nested brackets exhaust the stack.
        raise BadRequestInput(_("The JSON document is nested too deeply.")) from exc


def check_request_input() -> None:
    """Every request's input is checked here, once, before any view or service sees it.

    - a path segment with NUL names nothing: 404 (PostgreSQL cannot compare text holding NUL);
    - NUL or a lone surrogate in the query string, a form field or a JSON key or string: 422 with the field
      (PostgreSQL refuses NUL and UTF-8 cannot encode a lone surrogate, so either would be a 500 later);
    - a multipart field without a usable name, or JSON nested deeper than ``MAX_JSON_DEPTH``: 400.
    """
    from werkzeug.exceptions import NotFound

    from commons.errors import ValidationFailed

    def refuse(field: str) -> None:
        raise ValidationFailed({field or "query": [_("The value contains a character that is not allowed.")]})

    if _bad_text(request.path):
        raise NotFound()
    sources: list[Any] = [request.args]
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            sources.append(request.form)
            if request.mimetype == "multipart/form-data":
                for key in request.files:
                    if not isinstance(key, str) or _bad_text(key):
                        raise BadRequestInput(_("A file field of the form has no valid name."))
        elif request.is_json:
            problem = _json_problem(_request_json())
            if problem is not None:
                kind, field = problem
                if kind == "depth":
                    raise BadRequestInput(_("The JSON document is nested too deeply."))
                refuse(field)
    for source in sources:
        for key, value in source.items(multi=True):
            if not isinstance(key, str):
                # e.g. ``name="a\\"`` in a multipart header: the parser gives the field no name at all.
                raise BadRequestInput(_("A field of the form has no valid name."))
            if _bad_text(key) or (isinstance(value, str) and _bad_text(value)):
                refuse(key.replace("\x00", "").encode("utf-8", "replace").decode("utf-8"))


def hsts_header(config: Any) -> str | None:
    """The Strict-Transport-Security value, or None: only a production app (never debug or testing) sends it."""
    if not config.get("COMMONS_IS_PRODUCTION") or not config.get("COMMONS_HSTS") or config.get("TESTING"):
        return None
    value = f"max-age={int(config.get('COMMONS_HSTS_MAX_AGE') or 0)}"
    if config.get("COMMONS_HSTS_INCLUDE_SUBDOMAINS"):
        value += "; includeSubDomains"
    return value


def init_security(app: Flask) -> None:
    app.config["COMMONS_HSTS_HEADER"] = hsts_header(app.config)
    app.before_request(check_request_input)
    app.after_request(add_security_headers)
