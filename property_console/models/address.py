"""Standard addresses (标准地址): community → building → unit → floor → room, each with a stable code."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from property_console.models.base import Record

LEVELS = ("community", "building", "unit", "floor", "room")


class Address(Record):
    __tablename__ = "addresses"

    code: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    level: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("addresses.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    full_name: Mapped[str] = mapped_column(String(255))
    police_station: Mapped[str | None] = mapped_column(String(64))
    officer_name: Mapped[str | None] = mapped_column(String(32))
    officer_phone: Mapped[str | None] = mapped_column(String(20))
    map_x: Mapped[float | None]
    map_y: Mapped[float | None]

    parent: Mapped[Address | None] = relationship(remote_side="Address.id")
