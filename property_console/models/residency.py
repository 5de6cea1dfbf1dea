"""Residency: who lives in which house, as what, from when to when; history is never overwritten."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Date, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from property_console.models.base import Record
from property_console.models.house import House
from property_console.models.person import Person

RELATIONS = ("owner", "family", "tenant", "employee", "other")


class Residency(Record):
    __tablename__ = "residencies"

    person_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("persons.id"), index=True)
    house_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("houses.id"), index=True)
    relation: Mapped[str] = mapped_column(String(16))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(200))

    person: Mapped[Person] = relationship(lazy="joined")
    house: Mapped[House] = relationship(lazy="joined")

    def current(self, on: dt.date) -> bool:
        return self.start_date <= on and (self.end_date is None or self.end_date > on)
