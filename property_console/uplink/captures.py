"""Delete capture images once the district acknowledged them (or after the configured retention period)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from property_console.models.base import utcnow
from property_console.models.event import Capture
from property_console.uplink.outbox import PASS_KINDS, OutboxEntry


def purge(db: Session, retention_hours: float, limit: int = 2000) -> int:
    """Delete the captures of acknowledged passes older than the retention; returns rows purged."""
    cutoff = utcnow() - dt.timedelta(hours=retention_hours)
    rows = db.execute(
        select(OutboxEntry.seq, OutboxEntry.captures)
        .where(
            OutboxEntry.kind.in_(PASS_KINDS),
            OutboxEntry.status == "acked",
            OutboxEntry.captures_purged_at.is_(None),
            OutboxEntry.acked_at <= cutoff,
        )
        .limit(limit)
    ).all()
    if not rows:
        return 0
    shas = {s for _seq, caps in rows for s in caps or ()}
    if shas:
        db.execute(delete(Capture).where(Capture.sha256.in_(shas)))
    now = utcnow()
    db.execute(update(OutboxEntry), [{"seq": seq, "captures_purged_at": now} for seq, _c in rows])
    return len(rows)
