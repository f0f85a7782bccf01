# SPDX-License-Identifier: EUPL-1.2
"""The validation form: paste a file or give a repository address."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import Optional

from commons.forms import BaseForm, Length


class ValidateForm(BaseForm):
    """Either field may be filled in; the repository address wins when both are."""

    url = StringField(
        _l("Repository address"),
        validators=[Optional(), Length(max=1000)],
        description=_l("For example https://github.com/owner/name. We read publiccode.yml from its root."),
    )
    content = TextAreaField(
        _l("Or paste your publiccode.yml"),
        validators=[Optional(), Length(max=1_000_000)],
        description=_l("The text of the file, as it is in the repository."),
    )
