"""Communities (digest credentials, freshness), police users, the query audit, watch-lists and their hits."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from district_cloud.models.base import Base, utcnow


class Community(Base):
    """A community allowed to upload; `ha1` = MD5(code:realm:password), the password itself is not stored."""

    __tablename__ = "d_communities"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    ha1: Mapped[str] = mapped_column(String(32))
    webhook_url: Mapped[str | None] = mapped_column(String(255))
    webhook_secret: Mapped[str | None] = mapped_column(String(64))
    registered: Mapped[bool] = mapped_column(Boolean, default=False)
    registered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_data_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    objects_received: Mapped[int] = mapped_column(Integer, default=0)
    resync_token: Mapped[str | None] = mapped_column(String(32))
    resync_requested_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    resync_done_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class User(Base):
    """A police user: district_police (all communities) or community_police (one community)."""

    __tablename__ = "d_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(24))
    community: Mapped[str | None] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class AuditEntry(Base):
    """Every police query: who, when, which endpoint, with which parameters, how many results."""

    __tablename__ = "d_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(24))
    action: Mapped[str] = mapped_column(String(32))
    endpoint: Mapped[str] = mapped_column(String(200))
    params: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    results: Mapped[int] = mapped_column(Integer, default=0)


class WatchEntry(Base):
    """A person (ID number) or plate of interest."""

    __tablename__ = "d_watch"
    __table_args__ = (UniqueConstraint("kind", "value", name="uq_d_watch_kind_value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(8))  # person | plate
    value: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class WatchHit(Base):
    """A pass that matched a watch entry, pushed to that community's police officer."""

    __tablename__ = "d_watch_hits"
    __table_args__ = (UniqueConstraint("watch_id", "pass_record_id", name="uq_d_watch_hits_pass"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    watch_id: Mapped[int] = mapped_column(ForeignKey("d_watch.id"))
    community: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    value: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(200))
    pass_record_id: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str] = mapped_column(String(100))
    shot_time: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    detected_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    webhook_status: Mapped[str | None] = mapped_column(String(64))
    webhook_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    seen_by: Mapped[str | None] = mapped_column(String(64))
