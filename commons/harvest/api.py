# SPDX-License-Identifier: EUPL-1.2
"""Harvest endpoints of the JSON API: harvested repositories and public job summaries."""

from __future__ import annotations

import contextlib
import re
from typing import Any

from flask import current_app, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from commons.api import bp
from commons.api.helpers import cursor_after_id, encode_cursor, page_limit
from commons.catalogue.models import Repository
from commons.errors import ValidationFailed
from commons.extensions import db
from commons.harvest import services
from commons.harvest.services import MAX_ID

# Error texts come from forges and the network stack: never let a credential through to the public.
_SECRET_PATTERNS = (
    re.compile(r"(?i)(bearer\s+)[^\s,;]+"),
    re.compile(r"(?i)((?:access_|private_)?token=)[^&\s]+"),
    re.compile(r"(?i)(://)[^/@\s]+@"),
)


def scrub(text: str | None) -> str | None:
    """Remove anything that looks like a credential, and the configured tokens themselves."""
    if not text:
        return text
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + "***" + ("@" if m.group(0).endswith("@") else ""), text)
    from commons.outbound import policy_from_config

    tokens: list[str] = []
    with contextlib.suppress(ValueError):
        tokens = list(policy_from_config(current_app.config).tokens.values())
    for token in tokens:
        if token:
            text = text.replace(token, "***")
    return text


def repository_item(repo: Repository) -> dict[str, Any]:
    """One repository as the API shows it."""
    return {
        "id": repo.id,
        "name": repo.full_name.rsplit("/", 1)[-1],
        "full_name": repo.full_name,
        "url": repo.web_url,
        "host": repo.host,
        "remote_id": repo.remote_id,
        "forge": repo.forge_kind,
        "description": repo.description,
        "license": repo.license_spdx,
        "topics": list(repo.topics or []),
        "languages": list(repo.languages or []),
        "stars": repo.stars,
        "forks": repo.forks,
        "archived": bool(repo.archived),
        "gone": repo.gone_at is not None,
        "fork": bool(repo.fork),
        "pushed_at": repo.pushed_at.isoformat() if repo.pushed_at else None,
        "previous_names": list(repo.previous_names or []),
        "publiccode_valid": repo.publiccode_valid,
        "commons": repo.commons.slug if repo.commons is not None else None,
        "source": repo.source_id,
    }


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ValidationFailed({name: [_("Enter a whole number.")]}) from None
    if not 1 <= value <= MAX_ID:
        # Databases store 32-bit ids; a larger number would overflow rather than match nothing.
        raise ValidationFailed({name: [_("Enter a number between 1 and %(max)d.", max=MAX_ID)]})
    return value


@bp.route("/v1/repositories")
def repositories_list() -> Any:
    limit = page_limit()
    after = cursor_after_id() or 0
    query = select(Repository)
    source = _int_arg("source")
    if source is not None:
        query = query.where(Repository.source_id == source)
    host = (request.args.get("host") or "").strip().lower()
    if host:
        query = query.where(Repository.host == host)
    text = (request.args.get("q") or "").strip()
    if len(text) > 200:
        raise ValidationFailed({"q": [_("The search text is too long (200 characters at most).")]})
    if text:
        like = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                func.lower(Repository.full_name).like(like, escape="\\"),
                func.lower(func.coalesce(Repository.description, "")).like(like, escape="\\"),
            )
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(query.where(Repository.id > after).order_by(Repository.id).limit(limit + 1)).all()
    next_cursor = encode_cursor({"id": rows[limit - 1].id}) if len(rows) > limit else None
    return jsonify({"items": [repository_item(r) for r in rows[:limit]], "total": total, "next": next_cursor})


@bp.route("/v1/harvest/jobs/<int:job_id>")
def harvest_job(job_id: int) -> Any:
    job = services.get_job(job_id)
    summary = services.job_summary(job)
    summary["error"] = scrub(summary["error"])
    source = job.source
    summary["source"] = {"id": source.id, "kind": source.kind, "url": source.web_url}
    summary["errors"] = [
        {
            "stage": item.stage,
            "remote_id": item.remote_id,
            "full_name": item.full_name,
            "url": scrub(item.url),
            "error": scrub(item.error),
            "cause": (item.details or {}).get("cause"),
        }
        for item in services.job_items(job, errors_only=True, limit=200)
    ]
    return jsonify(summary)
