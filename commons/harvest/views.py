# SPDX-License-Identifier: EUPL-1.2
"""Harvest pages: sources (propose, approve, reject, run now, preview) and jobs with per-item errors."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from commons.errors import ValidationFailed
from commons.extensions import db
from commons.failures import cause_sentence
from commons.harvest import services
from commons.harvest.forms import ActionForm, SourceForm
from commons.permissions import can, require

bp = Blueprint("harvest", __name__)


def _user() -> Any:
    return current_user._get_current_object()  # type: ignore[attr-defined]


@bp.route("/admin/harvest/sources")
@login_required
def sources() -> Any:
    rows = services.list_sources(_user())
    return render_template("harvest/sources.html", sources=rows, action_form=ActionForm())


@bp.route("/harvest/sources/propose", methods=["GET", "POST"])
@login_required
def propose() -> Any:
    user = _user()
    staff = can(user, "harvest:manage")
    form = SourceForm()
    status = 200
    if form.validate_on_submit():
        try:
            source = services.propose_source(
                user,
                kind=form.kind.data or "",
                url=form.url.data or "",
                api_url=form.api_url.data or None,
                organisation=form.organisation.data or None,
                schedule_hours=form.schedule_hours.data,
                approve=bool(form.approve.data) and staff,
            )
            db.session.commit()
        except ValidationFailed as failure:
            db.session.rollback()
            form.apply_errors(failure)
            status = 422
        else:
            if staff:
                flash(_("The source was added."), "success")
                return redirect(url_for("harvest.source", source_id=source.id))
            flash(_("Thank you. The source waits for an administrator's approval."), "success")
            return redirect(url_for("harvest.propose"))
    elif request.method == "POST":
        status = 422
    return render_template("harvest/propose.html", form=form, staff=staff), status


@bp.route("/admin/harvest/sources/<int:source_id>")
@login_required
def source(source_id: int) -> Any:
    require(_user(), "harvest:manage")
    found = services.get_source(source_id)
    jobs = services.list_jobs(_user(), source=found, limit=20)
    from commons.publiccode.services import source_reports

    reports = source_reports(_user(), found)
    return render_template(
        "harvest/source.html", source=found, jobs=jobs, action_form=ActionForm(), publiccode_reports=reports
    )


def _action(source_id: int, operation: str) -> Any:
    form = ActionForm()
    user = _user()
    # Permission first: a forbidden user learns nothing, not even whether the source exists.
    require(user, "harvest:manage")
    source = services.get_source(source_id)
    if not form.validate_on_submit():
        flash(_("The form has expired. Try again."), "info")
        return redirect(url_for("harvest.source", source_id=source.id))
    if operation == "approve":
        services.approve_source(user, source)
        db.session.commit()
        flash(_("The source is approved."), "success")
    elif operation == "reject":
        services.reject_source(user, source)
        db.session.commit()
        flash(_("The source is rejected."), "success")
    else:
        job = services.queue_job(user, source)
        db.session.commit()
        if current_app.config.get("COMMONS_BROKER_URL"):
            from commons.harvest.tasks import enqueue

            enqueue(job)
            flash(_("The harvest is queued."), "success")
        else:
            job = services.run_source(source, job)
            _flash_outcome(job)
        return redirect(url_for("harvest.job", job_id=job.id))
    return redirect(url_for("harvest.source", source_id=source.id))


def _flash_outcome(job: Any) -> None:
    """Say how the run went: a failure in the error style with its cause, never a green banner."""
    cause = (job.details or {}).get("cause")
    if job.status == "failed":
        flash(_("The harvest failed. %(cause)s", cause=cause_sentence(cause)), "error")
    elif job.status == "partial":
        flash(_("The harvest finished with errors: some repositories or pages were not read (see below)."), "warning")
    else:
        flash(_("The harvest succeeded."), "success")


@bp.route("/admin/harvest/sources/<int:source_id>/approve", methods=["POST"])
@login_required
def approve(source_id: int) -> Any:
    return _action(source_id, "approve")


@bp.route("/admin/harvest/sources/<int:source_id>/reject", methods=["POST"])
@login_required
def reject(source_id: int) -> Any:
    return _action(source_id, "reject")


@bp.route("/admin/harvest/sources/<int:source_id>/run", methods=["POST"])
@login_required
def run_now(source_id: int) -> Any:
    return _action(source_id, "run")


@bp.route("/admin/harvest/sources/<int:source_id>/preview")
@login_required
def preview(source_id: int) -> Any:
    require(_user(), "harvest:manage")
    source = services.get_source(source_id)
    result = services.preview_source(_user(), source)
    return render_template("harvest/preview.html", source=source, preview=result, cause_sentence=cause_sentence)


@bp.route("/admin/harvest/jobs")
@login_required
def jobs() -> Any:
    return render_template("harvest/jobs.html", jobs=services.list_jobs(_user(), limit=100))


@bp.route("/admin/harvest/jobs/<int:job_id>")
@login_required
def job(job_id: int) -> Any:
    require(_user(), "harvest:manage")
    found = services.get_job(job_id)
    return render_template(
        "harvest/job.html", job=found, items=services.job_items(found), cause_sentence=cause_sentence
    )
