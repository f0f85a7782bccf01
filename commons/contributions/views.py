# SPDX-License-Identifier: EUPL-1.2
"""Contribution pages: forms for member-state teams (dashboards live in dashboards.py).

Views are thin: a form checks what it can alone, a service checks the permission and the rest, the view
commits or rolls back and answers 422 (invalid), 409 (stale version) with the form as it was typed.
"""

from __future__ import annotations

from typing import Any

from babel.numbers import format_decimal
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from commons.catalogue.models import Commons, Need
from commons.collation import sorted_by_name
from commons.contributions import services
from commons.contributions.forms import (
    LINE_TITLES,
    TYPE_LABELS,
    DeleteForm,
    EnvelopeEditForm,
    EvidenceForm,
    ImportForm,
    NeedForm,
    NeedStatusForm,
    StatusForm,
    accepted_part,
    contribution_form_class,
    line_form_class,
)
from commons.contributions.models import TYPES, Contribution
from commons.contributions.status import status_label
from commons.contributions.visibility import can_see_staff_names
from commons.errors import NotFound, ServiceError, ValidationFailed
from commons.extensions import db
from commons.forms import BaseForm, is_http_url
from commons.permissions import can, require

bp = Blueprint("contributions", __name__)


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {
        "contribution_status_label": status_label,
        "contribution_type_labels": TYPE_LABELS,
        # Links are made only of http(s) addresses, whatever a row holds (a stored javascript: URL stays text).
        "contribution_link_ok": is_http_url,
    }


def _actor() -> Any:
    return current_user._get_current_object()


def commons_choices() -> list[SelectChoice]:
    rows = sorted_by_name(db.session.execute(select(Commons.slug, Commons.name)).all(), lambda row: row[1])
    return [SelectChoice("", _("Choose a commons")), *[SelectChoice(slug, name) for slug, name in rows]]


def _require_recorder(actor: Any) -> None:
    """Only those who may record for a state (their own; admins any) reach the recording pages."""
    require(actor, "contribution:create", getattr(actor, "member_state_code", None) or "")


def _stale(form: BaseForm, error: services.StaleVersion) -> dict[str, Any]:
    """Keep what was typed, point the hidden version at the current one, show both versions."""
    if hasattr(form, "version"):
        form.version.data = str(error.current_version)
    form.form_errors.append(error.message)
    return {"theirs": error.theirs, "yours": error.yours}


@bp.route("/contributions/mine")
@login_required
def mine() -> Any:
    actor = _actor()
    live = services.list_for_state(actor)
    deleted = services.list_for_state(actor, deleted=True)
    return render_template("contributions/mine.html", live=live, deleted=deleted)


@bp.route("/contributions/new", methods=["GET", "POST"])
@login_required
def new() -> Any:
    actor = _actor()
    _require_recorder(actor)
    kind = request.args.get("type", "")
    if kind not in TYPES:
        return render_template("contributions/choose_type.html", types=TYPES)
    form = contribution_form_class(kind)()
    form.commons.choices = commons_choices()
    status = 200
    conflict = None
    if form.is_submitted():
        if form.add_line.data:
            # Works without JavaScript: the page comes back with one more empty line and nothing lost.
            if len(form.lines.entries) < (form.lines.max_entries or 50):
                form.lines.append_entry()
            return render_template("contributions/new.html", form=form, kind=kind, conflict=conflict), 200
        if form.remove_line.data:
            if len(form.lines.entries) > 1:
                form.lines.pop_entry()
            return render_template("contributions/new.html", form=form, kind=kind, conflict=conflict), 200
        if form.validate():
            try:
                contribution = services.create_contribution(actor, form.cleaned())
            except ValidationFailed as failure:
                db.session.rollback()
                form.apply_errors(failure)
                status = 422
            else:
                db.session.commit()
                flash(_("Contribution %(ref)s recorded.", ref=contribution.ref), "success")
                return redirect(url_for("contributions.detail", ref=contribution.ref))
        else:
            # The database rules run on the fields the form accepted: every error in one submit.
            form.apply_errors(ValidationFailed(services.check_contribution(actor, accepted_part(form))))
            status = 422
    return render_template("contributions/new.html", form=form, kind=kind, conflict=conflict), status


