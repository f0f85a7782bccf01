# SPDX-License-Identifier: EUPL-1.2
"""Working-group review: rounds, reviewers, conflicts of interest, assessments, clarifications, decisions.

The rules (DESIGN.md §4 "Review", issue 5): the criteria version is frozen when a round is created; states
``draft → submitted → in_review ⇄ clarification_requested → decided``, or ``withdrawn``; a decision needs at
least two reviewers from two member states who declared no conflict and completed their assessment;
``accepted`` only when every gate is pass or n_a in every completed assessment; acceptance lasts 12 months
and a renewal round opens 45 days before it ends. Every change is an audit event in the same transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app, has_app_context
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from commons.accounts.models import REVIEWER, User
from commons.audit import record_event
from commons.catalogue.models import Commons
from commons.collation import sorted_by_name
from commons.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from commons.extensions import db
from commons.forms import PLACEHOLDERS, is_http_url
from commons.permissions import can, require
from commons.reviews import notifications
from commons.reviews.models import (
    DECISIONS,
    GATE,
    ROUNDS,
    SCORED,
    VERDICTS,
    Assessment,
    Clarification,
    Criterion,
    Review,
    ReviewReviewer,
)
from commons.types import utcnow

CURRENT_CRITERIA_VERSION = "v1"
VALIDITY_MONTHS = 12
RENEWAL_NOTICE_DAYS = 45
MIN_REVIEWERS = 2
MIN_STATES = 2
OPEN_STATES = ("draft", "submitted", "in_review", "clarification_requested")
ASSESSABLE_STATES = ("in_review", "clarification_requested")
MAX_TEXT = 20000
MAX_URLS = 10

# Transitions a caller can ask for by name (HTML buttons and the API); the others need their own data
# and have their own service function, reached through ``transition`` as well.
SIMPLE_TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "submit": (("draft",), "submitted"),
    "start": (("submitted",), "in_review"),
    "withdraw": (OPEN_STATES, "withdrawn"),
}
ACTIONS = ("submit", "start", "withdraw", "request_clarification", "answer_clarification", "decide")


def _state_label(state: str) -> str:
    labels = {
        "draft": _("draft"),
        "submitted": _("submitted"),
        "in_review": _("in review"),
        "clarification_requested": _("awaiting clarification"),
        "decided": _("decided"),
        "withdrawn": _("withdrawn"),
    }
    return labels.get(state, state)


def state_label(state: str) -> str:
    """The human name of a round state, in the user's language."""
    return _state_label(state)


def today() -> date:
    """Today in UTC (the platform's dates are UTC dates)."""
    return utcnow().date()


def add_months(start: date, months: int) -> date:
    """``start`` plus ``months`` calendar months; the 29th of February becomes the 28th when needed."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, min(day, start.day))
        except ValueError:
            continue
    raise ValueError(start)  # pragma: no cover - some day between 28 and 31 always exists


# --- reading ----------------------------------------------------------------------------------------------


def criteria(version: str) -> list[Criterion]:
    """The published criteria of ``version``, gates first, in their published order."""
    return list(db.session.scalars(select(Criterion).where(Criterion.version == version).order_by(Criterion.position)))


def get_review(review_id: int, actor: Any) -> Review:
    """A round for the working group's pages (reviewers and staff); 404 when it does not exist."""
    require(actor, "review:queue")
    review = db.session.get(Review, review_id)
    if review is None:
        raise NotFound(_("This review round does not exist."))
    return review


def get_commons(slug: str) -> Commons:
    commons = db.session.scalar(select(Commons).where(Commons.slug == slug))
    if commons is None:
        raise NotFound(_("No commons has the identifier “%(slug)s”.", slug=slug))
    return commons


def membership(review: Review, user: Any) -> ReviewReviewer | None:
    """The reviewer row of ``user`` on ``review``, if any."""
    user_id = getattr(user, "id", None)
    return next((r for r in review.reviewers if r.user_id == user_id), None)


def active_reviewers(review: Review) -> list[ReviewReviewer]:
    """Reviewers who declared no conflict."""
    return [r for r in review.reviewers if r.coi_declared_at is not None and r.coi_has_conflict is False]


def completed_reviewers(review: Review) -> list[ReviewReviewer]:
    """Reviewers without a conflict who completed their assessment: the ones a decision counts."""
    return [r for r in active_reviewers(review) if r.completed_at is not None]


def counted_assessments(review: Review) -> list[Assessment]:
    """Assessments of the completed, conflict-free reviewers."""
    ids = {r.user_id for r in completed_reviewers(review)}
    return [a for a in review.assessments if a.reviewer_id in ids]


def open_round(commons: Commons) -> Review | None:
    """The round of ``commons`` that is neither decided nor withdrawn."""
    return db.session.scalar(
        select(Review).where(Review.commons_id == commons.id, Review.status.in_(OPEN_STATES)).order_by(Review.id)
    )


def open_clarification(review: Review) -> Clarification | None:
    return next((c for c in review.clarifications if c.answered_at is None and c.expired_at is None), None)


# --- shared checks ---------------------------------------------------------------------------------------


def _check_version(review: Review, expected: int | None) -> None:
    # Optimistic locking: a form or API call made on an older state is refused rather than applied on top.
    if expected is not None and int(expected) != review.version:
        raise Conflict(
            _(
                "This review round was changed by someone else (version %(current)d, your page showed "
                "version %(yours)d). Reload the page to see the changes; nothing was saved.",
                current=review.version,
                yours=int(expected),
            ),
            current_version=review.version,
        )


