# SPDX-License-Identifier: EUPL-1.2
"""Objects the catalogue matrix cases need: a commons the FR organisation already declared it uses."""

from __future__ import annotations

from typing import Any

from commons.catalogue.models import UsageDeclaration
from commons.extensions import db
from tests.factories import CommonsFactory


def build(ctx: dict[str, Any]) -> None:
    """Add ``catalogue_used``: a commons with a public usage declaration of ``org`` (FR)."""
    used = CommonsFactory(name="Matrix Used Commons", slug="matrix-used-commons")
    db.session.add(
        UsageDeclaration(commons_id=used.id, organisation_id=ctx["org_id"], context="Matrix use", public=True)
    )
    db.session.flush()
    ctx["catalogue_used"] = used.slug
