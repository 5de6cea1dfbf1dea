"""Houses (实有房屋): one per room address, with use, ownership, rental status and area."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from property_console.models.address import Address
from property_console.models.base import Record

USES = ("residential", "commercial", "office", "mixed", "other")
OWNERSHIPS = ("private", "public", "company", "other")
RENTAL_STATUSES = ("self_occupied", "rented", "partly_rented", "vacant")


class House(Record):
    __tablename__ = "houses"

    address_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("addresses.id"), unique=True)
    use: Mapped[str] = mapped_column(String(16), default="residential")
    ownership: Mapped[str] = mapped_column(String(16), default="private")
    rental_status: Mapped[str] = mapped_column(String(16), default="self_occupied")
    area_m2: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    flagged: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(String(500))

    address: Mapped[Address] = relationship(lazy="joined")