def _refuse_transition(review: Review, action: str, allowed_from: tuple[str, ...]) -> Conflict:
    return Conflict(
        _(
            "You cannot %(action)s a round that is %(state)s; this is only possible when it is %(allowed)s. "
            "Nothing was changed.",
            action=_action_label(action),
            state=_state_label(review.status),
            allowed=_(" or ").join(_state_label(s) for s in allowed_from),
        ),
        state=review.status,
    )


def _action_label(action: str) -> str:
    labels = {
        "submit": _("submit"),
        "start": _("start the review of"),
        "withdraw": _("withdraw"),
        "request_clarification": _("request a clarification on"),
        "answer_clarification": _("record a clarification answer on"),
        "decide": _("decide"),
        "assign": _("assign a reviewer to"),
        "volunteer": _("volunteer for"),
        "declare": _("declare a conflict of interest on"),
        "assess": _("assess"),
    }
    return labels.get(action, action)


def _set_status(review: Review, new: str, actor: Any, **extra: Any) -> None:
    old = review.status
    review.status = new
    review.version = (review.version or 1) + 1
    record_event("review:status:update", review, old={"status": old}, new={"status": new, **extra}, actor=actor)


def _set_catalogue_status(commons: Commons, new: str, actor: Any) -> None:
    if commons.catalogue_status == new:
        return
    old = commons.catalogue_status
    commons.catalogue_status = new
    record_event("commons:catalogue_status:update", commons, old=old, new=new, actor=actor)


def _text(value: str | None) -> str:
    return (value or "").strip()


def _is_placeholder(value: str) -> bool:
    return value.lower() in PLACEHOLDERS


# --- rounds ---------------------------------------------------------------------------------------------


def create_review(commons: Commons, actor: Any, round: str = "initial") -> Review:
    """Open a round on ``commons`` (secretariat); the current criteria version is frozen into it."""
    require(actor, "review:manage")
    if round not in ROUNDS:
        raise ValidationFailed({"round": [_("Choose one of: %(choices)s.", choices=", ".join(ROUNDS))]})
    existing = open_round(commons)
    if existing is not None:
        raise Conflict(
            _(
                "%(name)s already has an open review round (%(state)s). Finish or withdraw it first.",
                name=commons.name,
                state=_state_label(existing.status),
            )
        )
    if round == "renewal" and commons.catalogue_status != "accepted":
        raise ValidationFailed({"round": [_("Only an accepted commons can have a renewal round.")]})
    if commons.catalogue_status == "archived":
        raise Conflict(_("%(name)s is archived and cannot be reviewed.", name=commons.name))
    previous = db.session.scalar(
        select(Review)
        .where(Review.commons_id == commons.id, Review.status == "decided")
        .order_by(Review.decided_at.desc(), Review.id.desc())
    )
    review = Review(
        commons_id=commons.id,
        round=round,
        criteria_version=CURRENT_CRITERIA_VERSION,
        status="draft",
        created_by_id=getattr(actor, "id", None),
        previous_review_id=previous.id if previous else None,
        version=1,
    )
    review.commons = commons
    db.session.add(review)
    db.session.flush()
    record_event(
        "review:create",
        review,
        new={"commons": commons.slug, "round": round, "criteria_version": review.criteria_version},
        actor=actor,
    )
    return review


def _check_data_types(data: dict[str, Any]) -> None:
    # The API passes JSON through: a number or an object where text is expected is bad input, not a crash.
    errors: dict[str, list[str]] = {}
    for name in ("question", "deadline", "answer", "decision", "rationale", "reason"):
        if data.get(name) is not None and not isinstance(data[name], str | date):
            errors[name] = [_("Send text.")]
    recipients = data.get("recipients")
    if recipients is not None and not (
        isinstance(recipients, str) or (isinstance(recipients, list) and all(isinstance(r, str) for r in recipients))
    ):
        errors["recipients"] = [_("Send a list of e-mail addresses.")]
    if errors:
        raise ValidationFailed(errors)


# The fields a transition reads (docs/api.md, ReviewTransition in the OpenAPI document); nothing else is taken.
TRANSITION_FIELDS = frozenset({"reason", "question", "deadline", "recipients", "answer", "decision", "rationale"})


def transition(review: Review, action: str, actor: Any, /, *, version: int | None = None, **data: Any) -> Review:
    """Apply a named transition (``submit``, ``start``, ``withdraw``, ``request_clarification``,
    ``answer_clarification``, ``decide``); an invalid one raises Conflict and changes nothing.

    ``data`` may hold only ``TRANSITION_FIELDS``: a client's body is passed through, so an unknown key (``review``,
    ``actor``, ``status``…) is refused with a field error rather than reaching a keyword of this function.
    """
    unknown = sorted(set(data) - TRANSITION_FIELDS)
    if unknown:
        raise ValidationFailed({name: [_("This field is not accepted here.")] for name in unknown})
    _check_data_types(data)
    if action == "request_clarification":
        request_clarification(
            review,
            actor,
            question=data.get("question") or "",
            deadline=data.get("deadline"),
            recipients=data.get("recipients"),
            version=version,
        )
    elif action == "answer_clarification":
        record_answer(review, actor, answer=data.get("answer") or "", version=version)
    elif action == "decide":
        decide(
            review, actor, decision=data.get("decision") or "", rationale=data.get("rationale") or "", version=version
        )
    elif action in SIMPLE_TRANSITIONS:
        require(actor, "review:manage")
        allowed_from, target = SIMPLE_TRANSITIONS[action]
        if review.status not in allowed_from:
            raise _refuse_transition(review, action, allowed_from)
        _check_version(review, version)
        reason = _text(data.get("reason"))
        if action == "withdraw":
            review.withdrawn_reason = reason[:MAX_TEXT] or None
        if action == "submit":
            review.submitted_at = utcnow()
        _set_status(review, target, actor, **({"reason": reason} if reason else {}))
        if action == "start":
            notifications.round_started(review)
        commons = review.commons
        if action == "submit" and review.round == "initial":
            _set_catalogue_status(commons, "under_review", actor)
        elif action == "withdraw" and review.round == "initial" and commons.catalogue_status == "under_review":
            # Back to what the last decision said (a re-review of an ineligible commons), else candidate.
            previous = db.session.get(Review, review.previous_review_id) if review.previous_review_id else None
            _set_catalogue_status(commons, previous.decision if previous and previous.decision else "candidate", actor)
    else:
        raise ValidationFailed({"action": [_("Choose one of: %(choices)s.", choices=", ".join(ACTIONS))]})
    db.session.flush()
    return review


