"""Passes (faces, doors, vehicles), their images, alarms, and the receipt log that makes ingest idempotent."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Float, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from district_cloud.models.base import Base, Versioned, utcnow


class Receipt(Base):
    """One row per (community, kind, record, version) ever accepted: a resend of it is a duplicate."""

    __tablename__ = "d_receipts"
    __table_args__ = (
        UniqueConstraint("community", "kind", "record_id", "version", name="uq_d_receipts_object"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(24))
    record_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PersonPass(Base):
    """A face capture (GA/T 1400 Face) or a door pass without a face (DoorInfo)."""

    __tablename__ = "d_person_passes"
    __table_args__ = (
        UniqueConstraint("community", "record_id", name="uq_d_person_passes_record"),
        Index("ix_d_person_passes_id_time", "id_number", "shot_time"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8))  # face | door
    device_id: Mapped[str] = mapped_column(String(100))
    shot_time: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    id_number: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(String(64))
    person_id: Mapped[str | None] = mapped_column(String(64))
    similarity: Mapped[float | None] = mapped_column(Float)
    direction: Mapped[str | None] = mapped_column(String(8))
    decision: Mapped[str | None] = mapped_column(String(32))
    location: Mapped[str | None] = mapped_column(String(128))
    images: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class VehiclePass(Base):
    """A vehicle pass (GA/T 1400 MotorVehicle) at a community gate."""

    __tablename__ = "d_vehicle_passes"
    __table_args__ = (
        UniqueConstraint("community", "record_id", name="uq_d_vehicle_passes_record"),
        Index("ix_d_vehicle_passes_plate_time", "plate", "pass_time"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str] = mapped_column(String(100))
    pass_time: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    plate: Mapped[str] = mapped_column(String(10))
    plate_color: Mapped[str | None] = mapped_column(String(4))
    direction: Mapped[str | None] = mapped_column(String(8))
    decision: Mapped[str | None] = mapped_column(String(32))
    location: Mapped[str | None] = mapped_column(String(128))
    images: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Image(Base):
    """A capture image (SubImageInfoObject) kept at the district; keyed by its SHA-256 per community."""

    __tablename__ = "d_images"
    __table_args__ = (UniqueConstraint("community", "image_id", name="uq_d_images_image"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(32))
    image_id: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str] = mapped_column(String(64), index=True)
    type: Mapped[str] = mapped_column(String(4))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Alarm(Versioned, Base):
    """A community alarm and its disposition (latest version wins)."""

    __tablename__ = "d_alarms"
    __table_args__ = (
        UniqueConstraint("community", "record_id", name="uq_d_alarms_record"),
        Index("ix_d_alarms_community_time", "community", "raised_at"),
    )

    kind: Mapped[str | None] = mapped_column(String(32))
    severity: Mapped[str | None] = mapped_column(String(8))
    source: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str | None] = mapped_column(String(16))
    raised_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    handled_by: Mapped[str | None] = mapped_column(String(64))
    handled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    disposition: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(500))
