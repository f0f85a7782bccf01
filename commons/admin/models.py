# SPDX-License-Identifier: EUPL-1.2
"""Invitations to set a password, and the record of each exchange-rate import."""

from __future__ import annotations

import datetime as dt
from datetime import datetime

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commons.extensions import db
from commons.types import UTCDateTime, utcnow


class Invitation(db.Model):  # type: ignore[name-defined]
    """A one-time link to set a password. Only the token's SHA-256 is stored; the link is shown or mailed once."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when a newer invitation replaced this one, or the account was disabled.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user = relationship("User", foreign_keys=[user_id])
    created_by = relationship("User", foreign_keys=[created_by_id])


class RateImport(db.Model):  # type: ignore[name-defined]
    """One import of ECB reference rates: from the web page, ``commons fx import`` or ``commons fx fetch``."""

    __tablename__ = "rate_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # "upload", "cli" or "fetch"
    method: Mapped[str] = mapped_column(String(10))
    source_name: Mapped[str] = mapped_column(String(255))
    rates: Mapped[int] = mapped_column(Integer)
    currencies: Mapped[int] = mapped_column(Integer)
    inserted: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    first_date: Mapped[dt.date] = mapped_column(Date)
    last_date: Mapped[dt.date] = mapped_column(Date)

    actor = relationship("User")
