# SPDX-License-Identifier: EUPL-1.2
"""Health score (0–100) of a commons from harvested signals, and its European dimension.

The score is the sum of five inputs; each input states its value, its points and its maximum, or that it
is unknown. Unknown inputs score zero and are listed, so a young or sparsely harvested commons is never
shown as healthier than the data supports. See docs/catalogue.md for the rules.

===========================  =====  ====================================================================
input                        max    points
===========================  =====  ====================================================================
activity                     25     last push ≤ 90 days 25, ≤ 180 days 18, ≤ 365 days 10, ≤ 730 days 4
community size               20     contributors ≥ 50: 20, ≥ 20: 15, ≥ 5: 10, ≥ 2: 5, 1: 2
contributor concentration    15     bus factor ≥ 5: 15, ≥ 3: 11, 2: 7, 1: 2
licence clarity              20     valid SPDX expression 10, every licence OSI-approved +10
documentation                20     README 8, CONTRIBUTING 6, governance file 6 (in any repository)
===========================  =====  ====================================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from commons.catalogue.models import Commons, UsageDeclaration
from commons.extensions import db
from commons.licences import OSI_APPROVED, licence_keys
from commons.organisations.models import Organisation
from commons.types import utcnow


@dataclass
class HealthInput:
    """One input of the score: ``value`` is what was observed (None when unknown)."""

    key: str
    label: Any
    maximum: int
    points: int = 0
    value: Any = None
    known: bool = False
    detail: Any = ""


@dataclass
class Health:
    score: int
    maximum: int
    inputs: list[HealthInput]
    member_states: list[str] = field(default_factory=list)

    @property
    def unknown(self) -> list[HealthInput]:
        return [i for i in self.inputs if not i.known]


def _max_signal(repositories: list[Any], key: str) -> int | None:
    values = [r.health.get(key) for r in repositories if isinstance(r.health, dict)]
    numbers = [int(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    return max(numbers) if numbers else None


def _any_flag(repositories: list[Any], record_key: str) -> bool | None:
    values = [r.health.get(record_key) for r in repositories if isinstance(r.health, dict)]
    flags = [v for v in values if isinstance(v, bool)]
    if not flags:
        return None
    return any(flags)


def _steps(value: int, steps: tuple[tuple[int, int], ...]) -> int:
    for threshold, points in steps:
        if value >= threshold:
            return points
    return 0


def _activity(commons: Commons, now: datetime) -> HealthInput:
    item = HealthInput("activity", _l("Activity"), 25)
    pushes = [r.pushed_at or r.forge_updated_at for r in commons.repositories]
    dates = [d for d in pushes if d is not None] or ([commons.last_activity_at] if commons.last_activity_at else [])
    if not dates:
        item.detail = _l("No push date harvested.")
        return item
    days = (now - max(dates)).days
    item.known, item.value = True, max(dates)
    item.points = 25 if days <= 90 else 18 if days <= 180 else 10 if days <= 365 else 4 if days <= 730 else 0
    item.detail = _l("Last change %(days)d days ago.", days=max(days, 0))
    return item


def _community(commons: Commons) -> HealthInput:
    item = HealthInput("community", _l("Community size"), 20)
    contributors = _max_signal(commons.repositories, "contributors")
    if contributors is None:
        item.detail = _l("Number of contributors not harvested.")
        return item
    item.known, item.value = True, contributors
    item.points = _steps(contributors, ((50, 20), (20, 15), (5, 10), (2, 5), (1, 2)))
    item.detail = _l("%(n)d contributors in the largest repository.", n=contributors)
    return item


def _concentration(commons: Commons) -> HealthInput:
    item = HealthInput("bus_factor", _l("Contributor concentration (bus factor)"), 15)
    bus = _max_signal(commons.repositories, "bus_factor")
    if bus is None:
        item.detail = _l("Bus factor not harvested.")
        return item
    item.known, item.value = True, bus
    item.points = _steps(bus, ((5, 15), (3, 11), (2, 7), (1, 2)))
    item.detail = _l("%(n)d people make half of the recent commits.", n=bus)
    return item


def _licence(commons: Commons) -> HealthInput:
    item = HealthInput("licence", _l("Licence clarity"), 20)
    expressions = list(commons.licences or []) + [
        r.license_spdx for r in commons.repositories if r.license_spdx and r.license_spdx != "NOASSERTION"
    ]
    item.known = True
    if not expressions:
        item.detail = _l("No licence declared.")
        return item
    parsed = [licence_keys(e) for e in dict.fromkeys(expressions)]
    item.value = ", ".join(dict.fromkeys(expressions))
    if any(p is None for p in parsed):
        item.detail = _l("A licence is not a valid SPDX expression.")
        return item
    item.points = 10
    keys = {k for p in parsed if p for k in p}
    if keys and keys <= OSI_APPROVED:
        item.points = 20
        item.detail = _l("Valid SPDX, OSI-approved.")
    else:
        item.detail = _l("Valid SPDX; OSI approval not confirmed for every licence.")
    return item


def _documentation(commons: Commons) -> HealthInput:
    item = HealthInput("documentation", _l("README, CONTRIBUTING and governance files"), 20)
    flags = {key: _any_flag(commons.repositories, key) for key in ("has_readme", "has_contributing", "has_governance")}
    if all(v is None for v in flags.values()):
        item.detail = _l("Files not checked by the harvest.")
        return item
    item.known = True
    item.points = (8 if flags["has_readme"] else 0) + (6 if flags["has_contributing"] else 0)
    item.points += 6 if flags["has_governance"] else 0
    item.value = flags
    return item


def member_states_involved(commons: Commons) -> list[str]:
    """Member states that publicly use (declared usage) or contribute (public contributions)."""
    from commons.contributions.models import Contribution

    using = db.session.scalars(
        select(Organisation.member_state_code)
        .join(UsageDeclaration, UsageDeclaration.organisation_id == Organisation.id)
        .where(
            UsageDeclaration.commons_id == commons.id,
            UsageDeclaration.public.is_(True),
            Organisation.member_state_code.is_not(None),
        )
    )
    contributing = db.session.scalars(
        select(Contribution.member_state_code).where(
            Contribution.commons_id == commons.id,
            Contribution.visibility == "public",
            Contribution.deleted_at.is_(None),
            Contribution.status.not_in(("draft", "cancelled")),
        )
    )
    codes = {c for c in [*using, *contributing] if c and c != "EU"}
    return sorted(codes)


def health_of(commons: Commons, now: datetime | None = None) -> Health:
    """The score with every input, and the member states using or contributing to the commons."""
    now = now or utcnow()
    inputs = [
        _activity(commons, now),
        _community(commons),
        _concentration(commons),
        _licence(commons),
        _documentation(commons),
    ]
    return Health(
        score=sum(i.points for i in inputs),
        maximum=sum(i.maximum for i in inputs),
        inputs=inputs,
        member_states=member_states_involved(commons),
    )
