# SPDX-License-Identifier: EUPL-1.2
"""Facts the platform already knows about a commons, shown beside each criterion of the assessment form.

They are evidence to read, not verdicts: the reviewer decides. Unknown facts are said to be unknown.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from commons.catalogue.models import Commons
from commons.i18n import label as value_label
from commons.licences import approval, licence_keys
from commons.types import utcnow


@dataclass
class Fact:
    """One fact: a label, its value as text, and ``warn`` when it points at a problem."""

    label: str
    value: str
    warn: bool = False


def licence_facts(expression: str) -> list[Fact]:
    """Whether an SPDX expression is valid and every licence in it is OSI- or FSF-approved."""
    keys = licence_keys(expression)
    if keys is None:
        return [Fact(_("Licence"), _("%(value)s is not a valid SPDX licence expression.", value=expression), True)]
    facts = []
    for key in keys:
        osi, fsf = approval(key)
        if osi and fsf:
            text = _("%(key)s: OSI-approved and FSF free", key=key)
        elif osi:
            text = _("%(key)s: OSI-approved", key=key)
        elif fsf:
            text = _("%(key)s: FSF free", key=key)
        else:
            text = _("%(key)s: approval not confirmed by OSI or FSF", key=key)
        facts.append(Fact(_("Licence"), text, not (osi or fsf)))
    return facts


def _age(moment: datetime | None) -> str:
    if moment is None:
        return _("unknown")
    days = max((utcnow() - moment).days, 0)
    return _("%(date)s (%(days)d days ago)", date=moment.date().isoformat(), days=days)


def facts_for(commons: Commons) -> dict[str, list[Fact]]:
    """Facts per criterion code (G1–G6, S1–S5) from the catalogue, repositories and usage declarations."""
    repos = [r for r in commons.repositories if r.gone_at is None]
    out: dict[str, list[Fact]] = {}

    licences = list(commons.licences or []) or sorted({r.license_spdx for r in repos if r.license_spdx})
    g1 = [f for expression in licences for f in licence_facts(expression)]
    out["G1"] = g1 or [Fact(_("Licence"), _("No licence is known."), True)]

    stewards = [
        f"{s.organisation.name} ({value_label(s.role, 'steward_role')})"
        for s in commons.stewards
        if s.organisation is not None
    ]
    out["G2"] = [Fact(_("Stewards"), ", ".join(stewards) or _("No steward is recorded."), not stewards)]

    g3 = [Fact(_("Public repositories"), str(len(repos)), not repos)]
    g3 += [Fact(_("Repository"), r.web_url) for r in repos[:5]]
    docs = []
    for flag, label in (
        ("has_readme", _("README")),
        ("has_contributing", _("CONTRIBUTING")),
        ("has_governance", _("governance file")),
    ):
        values = [r.health.get(flag) for r in repos if isinstance(r.health, dict)]
        if any(v is True for v in values):
            docs.append(_("%(file)s: yes", file=label))
        elif any(v is False for v in values):
            docs.append(_("%(file)s: no", file=label))
        else:
            docs.append(_("%(file)s: unknown", file=label))
    g3.append(Fact(_("Documentation files"), "; ".join(docs)))
    publiccode = [r for r in repos if r.publiccode_raw is not None]
    g3.append(
        Fact(
            _("publiccode.yml"),
            _("valid") if any(r.publiccode_valid for r in publiccode) else (_("invalid") if publiccode else _("none")),
        )
    )
    out["G3"] = g3

    pushed = [r.pushed_at for r in repos if r.pushed_at is not None]
    last = max(pushed) if pushed else commons.last_activity_at
    bus = [r.health.get("bus_factor") for r in repos if isinstance(r.health, dict)]
    bus_known = [b for b in bus if isinstance(b, int)]
    contributors = [r.health.get("contributors") for r in repos if isinstance(r.health, dict)]
    contrib_known = [c for c in contributors if isinstance(c, int)]
    out["S3"] = [
        Fact(_("Last activity"), _age(last), last is None or (utcnow() - last).days > 365),
        Fact(
            _("Bus factor"),
            str(max(bus_known)) if bus_known else _("unknown"),
            bool(bus_known) and max(bus_known) < 2,
        ),
        Fact(_("Contributors"), str(max(contrib_known)) if contrib_known else _("unknown")),
        Fact(_("Archived on the forge"), _("yes") if repos and all(r.archived for r in repos) else _("no")),
    ]

    usage = usage_by_state(commons)
    usage_text = ", ".join(f"{state} ({count})" for state, count in usage) or _("No public usage declared.")
    out["S2"] = [Fact(_("Usage by member state"), usage_text, not usage)]
    out["S5"] = [
        Fact(_("Member states using it"), str(len(usage)), len(usage) < 2),
        Fact(_("Country of origin"), value_label(commons.country, "country") or _("unknown")),
    ]
    out["S4"] = [Fact(_("Steward organisations"), str(len(stewards)))]
    out["S1"] = [Fact(_("Category"), value_label(commons.category, "category"))]
    topics = list(commons.topics or [])
    if topics:
        out["S1"].append(Fact(_("Topics"), ", ".join(topics[:10])))
    return out


def usage_by_state(commons: Commons) -> list[tuple[str, int]]:
    """Public usage declarations per member state of the using organisation, most first."""
    counts: Counter[str] = Counter()
    for usage in commons.usages:
        org: Any = usage.organisation
        if usage.public and org is not None and org.member_state_code:
            counts[org.member_state_code] += 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
