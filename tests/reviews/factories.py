# SPDX-License-Identifier: EUPL-1.2
"""Helpers that build review rounds in a given state for the review tests."""

from __future__ import annotations

from typing import Any

from commons.reviews import services
from commons.reviews.models import Review
from tests.factories import CommonsFactory, UserFactory

ALL_PASS: dict[str, dict[str, Any]] = {
    **{f"G{i}": {"verdict": "pass"} for i in range(1, 7)},
    **{f"S{i}": {"verdict": "pass", "score": 2} for i in range(1, 6)},
}


def reviewer(state: str, **kwargs: Any) -> Any:
    """A reviewer account of ``state``."""
    return UserFactory(role="reviewer", member_state_code=state, **kwargs)


def new_round(secretariat: Any, commons: Any = None, status: str = "draft") -> Review:
    """A round on ``commons`` (a new candidate by default) moved to ``status`` through the services."""
    commons = commons or CommonsFactory()
    review = services.create_review(commons, secretariat)
    path = {"draft": [], "submitted": ["submit"], "in_review": ["submit", "start"]}[status]
    for action in path:
        services.transition(review, action, secretariat)
    return review


def assessed_round(secretariat: Any, states: tuple[str, ...] = ("FR", "IT"), verdicts: Any = None) -> Review:
    """An in-review round with one completed, conflict-free assessment per reviewer state."""
    review = new_round(secretariat, status="in_review")
    for state in states:
        person = reviewer(state)
        services.assign_reviewer(review, person, secretariat)
        services.declare_conflict(review, person, has_conflict=False)
        services.save_assessment(review, person, verdicts or ALL_PASS, complete=True)
    return review