# --- reviewers ------------------------------------------------------------------------------------------


def _check_reviewer_eligible(review: Review, user: User, field: str) -> None:
    if REVIEWER not in user.role_names:
        raise ValidationFailed({field: [_("%(name)s is not a working-group reviewer.", name=user.name)]})
    if not user.member_state_code:
        raise ValidationFailed(
            {field: [_("%(name)s has no member state on their account; a reviewer needs one.", name=user.name)]}
        )
    steward_orgs = {s.organisation_id for s in review.commons.stewards}
    if user.organisation_id is not None and user.organisation_id in steward_orgs:
        raise ValidationFailed(
            {
                field: [
                    _(
                        "%(name)s belongs to an organisation that stewards %(commons)s and cannot review it.",
                        name=user.name,
                        commons=review.commons.name,
                    )
                ]
            }
        )
    if membership(review, user) is not None:
        raise ValidationFailed({field: [_("%(name)s is already a reviewer of this round.", name=user.name)]})


def _check_open(review: Review, action: str) -> None:
    if review.status not in OPEN_STATES:
        raise _refuse_transition(review, action, OPEN_STATES)


def assign_reviewer(review: Review, reviewer: User | None, actor: Any, *, version: int | None = None) -> ReviewReviewer:
    """The secretariat adds ``reviewer`` to the round; the reviewer is told by e-mail."""
    require(actor, "review:assign")
    _check_open(review, "assign")
    _check_version(review, version)
    if reviewer is None:
        raise ValidationFailed({"reviewer": [_("Choose a reviewer.")]})
    _check_reviewer_eligible(review, reviewer, "reviewer")
    return _add_reviewer(review, reviewer, actor, volunteered=False)


def volunteer(review: Review, actor: Any, *, version: int | None = None) -> ReviewReviewer:
    """A reviewer adds themself to the round."""
    require(actor, "review:volunteer")
    if REVIEWER not in getattr(actor, "role_names", set()):
        raise PermissionDenied(_("Only working-group reviewers can volunteer to review."))
    _check_open(review, "volunteer")
    _check_version(review, version)
    if membership(review, actor) is not None:
        # A second click, or the same request sent twice at once: the state, not the person, refuses it.
        raise Conflict(_("%(name)s is already a reviewer of this round.", name=actor.name))
    try:
        _check_reviewer_eligible(review, actor, "reviewer")
    except ValidationFailed as failure:
        raise PermissionDenied(" ".join(failure.errors["reviewer"])) from failure
    return _add_reviewer(review, actor, actor, volunteered=True)


def _add_reviewer(review: Review, reviewer: User, actor: Any, *, volunteered: bool) -> ReviewReviewer:
    row = ReviewReviewer(
        user_id=reviewer.id,
        member_state_code=reviewer.member_state_code,
        assigned_by_id=getattr(actor, "id", None),
        volunteered=volunteered,
    )
    name = reviewer.name  # read now: after a failed flush the session cannot load anything
    row.user = reviewer
    review.reviewers.append(row)
    review.version = (review.version or 1) + 1
    try:
        db.session.flush()
    except IntegrityError as exc:
        # Two requests added the same reviewer at once (PostgreSQL lets both read "not a reviewer yet"): the
        # unique key (review, user) stops the second, which changed nothing. The caller rolls back.
        raise Conflict(_("%(name)s is already a reviewer of this round.", name=name)) from exc
    record_event(
        "review:reviewer:volunteer" if volunteered else "review:reviewer:assign",
        review,
        new={"user_id": reviewer.id, "member_state": reviewer.member_state_code},
        actor=actor,
    )
    if not volunteered:
        notifications.reviewer_assigned(review, reviewer)
    return row


def eligible_reviewers(review: Review) -> list[User]:
    """Reviewer accounts the secretariat may still assign to ``review``."""
    return reviewer_pool(review)["eligible"]


