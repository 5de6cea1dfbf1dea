"""Presence intervals: when each device was online or offline, as the console learned it (aware UTC)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, DateTime, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from property_console.models.base import Base


class PresenceInterval(Base):
    """One stretch of one state; `ended_at` is NULL while it lasts (one such row per device, enforced: two
    console processes learning the same will cannot both open an interval). Reports compute availability here."""

    __tablename__ = "presence_intervals"
    __table_args__ = (
        Index("ix_presence_intervals_device_started", "device_serial", "started_at"),
        Index(
            "uq_presence_intervals_open",
            "device_serial",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    device_serial: Mapped[str] = mapped_column(String(64))
    online: Mapped[bool] = mapped_column(Boolean)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(String(32), default="")
