# SPDX-License-Identifier: EUPL-1.2
"""Organisations: public bodies, foundations, companies and communities."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commons.extensions import db
from commons.types import UTCDateTime, utcnow

ORG_TYPES = (
    "central_government",
    "regional_government",
    "local_government",
    "public_agency",
    "eu_institution",
    "foundation",
    "association",
    "company",
    "community",
    "other",
)


class Organisation(db.Model):  # type: ignore[name-defined]
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    acronym: Mapped[str | None] = mapped_column(String(40))
    org_type: Mapped[str] = mapped_column(String(30), default="other")
    member_state_code: Mapped[str | None] = mapped_column(ForeignKey("member_states.code"), index=True)
    # ISO 3166-1 code of the seat; may be outside the EU (GB, CH, US…) or ``EU`` for EU institutions.
    country: Mapped[str | None] = mapped_column(String(2))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    website: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    member_state = relationship("MemberState")
    parent = relationship("Organisation", remote_side=[id])
    identifiers = relationship("OrganisationIdentifier", back_populates="organisation", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class OrganisationIdentifier(db.Model):  # type: ignore[name-defined]
    """An identifier of an organisation in some scheme (IATI org id, SIREN, codice IPA, LEI…)."""

    __tablename__ = "organisation_identifiers"
    __table_args__ = (UniqueConstraint("scheme", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    scheme: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(String(200))

    organisation = relationship("Organisation", back_populates="identifiers")
