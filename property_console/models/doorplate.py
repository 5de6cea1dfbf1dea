"""Doorplate scans: pending registrations, inspection notes, one-time login codes, electronic patrol."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Time,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from property_console.models.base import Base, Record, utcnow

REGISTRATION_KINDS = ("move_in", "move_out", "update")
REGISTRATION_STATUSES = ("pending", "confirmed", "rejected")


class Registration(Record):
    """A resident's or owner's request about who lives in a house; applied only when confirmed."""

    __tablename__ = "doorplate_registrations"

    house_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("houses.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    submitted_by: Mapped[str] = mapped_column(String(64))
    for_self: Mapped[bool] = mapped_column(default=False)
    id_type: Mapped[str | None] = mapped_column(String(24))
    id_number: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(20))
    relation: Mapped[str | None] = mapped_column(String(16))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    residency_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("residencies.id"))
    person_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("persons.id"))
    photo_type: Mapped[str | None] = mapped_column(String(32))
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)
    note: Mapped[str | None] = mapped_column(String(500))
    verified_by: Mapped[str | None] = mapped_column(String(64))
    verified_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class InspectionNote(Record):
    """A grid worker's or officer's note about a house visit."""

    __tablename__ = "doorplate_inspection_notes"

    house_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("houses.id"), index=True)
    author: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(24))
    text: Mapped[str] = mapped_column(String(500))


class OtpCode(Base):
    """A one-time login code, stored as an HMAC only; expires, and dies after too many wrong tries."""

    __tablename__ = "doorplate_otp_codes"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    phone: Mapped[str] = mapped_column(String(20), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class PatrolCheckpoint(Record):
    """A place with a checkpoint QR code; optionally tied to a standard address."""

    __tablename__ = "patrol_checkpoints"

    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    address_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("addresses.id"), index=True)


class PatrolRoute(Record):
    """An ordered list of checkpoint codes."""

    __tablename__ = "patrol_routes"

    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    checkpoints: Mapped[list[str]] = mapped_column(JSON, default=list)


class PatrolSchedule(Record):
    """A daily round of a route by one guard: checkpoint i planned at start + i × interval (local time)."""

    __tablename__ = "patrol_schedules"

    route_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("patrol_routes.id"), index=True)
    guard: Mapped[str] = mapped_column(String(64), index=True)
    start_time: Mapped[dt.time] = mapped_column(Time)
    interval_minutes: Mapped[int] = mapped_column(Integer)
    tolerance_minutes: Mapped[int] = mapped_column(Integer, default=5)
    grace_minutes: Mapped[int] = mapped_column(Integer, default=10)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(default=True)


class PatrolScan(Base):
    """A guard scanned a genuine checkpoint code (append-only)."""

    __tablename__ = "patrol_scans"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    checkpoint: Mapped[str] = mapped_column(String(64), index=True)
    guard: Mapped[str] = mapped_column(String(64), index=True)
    scanned_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    code_id: Mapped[str] = mapped_column(String(16))


class PatrolAlarmMark(Base):
    """One alarm per schedule, day and checkpoint: the unique key keeps a re-check from raising it twice."""

    __tablename__ = "patrol_alarm_marks"
    __table_args__ = (
        UniqueConstraint("schedule_id", "round_date", "checkpoint", name="uq_patrol_alarm_marks"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    schedule_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("patrol_schedules.id"))
    round_date: Mapped[dt.date] = mapped_column(Date)
    checkpoint: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    alarm_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("alarms.id"))
