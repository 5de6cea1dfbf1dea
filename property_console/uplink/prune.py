"""Prune acknowledged outbox rows older than the retention, in batches, keeping a daily summary per kind.

Only acked rows go: pending rows are the backlog, rejected rows wait for an operator. A pass row goes only once
its captures were purged (its SHA-256 list is what the capture purge works from). The rows of one batch are
folded into `uplink_sent_daily` (UTC day of acknowledgement × kind: count, first and last send) and deleted in
the same transaction, so the report's totals never change when rows are pruned.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from property_console.models.base import utcnow
from property_console.models.outbox import OutboxEntry, UplinkSentDaily
from property_console.uplink.captures import PASS_KINDS


def _aware(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def prune(db: Session, retention_days: float, limit: int = 1000) -> int:
    """Delete up to `limit` of the oldest prunable rows; returns how many (call again while it returns limit)."""
    cutoff = utcnow() - dt.timedelta(days=retention_days)
    rows = db.execute(
        select(OutboxEntry.seq, OutboxEntry.kind, OutboxEntry.acked_at, OutboxEntry.sent_at)
        .where(
            OutboxEntry.status == "acked",
            OutboxEntry.acked_at < cutoff,
            or_(OutboxEntry.kind.not_in(PASS_KINDS), OutboxEntry.captures_purged_at.is_not(None)),
        )
        .order_by(OutboxEntry.seq)
        .limit(limit)
    ).all()
    if not rows:
        return 0
    groups: dict[tuple[dt.date, str], list[dt.datetime]] = {}
    for _seq, kind, acked_at, sent_at in rows:
        acked = _aware(acked_at)
        groups.setdefault((acked.astimezone(dt.UTC).date(), kind), []).append(_aware(sent_at or acked_at))
    for (day, kind), sent in groups.items():
        summary = db.get(UplinkSentDaily, (day, kind))
        if summary is None:
            summary = UplinkSentDaily(day=day, kind=kind, acked=0)
            db.add(summary)
        summary.acked = (summary.acked or 0) + len(sent)
        first, last = min(sent), max(sent)
        summary.first_sent_at = min(first, _aware(summary.first_sent_at)) if summary.first_sent_at else first
        summary.last_sent_at = max(last, _aware(summary.last_sent_at)) if summary.last_sent_at else last
    db.flush()
    db.execute(delete(OutboxEntry).where(OutboxEntry.seq.in_([r[0] for r in rows])))
    return len(rows)
