# SPDX-License-Identifier: EUPL-1.2
"""Forms of the administration pages: search, invite, edit an account, accept an invitation, upload rates.

The forms check presence and length; roles, member state and organisation are checked by the service (which
also decides which roles the person acting may give).
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import EmailField, Form, PasswordField, SelectField, SelectMultipleField, StringField, widgets
from wtforms.validators import DataRequired

from commons.collation import sorted_by_name
from commons.extensions import db
from commons.forms import BaseForm, Length
from commons.i18n import country_name
from commons.memberstates.models import MemberState
from commons.organisations.models import Organisation
from commons.templating import role_label


class UserSearchForm(Form):
    """The list's filters (GET, no CSRF: it changes nothing)."""

    q = StringField(_l("Name or e-mail address"), validators=[Length(max=200)])
    role = SelectField(_l("Role"), validate_choice=False)
    status = SelectField(_l("State"), validate_choice=False)


class _ProfileFields(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=255)])
    roles = SelectMultipleField(
        _l("Roles"),
        validate_choice=False,
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
    )
    member_state = SelectField(
        _l("Member state"),
        validate_choice=False,
        description=_l("Needed for a member-state representative; optional for the other roles."),
    )
    organisation = SelectField(_l("Organisation"), validate_choice=False)

    def fill_choices(self, roles: tuple[str, ...]) -> None:
        self.roles.choices = [(role, role_label(role)) for role in roles]
        codes = db.session.scalars(select(MemberState.code)).all()
        names = sorted_by_name(((code, country_name(code)) for code in codes), lambda pair: pair[1])
        self.member_state.choices = [("", str(_l("None"))), *names]
        orgs = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
        self.organisation.choices = [("", str(_l("None")))] + [(o.slug, o.name) for o in orgs]

    def values(self) -> dict[str, Any]:
        return {
            "name": (self.name.data or "").strip(),
            "roles": list(self.roles.data or []),
            "member_state": self.member_state.data or None,
            "organisation": self.organisation.data or None,
        }


class InviteForm(_ProfileFields):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(_l("Enter the e-mail address of the person you invite.")), Length(max=255)],
    )


class UserEditForm(_ProfileFields):
    pass


class AcceptInvitationForm(BaseForm):
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Enter a new password.")), Length(max=200)],
        description=_l("At least 12 characters."),
    )
    confirm_password = PasswordField(
        _l("Repeat the new password"), validators=[DataRequired(_l("Repeat the new password."))]
    )


class RatesUploadForm(BaseForm):
    file = FileField(
        _l("ECB rates file"),
        description=_l(
            "The CSV, XML or zip file as the ECB publishes it: eurofxref-hist.zip, eurofxref-hist-90d.xml, "
            "eurofxref-daily.xml or eurofxref.zip. At most 2 MB."
        ),
    )