@bp.route("/contributions/<ref>")
def detail(ref: str) -> Any:
    actor = _actor()
    contribution = services.get_contribution(actor, ref)
    editable = services.can_edit(actor, contribution)
    evidence = [e for e in contribution.evidence if can(actor, "contribution:read", _Visible(e, contribution))]
    return render_template(
        "contributions/detail.html",
        c=contribution,
        editable=editable,
        evidence=evidence,
        show_names=can_see_staff_names(actor, contribution),
        restore_form=BaseForm(),
    )


class _Visible:
    """Evidence has its own visibility; its state is its contribution's."""

    def __init__(self, evidence: Any, contribution: Contribution) -> None:
        self.visibility = evidence.visibility
        self.member_state_code = contribution.member_state_code


def _envelope_data(c: Contribution) -> dict[str, Any]:
    return {
        "commons": c.commons.slug if c.commons else "",
        "title": c.title,
        "description": c.description,
        "instrument": c.instrument or "",
        "purpose_tags": ", ".join(c.purpose_tags or []),
        "period_start": c.period_start,
        "period_end": c.period_end,
        "decision_date": c.decision_date,
        "visibility": c.visibility,
        "version": str(c.version),
    }


@bp.route("/contributions/<ref>/edit", methods=["GET", "POST"])
@login_required
def edit(ref: str) -> Any:
    actor = _actor()
    contribution = services.get_for_edit(actor, ref)
    form = EnvelopeEditForm() if request.method == "POST" else EnvelopeEditForm(data=_envelope_data(contribution))
    form.commons.choices = commons_choices()

    def apply(actor: Any, c: Contribution) -> None:
        services.update_contribution(actor, c.ref, form.cleaned(), services.parse_version(form.version.data))

    return _simple_change(
        form, "contributions/edit.html", apply, _("Contribution %(ref)s saved.", ref=contribution.ref),
        contribution=contribution,
    )  # fmt: skip


@bp.route("/contributions/<ref>/lines/new", methods=["GET", "POST"])
@login_required
def add_line(ref: str) -> Any:
    actor = _actor()
    contribution = services.get_for_edit(actor, ref)
    form_class = line_form_class(contribution.type)
    form = form_class() if request.method == "POST" else form_class(data={"version": str(contribution.version)})
    if hasattr(form, "evidence_id"):
        form.evidence_id.choices = [SelectChoice("", _("None"))] + [
            SelectChoice(str(e.id), e.title or e.url) for e in contribution.evidence
        ]

    def with_evidence(line: dict[str, Any]) -> dict[str, Any]:
        if hasattr(form, "evidence_id"):
            line["evidence_id"] = form.evidence_id.data or None
        return line

    def apply(actor: Any, c: Contribution) -> None:
        line = with_evidence(form.cleaned())  # type: ignore[attr-defined]
        services.add_lines(actor, c.ref, [line], services.parse_version(form.version.data))  # type: ignore[attr-defined]

    def check(actor: Any, c: Contribution) -> dict[str, list[str]]:
        return services.check_lines(actor, c.ref, [with_evidence(accepted_part(form))])

    return _simple_change(
        form, "contributions/add_line.html", apply, _("Line added to %(ref)s.", ref=contribution.ref),
        contribution=contribution, line_title=LINE_TITLES[contribution.type], check=check,
    )  # fmt: skip


def _line_data(line: Any) -> dict[str, Any]:
    """A saved line as the line form shows it (staff effort in person-days)."""
    names = [c.name for c in line.__table__.columns if c.name not in ("id", "contribution_id", "created_at")]
    data = {name: getattr(line, name) for name in names}
    for name in ("person_days", "quantity", "value"):
        if data.get(name) is not None:
            # As the page's language writes numbers, without grouping, so that saving unchanged reads the same.
            data[name] = format_decimal(
                data[name], locale=get_locale() or "en", group_separator=False, decimal_quantization=False
            )
    return data


