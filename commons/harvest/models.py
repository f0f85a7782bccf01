# SPDX-License-Identifier: EUPL-1.2
"""Harvest bookkeeping: sources, jobs, per-item results and the conditional-request cache."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commons.extensions import db
from commons.types import JSONType, UTCDateTime, utcnow

SOURCE_KINDS = ("github", "gitlab", "gitea")
APPROVAL_STATES = ("proposed", "approved", "rejected")
JOB_STATUSES = ("queued", "running", "succeeded", "partial", "failed")


class HarvestSource(db.Model):  # type: ignore[name-defined]
    """An owner (organisation, group or user) on a forge whose repositories are harvested."""

    __tablename__ = "harvest_sources"
    __table_args__ = (UniqueConstraint("api_base", "owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    forge_host: Mapped[str] = mapped_column(String(255))
    api_base: Mapped[str] = mapped_column(String(500))
    owner: Mapped[str] = mapped_column(String(255))
    web_url: Mapped[str] = mapped_column(String(1000))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    schedule_hours: Mapped[int] = mapped_column(Integer, default=24)
    approval_state: Mapped[str] = mapped_column(String(20), default="proposed")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation = relationship("Organisation")
    jobs = relationship("HarvestJob", back_populates="source", order_by="HarvestJob.id.desc()")


class HarvestJob(db.Model):  # type: ignore[name-defined]
    __tablename__ = "harvest_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("harvest_sources.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    added: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    archived: Mapped[int] = mapped_column(Integer, default=0)
    errored: Mapped[int] = mapped_column(Integer, default=0)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    not_modified: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    source = relationship("HarvestSource", back_populates="jobs")
    items = relationship("HarvestItem", back_populates="job", order_by="HarvestItem.id")


class HarvestItem(db.Model):  # type: ignore[name-defined]
    """What happened to one repository (or one failing page) in one job."""

    __tablename__ = "harvest_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("harvest_jobs.id", ondelete="CASCADE"), index=True)
    repository_id: Mapped[int | None] = mapped_column(ForeignKey("repositories.id"))
    remote_id: Mapped[str | None] = mapped_column(String(64))
    full_name: Mapped[str | None] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(1000))
    stage: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    error: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)

    job = relationship("HarvestJob", back_populates="items")


class HttpCacheEntry(db.Model):  # type: ignore[name-defined]
    """Validators of a listing URL, so an unchanged page costs a 304 and no parsing."""

    __tablename__ = "http_cache"

    id: Mapped[int] = mapped_column(primary_key=True)
    url_hash: Mapped[str] = mapped_column(String(64), unique=True)
    url: Mapped[str] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(String(255))
    last_modified: Mapped[str | None] = mapped_column(String(64))
    next_url: Mapped[str | None] = mapped_column(Text)
    remote_ids: Mapped[list[str]] = mapped_column(JSONType, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
