# SPDX-License-Identifier: EUPL-1.2
"""Objects the harvest matrix cases need: an approved and a proposed source, and a finished job.

The sources point at a loopback address that is not allow-listed, so "run now" and "preview" are refused
by the outbound guard at once: the matrix never sends a request anywhere.
"""

from __future__ import annotations

from typing import Any

from commons.extensions import db
from commons.harvest.models import HarvestItem, HarvestJob, HarvestSource
from commons.types import utcnow


def build(ctx: dict[str, Any]) -> None:
    """Add ``harvest_source`` (approved), ``harvest_proposed`` and ``harvest_job`` (with one error item)."""
    approved = HarvestSource(
        kind="gitea",
        forge_host="127.0.0.1:9",
        api_base="http://127.0.0.1:9/api/v1",
        owner="matrix",
        web_url="http://127.0.0.1:9/matrix",
        approval_state="approved",
        approved_at=utcnow(),
        organisation_id=ctx["org_id"],
    )
    proposed = HarvestSource(
        kind="github",
        forge_host="127.0.0.1:9",
        api_base="http://127.0.0.1:9/api/v3",
        owner="matrix-proposed",
        web_url="http://127.0.0.1:9/matrix-proposed",
        approval_state="proposed",
        proposed_by_id=ctx["user_ids"]["user"],
    )
    db.session.add_all([approved, proposed])
    db.session.flush()
    job = HarvestJob(
        source_id=approved.id,
        status="partial",
        started_at=utcnow(),
        finished_at=utcnow(),
        added=1,
        errored=1,
        details={},
    )
    db.session.add(job)
    db.session.flush()
    db.session.add(
        HarvestItem(
            job_id=job.id,
            stage="listing",
            status="error",
            url="http://127.0.0.1:9/api/v1/orgs/matrix/repos?page=2",
            error="HTTP 500 Internal Server Error",
            details={},
        )
    )
    db.session.flush()
    ctx.update(harvest_source=approved.id, harvest_proposed=proposed.id, harvest_job=job.id)
