# SPDX-License-Identifier: EUPL-1.2
"""Organisations pages: the directory and each organisation's commons."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, render_template, request
from flask_login import current_user

from commons.forms import is_http_url
from commons.i18n import country_name
from commons.organisations import services

bp = Blueprint("organisations", __name__)


@bp.route("/organisations")
def index() -> Any:
    country = (request.args.get("country") or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        country = ""
    rows = services.list_organisations(country or None)
    return render_template("organisations/index.html", rows=rows, country=country, country_name=country_name)


@bp.route("/organisations/<slug>")
def detail(slug: str) -> Any:
    profile = services.organisation_profile(slug, current_user)
    return render_template(
        "organisations/detail.html", profile=profile, country_name=country_name, is_http_url=is_http_url
    )
