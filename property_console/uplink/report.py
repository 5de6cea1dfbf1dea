"""Backlog, lag and the delivery report (what was sent, when, what is pending or rejected)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from property_console.models.base import utcnow
from property_console.models.event import Capture
from property_console.uplink.delivery import UplinkWorker
from property_console.uplink.outbox import OutboxEntry, UplinkSentDaily


def _aware(t: dt.datetime | None) -> dt.datetime | None:
    return t.replace(tzinfo=dt.UTC) if t is not None and t.tzinfo is None else t


def status(db: Session, worker: UplinkWorker | None) -> dict[str, Any]:
    """Backlog (pending rows), lag (age of the oldest pending row) and the loop's own state."""
    counts = dict(
        db.execute(select(OutboxEntry.status, func.count()).group_by(OutboxEntry.status)).tuples().all()
    )
    oldest = _aware(
        db.execute(select(func.min(OutboxEntry.created_at)).where(OutboxEntry.status == "pending")).scalar()
    )
    last_ack = _aware(db.execute(select(func.max(OutboxEntry.acked_at))).scalar())
    pruned = int(db.execute(select(func.coalesce(func.sum(UplinkSentDaily.acked), 0))).scalar_one())
    return {
        "configured": worker is not None,
        "backlog": int(counts.get("pending", 0)),
        "acked": int(counts.get("acked", 0)) + pruned,
        "rejected": int(counts.get("rejected", 0)),
        "lag_seconds": round((utcnow() - oldest).total_seconds(), 3) if oldest else 0.0,
        "oldest_pending_at": oldest.isoformat() if oldest else None,
        "last_acked_at": last_ack.isoformat() if last_ack else None,
        "captures_stored": int(db.execute(select(func.count()).select_from(Capture)).scalar_one()),
        "worker": asdict(worker.state) if worker else None,
    }


def report(db: Session, limit: int = 50) -> dict[str, Any]:
    """Per kind: sent (acked), pending, rejected, first/last sent; plus the oldest pending and all rejects."""
    stmt = select(
        OutboxEntry.kind,
        OutboxEntry.status,
        func.count(),
        func.min(OutboxEntry.sent_at),
        func.max(OutboxEntry.sent_at),
    ).group_by(OutboxEntry.kind, OutboxEntry.status)
    kinds: dict[str, dict[str, Any]] = {}
    for kind, st, n, first, last in db.execute(stmt):
        k = kinds.setdefault(
            kind, {"acked": 0, "pending": 0, "rejected": 0, "first_sent_at": None, "last_sent_at": None}
        )
        k[st] = int(n)
        if st == "acked":
            k["first_sent_at"] = _iso(first)
            k["last_sent_at"] = _iso(last)
    summary = select(
        UplinkSentDaily.kind,
        func.sum(UplinkSentDaily.acked),
        func.min(UplinkSentDaily.first_sent_at),
        func.max(UplinkSentDaily.last_sent_at),
    ).group_by(UplinkSentDaily.kind)
    for kind, n, first, last in db.execute(summary):  # acked rows already pruned from the outbox
        k = kinds.setdefault(
            kind, {"acked": 0, "pending": 0, "rejected": 0, "first_sent_at": None, "last_sent_at": None}
        )
        k["acked"] += int(n)
        firsts = [t for t in (_aware(first), _parse(k["first_sent_at"])) if t]
        lasts = [t for t in (_aware(last), _parse(k["last_sent_at"])) if t]
        k["first_sent_at"] = _iso(min(firsts, default=None))
        k["last_sent_at"] = _iso(max(lasts, default=None))
    return {
        "generated_at": utcnow().isoformat(),
        "kinds": kinds,
        "pruned_daily": [
            {
                "day": d.day.isoformat(),
                "kind": d.kind,
                "acked": d.acked,
                "first_sent_at": _iso(d.first_sent_at),
                "last_sent_at": _iso(d.last_sent_at),
            }
            for d in db.execute(
                select(UplinkSentDaily)
                .order_by(UplinkSentDaily.day.desc(), UplinkSentDaily.kind)
                .limit(limit)
            ).scalars()
        ],
        "pending": [_row(r) for r in _rows(db, "pending", limit)],
        "rejected": [_row(r) for r in _rows(db, "rejected", limit)],
        "recent": [_row(r) for r in _rows(db, "acked", limit, newest=True)],
    }


def _rows(db: Session, st: str, limit: int, newest: bool = False) -> list[OutboxEntry]:
    order = OutboxEntry.seq.desc() if newest else OutboxEntry.seq
    return list(
        db.execute(select(OutboxEntry).where(OutboxEntry.status == st).order_by(order).limit(limit)).scalars()
    )


def _parse(t: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(t) if t else None


def _iso(t: dt.datetime | None) -> str | None:
    t = _aware(t)
    return t.isoformat() if t else None


def _row(r: OutboxEntry) -> dict[str, Any]:
    return {
        "seq": r.seq,
        "kind": r.kind,
        "record_id": r.record_id,
        "version": r.version,
        "created_at": _iso(r.created_at),
        "sent_at": _iso(r.sent_at),
        "acked_at": _iso(r.acked_at),
        "attempts": r.attempts,
        "error": r.last_error,
        "captures_purged_at": _iso(r.captures_purged_at),
    }
