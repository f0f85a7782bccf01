# SPDX-License-Identifier: EUPL-1.2
"""Imports every model so that Alembic and the application see the whole schema."""

from commons.accounts.models import ApiToken, LoginFailure, Role, User, user_roles
from commons.admin.models import Invitation, RateImport
from commons.audit import AuditEvent
from commons.catalogue.models import (
    Commons,
    CommonsSteward,
    Need,
    Nomination,
    Repository,
    UsageDeclaration,
    UsageReferent,
)
from commons.contributions.models import (
    Contribution,
    ContributionVersion,
    Evidence,
    ExchangeRate,
    FundingLine,
    GovernanceParticipation,
    InKindItem,
    StaffAllocation,
)
from commons.harvest.models import HarvestItem, HarvestJob, HarvestSource, HttpCacheEntry
from commons.memberstates.models import MemberState
from commons.organisations.models import Organisation, OrganisationIdentifier
from commons.reviews.models import Assessment, Clarification, Criterion, Review, ReviewReviewer

__all__ = [
    "ApiToken",
    "Assessment",
    "AuditEvent",
    "Clarification",
    "Commons",
    "CommonsSteward",
    "Contribution",
    "ContributionVersion",
    "Criterion",
    "Evidence",
    "ExchangeRate",
    "FundingLine",
    "GovernanceParticipation",
    "HarvestItem",
    "HarvestJob",
    "HarvestSource",
    "HttpCacheEntry",
    "InKindItem",
    "Invitation",
    "LoginFailure",
    "MemberState",
    "Need",
    "Nomination",
    "Organisation",
    "RateImport",
    "OrganisationIdentifier",
    "Repository",
    "Review",
    "ReviewReviewer",
    "Role",
    "StaffAllocation",
    "UsageDeclaration",
    "UsageReferent",
    "User",
    "user_roles",
]
