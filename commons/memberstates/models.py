# SPDX-License-Identifier: EUPL-1.2
"""Member states of the EU and the EU institutions as a contributor of their own kind."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from commons.extensions import db

MEMBER = "member"
OBSERVER = "observer"
NOT_PARTICIPATING = "not_participating"
INITIATIVE_STATUSES = (MEMBER, OBSERVER, NOT_PARTICIPATING)

KIND_STATE = "member_state"
KIND_EU = "eu_institutions"


class MemberState(db.Model):  # type: ignore[name-defined]
    """A member state, keyed by its ISO 3166-1 alpha-2 code (``GR`` stored, ``EL`` displayed)."""

    __tablename__ = "member_states"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20), default=KIND_STATE)
    currency: Mapped[str] = mapped_column(String(3))
    initiative_status: Mapped[str] = mapped_column(String(20), default=NOT_PARTICIPATING)

    @property
    def display_code(self) -> str:
        """EU usage writes Greece as EL and the United Kingdom as UK."""
        return {"GR": "EL"}.get(self.code, self.code)

    def __repr__(self) -> str:
        return f"<MemberState {self.code}>"
