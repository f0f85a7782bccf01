# SPDX-License-Identifier: EUPL-1.2
"""Catalogue endpoints of the JSON API."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for
from sqlalchemy import func, select

from commons.api import bp
from commons.api.helpers import decode_cursor, encode_cursor, page_limit
from commons.catalogue.models import Commons
from commons.extensions import db


def commons_item(commons: Commons) -> dict[str, Any]:
    return {
        "slug": commons.slug,
        "name": commons.name,
        "summary": commons.summary,
        "license": commons.licences[0] if commons.licences else None,
        "licenses": list(commons.licences or []),
        "status": commons.catalogue_status,
        "category": commons.category,
        "country": commons.country,
        "url": url_for("catalogue.detail", slug=commons.slug, _external=True),
    }


@bp.route("/v1/commons")
def commons_list() -> Any:
    limit = page_limit()
    cursor = decode_cursor(request.args.get("cursor"))
    after = int(cursor.get("id", 0)) if cursor else 0
    base = select(Commons).where(Commons.catalogue_status != "archived")
    total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = db.session.scalars(base.where(Commons.id > after).order_by(Commons.id).limit(limit + 1)).all()
    next_cursor = encode_cursor({"id": rows[limit - 1].id}) if len(rows) > limit else None
    return jsonify({"items": [commons_item(c) for c in rows[:limit]], "total": total, "next": next_cursor})
