"""Persons (实有人口) and their photos."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, Date, ForeignKey, LargeBinary, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from property_console.models.base import Record

ID_TYPES = ("resident_id", "passport", "hk_macau_permit", "taiwan_permit", "foreign_permanent", "other")
GENDERS = ("male", "female", "unknown")
POPULATION_TYPES = ("registered", "floating", "overseas")  # 户籍 / 流动 / 境外
SPECIAL_CATEGORIES = (
    "elderly_alone",
    "disabled",
    "minor_left_behind",
    "key_care",
    "mental_health",
    "veteran",
)


class Person(Record):
    __tablename__ = "persons"
    __table_args__ = (UniqueConstraint("id_type", "id_number", name="uq_persons_id_type_number"),)

    id_type: Mapped[str] = mapped_column(String(24), default="resident_id")
    id_number: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    gender: Mapped[str] = mapped_column(String(8), default="unknown")
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    ethnicity: Mapped[str | None] = mapped_column(String(16))
    nationality: Mapped[str] = mapped_column(String(3), default="CHN")
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    population_type: Mapped[str] = mapped_column(String(16), default="registered")
    special_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(String(500))


class PersonPhoto(Record):
    __tablename__ = "person_photos"

    person_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("persons.id"), index=True)
    content_type: Mapped[str] = mapped_column(String(32))
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
