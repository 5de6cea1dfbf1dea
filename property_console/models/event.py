"""Device events (door and vehicle passes, alarms, device state) and their capture images, stored by SHA-256."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, DateTime, Index, Integer, LargeBinary, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from property_console.models.base import Base, utcnow


class Event(Base):
    """One event reported by a device; the id is the device's own UUID, so a replay stores nothing new."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_kind_device_time", "kind", "device_time"),
        Index("ix_events_received_at", "received_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    device_serial: Mapped[str] = mapped_column(String(64), index=True)
    device_time: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    subject: Mapped[str | None] = mapped_column(String(64))
    subject_name: Mapped[str | None] = mapped_column(String(64))
    decision: Mapped[str | None] = mapped_column(String(32))
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    capture_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    alarm_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)


class Capture(Base):
    """A capture image (face crop, plate shot, alarm snapshot) keyed by the SHA-256 of its bytes.

    Events keep the hash after the uplink deletes an acknowledged capture, hence no foreign key.
    """

    __tablename__ = "captures"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EventReject(Base):
    """A payload that failed validation, kept verbatim with the reasons so nothing a device sent is lost."""

    __tablename__ = "event_rejects"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    source: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    errors: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
