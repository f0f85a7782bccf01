# SPDX-License-Identifier: EUPL-1.2
"""Reviews endpoints of the JSON API (described in ``commons/reviews/openapi.py``).

The working group's rounds need a token of a reviewer or of the secretariat; the decision of a commons is
public. Invalid transitions answer 409 and change nothing.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_babel import gettext as _
from sqlalchemy import func, select

from commons.api import bp
from commons.api.helpers import (
    cursor_after_id,
    encode_cursor,
    json_body,
    list_answer,
    page_limit,
    query_choice,
    require_token_user,
)
from commons.errors import ValidationFailed
from commons.extensions import db
from commons.permissions import require
from commons.reviews import services
from commons.reviews.models import STATES, Review


@bp.route("/v1/reviews")
def reviews_list() -> Any:
    """Rounds, newest first, optionally by ``status``; for reviewers and the secretariat."""
    user = require_token_user()
    require(user, "review:queue")
    status = query_choice("status", STATES)
    limit = page_limit()
    after = cursor_after_id()
    query = select(Review)
    count = select(func.count(Review.id))
    if status:
        query = query.where(Review.status == status)
        count = count.where(Review.status == status)
    if after is not None:
        query = query.where(Review.id < after)
    rows = db.session.scalars(query.order_by(Review.id.desc()).limit(limit + 1)).all()
    next_cursor = encode_cursor({"id": rows[limit - 1].id}) if len(rows) > limit else None
    items = [services.review_as_dict(r, internal=True) for r in rows[:limit]]
    return jsonify(list_answer(items, db.session.scalar(count) or 0, next_cursor))


@bp.route("/v1/reviews/<int:review_id>")
def reviews_detail(review_id: int) -> Any:
    """One round with its criteria aggregate, reviewers (no e-mails) and clarifications."""
    user = require_token_user()
    review = services.get_review(review_id, user)
    return jsonify(services.review_as_dict(review, internal=True))


@bp.route("/v1/reviews/<int:review_id>/transitions", methods=["POST"])
def reviews_transition(review_id: int) -> Any:
    """Apply ``{"action": ..., "version": n, ...}``; 409 when the state or version does not allow it."""
    user = require_token_user()
    review = services.get_review(review_id, user)
    body = json_body()
    data: dict[str, Any] = {k: v for k, v in body.items() if k not in ("action", "version")}
    version = body.get("version")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise ValidationFailed({"version": [_("The version must be a whole number.")]})
    try:
        services.transition(review, str(body.get("action") or ""), user, version=version, **data)
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    return jsonify(services.review_as_dict(review, internal=True))


@bp.route("/v1/commons/<slug>/review")
def commons_review(slug: str) -> Any:
    """The public decision of a commons: summary and criteria aggregate, never reviewers' identities."""
    commons = services.get_commons(slug)
    review = services.latest_public_review(commons)
    summary = services.public_review_summary(commons)
    out: dict[str, Any] = {"commons": commons.slug, "review": None}
    if summary is not None and review is not None:
        public = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in summary.items()}
        public["criteria"] = services.aggregate(review) if review.status == "decided" else []
        out["review"] = public
    return jsonify(out)
