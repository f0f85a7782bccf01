# SPDX-License-Identifier: EUPL-1.2
"""Objects the API's matrix cases need: an Italian organisation that publicly uses the matrix commons."""

from __future__ import annotations

from typing import Any

from commons.catalogue.models import Repository, UsageDeclaration
from commons.extensions import db
from tests.factories import OrganisationFactory


def build(ctx: dict[str, Any]) -> None:
    """Add ``api_org`` (IT) with a public usage declaration, and ``api_repository_url`` (already known)."""
    org = OrganisationFactory(name="Matrix Comune IT", slug="matrix-comune-it", member_state_code="IT")
    db.session.add(UsageDeclaration(commons_id=ctx["commons_id"], organisation_id=org.id, public=True))
    repository = db.session.get(Repository, ctx["repository_id"])
    db.session.flush()
    ctx.update(api_org=org.slug, api_repository_url=repository.web_url)
