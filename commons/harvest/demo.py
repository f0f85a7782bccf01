# SPDX-License-Identifier: EUPL-1.2
"""Demo harvest sources: real public forge accounts of public bodies (nothing is fetched at load time).

Two are approved (Etalab and La Suite numérique, both of the French DINUM), one waits for approval
(Developers Italia, of the Italian Department for Digital Transformation), so the admin pages show both
states. Idempotent: a source already present is left as it is.
"""

from __future__ import annotations

from sqlalchemy import select

from commons.extensions import db
from commons.harvest.models import HarvestSource
from commons.organisations.models import Organisation
from commons.types import utcnow
from harvesters import source_from_url
from harvesters.base import web_host

DEMO_SOURCES = [
    # (kind, account URL, organisation slug, approved)
    ("github", "https://github.com/etalab", "direction-interministerielle-du-numerique", True),
    ("github", "https://github.com/suitenumerique", "direction-interministerielle-du-numerique", True),
    ("github", "https://github.com/italia", "dipartimento-per-la-trasformazione-digitale", False),
]


def load_harvest_demo() -> list[str]:
    """Add the demo sources that are missing; returns the lines to print."""
    added = 0
    for kind, url, org_slug, approved in DEMO_SOURCES:
        spec = source_from_url(kind, url)  # type: ignore[arg-type]
        exists = db.session.scalar(
            select(HarvestSource.id).where(HarvestSource.api_base == spec.api_base, HarvestSource.owner == spec.owner)
        )
        if exists is not None:
            continue
        org = db.session.scalar(select(Organisation).where(Organisation.slug == org_slug))
        db.session.add(
            HarvestSource(
                kind=kind,
                forge_host=web_host(spec.web_url),
                api_base=spec.api_base,
                owner=spec.owner,
                web_url=spec.web_url,
                organisation_id=org.id if org else None,
                schedule_hours=24,
                approval_state="approved" if approved else "proposed",
                approved_at=utcnow() if approved else None,
            )
        )
        added += 1
    db.session.flush()
    return [f"Harvest sources: {added} added ({len(DEMO_SOURCES)} in the demo)."]
