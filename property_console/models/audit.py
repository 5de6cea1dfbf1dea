"""The audit trail: append-only rows chained by SHA-256 so tampering is detectable."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from property_console.models.base import Base, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(24))
    action: Mapped[str] = mapped_column(
        String(16)
    )  # read / create / update / delete / login / export / import
    entity: Mapped[str] = mapped_column(String(32), index=True)
    entity_ids: Mapped[list[str]] = mapped_column(JSON)
    endpoint: Mapped[str] = mapped_column(String(128))
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)  # a fork in the chain cannot commit
    hash: Mapped[str] = mapped_column(String(64), unique=True)
