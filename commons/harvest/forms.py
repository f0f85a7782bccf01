# SPDX-License-Identifier: EUPL-1.2
"""Forms of the harvest pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from commons.forms import BaseForm, Length, http_url, not_placeholder

KIND_CHOICES = [
    SelectChoice("github", "GitHub"),
    SelectChoice("gitlab", "GitLab"),
    SelectChoice("gitea", "Gitea / Forgejo"),
]


class SourceForm(BaseForm):
    """Propose a forge account (organisation, group or user) whose repositories are harvested."""

    kind = SelectField(_l("Forge software"), choices=KIND_CHOICES, validators=[InputRequired()])
    url = StringField(
        _l("Address of the account"),
        validators=[DataRequired(_l("Enter the address of the account.")), Length(max=1000), not_placeholder, http_url],
        description=_l("The web page of the organisation, group or user, e.g. https://github.com/etalab."),
    )
    api_url = StringField(
        _l("API address (optional)"),
        validators=[Optional(), Length(max=500), http_url],
        description=_l("Only for GitHub Enterprise or self-hosted forges with an unusual API address."),
    )
    organisation = StringField(
        _l("Organisation identifier (optional)"),
        validators=[Optional(), Length(max=120), not_placeholder],
        description=_l("The identifier of the public body that owns the account, e.g. ville-de-paris."),
    )
    schedule_hours = IntegerField(
        _l("Hours between runs"),
        default=24,
        validators=[
            InputRequired(_l("Enter a number of hours.")),
            NumberRange(1, 2160, _l("Enter a number of hours between 1 and 2160.")),
        ],
    )
    approve = BooleanField(_l("Approve now (administrators only)"))


class ActionForm(BaseForm):
    """Only the CSRF token: approve, reject, run now."""
