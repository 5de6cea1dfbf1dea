"""Devices (door, gate, camera, sensor host …) identified by serial number or MAC, never by IP."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import DateTime, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from property_console.models.base import Record

KINDS = ("door", "gate", "camera", "lpr_camera", "sensor_host", "alarm_host", "relay_board")


class Device(Record):
    __tablename__ = "devices"

    serial: Mapped[str] = mapped_column(String(64), unique=True)
    mac: Mapped[str | None] = mapped_column(String(17), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(64))
    address_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("addresses.id"))
    host: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="unknown")
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    map_x: Mapped[float | None]
    map_y: Mapped[float | None]
