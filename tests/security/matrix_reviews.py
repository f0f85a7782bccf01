# SPDX-License-Identifier: EUPL-1.2
"""Routes of the working-group review: the dashboard and round pages (reviewers and staff), the forms, the
public decision page, and the reviews API. Objects come from ``scenario_reviews.py``.

Reviewers and staff see rounds; only staff move, assign, answer and decide; only reviewers of the round
declare conflicts and assess; only staff and the round's reviewers ask for a clarification. Everyone else
gets 403 (the working group's pages are not secret, the actions are), anonymous is sent to the login.
"""

from __future__ import annotations

from tests.security.cells import Case, everyone, only

STAFF_OK = {"secretariat": 200, "admin": 200}
STAFF_REDIRECT = {"secretariat": 302, "admin": 302}
QUEUE = {"reviewer": 200, **STAFF_OK}
FUTURE = "2099-12-31"
API_QUEUE = {"anonymous": 401, "reviewer": 200, **STAFF_OK}

CASES = [
    Case("reviews.dashboard", "GET", "/reviews", only(QUEUE, default=403)),
    Case("reviews.new", "GET", "/reviews/new", only(STAFF_OK, default=403)),
    Case(
        "reviews.new",
        "POST",
        "/reviews/new",
        only(STAFF_REDIRECT, default=403),
        data={"commons": "{commons}", "round": "initial"},
    ),
    Case("reviews.detail", "GET", "/reviews/{reviews_draft}", only(QUEUE, default=403)),
    Case(
        "reviews.detail",
        "GET",
        "/reviews/999999",
        only({"reviewer": 404, **{"secretariat": 404, "admin": 404}}, default=403),
    ),
    Case(
        "reviews.transition",
        "POST",
        "/reviews/{reviews_draft}/transition",
        only(STAFF_REDIRECT, default=403),
        data={"action": "submit"},
    ),
    Case(
        "reviews.transition",
        "POST",
        "/reviews/{reviews_draft}/transition",
        only({"secretariat": 409, "admin": 409}, default=403),
        data={"action": "start"},
        note="a draft cannot start: the page explains it and nothing changes",
    ),
    Case("reviews.assign", "GET", "/reviews/{reviews_draft}/assign", only(STAFF_OK, default=403)),
    Case(
        "reviews.assign",
        "POST",
        "/reviews/{reviews_draft}/assign",
        only(STAFF_REDIRECT, default=403),
        data={"reviewer": "{reviews_assignable}"},
    ),
    Case(
        "reviews.assign",
        "POST",
        "/reviews/{reviews_draft}/assign",
        only({"secretariat": 422, "admin": 422}, default=403),
        data={"reviewer": ""},
    ),
    Case(
        "reviews.volunteer",
        "POST",
        "/reviews/{reviews_draft}/volunteer",
        only({"reviewer": 302}, default=403),
        note="staff see rounds but only reviewers volunteer",
    ),
    Case("reviews.conflict", "GET", "/reviews/{reviews_open}/conflict", only({"reviewer": 200}, default=403)),
    Case(
        "reviews.conflict",
        "POST",
        "/reviews/{reviews_open}/conflict",
        only({"reviewer": 302}, default=403),
        data={"has_conflict": "no"},
    ),
    Case(
        "reviews.conflict",
        "POST",
        "/reviews/{reviews_open}/conflict",
        only({"reviewer": 422}, default=403),
        data={"has_conflict": "yes", "statement": ""},
    ),
    Case("reviews.assess", "GET", "/reviews/{reviews_open}/assess", only({"reviewer": 200}, default=403)),
    Case(
        "reviews.assess",
        "POST",
        "/reviews/{reviews_open}/assess",
        only({"reviewer": 302}, default=403),
        data={"complete": "no", "g1_verdict": "pass"},
    ),
    Case(
        "reviews.assess",
        "POST",
        "/reviews/{reviews_open}/assess",
        only({"reviewer": 422}, default=403),
        data={"complete": "no", "s1_verdict": "pass", "s1_score": "7"},
    ),
    Case("reviews.clarification", "GET", "/reviews/{reviews_open}/clarification", only(QUEUE, default=403)),
    Case(
        "reviews.clarification",
        "POST",
        "/reviews/{reviews_open}/clarification",
        only({"reviewer": 302, **STAFF_REDIRECT}, default=403),
        data={"question": "Who maintains it?", "deadline": FUTURE, "recipients": "team@example.org"},
    ),
    Case("reviews.answer", "GET", "/reviews/{reviews_waiting}/answer", only(STAFF_OK, default=403)),
    Case(
        "reviews.answer",
        "POST",
        "/reviews/{reviews_waiting}/answer",
        only(STAFF_REDIRECT, default=403),
        data={"answer": "The ministry funds it."},
    ),
    Case("reviews.decision", "GET", "/reviews/{reviews_ready}/decision", only(STAFF_OK, default=403)),
    Case(
        "reviews.decision",
        "POST",
        "/reviews/{reviews_ready}/decision",
        only(STAFF_REDIRECT, default=403),
        data={"decision": "accepted", "rationale": "Every gate passed."},
    ),
    Case(
        "reviews.decision",
        "POST",
        "/reviews/{reviews_open}/decision",
        only({"secretariat": 409, "admin": 409}, default=403),
        data={"decision": "accepted", "rationale": "Too early."},
        note="fewer than two reviewers from two states: refused with the reason",
    ),
    Case("reviews.public_decision", "GET", "/commons/{reviews_public}/review", everyone(200)),
    Case("reviews.public_decision", "GET", "/commons/no-such-commons/review", everyone(404)),
    Case("api.reviews_list", "GET", "/api/v1/reviews", only(API_QUEUE, default=403, anonymous=401), json=True),
    Case(
        "api.reviews_detail",
        "GET",
        "/api/v1/reviews/{reviews_draft}",
        only(API_QUEUE, default=403, anonymous=401),
        json=True,
    ),
    Case(
        "api.reviews_transition",
        "POST",
        "/api/v1/reviews/{reviews_draft}/transitions",
        only({"anonymous": 401, **STAFF_OK}, default=403, anonymous=401),
        data={"action": "submit"},
        json=True,
    ),
    Case(
        "api.reviews_transition",
        "POST",
        "/api/v1/reviews/{reviews_ready}/transitions",
        only({"anonymous": 401, "secretariat": 409, "admin": 409}, default=403, anonymous=401),
        data={"action": "submit"},
        json=True,
        note="a round in review cannot be submitted again",
    ),
    Case("api.commons_review", "GET", "/api/v1/commons/{reviews_public}/review", everyone(200), json=True),
]
