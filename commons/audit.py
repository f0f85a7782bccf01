# SPDX-License-Identifier: EUPL-1.2
"""Append-only audit events, written in the same transaction as the change they describe."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commons.extensions import db
from commons.types import JSONType, UTCDateTime, utcnow


class AuditEvent(db.Model):  # type: ignore[name-defined]
    """One event. Tags read ``object:field:action`` (``contribution:amount:update``, ``account:login``)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    ip: Mapped[str | None] = mapped_column(String(64))
    tag: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64), index=True)
    old: Mapped[Any | None] = mapped_column(JSONType)
    new: Mapped[Any | None] = mapped_column(JSONType)

    actor = relationship("User")


def _request_ip() -> str | None:
    if has_request_context():
        return request.remote_addr
    return None


def record_event(
    tag: str,
    obj: Any = None,
    *,
    old: Any = None,
    new: Any = None,
    actor: Any = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
) -> AuditEvent:
    """Add an audit event to the current session; the caller's commit writes it with the change."""
    if actor is None and has_request_context() and current_user and current_user.is_authenticated:
        actor = current_user
    if obj is not None:
        object_type = object_type or getattr(obj, "__tablename__", type(obj).__name__)
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    event = AuditEvent(
        tag=tag,
        actor_id=getattr(actor, "id", None),
        ip=_request_ip(),
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        old=old,
        new=new,
    )
    db.session.add(event)
    return event