def reviewer_pool(review: Review) -> dict[str, Any]:
    """Who among the active working-group reviewers may be assigned to ``review``, and why the others
    may not: ``eligible`` (users), and the counts ``assigned`` (already on the round, of whom
    ``conflicts`` declared a conflict), ``stewards`` (staff of an organisation stewarding the commons),
    ``no_state`` (no member state on their account) and ``total``."""
    from commons.accounts.models import Role

    rows = {r.user_id: r for r in review.reviewers}
    steward_orgs = {s.organisation_id for s in review.commons.stewards}
    users = sorted_by_name(
        db.session.scalars(select(User).where(User.active.is_(True), User.roles.any(Role.name == REVIEWER))),
        lambda u: u.name,
    )
    pool: dict[str, Any] = {"eligible": [], "assigned": 0, "conflicts": 0, "stewards": 0, "no_state": 0}
    for user in users:
        if user.id in rows:
            pool["assigned"] += 1
            pool["conflicts"] += 1 if rows[user.id].coi_has_conflict else 0
        elif user.organisation_id is not None and user.organisation_id in steward_orgs:
            pool["stewards"] += 1
        elif not user.member_state_code:
            pool["no_state"] += 1
        else:
            pool["eligible"].append(user)
    pool["total"] = len(users)
    return pool


def why_nobody_to_assign(review: Review) -> list[str]:
    """Sentences that say why no reviewer is left to assign (empty when someone is)."""
    pool = reviewer_pool(review)
    if pool["eligible"]:
        return []
    if not pool["total"]:
        return [_("No active account has the working-group reviewer role.")]
    reasons = []
    if pool["assigned"]:
        reasons.append(
            ngettext(
                "%(num)d reviewer is already on this round.",
                "%(num)d reviewers are already on this round.",
                pool["assigned"],
            )
        )
    if pool["conflicts"]:
        reasons.append(
            ngettext(
                "%(num)d reviewer of this round declared a conflict of interest and does not assess it.",
                "%(num)d reviewers of this round declared a conflict of interest and do not assess it.",
                pool["conflicts"],
            )
        )
    if pool["stewards"]:
        reasons.append(
            ngettext(
                "%(num)d reviewer works for an organisation that stewards this commons and may not review it.",
                "%(num)d reviewers work for an organisation that stewards this commons and may not review it.",
                pool["stewards"],
            )
        )
    if pool["no_state"]:
        reasons.append(
            ngettext(
                "%(num)d reviewer has no member state on their account; a reviewer needs one.",
                "%(num)d reviewers have no member state on their account; a reviewer needs one.",
                pool["no_state"],
            )
        )
    return reasons


def declare_conflict(
    review: Review, actor: Any, *, has_conflict: bool | None, statement: str = "", version: int | None = None
) -> ReviewReviewer:
    """A reviewer of the round declares whether they have a conflict of interest; a conflict removes them
    from assessing. Declaring is needed before the assessment form opens."""
    require(actor, "review:assess")
    row = membership(review, actor)
    if row is None:
        raise PermissionDenied(_("You are not a reviewer of this round."))
    _check_open(review, "declare")
    _check_version(review, version)
    statement = _text(statement)
    errors: dict[str, list[str]] = {}
    if has_conflict is None:
        errors["has_conflict"] = [_("Say whether you have a conflict of interest.")]
    elif has_conflict and (not statement or _is_placeholder(statement)):
        errors["statement"] = [_("Describe the conflict of interest.")]
    if len(statement) > MAX_TEXT:
        errors["statement"] = [_("At most %(max)d characters.", max=MAX_TEXT)]
    if errors:
        raise ValidationFailed(errors)
    if row.coi_has_conflict:
        raise Conflict(_("You already declared a conflict of interest on this round; it cannot be withdrawn."))
    old = {"declared": row.coi_declared_at is not None, "has_conflict": row.coi_has_conflict}
    row.coi_declared_at = utcnow()
    row.coi_has_conflict = bool(has_conflict)
    row.coi_statement = statement or None
    if has_conflict:
        # A conflicted reviewer's work no longer counts towards the decision.
        row.completed_at = None
    review.version = (review.version or 1) + 1
    record_event(
        "review:coi:declare",
        review,
        old=old,
        new={"user_id": row.user_id, "has_conflict": bool(has_conflict)},
        actor=actor,
    )
    db.session.flush()
    return row


# --- assessments ----------------------------------------------------------------------------------------


@dataclass
class Entry:
    """What a reviewer says about one criterion."""

    verdict: str | None = None
    score: int | str | None = None
    evidence_urls: list[str] | str | None = None
    comment: str | None = None


def _parse_urls(raw: list[str] | str | None) -> list[str]:
    if raw is None:
        return []
    items = raw.split() if isinstance(raw, str) else [str(u) for u in raw]
    return [u.strip() for u in items if u and u.strip()]


def check_can_assess(review: Review, actor: Any) -> ReviewReviewer:
    """The reviewer row of ``actor`` when the assessment form may open for them, else the reason."""
    require(actor, "review:assess")
    row = membership(review, actor)
    if row is None:
        raise PermissionDenied(_("You are not a reviewer of this round."))
    if row.coi_declared_at is None:
        raise Conflict(_("Declare whether you have a conflict of interest before you assess this commons."))
    if row.coi_has_conflict:
        raise PermissionDenied(_("You declared a conflict of interest on this round, so you cannot assess it."))
    if review.status not in ("in_review", "clarification_requested"):
        raise _refuse_transition(review, "assess", ("in_review", "clarification_requested"))
    return row


