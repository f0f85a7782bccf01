# SPDX-License-Identifier: EUPL-1.2
"""Home page, health check, language choice and the accessibility statement."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, redirect, render_template, request, session, url_for
from sqlalchemy import func, select, text

from commons.catalogue.models import Commons
from commons.extensions import db
from commons.forms import BaseForm
from commons.i18n import EU_LANGUAGES
from commons.security import is_safe_next

bp = Blueprint("main", __name__)


@bp.route("/")
def index() -> Any:
    total = db.session.scalar(select(func.count(Commons.id)).where(Commons.catalogue_status != "archived")) or 0
    accepted = db.session.scalars(
        select(Commons).where(Commons.catalogue_status == "accepted").order_by(Commons.name).limit(6)
    ).all()
    recent = db.session.scalars(
        select(Commons)
        .where(Commons.catalogue_status != "archived")
        .order_by(Commons.last_activity_at.desc().nulls_last(), Commons.name)
        .limit(12)
    ).all()
    return render_template("main/index.html", total=total, accepted=accepted, recent=recent)


@bp.route("/healthz")
def healthz() -> Any:
    db.session.execute(text("SELECT 1"))
    return jsonify({"status": "ok"})


@bp.route("/accessibility")
def accessibility() -> Any:
    return render_template("main/accessibility.html")


@bp.route("/language", methods=["POST"])
def set_language() -> Any:
    form = BaseForm()
    lang = request.form.get("lang", "")
    if form.validate_on_submit() and lang in EU_LANGUAGES:
        session["lang"] = lang
    target = request.form.get("next", "")
    return redirect(target if is_safe_next(target) else url_for("main.index"))


@bp.route("/api")
def api_docs() -> Any:
    return render_template("main/api.html")
