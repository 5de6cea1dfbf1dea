"""一标三实 records as received from each community (latest version wins)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, Float, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from district_cloud.models.base import Base, Versioned


def _keys(table: str) -> tuple[UniqueConstraint]:
    return (UniqueConstraint("community", "record_id", name=f"uq_{table}_record"),)


class Address(Versioned, Base):
    __tablename__ = "d_addresses"
    __table_args__ = _keys("d_addresses")

    code: Mapped[str | None] = mapped_column(String(64), index=True)
    level: Mapped[str | None] = mapped_column(String(16))
    parent_id: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(64))
    full_name: Mapped[str | None] = mapped_column(String(255))
    police_station: Mapped[str | None] = mapped_column(String(64))
    officer_name: Mapped[str | None] = mapped_column(String(32))
    officer_phone: Mapped[str | None] = mapped_column(String(20))


class Person(Versioned, Base):
    __tablename__ = "d_persons"
    __table_args__ = (
        *_keys("d_persons"),
        # by name, in id order (the query's LIMIT stops early); pattern ops: prefix search under any collation
        Index("ix_d_persons_name_id", "name", "id", postgresql_ops={"name": "varchar_pattern_ops"}),
    )

    id_type: Mapped[str | None] = mapped_column(String(24))
    id_number: Mapped[str | None] = mapped_column(String(32), index=True)
    name: Mapped[str | None] = mapped_column(String(64))
    gender: Mapped[str | None] = mapped_column(String(2))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    ethnicity: Mapped[str | None] = mapped_column(String(16))
    nationality: Mapped[str | None] = mapped_column(String(3))
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    population_type: Mapped[str | None] = mapped_column(String(16))
    special_categories: Mapped[list[str]] = mapped_column(JSON, default=list)


class House(Versioned, Base):
    __tablename__ = "d_houses"
    __table_args__ = (
        *_keys("d_houses"),
        Index("ix_d_houses_address_prefix", "address", postgresql_ops={"address": "varchar_pattern_ops"}),
    )

    address_id: Mapped[str | None] = mapped_column(String(64))
    address_code: Mapped[str | None] = mapped_column(String(64), index=True)
    address: Mapped[str | None] = mapped_column(String(255))
    use: Mapped[str | None] = mapped_column(String(16))
    ownership: Mapped[str | None] = mapped_column(String(16))
    rental_status: Mapped[str | None] = mapped_column(String(16))
    area: Mapped[float | None] = mapped_column(Float)
    flagged: Mapped[bool] = mapped_column(default=False)


class Residency(Versioned, Base):
    __tablename__ = "d_residencies"
    __table_args__ = (
        *_keys("d_residencies"),
        Index("ix_d_residencies_house", "community", "house_id"),
        Index("ix_d_residencies_person", "community", "person_id"),
    )

    person_id: Mapped[str | None] = mapped_column(String(64))
    house_id: Mapped[str | None] = mapped_column(String(64))
    relation: Mapped[str | None] = mapped_column(String(16))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)


class Unit(Versioned, Base):
    __tablename__ = "d_units"
    __table_args__ = _keys("d_units")

    name: Mapped[str | None] = mapped_column(String(128), index=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), index=True)
    kind: Mapped[str | None] = mapped_column(String(32))
    address_code: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(255))
    contact_name: Mapped[str | None] = mapped_column(String(64))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    employees: Mapped[int | None] = mapped_column(Integer)


class Vehicle(Versioned, Base):
    __tablename__ = "d_vehicles"
    __table_args__ = _keys("d_vehicles")

    plate: Mapped[str | None] = mapped_column(String(10), index=True)
    plate_color: Mapped[str | None] = mapped_column(String(4))
    vehicle_color: Mapped[str | None] = mapped_column(String(16))
    brand: Mapped[str | None] = mapped_column(String(32))
    owner_id: Mapped[str | None] = mapped_column(String(64))
    house_id: Mapped[str | None] = mapped_column(String(64))
    pass_type: Mapped[str | None] = mapped_column(String(16))
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