def save_assessment(
    review: Review,
    actor: Any,
    entries: Mapping[str, Entry | dict[str, Any]],
    *,
    complete: bool = False,
    version: int | None = None,
) -> list[Assessment]:
    """Save the reviewer's assessment of every criterion; ``complete`` marks it finished (then every criterion
    needs a verdict, scored criteria a score, and none may still be ``needs_info``)."""
    row = check_can_assess(review, actor)
    _check_version(review, version)
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, dict[str, Any]] = {}
    for criterion in criteria(review.criteria_version):
        code = criterion.code
        raw = entries.get(code) or Entry()
        entry = Entry(**raw) if isinstance(raw, dict) else raw
        verdict = (entry.verdict or "").strip()
        score_raw = entry.score
        comment = _text(entry.comment)
        urls = _parse_urls(entry.evidence_urls)
        key = code.lower()
        if not verdict:
            if complete:
                errors.setdefault(f"{key}_verdict", []).append(_("Choose a verdict for %(code)s.", code=code))
            if score_raw in (None, "") and not urls and not comment:
                continue
        elif verdict not in VERDICTS:
            errors.setdefault(f"{key}_verdict", []).append(
                _("Choose one of: %(choices)s.", choices=", ".join(VERDICTS))
            )
        elif verdict == "needs_info" and complete:
            errors.setdefault(f"{key}_verdict", []).append(
                _("%(code)s still needs information: ask for a clarification before completing.", code=code)
            )
        score: int | None = None
        if score_raw not in (None, ""):
            if criterion.kind == GATE:
                errors.setdefault(f"{key}_score", []).append(
                    _("%(code)s is a gate: it takes a verdict, not a score.", code=code)
                )
            else:
                try:
                    score = int(str(score_raw).strip())
                except ValueError:
                    score = None
                if score is None or not 0 <= score <= 3 or str(score_raw).strip() not in {"0", "1", "2", "3"}:
                    errors.setdefault(f"{key}_score", []).append(_("Give a whole score from 0 to 3."))
                    score = None
        elif criterion.kind == SCORED and verdict in ("pass", "fail"):
            errors.setdefault(f"{key}_score", []).append(_("Give %(code)s a score from 0 to 3.", code=code))
        bad = [u for u in urls if not is_http_url(u) or len(u) > 1000]
        if bad:
            errors.setdefault(f"{key}_evidence", []).append(
                _("Evidence must be web addresses that start with http:// or https:// (not %(url)s).", url=bad[0][:80])
            )
        if len(urls) > MAX_URLS:
            errors.setdefault(f"{key}_evidence", []).append(_("At most %(max)d addresses.", max=MAX_URLS))
        if len(comment) > MAX_TEXT:
            errors.setdefault(f"{key}_comment", []).append(_("At most %(max)d characters.", max=MAX_TEXT))
        elif comment and _is_placeholder(comment):
            errors.setdefault(f"{key}_comment", []).append(
                _("Enter real content, not a placeholder such as “%(value)s”.", value=comment)
            )
        cleaned[code] = {"verdict": verdict, "score": score, "evidence_urls": urls, "comment": comment or None}
    if errors:
        raise ValidationFailed(errors)
    existing = {a.criterion_code: a for a in review.assessments if a.reviewer_id == row.user_id}
    saved = []
    for code, values in cleaned.items():
        assessment = existing.get(code)
        old = None
        if assessment is None:
            assessment = Assessment(reviewer_id=row.user_id, criterion_code=code)
            review.assessments.append(assessment)
        else:
            old = {"verdict": assessment.verdict, "score": assessment.score}
        assessment.verdict = values["verdict"]
        assessment.score = values["score"]
        assessment.evidence_urls = values["evidence_urls"]
        assessment.comment = values["comment"]
        saved.append(assessment)
        if old != {"verdict": values["verdict"], "score": values["score"]}:
            record_event(
                "review:assessment:save",
                review,
                old=old,
                new={
                    "reviewer_id": row.user_id,
                    "criterion": code,
                    "verdict": values["verdict"],
                    "score": values["score"],
                },
                actor=actor,
            )
    if complete:
        row.completed_at = utcnow()
        record_event("review:assessment:complete", review, new={"reviewer_id": row.user_id}, actor=actor)
    review.version = (review.version or 1) + 1
    db.session.flush()
    return saved


# --- clarifications ---------------------------------------------------------------------------------------


def commons_contacts(commons: Commons) -> list[str]:
    """E-mail addresses of the commons' contacts (publiccode.yml ``maintenance.contacts``)."""
    maintenance = commons.maintenance if isinstance(commons.maintenance, dict) else {}
    out: list[str] = []
    for contact in maintenance.get("contacts") or []:
        email = (contact or {}).get("email") if isinstance(contact, dict) else None
        if isinstance(email, str) and "@" in email and email.strip().lower() not in out:
            out.append(email.strip().lower())
    return out


def _valid_email(value: str) -> bool:
    local, _sep, domain = value.rpartition("@")
    return bool(local) and "." in domain and not any(c.isspace() for c in value) and len(value) <= 255


