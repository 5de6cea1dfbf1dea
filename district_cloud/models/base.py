"""Declarative base of the district schema (separate from the console's) and the versioned-record mixin."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sc_core.clock import utcnow
from sc_core.naming import NAMING  # same naming rules as the console; the metadata stays separate

__all__ = ["Base", "Versioned", "utcnow"]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Versioned:
    """A community's record: (community, record_id) is unique; `version` only ever grows."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
