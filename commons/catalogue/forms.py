# SPDX-License-Identifier: EUPL-1.2
"""Forms of the catalogue: usage declarations and nominations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional

from commons.forms import BaseForm, Length, http_url, not_in_future, not_placeholder


class UsageForm(BaseForm):
    """``My organisation uses this commons``."""

    context = TextAreaField(
        _l("How does your organisation use it?"),
        validators=[Optional(), Length(max=2000), not_placeholder],
        description=_l("For example: which service, for how many users. Optional."),
    )
    since = DateField(
        _l("In use since"),
        validators=[Optional(), not_in_future],
        description=_l("A date such as 2023-09-01. Optional."),
    )
    instance_url = StringField(
        _l("Address of your instance"),
        validators=[Optional(), Length(max=1000), http_url],
        description=_l("Only if it is public; it must start with http:// or https://."),
    )
    public = BooleanField(_l("Show this declaration publicly"), default=True)


class EmptyForm(BaseForm):
    """A button that changes state: only the CSRF token."""


FORGE_CHOICES = [
    SelectChoice("", _l("Detect from the address (github.com, gitlab.com, codeberg.org)")),
    SelectChoice("github", _l("GitHub")),
    SelectChoice("gitlab", _l("GitLab (gitlab.com or self-managed)")),
    SelectChoice("gitea", _l("Gitea or Forgejo")),
]


class NominationForm(BaseForm):
    """Propose a candidate by its repository address."""

    url = StringField(
        _l("Repository address"),
        validators=[DataRequired(_l("Enter the address of the repository.")), Length(max=1000)],
        description=_l("For example https://github.com/owner/name or https://codeberg.org/owner/name."),
    )
    kind = SelectField(_l("Kind of forge"), choices=FORGE_CHOICES, default="")
    reason = TextAreaField(
        _l("Why should the initiative look at it?"),
        validators=[Optional(), Length(max=2000), not_placeholder],
        description=_l("Optional."),
    )
