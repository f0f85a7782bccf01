# SPDX-License-Identifier: EUPL-1.2
"""Member-state contributions: an envelope, its lines (funding, staff, governance, in-kind), evidence, rates.

Intent is kept apart from flows, and unlike units are never added together (DESIGN.md §4).
"""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commons.extensions import db
from commons.types import ExactDecimal, JSONType, UTCDateTime, utcnow

TYPES = ("funding", "staff", "governance", "in_kind")
VISIBILITIES = ("public", "initiative", "restricted")
MANUAL_STATUSES = ("cancelled", "suspended", "closed")
LINE_KINDS = ("pledge", "commitment", "disbursement", "expenditure", "adjustment")
STAFF_ROLES = (
    "developer",
    "maintainer",
    "security",
    "documentation",
    "translation",
    "design",
    "community",
    "product",
    "legal",
)
GOVERNANCE_BODIES = (
    "board",
    "steering_committee",
    "technical_committee",
    "working_group",
    "advisory_board",
    "other",
)
SEAT_ROLES = ("chair", "vice_chair", "member", "observer")
IN_KIND_KINDS = ("hosting", "audit", "translation", "events", "hardware", "training", "other")
EVIDENCE_TYPES = ("agreement", "contract", "decision", "payment_proof", "announcement", "report", "other")
WORKING_DAYS_PER_YEAR = 215


class Contribution(db.Model):  # type: ignore[name-defined]
    """The envelope: who gives what kind of support to which commons. Its status is derived from its lines."""

    __tablename__ = "contributions"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(20), unique=True)  # FR-2026-0042
    member_state_code: Mapped[str] = mapped_column(ForeignKey("member_states.code"), index=True)
    contributing_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    commons_id: Mapped[int | None] = mapped_column(ForeignKey("commons.id"), index=True)
    recipient_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    # Money re-granted by an intermediary stays one contribution of the state (never counted twice).
    intermediary_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    type: Mapped[str] = mapped_column(String(20), index=True)
    instrument: Mapped[str | None] = mapped_column(String(30))
    purpose_tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    decision_date: Mapped[date | None] = mapped_column(Date)
    visibility: Mapped[str] = mapped_column(String(20), default="public", index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)  # derived, cached
    manual_status: Mapped[str | None] = mapped_column(String(20))
    status_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    delete_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    member_state = relationship("MemberState")
    commons = relationship("Commons")
    contributing_org = relationship("Organisation", foreign_keys=[contributing_org_id])
    recipient_org = relationship("Organisation", foreign_keys=[recipient_org_id])
    intermediary_org = relationship("Organisation", foreign_keys=[intermediary_org_id])
    funding_lines = relationship(
        "FundingLine", back_populates="contribution", cascade="all, delete-orphan", order_by="FundingLine.id"
    )
    staff = relationship(
        "StaffAllocation",
        back_populates="contribution",
        cascade="all, delete-orphan",
        order_by="StaffAllocation.id",
    )
    governance = relationship(
        "GovernanceParticipation",
        back_populates="contribution",
        cascade="all, delete-orphan",
        order_by="GovernanceParticipation.id",
    )
    in_kind = relationship(
        "InKindItem", back_populates="contribution", cascade="all, delete-orphan", order_by="InKindItem.id"
    )
    evidence = relationship(
        "Evidence", back_populates="contribution", cascade="all, delete-orphan", order_by="Evidence.id"
    )

    def __repr__(self) -> str:
        return f"<Contribution {self.ref}>"


class FundingLine(db.Model):  # type: ignore[name-defined]
    """A ledger line; immutable once saved, corrections are new lines."""

    __tablename__ = "funding_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(ForeignKey("contributions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    date: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(ExactDecimal(20, 2))
    currency: Mapped[str] = mapped_column(String(3))
    amount_eur: Mapped[Decimal] = mapped_column(ExactDecimal(20, 2))
    rate: Mapped[Decimal] = mapped_column(ExactDecimal(20, 8))  # units of currency per EUR
    rate_date: Mapped[dt.date | None] = mapped_column(Date)
    rate_source: Mapped[str] = mapped_column(String(20), default="eur")  # eur | ecb | bank
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id"))
    justification: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    contribution = relationship("Contribution", back_populates="funding_lines")
    evidence = relationship("Evidence", foreign_keys=[evidence_id])


class StaffAllocation(db.Model):  # type: ignore[name-defined]
    """People's time; person-days are the stored unit (215 working days a year by default)."""

    __tablename__ = "staff_allocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(ForeignKey("contributions.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(30))
    headcount: Mapped[int] = mapped_column(Integer, default=1)
    person_days: Mapped[Decimal] = mapped_column(ExactDecimal(12, 1))
    employment_type: Mapped[str | None] = mapped_column(String(30))
    delivery_status: Mapped[str] = mapped_column(String(20), default="planned")
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    person_names: Mapped[str | None] = mapped_column(Text)  # private: never public
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    contribution = relationship("Contribution", back_populates="staff")


class GovernanceParticipation(db.Model):  # type: ignore[name-defined]
    __tablename__ = "governance_participations"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(ForeignKey("contributions.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(String(30))
    body_name: Mapped[str | None] = mapped_column(String(255))
    membership_tier: Mapped[str | None] = mapped_column(String(60))
    seat_role: Mapped[str] = mapped_column(String(20), default="member")
    voting_rights: Mapped[bool] = mapped_column(Boolean, default=False)
    formal: Mapped[bool] = mapped_column(Boolean, default=True)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    contribution = relationship("Contribution", back_populates="governance")


class InKindItem(db.Model):  # type: ignore[name-defined]
    __tablename__ = "in_kind_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(ForeignKey("contributions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[Decimal] = mapped_column(ExactDecimal(14, 2))
    unit: Mapped[str] = mapped_column(String(30))
    value: Mapped[Decimal | None] = mapped_column(ExactDecimal(20, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    value_eur: Mapped[Decimal | None] = mapped_column(ExactDecimal(20, 2))
    rate: Mapped[Decimal | None] = mapped_column(ExactDecimal(20, 8))
    rate_date: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    contribution = relationship("Contribution", back_populates="in_kind")


class Evidence(db.Model):  # type: ignore[name-defined]
    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(ForeignKey("contributions.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(1000))
    type: Mapped[str] = mapped_column(String(30))
    title: Mapped[str | None] = mapped_column(String(255))
    visibility: Mapped[str] = mapped_column(String(20), default="public")
    verification_status: Mapped[str] = mapped_column(String(20), default="unverified")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    contribution = relationship("Contribution", back_populates="evidence", foreign_keys=[contribution_id])


class ContributionVersion(db.Model):  # type: ignore[name-defined]
    """A snapshot of a contribution after each change: the history behind soft delete and stale-form views."""

    __tablename__ = "contribution_versions"
    __table_args__ = (UniqueConstraint("contribution_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(ForeignKey("contributions.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONType)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ExchangeRate(db.Model):  # type: ignore[name-defined]
    """A reference rate: units of ``currency`` per EUR on ``date`` (ECB convention)."""

    __tablename__ = "exchange_rates"
    __table_args__ = (UniqueConstraint("source", "currency", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(10), default="ECB")
    currency: Mapped[str] = mapped_column(String(3), index=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    rate: Mapped[Decimal] = mapped_column(ExactDecimal(20, 8))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
