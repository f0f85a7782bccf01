# SPDX-License-Identifier: EUPL-1.2
"""Who sees which contribution, and the small-cell rule for aggregates (DESIGN.md §5).

- ``public``: everyone; ``initiative``: logged-in representatives, reviewers and the secretariat/admins;
  ``restricted``: the representatives of the contribution's own state and the secretariat/admins.
- A restricted record is counted only in aggregates of at least ``k`` (3) records.
- Staff names are never public: only the own state's representatives and the staff read them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, false, or_, select

from commons.accounts.models import ADMIN, REP, REVIEWER, SECRETARIAT
from commons.contributions.models import Contribution
from commons.permissions import can

SMALL_CELL_MIN = 3


def _roles(user: Any) -> set[str]:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return set()
    return set(user.role_names)


def visibility_clause(user: Any) -> Any:
    """A WHERE clause on ``Contribution`` with the records ``user`` may read (deleted ones included)."""
    roles = _roles(user)
    if roles & {ADMIN, SECRETARIAT}:
        return Contribution.visibility.in_(("public", "initiative", "restricted"))
    clauses = [Contribution.visibility == "public"]
    if roles & {REP, REVIEWER}:
        clauses.append(Contribution.visibility == "initiative")
    state = getattr(user, "member_state_code", None)
    if REP in roles and state:
        clauses.append(and_(Contribution.visibility == "restricted", Contribution.member_state_code == state))
    return or_(*clauses) if clauses else false()


def visible_contributions_query(user: Any, *, include_deleted: bool = False) -> Select[tuple[Contribution]]:
    """``select(Contribution)`` limited to what ``user`` may read; soft-deleted records left out by default."""
    query = select(Contribution).where(visibility_clause(user))
    if not include_deleted:
        query = query.where(Contribution.deleted_at.is_(None))
    return query


def can_see_staff_names(user: Any, contribution: Any) -> bool:
    """Named persons are private: the own state's representatives and the staff only (never public)."""
    roles = _roles(user)
    if roles & {ADMIN, SECRETARIAT}:
        return True
    return can(user, "contribution:edit", contribution)


def can_read(user: Any, contribution: Any) -> bool:
    """Whether ``user`` may read this record (deleted records: only those who may edit them)."""
    if contribution.deleted_at is not None and not (
        can(user, "contribution:edit", contribution) or _roles(user) & {ADMIN, SECRETARIAT}
    ):
        return False
    return can(user, "contribution:read", contribution)
