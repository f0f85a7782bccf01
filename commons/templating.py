# SPDX-License-Identifier: EUPL-1.2
"""Template globals: navigation for the current user, forms for header buttons."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from commons.forms import BaseForm, field_max_length, field_messages
from commons.permissions import can

# (endpoint, label, permission needed or None). Endpoints not registered yet are skipped.
NAVIGATION: list[tuple[str, Any, str | None]] = [
    ("main.index", _l("Home"), None),
    ("catalogue.search", _l("Catalogue"), None),
    ("organisations.index", _l("Organisations"), None),
    ("contributions.dashboard", _l("Contributions"), None),
    ("reviews.dashboard", _l("Reviews"), "review:queue"),
    ("harvest.sources", _l("Harvest"), "harvest:manage"),
    ("admin_users.index", _l("Users"), "users:administer"),
    ("admin_rates.index", _l("Exchange rates"), "fx:manage"),
    ("main.api_docs", _l("API"), None),
]


def main_navigation() -> list[tuple[str, Any, bool]]:
    from flask import current_app

    return [
        (endpoint, label, perm is None or can(current_user, perm))
        for endpoint, label, perm in NAVIGATION
        if endpoint in current_app.view_functions
    ]


STATUS_LABELS = {
    "candidate": _l("Candidate"),
    "under_review": _l("Under review"),
    "accepted": _l("Accepted"),
    "ineligible": _l("Ineligible"),
    "archived": _l("Archived"),
}
ROLE_LABELS = {
    "admin": _l("Administrator"),
    "secretariat": _l("Secretariat"),
    "reviewer": _l("Reviewer"),
    "member_state_rep": _l("Member-state representative"),
    "user": _l("User"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def init_templating(app: Flask) -> None:
    app.jinja_env.globals["status_label"] = status_label
    app.jinja_env.filters["role_label"] = role_label
    app.jinja_env.globals["field_messages"] = field_messages
    app.jinja_env.globals["field_max_length"] = field_max_length

    @app.context_processor
    def inject() -> dict[str, Any]:
        return {
            "can": lambda perm, obj=None: can(current_user, perm, obj),
            # Header forms never read the request body: an error page for a 413 must still render.
            "header_form": lambda: BaseForm(formdata=None),
            "main_navigation": main_navigation,
            "current_app_endpoints": app.view_functions,
            "current_path": request.full_path.rstrip("?") if request else "/",
        }
