"""Vehicles: plate (GA 36), colour, owner and house, pass type."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Date, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from property_console.models.base import Record

PLATE_COLORS = ("blue", "yellow", "green", "yellow_green", "white", "black")
PASS_TYPES = ("resident", "monthly", "whitelist", "blacklist")


class Vehicle(Record):
    __tablename__ = "vehicles"

    plate: Mapped[str] = mapped_column(String(10), unique=True)
    plate_color: Mapped[str] = mapped_column(String(16), default="blue")
    vehicle_color: Mapped[str | None] = mapped_column(String(16))
    brand: Mapped[str | None] = mapped_column(String(32))
    owner_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("persons.id"), index=True)
    house_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("houses.id"), index=True)
    pass_type: Mapped[str] = mapped_column(String(16), default="resident")
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