@bp.route("/contributions/<ref>/lines/<int:line_id>/edit", methods=["GET", "POST"])
@login_required
def edit_line(ref: str, line_id: int) -> Any:
    """A staff allocation, a seat or an in-kind item changes (funding lines never do: 404 for them)."""
    actor = _actor()
    contribution = services.get_for_edit(actor, ref)
    if contribution.type == "funding":
        raise NotFound()
    line = services.line_of(contribution, line_id)
    form_class = line_form_class(contribution.type)
    form = (
        form_class()
        if request.method == "POST"
        else form_class(data={**_line_data(line), "version": str(contribution.version)})
    )

    def apply(actor: Any, c: Contribution) -> None:
        services.update_line(
            actor,
            c.ref,
            line_id,
            form.cleaned(),
            services.parse_version(form.version.data),  # type: ignore[attr-defined]
        )

    def check(actor: Any, c: Contribution) -> dict[str, list[str]]:
        return services.check_lines(actor, c.ref, [accepted_part(form)])

    return _simple_change(
        form, "contributions/edit_line.html", apply, _("Line of %(ref)s saved.", ref=contribution.ref),
        contribution=contribution, line_id=line_id, line_title=LINE_TITLES[contribution.type], check=check,
    )  # fmt: skip


def _simple_change(form: BaseForm, template: str, apply: Any, done: Any, check: Any = None, **extra: Any) -> Any:
    """A small form on its own page: validate, call the service, commit, or show the errors (422/409).
    ``done`` is the success message, or a function giving it once the change is applied. ``check``, when the
    form refused some fields, gives the service's database errors for the fields it accepted (all in one submit)."""
    actor = _actor()
    contribution = extra.pop("contribution")
    status = 200
    conflict = None
    if form.is_submitted():
        if form.validate():
            try:
                apply(actor, contribution)
            except services.StaleVersion as error:
                db.session.rollback()
                conflict = _stale(form, error)
                status = 409
            except ValidationFailed as failure:
                db.session.rollback()
                form.apply_errors(failure)
                status = 422
            else:
                db.session.commit()
                flash(done() if callable(done) else done, "success")
                return redirect(url_for("contributions.detail", ref=contribution.ref))
        else:
            if check is not None:
                form.apply_errors(ValidationFailed(check(actor, contribution)))
            status = 422
    return render_template(template, form=form, c=contribution, conflict=conflict, **extra), status


@bp.route("/contributions/<ref>/evidence/new", methods=["GET", "POST"])
@login_required
def add_evidence(ref: str) -> Any:
    contribution = services.get_for_edit(_actor(), ref)
    form = EvidenceForm() if request.method == "POST" else EvidenceForm(data={"version": str(contribution.version)})

    def apply(actor: Any, c: Contribution) -> None:
        services.add_evidence(actor, c.ref, form.cleaned(), services.parse_version(form.version.data))

    return _simple_change(form, "contributions/evidence.html", apply, _("Evidence added."), contribution=contribution)


@bp.route("/contributions/<ref>/status", methods=["GET", "POST"])
@login_required
def change_status(ref: str) -> Any:
    contribution = services.get_for_edit(_actor(), ref)
    form = (
        StatusForm()
        if request.method == "POST"
        else StatusForm(
            data={
                "version": str(contribution.version),
                "status": contribution.manual_status or "",
                "reason": contribution.status_reason,
            }
        )
    )

    before = contribution.version

    def apply(actor: Any, c: Contribution) -> None:
        services.set_manual_status(
            actor, c.ref, form.status.data, form.reason.data, services.parse_version(form.version.data)
        )

    def done() -> str:
        if contribution.version == before:
            return _("Nothing to save: the status and its reason are unchanged.")
        return _("Status saved.")

    return _simple_change(form, "contributions/status.html", apply, done, contribution=contribution)


@bp.route("/contributions/<ref>/delete", methods=["GET", "POST"])
@login_required
def delete(ref: str) -> Any:
    actor = _actor()
    contribution = services.find(ref)
    if contribution is None:
        raise NotFound()
    require(actor, "contribution:delete", contribution, hide=True)
    if contribution.deleted_at is not None:
        return redirect(url_for("contributions.detail", ref=contribution.ref))
    form = DeleteForm() if request.method == "POST" else DeleteForm(data={"version": str(contribution.version)})

    def apply(actor: Any, c: Contribution) -> None:
        services.delete_contribution(actor, c.ref, form.reason.data or "", services.parse_version(form.version.data))

    return _simple_change(
        form,
        "contributions/delete.html",
        apply,
        _("Contribution %(ref)s deleted. It stays listed among your deleted contributions.", ref=contribution.ref),
        contribution=contribution,
    )


