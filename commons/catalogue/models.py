# SPDX-License-Identifier: EUPL-1.2
"""Catalogue: repositories harvested from forges, the commons they form, usage and needs."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commons.extensions import db
from commons.types import ExactDecimal, JSONType, UTCDateTime, utcnow

CATEGORIES = ("software", "data", "content", "standard", "ai_model", "service")
STATUSES = ("candidate", "under_review", "accepted", "ineligible", "archived")
STEWARD_ROLES = ("owner", "maintainer", "steward", "funder")
NEED_KINDS = ("funding", "staff", "governance")
NEED_STATUSES = ("open", "met", "withdrawn")


class Commons(db.Model):  # type: ignore[name-defined]
    """A catalogue entry: a product that may span several repositories."""

    __tablename__ = "commons"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    # Per language (BCP-47 key): {"name", "short", "long"}; "en" is the fallback.
    descriptions: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    summary: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(20), default="software")
    topics: Mapped[list[str]] = mapped_column(JSONType, default=list)  # publiccode.yml categories, tags
    # What it does: codes of the publiccode.yml categories list (commons.catalogue.functions).
    functions: Mapped[list[str]] = mapped_column(JSONType, default=list)
    licences: Mapped[list[str]] = mapped_column(JSONType, default=list)
    languages: Mapped[list[str]] = mapped_column(JSONType, default=list)
    website: Mapped[str | None] = mapped_column(String(500))
    country: Mapped[str | None] = mapped_column(String(2), index=True)  # country of origin
    development_status: Mapped[str | None] = mapped_column(String(20))
    maturity: Mapped[str | None] = mapped_column(String(20))
    catalogue_status: Mapped[str] = mapped_column(String(20), default="candidate", index=True)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    external_ids: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    maintenance: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    hints: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)  # fundedBy / usedBy from publiccode.yml
    # Field names an admin edited by hand: a harvest never overwrites them.
    curated_fields: Mapped[list[str]] = mapped_column(JSONType, default=list)
    stars: Mapped[int] = mapped_column(Integer, default=0)  # sum over repositories, for sorting
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    usage_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    repositories = relationship("Repository", back_populates="commons", order_by="Repository.id")
    stewards = relationship("CommonsSteward", back_populates="commons", cascade="all, delete-orphan")
    usages = relationship("UsageDeclaration", back_populates="commons", cascade="all, delete-orphan")
    needs = relationship("Need", back_populates="commons", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Commons {self.slug}>"


class CommonsSteward(db.Model):  # type: ignore[name-defined]
    __tablename__ = "commons_stewards"
    __table_args__ = (UniqueConstraint("commons_id", "organisation_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commons_id: Mapped[int] = mapped_column(ForeignKey("commons.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="owner")

    commons = relationship("Commons", back_populates="stewards")
    organisation = relationship("Organisation")


class Repository(db.Model):  # type: ignore[name-defined]
    """One repository on one forge, keyed on (host, remote id) so renames keep their record."""

    __tablename__ = "repositories"
    __table_args__ = (UniqueConstraint("host", "remote_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    remote_id: Mapped[str] = mapped_column(String(64))
    forge_kind: Mapped[str | None] = mapped_column(String(20))
    commons_id: Mapped[int | None] = mapped_column(ForeignKey("commons.id"), index=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("harvest_sources.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(500), index=True)
    previous_names: Mapped[list[str]] = mapped_column(JSONType, default=list)
    web_url: Mapped[str] = mapped_column(String(1000), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    license_spdx: Mapped[str | None] = mapped_column(String(200))
    topics: Mapped[list[str]] = mapped_column(JSONType, default=list)
    languages: Mapped[list[str]] = mapped_column(JSONType, default=list)
    stars: Mapped[int] = mapped_column(Integer, default=0)
    forks: Mapped[int] = mapped_column(Integer, default=0)
    open_issues: Mapped[int] = mapped_column(Integer, default=0)
    default_branch: Mapped[str | None] = mapped_column(String(255))
    homepage: Mapped[str | None] = mapped_column(String(1000))
    forge_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    pushed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    forge_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    archived: Mapped[bool] = mapped_column(Boolean, default=False)  # archived on the forge
    fork: Mapped[bool] = mapped_column(Boolean, default=False)
    publiccode_raw: Mapped[str | None] = mapped_column(Text)
    publiccode_parsed: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    publiccode_valid: Mapped[bool | None] = mapped_column(Boolean)
    publiccode_errors: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    # Health signals: releases, contributors, bus_factor, has_readme, has_contributing, has_governance…
    health: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    curated_fields: Mapped[list[str]] = mapped_column(JSONType, default=list)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # Set by the platform when a repository has not been seen for the grace period; never deleted.
    gone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    commons = relationship("Commons", back_populates="repositories")
    source = relationship("HarvestSource")

    def __repr__(self) -> str:
        return f"<Repository {self.host}/{self.full_name}>"


class UsageDeclaration(db.Model):  # type: ignore[name-defined]
    """An organisation says it uses a commons."""

    __tablename__ = "usage_declarations"
    __table_args__ = (UniqueConstraint("commons_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commons_id: Mapped[int] = mapped_column(ForeignKey("commons.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    context: Mapped[str | None] = mapped_column(Text)
    since: Mapped[date | None] = mapped_column(Date)
    instance_url: Mapped[str | None] = mapped_column(String(1000))
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    commons = relationship("Commons", back_populates="usages")
    organisation = relationship("Organisation")
    declared_by = relationship("User")


class UsageReferent(db.Model):  # type: ignore[name-defined]
    """A user who volunteers to answer questions about a commons their organisation uses."""

    __tablename__ = "usage_referents"
    __table_args__ = (UniqueConstraint("commons_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commons_id: Mapped[int] = mapped_column(ForeignKey("commons.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user = relationship("User")
    organisation = relationship("Organisation")


class Need(db.Model):  # type: ignore[name-defined]
    """What a commons asks for: money, staff effort or a governance seat."""

    __tablename__ = "needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    commons_id: Mapped[int] = mapped_column(ForeignKey("commons.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    amount: Mapped[Decimal | None] = mapped_column(ExactDecimal(20, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    staff_role: Mapped[str | None] = mapped_column(String(40))
    person_days: Mapped[Decimal | None] = mapped_column(ExactDecimal(12, 1))
    governance_body: Mapped[str | None] = mapped_column(String(40))
    seats: Mapped[int | None] = mapped_column(Integer)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")
    posted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    commons = relationship("Commons", back_populates="needs")


class Nomination(db.Model):  # type: ignore[name-defined]
    """A user proposed a candidate by its repository URL."""

    __tablename__ = "nominations"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(1000))
    normalised_url: Mapped[str] = mapped_column(String(1000), index=True)
    commons_id: Mapped[int | None] = mapped_column(ForeignKey("commons.id"))
    repository_id: Mapped[int | None] = mapped_column(ForeignKey("repositories.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="created")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    commons = relationship("Commons")
