# SPDX-License-Identifier: EUPL-1.2
"""The public publiccode.yml validator page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from commons.errors import ValidationFailed
from commons.publiccode import services
from commons.publiccode.forms import ValidateForm
from commons.publiccode.messages import example_for, translated

bp = Blueprint("publiccode", __name__)


# Globals rather than a context processor: the report macros are imported without context.
bp.add_app_template_global(translated, "publiccode_message")
bp.add_app_template_global(example_for, "publiccode_example")
bp.add_app_template_global(services.harvested_report, "publiccode_report")


@bp.route("/publiccode/validate", methods=["GET", "POST"])
def validate() -> Any:
    """Anyone may validate a publiccode.yml here; nothing is stored."""
    form = ValidateForm()
    if request.method == "GET":
        form.url.data = request.args.get("url", "")[:1000] or None
        return render_template("publiccode/validate.html", form=form, validation=None)
    if not form.validate_on_submit():
        return render_template("publiccode/validate.html", form=form, validation=None), 422
    try:
        if (form.url.data or "").strip():
            validation = services.validate_repository(form.url.data or "")
        elif (form.content.data or "").strip():
            validation = services.validate_text(form.content.data or "")
        else:
            raise ValidationFailed({"url": [_("Give the repository address or paste the file.")]})
    except ValidationFailed as failure:
        form.apply_errors(failure)
        return render_template("publiccode/validate.html", form=form, validation=None), 422
    return render_template("publiccode/validate.html", form=form, validation=validation)
