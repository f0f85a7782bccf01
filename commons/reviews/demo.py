# SPDX-License-Identifier: EUPL-1.2
"""Demo review rounds: accepted commons with their decisions and validity, rounds under review, one round
awaiting a clarification. Built through the review services so the demo obeys the same rules; idempotent
(a commons that already has a round is left alone).

Verdicts and rationales summarise public facts about these projects (licence, stewards, public-sector use);
they illustrate the working group's method and are not decisions of the real initiative.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from commons.accounts.models import User
from commons.catalogue.models import Commons
from commons.extensions import db
from commons.reviews import services
from commons.reviews.models import Review

SECRETARIAT = "secretariat@demo.commons.example"
REVIEWERS = ("reviewer.fr@demo.commons.example", "reviewer.it@demo.commons.example")

GATES_PASS = {f"G{i}": {"verdict": "pass"} for i in range(1, 7)}

ACCEPTED: list[tuple[str, int, dict[str, int], str]] = [
    # slug, days since the decision, scores S1–S5, rationale
    ("decidim", 120, {"S1": 3, "S2": 3, "S3": 2, "S4": 3, "S5": 3},
     "AGPL-3.0 licence (OSI-approved); stewarded by the Decidim Association with public source and "
     "documentation; used for participatory democracy by city councils and public bodies in several member "
     "states. Every gate passed."),
    ("x-road", 200, {"S1": 3, "S2": 3, "S3": 3, "S4": 3, "S5": 3},
     "MIT licence; developed under the Nordic Institute for Interoperability Solutions, a body jointly "
     "governed by several states; the data exchange layer of Estonian and Finnish public services. Every "
     "gate passed."),
    ("qgis", 335, {"S1": 3, "S2": 3, "S3": 3, "S4": 3, "S5": 3},
     "GPL-2.0-or-later licence; community governance under QGIS.org; used by mapping and land-registry "
     "services across Europe. Every gate passed."),
    ("opendesk", 60, {"S1": 3, "S2": 2, "S3": 2, "S4": 2, "S5": 2},
     "Apache-2.0 deployment of open-source office and collaboration components, stewarded by ZenDiS for the "
     "German public administration; no mandatory proprietary component. Every gate passed."),
    ("docs", 30, {"S1": 3, "S2": 2, "S3": 2, "S4": 2, "S5": 3},
     "MIT licence; developed by DINUM with ZenDiS as part of La Suite numérique; used by French and German "
     "public servants. Every gate passed."),
]  # fmt: skip


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _commons(slug: str) -> Commons | None:
    commons = db.session.scalar(select(Commons).where(Commons.slug == slug))
    if commons is None:
        return None
    has_round = db.session.scalar(select(Review.id).where(Review.commons_id == commons.id).limit(1))
    return None if has_round is not None else commons


def _assess(review: Review, reviewer: User, scores: dict[str, int], staff: User, assign: bool = True) -> None:
    if assign:
        services.assign_reviewer(review, reviewer, staff)
    services.declare_conflict(review, reviewer, has_conflict=False)
    entries: dict[str, Any] = {**GATES_PASS}
    for code, score in scores.items():
        entries[code] = {"verdict": "pass", "score": score}
    services.save_assessment(review, reviewer, entries, complete=True)


def _in_review(commons: Commons, staff: User) -> Review:
    review = services.create_review(commons, staff)
    services.transition(review, "submit", staff)
    services.transition(review, "start", staff)
    return review


def load_reviews_demo() -> list[str]:
    """Create demo review rounds; returns lines to print."""
    staff = _user(SECRETARIAT)
    reviewers = [_user(email) for email in REVIEWERS]
    if staff is None or any(r is None for r in reviewers):
        return ["Review demo skipped: the demo accounts are missing."]
    fr, it = reviewers
    assert fr is not None and it is not None
    created = 0
    for slug, days_ago, scores, rationale in ACCEPTED:
        commons = _commons(slug)
        if commons is None:
            continue
        review = _in_review(commons, staff)
        _assess(review, fr, scores, staff)
        _assess(review, it, {k: max(v - (1 if k == "S3" else 0), 0) for k, v in scores.items()}, staff)
        services.decide(review, staff, decision="accepted", rationale=rationale)
        # Back-date the decision so that validity periods differ (QGIS is due for renewal).
        shift = timedelta(days=days_ago)
        assert review.decided_at is not None and review.valid_from is not None
        review.decided_at -= shift
        review.valid_from = review.valid_from - shift
        review.valid_until = services.add_months(review.valid_from, services.VALIDITY_MONTHS)
        commons.valid_from, commons.valid_until, commons.accepted_at = (
            review.valid_from,
            review.valid_until,
            review.decided_at,
        )
        created += 1

    openproject = _commons("openproject")
    if openproject is not None:
        review = _in_review(openproject, staff)
        _assess(review, fr, {"S1": 3, "S2": 2, "S3": 2, "S4": 2, "S5": 2}, staff)
        services.assign_reviewer(review, it, staff)
        created += 1
    nextcloud = _commons("nextcloud-server")
    if nextcloud is not None:
        review = services.create_review(nextcloud, staff)
        services.transition(review, "submit", staff)
        created += 1
    cryptpad = _commons("cryptpad")
    if cryptpad is not None:
        review = _in_review(cryptpad, staff)
        services.assign_reviewer(review, fr, staff)
        services.assign_reviewer(review, it, staff)
        services.declare_conflict(review, fr, has_conflict=False)
        services.request_clarification(
            review,
            staff,
            question="Which organisations fund the maintenance of CryptPad today, and for how long?",
            deadline=services.today() + timedelta(days=21),
            recipients=["contact@cryptpad.example"],
        )
        created += 1
    db.session.flush()
    return [f"Review demo: {created} round(s) created."]
