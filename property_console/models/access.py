"""Face door records: visitor passes (invitations with a time window and doors) and the face blacklist."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, DateTime, ForeignKey, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from property_console.models.base import Record


class VisitorPass(Record):
    """A resident's (or staff member's) invitation: doors (device serials) and [valid_from, valid_to)."""

    __tablename__ = "access_visitor_passes"

    host_person_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("persons.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    visitor_name: Mapped[str] = mapped_column(String(64))
    visitor_phone: Mapped[str] = mapped_column(String(20))
    doors: Mapped[list[str]] = mapped_column(JSON, default=list)
    valid_from: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    valid_to: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    photo_type: Mapped[str | None] = mapped_column(String(32))
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class BlacklistEntry(Record):
    """A person the doors refuse and report (their PersonPhoto rows are the templates' source)."""

    __tablename__ = "access_blacklist"

    person_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("persons.id"), index=True)
    reason: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
