# SPDX-License-Identifier: EUPL-1.2
"""Review rounds the reviews matrix needs, one per state the routes act on.

- ``reviews_draft``: a draft round (no reviewer) on ``reviews_draft_commons``;
- ``reviews_open``: a round in review where the matrix reviewer (FR) is assigned and declared no conflict;
- ``reviews_waiting``: a round awaiting a clarification;
- ``reviews_ready``: a round in review with two completed assessments (FR, IT), ready for a decision;
- ``reviews_public``: the slug of a commons with a decided (accepted) round.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from commons.reviews import services
from tests.factories import CommonsFactory, UserFactory
from tests.reviews.factories import ALL_PASS


def _round(staff: Any, name: str, status: str) -> Any:
    commons = CommonsFactory(name=name, slug=services_slug(name))
    review = services.create_review(commons, staff)
    path = {"draft": [], "in_review": ["submit", "start"]}[status]
    for action in path:
        services.transition(review, action, staff)
    return review


def services_slug(name: str) -> str:
    return name.lower().replace(" ", "-")


def build(ctx: dict[str, Any]) -> None:
    staff = ctx["users"]["secretariat"]
    reviewer = ctx["users"]["reviewer"]
    draft = _round(staff, "Matrix Review Draft", "draft")
    ctx.update(reviews_draft=draft.id, reviews_draft_commons=draft.commons.slug)

    open_round = _round(staff, "Matrix Review Open", "in_review")
    services.assign_reviewer(open_round, reviewer, staff)
    services.declare_conflict(open_round, reviewer, has_conflict=False)
    ctx["reviews_open"] = open_round.id

    waiting = _round(staff, "Matrix Review Waiting", "in_review")
    services.request_clarification(
        waiting, staff, question="Who funds it?", deadline=services.today() + timedelta(days=30), recipients="t@ex.org"
    )
    ctx["reviews_waiting"] = waiting.id

    others = [
        UserFactory(role="reviewer", member_state_code=state, email=f"matrix.reviewer.{state.lower()}@example.org")
        for state in ("DE", "IT")
    ]
    ready = _round(staff, "Matrix Review Ready", "in_review")
    public = _round(staff, "Matrix Review Public", "in_review")
    for review in (ready, public):
        for person in others:
            services.assign_reviewer(review, person, staff)
            services.declare_conflict(review, person, has_conflict=False)
            services.save_assessment(review, person, ALL_PASS, complete=True)
    services.decide(public, staff, decision="accepted", rationale="Every gate passed.")
    ctx.update(reviews_ready=ready.id, reviews_public=public.commons.slug)
    # Another reviewer account the secretariat can assign to the draft round.
    ctx["reviews_assignable"] = others[0].id
