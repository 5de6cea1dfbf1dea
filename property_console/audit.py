"""Append to and verify the hash-chained audit trail (who read or changed what, when, where)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from property_console.models import AuditEntry, utcnow

GENESIS = "0" * 64
_LOCK_KEY = 0x5C_A0D1  # PostgreSQL advisory lock serialising appends


def _canonical_time(at: dt.datetime) -> str:
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def entry_hash(prev_hash: str, e: AuditEntry) -> str:
    """SHA-256 over the previous hash and the entry's canonical JSON."""
    body = {
        "at": _canonical_time(e.at),
        "actor": e.actor,
        "role": e.role,
        "action": e.action,
        "entity": e.entity,
        "entity_ids": e.entity_ids,
        "endpoint": e.endpoint,
        "detail": e.detail,
    }
    payload = prev_hash + json.dumps(
        body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def record(
    session: Session,
    *,
    actor: str,
    role: str,
    action: str,
    entity: str,
    entity_ids: Iterable[Any] = (),
    endpoint: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction (so the trail and the change commit together)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
    last = session.execute(select(AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)).scalar()
    entry = AuditEntry(
        at=utcnow(),
        actor=actor[:64],
        role=role,
        action=action,
        entity=entity,
        entity_ids=[str(i) for i in entity_ids],
        endpoint=endpoint[:128],
        detail=json.loads(json.dumps(detail or {}, default=str)),
        prev_hash=last or GENESIS,
    )
    entry.hash = entry_hash(entry.prev_hash, entry)
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of walking the chain: ok, entries checked, and the first broken sequence number."""

    ok: bool
    checked: int
    head: str
    broken_at: int | None = None
    reason: str = ""


def verify(session: Session, batch: int = 5000) -> VerifyResult:
    """Walk the whole chain in order; report the first entry whose link or content does not match."""
    prev, checked, last_seq = GENESIS, 0, 0
    while True:
        rows = (
            session.execute(
                select(AuditEntry).where(AuditEntry.seq > last_seq).order_by(AuditEntry.seq).limit(batch)
            )
            .scalars()
            .all()
        )
        if not rows:
            return VerifyResult(True, checked, prev)
        for e in rows:
            if e.prev_hash != prev:
                return VerifyResult(
                    False, checked, prev, e.seq, "link to previous entry broken (entry removed?)"
                )
            if entry_hash(prev, e) != e.hash:
                return VerifyResult(
                    False, checked, prev, e.seq, "content does not match its hash (entry altered)"
                )
            prev, last_seq, checked = e.hash, e.seq, checked + 1
        session.expunge_all()
