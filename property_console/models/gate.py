"""Barrier gate lists: car parks with their fixed spaces, and visitor vehicle reservations by residents."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from property_console.models.base import Record


class CarPark(Record):
    """A car park a gate guards: total spaces; its fixed (owned/rented) spaces are rows of FixedSpace."""

    __tablename__ = "car_parks"

    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    capacity: Mapped[int] = mapped_column(Integer)


class FixedSpace(Record):
    """A space reserved for one vehicle; it is not shared with temporary vehicles."""

    __tablename__ = "car_park_spaces"
    __table_args__ = (UniqueConstraint("car_park_id", "code", name="uq_car_park_spaces_car_park_code"),)

    car_park_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("car_parks.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    vehicle_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("vehicles.id"), index=True)


class VehicleReservation(Record):
    """A visitor's vehicle let in by a resident's booking: plate, time window, visit-count limit."""

    __tablename__ = "vehicle_reservations"

    plate: Mapped[str] = mapped_column(String(10), index=True)
    house_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("houses.id"), index=True)
    host_person_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("persons.id"))
    start_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    end_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    max_visits: Mapped[int] = mapped_column(Integer, default=1)
    visitor_name: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(64))
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
