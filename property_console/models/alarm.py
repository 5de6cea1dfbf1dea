"""Alarms shown to staff: new → acknowledged → handled with a disposition; never deleted."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from property_console.models.base import Record

STATUSES = ("new", "acknowledged", "handled")
DISPOSITIONS = ("real", "false_alarm", "test", "equipment_fault")


class Alarm(Record):
    __tablename__ = "alarms"

    kind: Mapped[str] = mapped_column(String(32), index=True)
    severity: Mapped[str] = mapped_column(String(8), default="high")
    source: Mapped[str] = mapped_column(String(64))
    message_zh: Mapped[str] = mapped_column(String(255))
    message_en: Mapped[str] = mapped_column(String(255))
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    raised_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    handled_by: Mapped[str | None] = mapped_column(String(64))
    handled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    disposition: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(500))