def _parse_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def request_clarification(
    review: Review,
    actor: Any,
    *,
    question: str,
    deadline: date | str | None,
    recipients: list[str] | str | None = None,
    version: int | None = None,
) -> Clarification:
    """Ask the commons' contacts a question with a deadline (a future date); the round waits for the answer.
    Staff and the round's conflict-free reviewers may ask."""
    row = membership(review, actor)
    if not (can(actor, "review:manage") or (row is not None and row.coi_has_conflict is False)):
        raise PermissionDenied(_("Only the secretariat and this round's reviewers can request a clarification."))
    if review.status != "in_review":
        raise _refuse_transition(review, "request_clarification", ("in_review",))
    _check_version(review, version)
    errors: dict[str, list[str]] = {}
    question = _text(question)
    if not question or _is_placeholder(question):
        errors["question"] = [_("Write the question to the commons' contacts.")]
    elif len(question) > MAX_TEXT:
        errors["question"] = [_("At most %(max)d characters.", max=MAX_TEXT)]
    due = _parse_date(deadline)
    if deadline in (None, ""):
        errors["deadline"] = [_("Give a deadline.")]
    elif due is None:
        errors["deadline"] = [_("Enter the deadline as a date, for example 2026-12-31.")]
    elif due <= today():
        errors["deadline"] = [_("The deadline must be a date in the future.")]
    if isinstance(recipients, str):
        given = [p.strip().lower() for p in recipients.replace(",", " ").split() if p.strip()]
    else:
        given = [str(p).strip().lower() for p in recipients or [] if str(p).strip()]
    bad = [p for p in given if not _valid_email(p)]
    if bad:
        errors["recipients"] = [_("Not an e-mail address: %(value)s.", value=bad[0][:80])]
    addresses = given or commons_contacts(review.commons)
    if not addresses and "recipients" not in errors:
        errors["recipients"] = [_("No contact is known for this commons: give at least one e-mail address.")]
    if errors:
        raise ValidationFailed(errors)
    assert due is not None
    clarification = Clarification(
        requested_by_id=getattr(actor, "id", None), question=question, recipients=addresses, deadline=due
    )
    review.clarifications.append(clarification)
    _set_status(review, "clarification_requested", actor, deadline=due.isoformat())
    db.session.flush()
    record_event(
        "review:clarification:request",
        review,
        new={"clarification_id": clarification.id, "deadline": due.isoformat(), "recipients": len(addresses)},
        actor=actor,
    )
    notifications.clarification_requested(review, clarification)
    return clarification


def record_answer(review: Review, actor: Any, *, answer: str, version: int | None = None) -> Clarification:
    """The secretariat records the contacts' answer; the round goes back to review."""
    require(actor, "review:manage")
    if review.status != "clarification_requested":
        raise _refuse_transition(review, "answer_clarification", ("clarification_requested",))
    _check_version(review, version)
    answer = _text(answer)
    if not answer or _is_placeholder(answer):
        raise ValidationFailed({"answer": [_("Write the answer that was received.")]})
    if len(answer) > MAX_TEXT:
        raise ValidationFailed({"answer": [_("At most %(max)d characters.", max=MAX_TEXT)]})
    clarification = open_clarification(review)
    if clarification is None:  # pragma: no cover - the state says one is open
        raise Conflict(_("No clarification is open on this round."))
    clarification.answer = answer
    clarification.answered_at = utcnow()
    _set_status(review, "in_review", actor)
    record_event("review:clarification:answer", review, new={"clarification_id": clarification.id}, actor=actor)
    db.session.flush()
    return clarification


def overdue_clarifications(on: date | None = None) -> list[tuple[Review, Clarification]]:
    """Rounds waiting for an answer whose deadline has passed."""
    on = on or today()
    out = []
    for review in db.session.scalars(select(Review).where(Review.status == "clarification_requested")):
        clarification = open_clarification(review)
        if clarification is not None and clarification.deadline < on:
            out.append((review, clarification))
    return out


def expire_clarifications(on: date | None = None, actor: Any = None) -> list[Review]:
    """End as ineligible every round whose clarification deadline passed without an answer (idempotent:
    an expired round is decided and is never picked again). Run by the scheduler; no permission check."""
    on = on or today()
    ended = []
    for review, clarification in overdue_clarifications(on):
        clarification.expired_at = utcnow()
        rationale = f"clarification not answered by {clarification.deadline.isoformat()}"
        _finish(review, "ineligible", rationale, actor, on=on)
        record_event(
            "review:clarification:expire",
            review,
            new={"clarification_id": clarification.id, "deadline": clarification.deadline.isoformat()},
            actor=actor,
        )
        ended.append(review)
    db.session.flush()
    return ended


def renewals_due(on: date | None = None) -> list[Commons]:
    """Accepted commons whose acceptance ends within the notice period and that have no open round."""
    on = on or today()
    horizon = on + timedelta(days=RENEWAL_NOTICE_DAYS)
    candidates = db.session.scalars(
        select(Commons)
        .where(Commons.catalogue_status == "accepted", Commons.valid_until.is_not(None), Commons.valid_until <= horizon)
        .order_by(Commons.valid_until, Commons.slug)
    ).all()
    return [c for c in candidates if open_round(c) is None]


def open_renewals(on: date | None = None, actor: Any = None) -> list[Review]:
    """Open a renewal round (submitted, ready for reviewers) for each commons in ``renewals_due`` (idempotent)."""
    opened = []
    for commons in renewals_due(on):
        previous = db.session.scalar(
            select(Review)
            .where(Review.commons_id == commons.id, Review.status == "decided")
            .order_by(Review.decided_at.desc(), Review.id.desc())
        )
        review = Review(
            commons_id=commons.id,
            round="renewal",
            criteria_version=CURRENT_CRITERIA_VERSION,
            status="submitted",
            submitted_at=utcnow(),
            previous_review_id=previous.id if previous else None,
            version=1,
        )
        review.commons = commons
        db.session.add(review)
        db.session.flush()
        record_event(
            "review:create",
            review,
            new={"commons": commons.slug, "round": "renewal", "valid_until": str(commons.valid_until)},
            actor=actor,
        )
        opened.append(review)
    return opened


# --- decision ---------------------------------------------------------------------------------------------


