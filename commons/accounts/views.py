# SPDX-License-Identifier: EUPL-1.2
"""Login, logout and the account page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from commons.accounts import services
from commons.accounts.forms import EmptyForm, LoginForm, PasswordForm, TokenForm
from commons.accounts.models import ApiToken
from commons.errors import ValidationFailed
from commons.extensions import db
from commons.security import is_safe_next

bp = Blueprint("accounts", __name__)


def _next_target() -> str:
    target = request.values.get("next")
    return target if target and is_safe_next(target) else url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(_next_target())
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        result = services.authenticate(form.email.data or "", form.password.data or "", request.remote_addr or "")
        if result.throttled:
            form.form_errors.append(_("Too many failed attempts. Wait a few minutes, then try again."))
            status = 429
        elif result.user is None:
            form.form_errors.append(_("The e-mail address or the password is not correct."))
            status = 200
        else:
            # A fresh session on login: nothing from before (fixation) survives but the chosen language.
            lang = session.get("lang")
            session.clear()
            if lang:
                session["lang"] = lang
            login_user(result.user)
            return redirect(_next_target())
    elif request.method == "POST":
        status = 200
    form.password.data = ""
    return render_template("accounts/login.html", form=form, next=request.values.get("next", "")), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Any:
    form = EmptyForm()
    if not form.validate_on_submit():
        return redirect(url_for("main.index"))
    services.logout(current_user._get_current_object())
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You are logged out."), "success")
    return redirect(url_for("main.index"))


def _account_page(
    password_form: PasswordForm | None = None,
    token_form: TokenForm | None = None,
    new_token: str | None = None,
    status: int = 200,
) -> Any:
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.created_at.desc())
    ).all()
    return (
        render_template(
            "accounts/account.html",
            password_form=password_form or PasswordForm(prefix="pw"),
            token_form=token_form or TokenForm(prefix="tok"),
            revoke_form=EmptyForm(),
            tokens=tokens,
            new_token=new_token,
        ),
        status,
    )


@bp.route("/account")
@login_required
def account() -> Any:
    return _account_page()


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password() -> Any:
    form = PasswordForm(prefix="pw")
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.change_password(
                user,
                form.current_password.data or "",
                form.new_password.data or "",
                form.confirm_password.data or "",
            )
        except ValidationFailed as failure:
            db.session.rollback()
            form.apply_errors(failure)
        else:
            # The session token rotated: log in again with the new one so this browser stays signed in.
            login_user(user)
            flash(_("Your password has been changed. Other sessions have been signed out."), "success")
            return redirect(url_for("accounts.account"))
    return _account_page(password_form=form, status=422)


@bp.route("/account/tokens", methods=["POST"])
@login_required
def create_token() -> Any:
    form = TokenForm(prefix="tok")
    if form.validate_on_submit():
        try:
            _token, clear = services.create_token(current_user._get_current_object(), form.name.data or "")
        except ValidationFailed as failure:
            db.session.rollback()
            form.apply_errors(failure)
        else:
            db.session.commit()
            return _account_page(new_token=clear)
    return _account_page(token_form=form, status=422)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int) -> Any:
    form = EmptyForm()
    if not form.validate_on_submit():
        return redirect(url_for("accounts.account"))
    services.revoke_token(current_user._get_current_object(), token_id)
    flash(_("The token has been revoked."), "success")
    return redirect(url_for("accounts.account"))
