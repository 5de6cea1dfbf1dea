"""The uplink outbox: one row per change or event to send to the district, written in the change's transaction."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from property_console.models.base import Base, utcnow

STATUSES = ("pending", "acked", "rejected")


class OutboxEntry(Base):
    """A record version or event awaiting delivery; `seq` orders everything, per record and overall."""

    __tablename__ = "uplink_outbox"
    __table_args__ = (
        Index("ix_uplink_outbox_status_seq", "status", "seq"),
        Index("ix_uplink_outbox_record", "kind", "record_id"),
        {"sqlite_autoincrement": True},
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(24))
    record_id: Mapped[str] = mapped_column(String(36))
    version: Mapped[int] = mapped_column(Integer, default=1)
    op: Mapped[str] = mapped_column(String(8), default="upsert")
    payload: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    captures: Mapped[list[str]] = mapped_column(JSON, default=list)
    resync: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    acked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    captures_purged_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class UplinkState(Base):
    """Small key/value facts the delivery loop keeps across restarts (resync token, last keepalive)."""

    __tablename__ = "uplink_state"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class UplinkSentDaily(Base):
    """What was acknowledged per UTC day and kind, kept when the outbox rows themselves are pruned."""

    __tablename__ = "uplink_sent_daily"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    acked: Mapped[int] = mapped_column(Integer, default=0)
    first_sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
