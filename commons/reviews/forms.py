# SPDX-License-Identifier: EUPL-1.2
"""Forms of the review pages. The services hold the rules; the forms carry the input and its errors."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields import DateField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from commons.forms import BaseForm
from commons.reviews.models import Criterion

VERDICT_CHOICES = [
    SelectChoice("pass", _l("Pass")),
    SelectChoice("fail", _l("Fail")),
    SelectChoice("n_a", _l("Not applicable")),
    SelectChoice("needs_info", _l("Needs information")),
]
VERDICT_LABELS = {choice.value: choice.label for choice in VERDICT_CHOICES}
SCORE_CHOICES = [
    SelectChoice("", _l("No score")),
    SelectChoice("0", "0"),
    SelectChoice("1", "1"),
    SelectChoice("2", "2"),
    SelectChoice("3", "3"),
]


class VersionedForm(BaseForm):
    """Carries the round's version so that a stale page is refused (optimistic locking)."""

    version = HiddenField()

    def version_value(self) -> int | None:
        try:
            return int(self.version.data) if self.version.data not in (None, "") else None
        except (TypeError, ValueError):
            return -1


class NewReviewForm(BaseForm):
    commons = SelectField(_l("Commons"), validators=[InputRequired(_l("Choose a commons."))])
    round = SelectField(
        _l("Round"),
        choices=[SelectChoice("initial", _l("Initial review")), SelectChoice("renewal", _l("Renewal"))],
        validators=[InputRequired(_l("Choose a round."))],
    )


class TransitionForm(VersionedForm):
    action = HiddenField()
    reason = TextAreaField(_l("Reason (optional)"), validators=[Optional()])


class AssignForm(VersionedForm):
    reviewer = SelectField(_l("Reviewer"), validators=[InputRequired(_l("Choose a reviewer."))])


class VolunteerForm(VersionedForm):
    pass


class ConflictForm(VersionedForm):
    has_conflict = RadioField(
        _l("Do you have a conflict of interest with this commons?"),
        choices=[
            SelectChoice("no", _l("No, I have no conflict of interest")),
            SelectChoice("yes", _l("Yes, I have a conflict of interest")),
        ],
        validators=[InputRequired(_l("Say whether you have a conflict of interest."))],
    )
    statement = TextAreaField(
        _l("Statement"),
        description=_l("Required if you have a conflict: your link with the commons or its stewards."),
    )


class ClarificationForm(VersionedForm):
    question = TextAreaField(_l("Question"), validators=[InputRequired(_l("Write the question."))])
    deadline = DateField(
        _l("Deadline"),
        validators=[InputRequired(_l("Give a deadline."))],
        description=_l("A future date, for example 2026-12-31. Without an answer by then the round ends."),
        format="%Y-%m-%d",
    )
    recipients = StringField(
        _l("Recipients (optional)"),
        description=_l("E-mail addresses separated by spaces; by default the commons' contacts."),
    )


class AnswerForm(VersionedForm):
    answer = TextAreaField(_l("Answer received"), validators=[InputRequired(_l("Write the answer that was received."))])


class DecisionForm(VersionedForm):
    decision = RadioField(
        _l("Decision"),
        choices=[SelectChoice("accepted", _l("Accepted")), SelectChoice("ineligible", _l("Ineligible"))],
        validators=[InputRequired(_l("Choose accepted or ineligible."))],
    )
    rationale = TextAreaField(
        _l("Rationale"),
        validators=[InputRequired(_l("Explain the decision: the rationale is published."))],
        description=_l("Published on the commons' review page."),
    )


def assessment_form_class(criteria: list[Criterion]) -> type[VersionedForm]:
    """A form with verdict, score (scored criteria), evidence and comment fields for each criterion."""
    fields: dict[str, Any] = {
        "complete": RadioField(
            _l("When saving"),
            choices=[
                SelectChoice("no", _l("Save as draft")),
                SelectChoice("yes", _l("Save and mark my assessment as complete")),
            ],
            default="no",
        )
    }
    for criterion in criteria:
        key = criterion.code.lower()
        fields[f"{key}_verdict"] = RadioField(
            _l("Verdict on %(code)s", code=criterion.code), choices=VERDICT_CHOICES, validators=[Optional()]
        )
        if criterion.kind == "scored":
            fields[f"{key}_score"] = SelectField(
                _l("Score for %(code)s (0–3)", code=criterion.code), choices=SCORE_CHOICES, validators=[Optional()]
            )
        fields[f"{key}_evidence"] = TextAreaField(
            _l("Evidence for %(code)s", code=criterion.code),
            description=_l("Web addresses (http or https), one per line."),
        )
        fields[f"{key}_comment"] = TextAreaField(_l("Comment on %(code)s", code=criterion.code))
    return type("AssessmentForm", (VersionedForm,), fields)
