# SPDX-License-Identifier: EUPL-1.2
"""Demo contributions: every type, from eight member states, in EUR, SEK, PLN and DKK, of every visibility.

The records are fictitious (their descriptions say so); they go through the same services as the forms, so
rates, refs, statuses, versions and audit events are what a real entry produces. Idempotent: a demo record
is matched by member state and title. Demo ECB rates are imported first for the days the lines use.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from commons.accounts.models import User
from commons.catalogue.models import Commons
from commons.contributions import fx, services
from commons.contributions.models import Contribution
from commons.extensions import db

DEMO_NOTE = "Demo record: fictitious, for trying the platform."

# Units per euro, in the ECB's convention; values of the order of the published rates of those days.
DEMO_RATES: list[tuple[str, str, str]] = [
    ("2025-03-14", "SEK", "11.0235"),
    ("2025-03-14", "PLN", "4.1853"),
    ("2025-03-14", "DKK", "7.4598"),
    ("2025-03-14", "USD", "1.0879"),
    ("2025-09-12", "SEK", "10.9480"),
    ("2025-09-12", "PLN", "4.2670"),
    ("2025-09-12", "DKK", "7.4640"),
    ("2025-09-12", "USD", "1.1731"),
    ("2026-02-13", "SEK", "11.1820"),
    ("2026-02-13", "PLN", "4.2145"),
    ("2026-02-13", "DKK", "7.4619"),
    ("2026-02-13", "USD", "1.1604"),
]


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _funding(kind: str, day: str, amount: str, currency: str = "EUR", **extra: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "date": _d(day),
        "amount": Decimal(amount),
        "currency": currency,
        "bank_rate": None,
        "evidence_url": extra.get("evidence_url"),
        "evidence_type": "payment_proof",
        "justification": extra.get("justification"),
        "note": None,
    }


def _staff(
    role: str, headcount: int, *, fte: str | None = None, days: str | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "role": role,
        "headcount": headcount,
        "fte": Decimal(fte) if fte else None,
        "person_days": Decimal(days) if days else None,
        "employment_type": extra.get("employment_type", "secondment"),
        "delivery_status": extra.get("delivery_status", "planned"),
        "period_start": None,
        "period_end": None,
        "person_names": extra.get("names"),
    }


def _seat(
    body: str, role: str, vote: bool, formal: bool, start: str, end: str | None = None, name: str | None = None
) -> dict[str, Any]:
    return {
        "body": body,
        "body_name": name,
        "membership_tier": None,
        "seat_role": role,
        "voting_rights": vote,
        "formal": formal,
        "start_date": _d(start),
        "end_date": _d(end) if end else None,
    }


def _item(
    kind: str, what: str, quantity: str, unit: str, value: str | None = None, currency: str | None = None
) -> dict[str, Any]:
    return {
        "kind": kind,
        "description": what,
        "quantity": Decimal(quantity),
        "unit": unit,
        "value": Decimal(value) if value else None,
        "currency": currency if value else None,
    }


PAY = "https://example.org/demo/payment-proofs/"

# (actor key, state, type, commons slug, title, visibility, period, decision date, lines)
DEMO: list[tuple[str, str, str, str, str, str, tuple[str, str], str | None, list[dict[str, Any]]]] = [
    ("rep.fr", "FR", "funding", "docs", "Funding of Docs 2026",
     "public", ("2026-01-01", "2026-12-31"), "2026-01-20", [
        _funding("commitment", "2026-01-20", "250000"),
        _funding("disbursement", "2026-03-02", "100000", evidence_url=PAY + "fr-docs-1"),
        _funding("disbursement", "2026-06-15", "75000", evidence_url=PAY + "fr-docs-2"),
    ]),
    ("rep.fr", "FR", "staff", "docs", "Secondment of two developers to Docs",
     "initiative", ("2026-01-01", "2026-12-31"), "2026-01-20", [
        _staff("developer", 2, fte="2", names="Demo Person A, Demo Person B", delivery_status="active"),
    ]),
    ("rep.fr", "FR", "governance", "docs", "Board seat in the Docs governance",
     "public", ("2026-01-01", "2027-12-31"), "2026-01-20", [
        _seat("board", "member", True, True, "2026-02-01", name="Docs board"),
    ]),
    ("rep.fr", "FR", "funding", "peertube", "Pledge for PeerTube accessibility work",
     "restricted", ("2026-01-01", "2026-12-31"), None, [
        _funding("pledge", "2026-05-04", "60000"),
    ]),
    ("rep.de", "DE", "funding", "opendesk", "openDesk maintenance grant",
     "public", ("2025-01-01", "2026-12-31"), "2025-03-14", [
        _funding("pledge", "2025-03-14", "400000"),
        _funding("commitment", "2025-09-12", "350000"),
        _funding("disbursement", "2026-02-13", "120000", evidence_url=PAY + "de-opendesk-1"),
    ]),
    ("rep.de", "DE", "staff", "nextcloud-server", "Security reviewers for Nextcloud Server",
     "restricted", ("2026-03-01", "2026-08-31"), None, [
        _staff("security", 1, days="60", employment_type="civil_servant"),
    ]),
    ("admin", "IT", "in_kind", "publiccode-yml", "Hosting of the publiccode.yml validator",
     "public", ("2025-01-01", "2025-12-31"), "2025-01-10", [
        _item("hosting", "Managed hosting of the validator service", "12", "months", "18000", "EUR"),
    ]),
    ("admin", "ES", "governance", "decidim", "Observer in the Decidim association",
     "public", ("2025-06-01", "2027-05-31"), None, [
        _seat("steering_committee", "observer", False, False, "2025-06-01", name="Decidim steering committee"),
    ]),
    ("admin", "SE", "funding", "x-road", "Swedish contribution to X-Road core",
     "public", ("2025-01-01", "2026-12-31"), "2025-03-14", [
        _funding("commitment", "2025-03-14", "1500000", "SEK"),
        _funding("disbursement", "2025-09-12", "750000", "SEK", evidence_url=PAY + "se-xroad-1"),
    ]),
    ("admin", "PL", "funding", "libreoffice", "LibreOffice localisation fund",
     "initiative", ("2025-01-01", "2025-12-31"), None, [
        _funding("pledge", "2025-09-12", "400000", "PLN"),
    ]),
    ("admin", "DK", "staff", "openproject", "Product owner for OpenProject public-sector features",
     "public", ("2026-01-01", "2026-06-30"), None, [
        _staff("product", 1, days="100", employment_type="contractor"),
    ]),
    ("admin", "DK", "funding", "openproject", "OpenProject accessibility audit funding",
     "restricted", ("2026-01-01", "2026-12-31"), "2026-02-13", [
        _funding("commitment", "2026-02-13", "900000", "DKK"),
    ]),
    ("admin", "NL", "in_kind", "open-zaak", "Security audit of Open Zaak",
     "initiative", ("2025-01-01", "2025-06-30"), None, [
        _item("audit", "Independent code security audit", "1", "audit", "45000", "EUR"),
    ]),
]  # fmt: skip

DEMO_NEEDS: list[tuple[str, dict[str, Any]]] = [
    ("docs", {"kind": "funding", "title": "Core maintenance 2026", "amount": Decimal("500000"), "currency": "EUR"}),
    (
        "docs",
        {"kind": "staff", "title": "Accessibility specialist", "staff_role": "design", "person_days": Decimal("200")},
    ),
    ("docs", {"kind": "governance", "title": "Seats on the Docs board", "governance_body": "board", "seats": 3}),
]


def _actors() -> dict[str, User]:
    emails = {
        "rep.fr": "rep.fr@demo.commons.example",
        "rep.de": "rep.de@demo.commons.example",
        "admin": "admin@demo.commons.example",
    }
    out = {}
    for key, email in emails.items():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            out[key] = user
    return out


def load_contributions_demo() -> list[str]:
    """Create demo contributions; returns lines to print."""
    rates = [fx.Rate(_d(day), currency, Decimal(rate)) for day, currency, rate in DEMO_RATES]
    fx.import_rates(rates)
    actors = _actors()
    created = skipped = 0
    for actor_key, state, kind, slug, title, visibility, period, decision, lines in DEMO:
        actor = actors.get(actor_key)
        commons = db.session.scalar(select(Commons).where(Commons.slug == slug))
        if actor is None or commons is None:
            skipped += 1
            continue
        exists = db.session.scalar(
            select(Contribution.id).where(Contribution.member_state_code == state, Contribution.title == title)
        )
        if exists is not None:
            continue
        services.create_contribution(
            actor,
            {
                "member_state": state,
                "type": kind,
                "commons": slug,
                "title": title,
                "description": DEMO_NOTE,
                "instrument": {"funding": "grant", "staff": "secondment"}.get(kind),
                "purpose_tags": ["maintenance"] if kind == "funding" else [],
                "period_start": _d(period[0]),
                "period_end": _d(period[1]),
                "decision_date": _d(decision) if decision else None,
                "visibility": visibility,
                "not_duplicate": True,
                "lines": lines,
            },
        )
        created += 1
    posted = 0
    admin = actors.get("admin")
    for slug, need in DEMO_NEEDS:
        commons = db.session.scalar(select(Commons).where(Commons.slug == slug))
        if commons is None or admin is None:
            continue
        if any(n.title == need["title"] for n in commons.needs):
            continue
        services.post_need(admin, slug, dict(need))
        posted += 1
    db.session.flush()
    line = f"Demo contributions: {created} new ({len(DEMO)} in the demo), {posted} needs, {len(rates)} ECB rates."
    return [line] + ([f"  {skipped} demo contributions skipped (missing commons or account)."] if skipped else [])
