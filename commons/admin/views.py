# SPDX-License-Identifier: EUPL-1.2
"""Pages of the secretariat's tools: accounts (``/admin/users``), invitations, exchange rates."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from commons.accounts.forms import EmptyForm
from commons.accounts.models import ROLES
from commons.admin import services
from commons.admin.forms import AcceptInvitationForm, InviteForm, RatesUploadForm, UserEditForm, UserSearchForm
from commons.errors import ServiceError, ValidationFailed
from commons.extensions import db
from commons.templating import role_label

users_bp = Blueprint("admin_users", __name__)
rates_bp = Blueprint("admin_rates", __name__)


def _actor() -> Any:
    return current_user._get_current_object()


def status_label(status: str) -> str:
    labels = {"active": _("Active"), "invited": _("Invited, no password yet"), "disabled": _("Disabled")}
    return labels.get(status, status)


@users_bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"account_status": services.user_status, "account_status_label": status_label}


# --- accounts ------------------------------------------------------------------------------------------


@users_bp.route("/admin/users")
@login_required
def index() -> Any:
    search = UserSearchForm(request.args)
    search.role.choices = [("", _("Any role"))] + [(r, role_label(r)) for r in ROLES]
    search.status.choices = [("", _("Any state"))] + [(s, status_label(s)) for s in services.STATUSES]
    try:
        page_number = int(request.args.get("page", "1"))
    except ValueError:
        page_number = 1
    q = (search.q.data or "")[:200]
    page = services.list_users(
        _actor(), q=q, role=search.role.data or "", status=search.status.data or "", page=page_number
    )
    return render_template("admin/users.html", search=search, page=page, q=q)


def _invite_page(form: InviteForm, status: int = 200) -> Any:
    return render_template("admin/invite.html", form=form), status


@users_bp.route("/admin/users/invite", methods=["GET", "POST"])
@login_required
def invite() -> Any:
    actor = _actor()
    form = InviteForm()
    # The permission check comes first, so that a person who may not invite never sees the form.
    services.require_administer(actor)
    form.fill_choices(services.grantable_roles(actor))
    if request.method == "GET":
        return _invite_page(form)
    if form.validate_on_submit():
        try:
            sent = services.invite_user(actor, email=form.email.data or "", **form.values())
        except ValidationFailed as failure:
            db.session.rollback()
            form.apply_errors(failure)
        else:
            db.session.commit()
            return render_template("admin/invited.html", sent=sent, user=sent.user)
    return _invite_page(form, 422)


def _user_page(user: Any, form: UserEditForm | None = None, status: int = 200, sent: Any = None) -> Any:
    actor = _actor()
    editable = services.may_edit(actor, user)
    if form is None:
        form = UserEditForm(
            formdata=None,
            name=user.name,
            roles=sorted(user.role_names),
            member_state=user.member_state_code or "",
            organisation=user.organisation.slug if user.organisation else "",
        )
    roles = services.grantable_roles(actor)
    # An admin account shown to the secretariat keeps its admin role listed (read-only page).
    form.fill_choices(roles if editable else ROLES)
    return (
        render_template(
            "admin/user.html",
            user=user,
            form=form,
            editable=editable,
            action_form=EmptyForm(),
            invitation=services.pending_invitation(user),
            is_expired=services.is_expired,
            sent=sent,
        ),
        status,
    )


@users_bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def user(user_id: int) -> Any:
    actor = _actor()
    account = services.get_user(actor, user_id)
    if request.method == "GET":
        return _user_page(account)
    form = UserEditForm()
    form.fill_choices(services.grantable_roles(actor))
    if form.validate_on_submit():
        try:
            services.update_user(actor, account, **form.values())
        except ValidationFailed as failure:
            db.session.rollback()
            form.apply_errors(failure)
        else:
            db.session.commit()
            flash(_("The account of %(name)s has been saved.", name=account.name), "success")
            return redirect(url_for("admin_users.user", user_id=account.id))
    else:
        services.require_administer(actor, account)
    return _user_page(account, form, 422)


def _state_change(user_id: int, change: Any, message: str) -> Any:
    actor = _actor()
    account = services.get_user(actor, user_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        return redirect(url_for("admin_users.user", user_id=account.id))
    change(actor, account)
    db.session.commit()
    flash(message % {"name": account.name}, "success")
    return redirect(url_for("admin_users.user", user_id=account.id))


@users_bp.route("/admin/users/<int:user_id>/disable", methods=["POST"])
@login_required
def disable(user_id: int) -> Any:
    return _state_change(
        user_id,
        services.disable_user,
        _("The account of %(name)s is disabled: its sessions, API tokens and links no longer work."),
    )


@users_bp.route("/admin/users/<int:user_id>/enable", methods=["POST"])
@login_required
def enable(user_id: int) -> Any:
    return _state_change(user_id, services.enable_user, _("The account of %(name)s is enabled again."))


@users_bp.route("/admin/users/<int:user_id>/invitation", methods=["POST"])
@login_required
def reinvite(user_id: int) -> Any:
    actor = _actor()
    account = services.get_user(actor, user_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        return redirect(url_for("admin_users.user", user_id=account.id))
    sent = services.reinvite_user(actor, account)
    db.session.commit()
    return render_template("admin/invited.html", sent=sent, user=account)


# --- accepting an invitation (no login) ----------------------------------------------------------------


@users_bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept(token: str) -> Any:
    form = AcceptInvitationForm()
    try:
        invited = services.check_invitation(token)
    except ServiceError as error:
        return render_template("admin/accept.html", form=None, problem=error.message), error.status
    if request.method == "POST" and form.validate_on_submit():
        try:
            account = services.accept_invitation(token, form.new_password.data or "", form.confirm_password.data or "")
        except ValidationFailed as failure:
            db.session.rollback()
            form.apply_errors(failure)
        else:
            db.session.commit()
            # A fresh session: whoever was logged in on this browser is logged out, the new account in.
            lang = session.get("lang")
            if current_user.is_authenticated:
                logout_user()
            session.clear()
            if lang:
                session["lang"] = lang
            login_user(account)
            flash(_("Your password is set and you are logged in. Welcome, %(name)s.", name=account.name), "success")
            return redirect(url_for("main.index"))
    status = 422 if request.method == "POST" else 200
    form.new_password.data = ""
    form.confirm_password.data = ""
    return render_template("admin/accept.html", form=form, invited=invited, problem=None), status


# --- exchange rates ------------------------------------------------------------------------------------


def _rates_page(form: RatesUploadForm | None = None, status: int = 200, summary: Any = None) -> Any:
    overview = services.rates_overview(_actor())
    return (
        render_template("admin/rates.html", form=form or RatesUploadForm(), summary=summary, **overview),
        status,
    )


@rates_bp.route("/admin/exchange-rates", methods=["GET", "POST"], endpoint="index")
@login_required
def rates_index() -> Any:
    if request.method == "GET":
        return _rates_page()
    form = RatesUploadForm()
    services.require_rates(_actor())
    if form.validate_on_submit():
        upload = form.file.data
        if upload is None or not getattr(upload, "filename", ""):
            form.file.errors = [_("Choose the ECB file to upload.")]
        else:
            try:
                summary = services.upload_rates(_actor(), upload.filename, upload.read())
            except ValidationFailed as failure:
                db.session.rollback()
                form.apply_errors(failure)
            else:
                db.session.commit()
                return _rates_page(summary=summary)
    return _rates_page(form, 422)
