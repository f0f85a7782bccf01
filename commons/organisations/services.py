# SPDX-License-Identifier: EUPL-1.2
"""Organisations: the public directory and what each organisation uses and stewards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from commons.catalogue.models import Commons, CommonsSteward, UsageDeclaration
from commons.errors import NotFound
from commons.extensions import db
from commons.organisations.models import Organisation
from commons.permissions import can


@dataclass
class OrganisationRow:
    organisation: Organisation
    uses: int
    stewards: int


def list_organisations(country: str | None = None) -> list[OrganisationRow]:
    """Organisations with their public usage and stewardship counts, sorted by name."""
    uses = (
        select(UsageDeclaration.organisation_id, func.count().label("n"))
        .where(UsageDeclaration.public.is_(True))
        .group_by(UsageDeclaration.organisation_id)
        .subquery()
    )
    stewards = (
        select(CommonsSteward.organisation_id, func.count(func.distinct(CommonsSteward.commons_id)).label("n"))
        .group_by(CommonsSteward.organisation_id)
        .subquery()
    )
    stmt = (
        select(Organisation, func.coalesce(uses.c.n, 0), func.coalesce(stewards.c.n, 0))
        .outerjoin(uses, uses.c.organisation_id == Organisation.id)
        .outerjoin(stewards, stewards.c.organisation_id == Organisation.id)
        .order_by(Organisation.name)
    )
    if country:
        stmt = stmt.where(Organisation.member_state_code == country)
    return [OrganisationRow(org, int(u), int(s)) for org, u, s in db.session.execute(stmt)]


@dataclass
class OrganisationProfile:
    organisation: Organisation
    uses: list[UsageDeclaration]
    private_uses: int
    stewards: list[tuple[Commons, list[str]]]


def organisation_profile(slug: str, viewer: Any) -> OrganisationProfile:
    """What an organisation uses (public declarations; private ones only to its members and staff)
    and stewards."""
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if organisation is None:
        raise NotFound()
    member = getattr(viewer, "is_authenticated", False) and getattr(viewer, "organisation_id", None) == organisation.id
    sees_private = bool(member or can(viewer, "organisations:manage"))
    declarations = list(
        db.session.scalars(
            select(UsageDeclaration)
            .options(joinedload(UsageDeclaration.commons))
            .join(Commons, Commons.id == UsageDeclaration.commons_id)
            .where(UsageDeclaration.organisation_id == organisation.id)
            .order_by(Commons.name)
        )
    )
    visible = [d for d in declarations if d.public or sees_private]
    private_count = sum(1 for d in declarations if not d.public)
    roles: dict[int, tuple[Commons, list[str]]] = {}
    for steward in db.session.scalars(
        select(CommonsSteward)
        .options(joinedload(CommonsSteward.commons))
        .where(CommonsSteward.organisation_id == organisation.id)
    ):
        roles.setdefault(steward.commons_id, (steward.commons, []))[1].append(steward.role)
    stewards = sorted(roles.values(), key=lambda item: item[0].name.lower())
    return OrganisationProfile(organisation, visible, private_count, stewards)
