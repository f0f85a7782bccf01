# SPDX-License-Identifier: EUPL-1.2
"""Factories of the catalogue tests (the shared ones are in tests/factories.py)."""

from __future__ import annotations

import factory

from commons.catalogue.models import CommonsSteward, UsageDeclaration
from tests.factories import Base, CommonsFactory, OrganisationFactory


class StewardFactory(Base):
    class Meta:
        model = CommonsSteward

    commons = factory.SubFactory(CommonsFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "owner"


class UsageFactory(Base):
    class Meta:
        model = UsageDeclaration

    commons = factory.SubFactory(CommonsFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    context = "Used by the city's service desk."
    public = True
