# SPDX-License-Identifier: EUPL-1.2
"""Catalogue services: derived figures of a commons, usage declarations, referents and nominations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from commons.catalogue.models import Commons, Repository, UsageDeclaration
from commons.catalogue.search import sync_facets
from commons.extensions import db


def refresh_commons(commons: Commons) -> Commons:
    """Recompute what a commons derives from its repositories and usage: ``stars`` (sum over
    repositories), ``last_activity_at`` (latest push or update), ``usage_count`` (public declarations),
    and its search facets. Call it after upserting repositories; it flushes, the caller commits."""
    db.session.flush()
    stars, pushed, updated = db.session.execute(
        select(
            func.coalesce(func.sum(Repository.stars), 0),
            func.max(Repository.pushed_at),
            func.max(Repository.forge_updated_at),
        ).where(Repository.commons_id == commons.id)
    ).one()
    commons.stars = int(stars or 0)
    candidates = [d for d in (pushed, updated) if isinstance(d, datetime)]
    latest = max(candidates) if candidates else None
    if latest is not None or commons.last_activity_at is None:
        commons.last_activity_at = latest
    commons.usage_count = int(
        db.session.scalar(
            select(func.count(UsageDeclaration.id)).where(
                UsageDeclaration.commons_id == commons.id, UsageDeclaration.public.is_(True)
            )
        )
        or 0
    )
    db.session.flush()
    sync_facets(db.session.connection(), [commons.id])
    return commons
