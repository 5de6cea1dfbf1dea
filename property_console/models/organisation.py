"""Organisations (实有单位) with their unified social credit code."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from property_console.models.base import Record


class Organisation(Record):
    __tablename__ = "organisations"

    name: Mapped[str] = mapped_column(String(128), index=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    kind: Mapped[str] = mapped_column(String(32), default="company")
    address_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("addresses.id"))
    contact_name: Mapped[str | None] = mapped_column(String(64))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    employees: Mapped[int | None]