@bp.route("/contributions/<ref>/restore", methods=["POST"])
@login_required
def restore(ref: str) -> Any:
    actor = _actor()
    contribution = services.get_for_edit(actor, ref, allow_deleted=True)
    form = BaseForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.restore_contribution(actor, contribution.ref, contribution.version)
    except ServiceError:
        db.session.rollback()
        raise
    db.session.commit()
    flash(_("Contribution %(ref)s restored.", ref=contribution.ref), "success")
    return redirect(url_for("contributions.detail", ref=contribution.ref))


@bp.route("/contributions/<ref>/history")
@login_required
def history(ref: str) -> Any:
    actor = _actor()
    contribution = services.get_for_edit(actor, ref, allow_deleted=True)
    return render_template("contributions/history.html", c=contribution, versions=services.versions(contribution))


@bp.route("/contributions/import", methods=["GET", "POST"])
@login_required
def import_csv() -> Any:
    from commons.contributions import importer

    actor = _actor()
    _require_recorder(actor)
    form = ImportForm()
    report = None
    status = 200
    if form.is_submitted():
        if form.validate():
            upload = request.files.get("file")
            data = upload.read(importer.MAX_BYTES + 1) if upload else b""
            try:
                report = importer.run_import(actor, data, dry_run=bool(form.dry_run.data))
            except ValidationFailed as failure:
                db.session.rollback()
                form.apply_errors(failure)
                status = 422
            else:
                if report.errors:
                    status = 422
                elif not report.dry_run:
                    db.session.commit()
                    flash(
                        _("%(n)d contributions imported.", n=len(report.created)),
                        "success",
                    )
        else:
            status = 422
    return render_template("contributions/import.html", form=form, report=report), status


# --- needs --------------------------------------------------------------------------------------------------


@bp.route("/commons/<slug>/needs")
def needs(slug: str) -> Any:
    commons = services.get_commons(slug)
    gaps = services.gaps_for(commons, _actor())
    all_needs = sorted(commons.needs, key=lambda n: (n.status != "open", n.created_at))
    return render_template(
        "contributions/needs.html",
        commons=commons,
        gaps=gaps,
        needs=all_needs,
        may_post=can(_actor(), "need:post", commons),
        status_form=NeedStatusForm(),
    )


@bp.route("/commons/<slug>/needs/new", methods=["GET", "POST"])
@login_required
def new_need(slug: str) -> Any:
    actor = _actor()
    commons = services.get_commons(slug)
    require(actor, "need:post", commons)
    form = NeedForm()
    status = 200
    if form.is_submitted():
        if form.validate():
            try:
                services.post_need(actor, slug, form.cleaned())
            except ValidationFailed as failure:
                db.session.rollback()
                form.apply_errors(failure)
                status = 422
            else:
                db.session.commit()
                flash(_("Need posted."), "success")
                return redirect(url_for("contributions.needs", slug=slug))
        else:
            status = 422
    return render_template("contributions/need_form.html", form=form, commons=commons), status


@bp.route("/needs/<int:need_id>/status", methods=["POST"])
@login_required
def need_status(need_id: int) -> Any:
    actor = _actor()
    need = db.session.get(Need, need_id)
    if need is None:
        raise NotFound()
    require(actor, "need:post", need.commons)
    form = NeedStatusForm()
    if not form.validate_on_submit():
        db.session.rollback()
        raise ValidationFailed(form.error_dict())
    services.set_need_status(actor, need_id, form.status.data or "open")
    db.session.commit()
    flash(_("Need updated."), "success")
    return redirect(url_for("contributions.needs", slug=need.commons.slug))


# Dashboard routes register themselves on ``bp``.
from commons.contributions import dashboards  # noqa: E402,F401
