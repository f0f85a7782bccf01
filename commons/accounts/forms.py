# SPDX-License-Identifier: EUPL-1.2
"""Account forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired

from commons.forms import BaseForm, Length


class LoginForm(BaseForm):
    email = EmailField(
        _l("E-mail address"), validators=[DataRequired(_l("Enter your e-mail address.")), Length(max=255)]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])


class PasswordForm(BaseForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Enter a new password.")), Length(max=200)],
        description=_l("At least 12 characters."),
    )
    confirm_password = PasswordField(
        _l("Repeat the new password"), validators=[DataRequired(_l("Repeat the new password."))]
    )


class TokenForm(BaseForm):
    name = StringField(
        _l("Token name"),
        validators=[DataRequired(_l("Give the token a name.")), Length(max=100)],
        description=_l("For example the name of the script or system that will use it."),
    )


class EmptyForm(BaseForm):
    """A form with only the CSRF token, for buttons that change state (logout, revoke)."""
