"""Personal perimeter PINs: disarming at the console needs the operator's PIN (argon2id hash, like passwords)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import DateTime, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from property_console.models.base import Base, utcnow


class PerimeterPin(Base):
    """One PIN per user; wrong entries are counted and lock PIN use for a while."""

    __tablename__ = "perimeter_pins"

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"), primary_key=True)
    pin_hash: Mapped[str] = mapped_column(String(255))
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
