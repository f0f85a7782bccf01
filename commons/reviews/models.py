# SPDX-License-Identifier: EUPL-1.2
"""Working-group review: criteria as data, rounds, reviewers, assessments and clarifications."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commons.extensions import db
from commons.types import JSONType, UTCDateTime, utcnow

ROUNDS = ("initial", "renewal")
STATES = ("draft", "submitted", "in_review", "clarification_requested", "decided", "withdrawn")
DECISIONS = ("accepted", "ineligible")
VERDICTS = ("pass", "fail", "n_a", "needs_info")
GATE = "gate"
SCORED = "scored"


class Criterion(db.Model):  # type: ignore[name-defined]
    """One published criterion of a criteria version (v1: gates G1–G6, scored S1–S5)."""

    __tablename__ = "review_criteria"
    __table_args__ = (UniqueConstraint("version", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(10))
    code: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(10))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text)


class Review(db.Model):  # type: ignore[name-defined]
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    commons_id: Mapped[int] = mapped_column(ForeignKey("commons.id"), index=True)
    round: Mapped[str] = mapped_column(String(20), default="initial")
    criteria_version: Mapped[str] = mapped_column(String(10), default="v1")
    status: Mapped[str] = mapped_column(String(30), default="draft", index=True)
    decision: Mapped[str | None] = mapped_column(String(20))
    rationale: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    previous_review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    commons = relationship("Commons")
    reviewers = relationship("ReviewReviewer", back_populates="review", cascade="all, delete-orphan")
    assessments = relationship("Assessment", back_populates="review", cascade="all, delete-orphan")
    clarifications = relationship(
        "Clarification", back_populates="review", cascade="all, delete-orphan", order_by="Clarification.id"
    )


class ReviewReviewer(db.Model):  # type: ignore[name-defined]
    """A reviewer on a round, with their conflict-of-interest declaration."""

    __tablename__ = "review_reviewers"
    __table_args__ = (UniqueConstraint("review_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    member_state_code: Mapped[str | None] = mapped_column(ForeignKey("member_states.code"))
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    volunteered: Mapped[bool] = mapped_column(Boolean, default=False)
    coi_declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    coi_has_conflict: Mapped[bool | None] = mapped_column(Boolean)
    coi_statement: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    review = relationship("Review", back_populates="reviewers")
    user = relationship("User", foreign_keys=[user_id])


class Assessment(db.Model):  # type: ignore[name-defined]
    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("review_id", "reviewer_id", "criterion_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    criterion_code: Mapped[str] = mapped_column(String(10))
    verdict: Mapped[str] = mapped_column(String(20))
    score: Mapped[int | None] = mapped_column(Integer)
    evidence_urls: Mapped[list[str]] = mapped_column(JSONType, default=list)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    review = relationship("Review", back_populates="assessments")
    reviewer = relationship("User")


class Clarification(db.Model):  # type: ignore[name-defined]
    """A question to the commons' contacts, with a deadline after which the round ends as ineligible."""

    __tablename__ = "review_clarifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    question: Mapped[str] = mapped_column(Text)
    recipients: Mapped[list[str]] = mapped_column(JSONType, default=list)
    deadline: Mapped[date] = mapped_column(Date)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    extra: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)

    review = relationship("Review", back_populates="clarifications")
