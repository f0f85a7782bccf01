# SPDX-License-Identifier: EUPL-1.2
"""Domain errors raised by services, and their rendering: HTML for browsers, JSON for the API."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException


class ServiceError(Exception):
    """Base of the errors a service raises; views translate them to responses."""

    status = 400

    def __init__(self, message: str = "", **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra


class ValidationFailed(ServiceError):
    """Bad input: ``errors`` maps each field to its messages (already translated)."""

    status = 422

    def __init__(self, errors: dict[str, list[str]], message: str = "") -> None:
        super().__init__(message or "The data is not valid.")
        self.errors = errors


class PermissionDenied(ServiceError):
    status = 403


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    """An invalid state transition or a stale version: nothing was changed."""

    status = 409


LOCK_MESSAGES = ("database is locked", "database table is locked", "could not serialize", "deadlock detected")


def is_lock_error(error: BaseException) -> bool:
    """A lock that was not had in time (SQLite busy, PostgreSQL serialization failure or deadlock)."""
    text = str(getattr(error, "orig", error)).lower()
    return any(message in text for message in LOCK_MESSAGES)


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def json_error(status: int, message: str, errors: dict[str, list[str]] | None = None) -> Response:
    payload: dict[str, Any] = {"status": status, "message": message}
    if errors is not None:
        payload["errors"] = errors
    response = jsonify(payload)
    response.status_code = status
    return response


TITLES = {
    400: "Bad request",
    401: "Login required",
    403: "Access denied",
    404: "Page not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request too large",
    422: "Invalid data",
    429: "Too many requests",
    500: "Server error",
    503: "Service unavailable",
}


def _title(status: int) -> str:
    titles = {
        400: _("Bad request"),
        401: _("Login required"),
        403: _("Access denied"),
        404: _("Page not found"),
        405: _("Method not allowed"),
        409: _("Conflict"),
        413: _("Request too large"),
        422: _("Invalid data"),
        429: _("Too many requests"),
        500: _("Server error"),
        503: _("Service unavailable"),
    }
    return titles.get(status, TITLES.get(status, "Error"))


def _explanation(status: int) -> str:
    texts = {
        400: _("The request could not be understood. If you submitted a form, reload the page and try again."),
        401: _("You need to log in to see this page."),
        403: _("You do not have permission to do this."),
        404: _("The page you asked for does not exist or is not visible to you."),
        405: _("This address does not accept that kind of request."),
        409: _("The request conflicts with the current state of the record. Nothing was changed."),
        413: _("The data you sent is larger than the platform accepts."),
        422: _("Some of the data is not valid."),
        429: _("Too many attempts. Please wait a few minutes and try again."),
        500: _("Something went wrong on our side. The team has been told."),
    }
    return texts.get(status, "")


def render_error(status: int, message: str | None = None) -> tuple[Any, int]:
    try:
        if wants_json():
            return json_error(status, message or _title(status)), status
        return (
            render_template(
                "errors/error.html",
                status=status,
                title=_title(status),
                message=message or _explanation(status),
            ),
            status,
        )
    except Exception:  # noqa: BLE001 - e.g. an untrusted Host header: no URL can be built, answer plainly
        return Response(f"{status} {TITLES.get(status, 'Error')}\n", status=status, mimetype="text/plain"), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[Any, int]:
        return render_error(
            400, _("The form has expired or was not sent from this site. Reload the page and try again.")
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        status = error.code or 500
        if status == 401 and not wants_json():
            from flask import redirect, url_for

            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        body, status = render_error(status)
        response = app.make_response((body, status))
        # RFC 9110: a 405 names the methods the address accepts (werkzeug puts them in the exception's headers).
        for name, value in error.get_headers():
            if name.lower() == "allow":
                response.headers["Allow"] = value
        return response

    @app.errorhandler(sa_exc.IntegrityError)
    def integrity_error(error: sa_exc.IntegrityError) -> tuple[Any, int]:
        # Two requests raced to create the same row (a unique key): the loser changed nothing. Services check
        # uniqueness first, so this is only ever the race; the answer is the one a stale version gets.
        from commons.extensions import db

        db.session.rollback()
        app.logger.info("integrity error answered 409: %s", error.orig)
        return render_error(409)

    @app.errorhandler(sa_exc.OperationalError)
    def operational_error(error: sa_exc.OperationalError) -> Any:
        from commons.extensions import db

        db.session.rollback()
        if is_lock_error(error):
            # The write lock was not had within the busy timeout (SQLite) or a lock or serialization failure
            # (PostgreSQL): nothing was written; the client may send the same request again.
            body, status = render_error(503, _("The platform is busy. Nothing was changed; try again shortly."))
            response = app.make_response((body, status))
            response.headers["Retry-After"] = "2"
            return response
        app.logger.exception("database error")
        return render_error(500)

    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError) -> tuple[Any, int]:
        if wants_json():
            errors = getattr(error, "errors", None)
            return json_error(error.status, error.message or _title(error.status), errors), error.status
        return render_error(error.status, error.message or None)

    @app.errorhandler(sa_exc.DataError)
    def data_error(error: sa_exc.DataError) -> tuple[Any, int]:
        # A value the column cannot hold (a number out of range) that validation let through.
        from commons.extensions import db

        db.session.rollback()
        app.logger.warning("data error answered 422: %s", error.orig)
        return render_error(422)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[Any, int]:
        app.logger.exception("unhandled error")
        from commons.extensions import db

        db.session.rollback()
        return render_error(500)
