# SPDX-License-Identifier: EUPL-1.2
"""Catalogue pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template
from sqlalchemy import select

from commons.catalogue.models import Commons
from commons.extensions import db

bp = Blueprint("catalogue", __name__)


@bp.route("/commons/<slug>")
def detail(slug: str) -> Any:
    commons = db.session.scalar(select(Commons).where(Commons.slug == slug))
    if commons is None:
        abort(404)
    return render_template("catalogue/detail.html", commons=commons)


from commons.catalogue import exports  # noqa: E402,F401 - registers the export routes on bp
