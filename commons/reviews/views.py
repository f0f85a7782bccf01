# SPDX-License-Identifier: EUPL-1.2
"""Reviews pages: the dashboard, a round and its forms, and the public decision page of a commons."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from commons.accounts.models import User
from commons.catalogue.models import Commons
from commons.collation import sorted_by_name
from commons.errors import Conflict, PermissionDenied, ServiceError, ValidationFailed
from commons.extensions import db
from commons.permissions import can, require
from commons.reviews import evidence, services
from commons.reviews.forms import (
    AnswerForm,
    AssignForm,
    ClarificationForm,
    ConflictForm,
    DecisionForm,
    NewReviewForm,
    TransitionForm,
    VersionedForm,
    VolunteerForm,
    assessment_form_class,
)
from commons.reviews.models import Review

bp = Blueprint("reviews", __name__)


def _actor() -> Any:
    return current_user._get_current_object()


def _load(review_id: int) -> Review:
    return services.get_review(review_id, _actor())


def _render_form(template: str, review: Review, form: Any, status: int = 200, **extra: Any) -> Any:
    return render_template(template, review=review, form=form, **extra), status


# Volunteering, declaring and assessing concern only the reviewer's own rows: they still bump the round's
# version (so a decision prepared on older assessments is refused) but are not refused because a colleague
# saved in the meantime.


def _handle(form: VersionedForm, error: ServiceError) -> int:
    """Put a service error on the form and answer with the status it deserves (422 or 409)."""
    db.session.rollback()
    if isinstance(error, ValidationFailed):
        form.apply_errors(error)
        return 422
    form.form_errors.append(error.message or _("Nothing was changed."))
    return error.status


def _next_step_message() -> str:
    """What a reviewer of a round that has not started yet is told after declaring no conflict."""
    if services.mail_enabled():
        return _(
            "Your declaration is recorded. The round has not started yet: the secretariat starts it, and you "
            "will be told by e-mail when you can assess the commons. Until then it waits in your queue on the "
            "Reviews page."
        )
    return _(
        "Your declaration is recorded. The round has not started yet: the secretariat starts it; then “Assess "
        "the commons” appears on this page and in your queue on the Reviews page."
    )


@bp.route("/reviews")
@login_required
def dashboard() -> Any:
    data = services.dashboard(_actor())
    return render_template("reviews/dashboard.html", data=data, state_label=services.state_label)


@bp.route("/reviews/new", methods=["GET", "POST"])
@login_required
def new() -> Any:
    require(_actor(), "review:manage")
    form = NewReviewForm()
    taken = {r.commons_id for r in db.session.scalars(select(Review).where(Review.status.in_(services.OPEN_STATES)))}
    form.commons.choices = [SelectChoice("", _("Choose a commons"))] + [
        SelectChoice(c.slug, c.name)
        for c in sorted_by_name(
            db.session.scalars(select(Commons).where(Commons.catalogue_status != "archived")), lambda c: c.name
        )
        if c.id not in taken
    ]
    status = 200
    if form.validate_on_submit():
        try:
            commons = db.session.scalar(select(Commons).where(Commons.slug == form.commons.data))
            if commons is None:
                raise ValidationFailed({"commons": [_("Choose a commons.")]})
            review = services.create_review(commons, _actor(), form.round.data or "initial")
        except ServiceError as error:
            db.session.rollback()
            if isinstance(error, ValidationFailed):
                form.apply_errors(error)
                status = 422
            else:
                form.form_errors.append(error.message)
                status = error.status
        else:
            db.session.commit()
            flash(_("The review round was created."), "success")
            return redirect(url_for("reviews.detail", review_id=review.id))
    elif request.method == "POST":
        status = 422
    return render_template("reviews/new.html", form=form), status


def _detail_context(review: Review) -> dict[str, Any]:
    actor = _actor()
    row = services.membership(review, actor)
    return {
        "review": review,
        "row": row,
        "aggregate": services.aggregate(review),
        "quorum_problem": services.reviewer_quorum_problem(review),
        "failed_gates": services.failed_gates(review),
        "open_clarification": services.open_clarification(review),
        "state_label": services.state_label,
        "can_manage": can(actor, "review:manage"),
        "can_assign": can(actor, "review:assign"),
        "can_decide": can(actor, "review:decide"),
        "is_reviewer": "reviewer" in actor.role_names,
        "waiting_for_start": row is not None
        and row.coi_declared_at is not None
        and not row.coi_has_conflict
        and review.status in ("draft", "submitted"),
        "mail_enabled": services.mail_enabled(),
        "transitions": [
            (action, label)
            for action, label in (
                ("submit", _("Submit")),
                ("start", _("Start the review")),
                ("withdraw", _("Withdraw")),
            )
            if review.status in services.SIMPLE_TRANSITIONS[action][0]
        ],
        "transition_form": TransitionForm(formdata=None, version=review.version),
        "volunteer_form": VolunteerForm(formdata=None, version=review.version),
    }


@bp.route("/reviews/<int:review_id>")
@login_required
def detail(review_id: int) -> Any:
    review = _load(review_id)
    return render_template("reviews/detail.html", **_detail_context(review))


@bp.route("/reviews/<int:review_id>/transition", methods=["POST"])
@login_required
def transition(review_id: int) -> Any:
    review = _load(review_id)
    form = TransitionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.transition(
            review, form.action.data or "", _actor(), version=form.version_value(), reason=form.reason.data or ""
        )
    except (Conflict, ValidationFailed) as error:
        db.session.rollback()
        message = error.message
        if isinstance(error, ValidationFailed):
            message = " ".join(m for messages in error.errors.values() for m in messages)
        context = _detail_context(_load(review_id))
        return render_template("reviews/detail.html", error_message=message, **context), error.status
    db.session.commit()
    flash(_("The round is now %(state)s.", state=services.state_label(review.status)), "success")
    return redirect(url_for("reviews.detail", review_id=review.id))


@bp.route("/reviews/<int:review_id>/assign", methods=["GET", "POST"])
@login_required
def assign(review_id: int) -> Any:
    review = _load(review_id)
    require(_actor(), "review:assign")
    form = AssignForm(version=review.version)
    eligible = services.eligible_reviewers(review)
    form.reviewer.choices = [SelectChoice("", _("Choose a reviewer"))] + [
        SelectChoice(str(u.id), f"{u.name} ({u.member_state_code})") for u in eligible
    ]
    status = 200
    if form.validate_on_submit():
        try:
            reviewer = db.session.get(User, int(form.reviewer.data)) if (form.reviewer.data or "").isdigit() else None
            services.assign_reviewer(review, reviewer, _actor(), version=form.version_value())
        except ServiceError as error:
            status = _handle(form, error)
        else:
            db.session.commit()
            if services.mail_enabled():
                flash(_("The reviewer was assigned and told by e-mail."), "success")
            else:
                flash(
                    _(
                        "The reviewer was assigned. No mail server is configured, so nobody was e-mailed: tell "
                        "them yourself; the round is in their queue on the Reviews page."
                    ),
                    "success",
                )
            return redirect(url_for("reviews.detail", review_id=review.id))
    elif request.method == "POST":
        status = 422
    return _render_form(
        "reviews/assign.html",
        review,
        form,
        status,
        eligible=eligible,
        nobody_reasons=services.why_nobody_to_assign(review) if not eligible else [],
    )


@bp.route("/reviews/<int:review_id>/volunteer", methods=["POST"])
@login_required
def volunteer(review_id: int) -> Any:
    review = _load(review_id)
    form = VolunteerForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.volunteer(review, _actor(), version=None)
    except (Conflict, PermissionDenied) as error:
        db.session.rollback()
        context = _detail_context(_load(review_id))
        return render_template("reviews/detail.html", error_message=error.message, **context), error.status
    db.session.commit()
    flash(_("You are now a reviewer of this round. Declare any conflict of interest first."), "success")
    return redirect(url_for("reviews.conflict", review_id=review.id))


@bp.route("/reviews/<int:review_id>/conflict", methods=["GET", "POST"])
@login_required
def conflict(review_id: int) -> Any:
    review = _load(review_id)
    actor = _actor()
    require(actor, "review:assess")
    if services.membership(review, actor) is None:
        raise PermissionDenied(_("You are not a reviewer of this round."))
    form = ConflictForm(version=review.version)
    status = 200
    if form.validate_on_submit():
        try:
            services.declare_conflict(
                review,
                actor,
                has_conflict={"yes": True, "no": False}.get(form.has_conflict.data or ""),
                statement=form.statement.data or "",
                version=None,
            )
        except ServiceError as error:
            status = _handle(form, error)
        else:
            db.session.commit()
            row = services.membership(review, actor)
            if row is not None and row.coi_has_conflict:
                flash(_("Your conflict of interest is recorded; you will not assess this round."), "success")
                return redirect(url_for("reviews.detail", review_id=review.id))
            if review.status in services.ASSESSABLE_STATES:
                flash(_("Your declaration is recorded. You can now assess the commons."), "success")
                return redirect(url_for("reviews.assess", review_id=review.id))
            # Volunteering is allowed before the round starts; assessing is not: say what comes next.
            flash(_next_step_message(), "success")
            return redirect(url_for("reviews.detail", review_id=review.id))
    elif request.method == "POST":
        status = 422
    return _render_form("reviews/conflict.html", review, form, status)


@bp.route("/reviews/<int:review_id>/assess", methods=["GET", "POST"])
@login_required
def assess(review_id: int) -> Any:
    review = _load(review_id)
    actor = _actor()
    try:
        services.check_can_assess(review, actor)
    except Conflict as error:
        row = services.membership(review, actor)
        if row is not None and row.coi_declared_at is None:
            flash(error.message, "info")
            return redirect(url_for("reviews.conflict", review_id=review.id))
        if row is not None and review.status in ("draft", "submitted"):
            flash(_next_step_message(), "info")
            return redirect(url_for("reviews.detail", review_id=review.id))
        raise
    criteria = services.criteria(review.criteria_version)
    form_class = assessment_form_class(criteria)
    form = form_class(version=review.version)
    if request.method == "GET":
        mine = {a.criterion_code: a for a in review.assessments if a.reviewer_id == actor.id}
        for criterion in criteria:
            key = criterion.code.lower()
            assessment = mine.get(criterion.code)
            if assessment is None:
                continue
            getattr(form, f"{key}_verdict").data = assessment.verdict
            if hasattr(form, f"{key}_score"):
                getattr(form, f"{key}_score").data = "" if assessment.score is None else str(assessment.score)
            getattr(form, f"{key}_evidence").data = "\n".join(assessment.evidence_urls or [])
            getattr(form, f"{key}_comment").data = assessment.comment or ""
    status = 200
    if form.validate_on_submit():
        entries = {}
        for criterion in criteria:
            key = criterion.code.lower()
            entries[criterion.code] = services.Entry(
                verdict=getattr(form, f"{key}_verdict").data,
                score=getattr(form, f"{key}_score").data if hasattr(form, f"{key}_score") else None,
                evidence_urls=getattr(form, f"{key}_evidence").data,
                comment=getattr(form, f"{key}_comment").data,
            )
        try:
            services.save_assessment(review, actor, entries, complete=form.complete.data == "yes", version=None)
        except ServiceError as error:
            status = _handle(form, error)
        else:
            db.session.commit()
            flash(
                _("Your assessment is complete.") if form.complete.data == "yes" else _("Your draft is saved."),
                "success",
            )
            return redirect(url_for("reviews.detail", review_id=review.id))
    elif request.method == "POST":
        status = 422
    return _render_form(
        "reviews/assess.html",
        review,
        form,
        status,
        criteria=criteria,
        facts=evidence.facts_for(review.commons),
    )


@bp.route("/reviews/<int:review_id>/clarification", methods=["GET", "POST"])
@login_required
def clarification(review_id: int) -> Any:
    review = _load(review_id)
    form = ClarificationForm(version=review.version)
    status = 200
    if form.validate_on_submit():
        try:
            asked = services.request_clarification(
                review,
                _actor(),
                question=form.question.data or "",
                deadline=form.deadline.data,
                recipients=form.recipients.data or None,
                version=form.version_value(),
            )
        except ServiceError as error:
            status = _handle(form, error)
        else:
            db.session.commit()
            if services.mail_enabled():
                flash(_("The question was sent to the commons' contacts."), "success")
            else:
                flash(
                    _(
                        "The question is recorded, but no mail server is configured: send it to the contacts "
                        "yourself (%(list)s).",
                        list=", ".join(asked.recipients or []),
                    ),
                    "success",
                )
            return redirect(url_for("reviews.detail", review_id=review.id))
    elif request.method == "POST":
        status = 422
    return _render_form(
        "reviews/clarification.html", review, form, status, contacts=services.commons_contacts(review.commons)
    )


@bp.route("/reviews/<int:review_id>/answer", methods=["GET", "POST"])
@login_required
def answer(review_id: int) -> Any:
    review = _load(review_id)
    require(_actor(), "review:manage")
    form = AnswerForm(version=review.version)
    status = 200
    if form.validate_on_submit():
        try:
            services.record_answer(review, _actor(), answer=form.answer.data or "", version=form.version_value())
        except ServiceError as error:
            status = _handle(form, error)
        else:
            db.session.commit()
            flash(_("The answer is recorded; the round is back in review."), "success")
            return redirect(url_for("reviews.detail", review_id=review.id))
    elif request.method == "POST":
        status = 422
    return _render_form(
        "reviews/answer.html", review, form, status, open_clarification=services.open_clarification(review)
    )


@bp.route("/reviews/<int:review_id>/decision", methods=["GET", "POST"])
@login_required
def decision(review_id: int) -> Any:
    review = _load(review_id)
    require(_actor(), "review:decide")
    form = DecisionForm(version=review.version)
    status = 200
    if form.validate_on_submit():
        try:
            services.decide(
                review,
                _actor(),
                decision=form.decision.data or "",
                rationale=form.rationale.data or "",
                version=form.version_value(),
            )
        except ServiceError as error:
            status = _handle(form, error)
        else:
            db.session.commit()
            flash(_("The decision is recorded and published."), "success")
            return redirect(url_for("reviews.public_decision", slug=review.commons.slug))
    elif request.method == "POST":
        status = 422
    return _render_form(
        "reviews/decision.html",
        review,
        form,
        status,
        aggregate=services.aggregate(review),
        quorum_problem=services.reviewer_quorum_problem(review),
        failed_gates=services.failed_gates(review),
        missing=services.missing_for_decision(review),
        pending=services.pending_reviewers(review),
        can_assign_more=bool(services.eligible_reviewers(review)),
        min_reviewers=services.MIN_REVIEWERS,
        min_states=services.MIN_STATES,
    )


@bp.route("/commons/<slug>/review")
def public_decision(slug: str) -> Any:
    commons = services.get_commons(slug)
    review = services.latest_public_review(commons)
    return render_template(
        "reviews/public.html",
        commons=commons,
        review=review,
        aggregate=services.aggregate(review) if review is not None and review.status == "decided" else [],
        summary=services.public_review_summary(commons),
        state_label=services.state_label,
    )
