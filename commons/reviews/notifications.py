# SPDX-License-Identifier: EUPL-1.2
"""E-mail notifications of the review: assignment, clarification request, decision.

Messages are queued on the database session and sent by ``smtplib`` only after the transaction commits, so
a rolled-back change never mails anyone. Sending never raises: an SMTP failure is logged and the change
stands (the platform, not the mail server, is the record).
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

from commons.extensions import db

if TYPE_CHECKING:
    from commons.accounts.models import User
    from commons.reviews.models import Clarification, Review

log = logging.getLogger(__name__)
PENDING_KEY = "commons_reviews_mail"


def _queue(recipients: list[str], subject: str, body: str) -> None:
    from commons.reviews.services import mail_settings

    settings = mail_settings()
    if not settings.get("enabled") or not recipients:
        return
    db.session().info.setdefault(PENDING_KEY, []).append((sorted(set(recipients)), subject, body, settings))


def send_message(recipients: list[str], subject: str, body: str, settings: dict[str, Any]) -> bool:
    """Send one message now; returns False (and logs) when the SMTP server refuses or is unreachable."""
    message = EmailMessage()
    message["From"] = settings["sender"]
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message.set_content(body)
    try:
        with smtplib.SMTP(settings["server"], settings["port"], timeout=settings["timeout"]) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.error("review notification %r to %d recipient(s) not sent: %s", subject, len(recipients), exc)
        return False
    return True


@event.listens_for(OrmSession, "after_commit")
def _send_pending(session: OrmSession) -> None:
    pending = session.info.pop(PENDING_KEY, None) or []
    for recipients, subject, body, settings in pending:
        send_message(recipients, subject, body, settings)


@event.listens_for(OrmSession, "after_soft_rollback")
def _drop_pending(session: OrmSession, previous_transaction: Any) -> None:
    if session.in_transaction() and previous_transaction.nested:
        return  # only a savepoint was rolled back: what the outer transaction queued still stands
    session.info.pop(PENDING_KEY, None)


def _round_url(review: Review) -> str:
    from commons.reviews.services import mail_settings

    return f"{mail_settings().get('base_url', '').rstrip('/')}/reviews/{review.id}"


def reviewer_assigned(review: Review, reviewer: User) -> None:
    """Tell a reviewer they were assigned to a round."""
    commons = review.commons
    _queue(
        [reviewer.email],
        _("[commons] You are a reviewer of %(name)s", name=commons.name),
        _(
            "Hello %(person)s,\n\nThe secretariat assigned you to the %(round)s review of %(name)s.\n"
            "Please declare any conflict of interest before you assess it:\n%(url)s\n",
            person=reviewer.name,
            round=review.round,
            name=commons.name,
            url=_round_url(review),
        ),
    )


def clarification_requested(review: Review, clarification: Clarification) -> None:
    """Send the question to the commons' contacts."""
    commons = review.commons
    _queue(
        list(clarification.recipients or []),
        _("[commons] Question from the working group about %(name)s", name=commons.name),
        _(
            "Hello,\n\nThe working group of the European initiative for digital commons is reviewing %(name)s "
            "and needs a clarification:\n\n%(question)s\n\nPlease answer by %(deadline)s by replying to this "
            "message. Without an answer by that date the review ends and the commons is found ineligible for "
            "this round.\n",
            name=commons.name,
            question=clarification.question,
            deadline=clarification.deadline.isoformat(),
        ),
    )


def decision_recorded(review: Review) -> None:
    """Tell the round's reviewers and the commons' contacts about the decision."""
    from commons.reviews.services import commons_contacts

    commons = review.commons
    recipients = [r.user.email for r in review.reviewers if r.user is not None and r.user.email]
    recipients += commons_contacts(commons)
    for clarification in review.clarifications:
        recipients += list(clarification.recipients or [])
    validity = " " + _("It is valid until %(date)s.", date=review.valid_until.isoformat()) if review.valid_until else ""
    _queue(
        recipients,
        _("[commons] Review of %(name)s: %(decision)s", name=commons.name, decision=review.decision or ""),
        _(
            "The working group's %(round)s review of %(name)s is decided: %(decision)s.%(validity)s\n\n"
            "Rationale:\n%(rationale)s\n",
            round=review.round,
            name=commons.name,
            decision=review.decision or "",
            validity=validity,
            rationale=review.rationale or "",
        ),
    )