def reviewer_quorum_problem(review: Review) -> str | None:
    """Why the round cannot be decided yet for lack of reviewers, or None."""
    done = completed_reviewers(review)
    states = sorted({r.member_state_code for r in done if r.member_state_code})
    if len(done) >= MIN_REVIEWERS and len(states) >= MIN_STATES:
        return None
    return _(
        "A decision needs at least %(min)d reviewers from at least %(states)d member states who completed their "
        "assessment; so far %(count)d completed (member states: %(list)s).",
        min=MIN_REVIEWERS,
        states=MIN_STATES,
        count=len(done),
        list=", ".join(states) or _("none"),
    )


def missing_for_decision(review: Review) -> list[str]:
    """What the round still lacks before either decision can be recorded, as sentences (empty: nothing)."""
    missing: list[str] = []
    if review.status != "in_review":
        missing.append(
            _(
                "The round is %(state)s: a decision is recorded only while it is in review.",
                state=state_label(review.status),
            )
        )
    done = completed_reviewers(review)
    states = sorted({r.member_state_code for r in done if r.member_state_code})
    if len(done) < MIN_REVIEWERS:
        missing.append(
            _(
                "Completed assessments: %(count)d of the %(min)d needed.",
                count=len(done),
                min=MIN_REVIEWERS,
            )
        )
    if len(states) < MIN_STATES:
        missing.append(
            _(
                "Member states of the reviewers who completed: %(list)s; at least %(min)d different ones are needed.",
                list=", ".join(states) or _("none"),
                min=MIN_STATES,
            )
        )
    if missing and len([r for r in review.reviewers if not r.coi_has_conflict]) < MIN_REVIEWERS:
        missing.append(
            _("The round has fewer than %(min)d reviewers without a conflict: assign more.", min=MIN_REVIEWERS)
        )
    return missing


def pending_reviewers(review: Review) -> list[tuple[ReviewReviewer, str]]:
    """The round's reviewers whose assessment does not count yet, with what they still have to do."""
    out = []
    for row in review.reviewers:
        if row.coi_has_conflict:
            continue
        if row.coi_declared_at is None:
            out.append((row, _("has not declared conflicts of interest yet")))
        elif row.completed_at is None:
            out.append((row, _("has not completed the assessment yet")))
    return out


def failed_gates(review: Review) -> list[tuple[str, str]]:
    """``(code, verdict)`` of every gate that some counted assessment did not mark pass or n_a."""
    gates = {c.code for c in criteria(review.criteria_version) if c.kind == GATE}
    done = {r.user_id for r in completed_reviewers(review)}
    out = []
    for code in sorted(gates):
        verdicts = {a.verdict for a in review.assessments if a.criterion_code == code and a.reviewer_id in done}
        bad = sorted(verdicts - {"pass", "n_a"})
        if bad or not verdicts:
            out.append((code, bad[0] if bad else "missing"))
    return out


def decide(review: Review, actor: Any, *, decision: str, rationale: str, version: int | None = None) -> Review:
    """The secretariat decides after the reviewers: ``accepted`` (valid 12 months) or ``ineligible``."""
    require(actor, "review:decide")
    if review.status != "in_review":
        raise _refuse_transition(review, "decide", ("in_review",))
    _check_version(review, version)
    errors: dict[str, list[str]] = {}
    if decision not in DECISIONS:
        errors["decision"] = [_("Choose accepted or ineligible.")]
    rationale = _text(rationale)
    if not rationale or _is_placeholder(rationale):
        errors["rationale"] = [_("Explain the decision: the rationale is published.")]
    elif len(rationale) > MAX_TEXT:
        errors["rationale"] = [_("At most %(max)d characters.", max=MAX_TEXT)]
    if errors:
        raise ValidationFailed(errors)
    problem = reviewer_quorum_problem(review)
    if problem:
        raise Conflict(problem)
    if decision == "accepted":
        titles = {c.code: c.title for c in criteria(review.criteria_version)}
        failed = failed_gates(review)
        if failed:
            code, verdict = failed[0]
            raise ValidationFailed(
                {
                    "decision": [
                        _(
                            "The commons cannot be accepted: gate %(code)s (%(title)s) is “%(verdict)s” in at "
                            "least one assessment; every gate must be pass or n_a.",
                            code=code,
                            title=titles.get(code, code),
                            verdict=verdict,
                        )
                    ]
                }
            )
    _finish(review, decision, rationale, actor)
    db.session.flush()
    return review


def _finish(review: Review, decision: str, rationale: str, actor: Any, on: date | None = None) -> None:
    on = on or today()
    now = utcnow()
    review.decision = decision
    review.rationale = rationale
    review.decided_at = now
    review.decided_by_id = getattr(actor, "id", None)
    commons = review.commons
    if decision == "accepted":
        review.valid_from = on
        review.valid_until = add_months(on, VALIDITY_MONTHS)
        commons.valid_from = review.valid_from
        commons.valid_until = review.valid_until
        commons.accepted_at = now
        _set_catalogue_status(commons, "accepted", actor)
    else:
        review.valid_from = review.valid_until = None
        commons.valid_from = commons.valid_until = None
        _set_catalogue_status(commons, "ineligible", actor)
    _set_status(review, "decided", actor, decision=decision)
    record_event(
        "review:decision:record",
        review,
        new={
            "decision": decision,
            "valid_until": review.valid_until.isoformat() if review.valid_until else None,
        },
        actor=actor,
    )
    notifications.decision_recorded(review)


# --- public view ------------------------------------------------------------------------------------------


