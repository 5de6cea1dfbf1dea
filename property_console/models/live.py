"""Live-push messages shared between console processes (several uvicorn workers or instances)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from property_console.models.base import Base, utcnow


class LiveMessage(Base):
    """The live-stream messages one transaction committed, written in that transaction; pruned after minutes.

    `id` orders the messages (AUTOINCREMENT on SQLite so a pruned id is never reused); `origin` names the
    process (its broadcaster) that already delivered it to its own browsers.
    """

    __tablename__ = "live_messages"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    origin: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    messages: Mapped[list[dict[str, object]]] = mapped_column(JSON)