def aggregate(review: Review) -> list[dict[str, Any]]:
    """Per criterion: verdict counts and, for scored criteria, the mean score of the counted assessments.
    Never who said what."""
    counted = counted_assessments(review)
    out = []
    for criterion in criteria(review.criteria_version):
        rows = [a for a in counted if a.criterion_code == criterion.code]
        scores = [a.score for a in rows if a.score is not None]
        out.append(
            {
                "code": criterion.code,
                "kind": criterion.kind,
                "title": criterion.title,
                "description": criterion.description,
                "verdicts": dict(Counter(a.verdict for a in rows)),
                "score": round(sum(scores) / len(scores), 2) if scores else None,
                "scores": len(scores),
            }
        )
    return out


def latest_public_review(commons: Commons) -> Review | None:
    """The round the public sees: the latest decided one, else the latest one past draft (not withdrawn)."""
    decided = db.session.scalar(
        select(Review)
        .where(Review.commons_id == commons.id, Review.status == "decided")
        .order_by(Review.decided_at.desc(), Review.id.desc())
    )
    if decided is not None:
        return decided
    return db.session.scalar(
        select(Review)
        .where(
            Review.commons_id == commons.id, Review.status.in_(("submitted", "in_review", "clarification_requested"))
        )
        .order_by(Review.id.desc())
    )


def public_review_summary(commons: Commons) -> dict[str, Any] | None:
    """The review state the API publishes on a commons: status, decision, dates, round, criteria version and
    the mean score per scored criterion. ``None`` when no round is public yet. No reviewer is named."""
    decided = latest_public_review(commons)
    if decided is None:
        return None
    current = open_round(commons)
    status = current.status if current is not None and current.status != "draft" else decided.status
    scores = (
        {item["code"]: item["score"] for item in aggregate(decided) if item["kind"] == SCORED}
        if decided.status == "decided"
        else {}
    )
    return {
        "status": status,
        "decision": decided.decision,
        "decided_at": decided.decided_at,
        "valid_from": decided.valid_from,
        "valid_until": decided.valid_until,
        "round": decided.round,
        "criteria_version": decided.criteria_version,
        "rationale": decided.rationale,
        "scores": scores,
    }


def review_as_dict(review: Review, *, internal: bool) -> dict[str, Any]:
    """A round for the API. ``internal`` (working group) adds reviewer states, never their e-mails."""
    out: dict[str, Any] = {
        "id": review.id,
        "commons": review.commons.slug,
        "round": review.round,
        "criteria_version": review.criteria_version,
        "status": review.status,
        "version": review.version,
        "decision": review.decision,
        "rationale": review.rationale,
        "decided_at": review.decided_at.isoformat() if review.decided_at else None,
        "valid_from": review.valid_from.isoformat() if review.valid_from else None,
        "valid_until": review.valid_until.isoformat() if review.valid_until else None,
        "created_at": review.created_at.isoformat() if review.created_at else None,
        "criteria": aggregate(review),
    }
    if internal:
        out["reviewers"] = [
            {
                "user_id": r.user_id,
                "name": r.user.name if r.user else None,
                "member_state": r.member_state_code,
                "volunteered": bool(r.volunteered),
                "coi_declared": r.coi_declared_at is not None,
                "has_conflict": r.coi_has_conflict,
                "completed": r.completed_at is not None,
            }
            for r in review.reviewers
        ]
        out["clarifications"] = [
            {
                "id": c.id,
                "question": c.question,
                "deadline": c.deadline.isoformat(),
                "answered": c.answered_at is not None,
                "expired": c.expired_at is not None,
            }
            for c in review.clarifications
        ]
    return out


# --- dashboard --------------------------------------------------------------------------------------------


def dashboard(actor: Any, on: date | None = None) -> dict[str, Any]:
    """What the reviewer dashboard shows: my queue, overdue clarifications, renewals due, pipeline by state."""
    require(actor, "review:queue")
    on = on or today()
    mine = db.session.scalars(
        select(Review)
        .join(ReviewReviewer, ReviewReviewer.review_id == Review.id)
        .where(ReviewReviewer.user_id == actor.id, Review.status.in_(OPEN_STATES))
        .order_by(Review.id)
    ).all()
    open_rounds = db.session.scalars(select(Review).where(Review.status.in_(OPEN_STATES)).order_by(Review.id)).all()
    counts = Counter(db.session.scalars(select(Review.status)).all())
    pipeline = [(state, counts.get(state, 0)) for state in (*OPEN_STATES, "decided", "withdrawn")]
    return {
        "mine": mine,
        "open_rounds": open_rounds,
        "overdue": overdue_clarifications(on),
        "renewals": renewals_due(on),
        "pipeline": pipeline,
        "today": on,
    }


def mail_enabled() -> bool:
    """Whether notifications are really sent (a mail server is configured): pages must not promise an
    e-mail otherwise."""
    return bool(mail_settings().get("enabled"))


def mail_settings() -> dict[str, Any]:
    """The SMTP settings of the running application (empty outside one)."""
    if not has_app_context():
        return {}
    config = current_app.config
    return {
        "enabled": bool(config.get("MAIL_ENABLED")),
        "server": config.get("MAIL_SERVER", "127.0.0.1"),
        "port": int(config.get("MAIL_PORT", 25)),
        "sender": config.get("MAIL_FROM", "commons@example.eu"),
        "timeout": float(config.get("MAIL_TIMEOUT", 10)),
        "base_url": config.get("COMMONS_BASE_URL", ""),
    }
