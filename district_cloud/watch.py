"""Watch-lists: match new passes against persons (ID number) and plates of interest, and push each hit.

The hit is written in the ingest transaction (so the community police officer's page shows it on its next
poll, every 2 s) and, after commit, POSTed to the community's webhook on a background thread with an
HMAC-SHA256 signature (`X-SC-Signature`), so an upload never waits for a slow webhook.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import threading
from typing import Any

import httpx
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from district_cloud import models as m
from district_cloud.models.base import utcnow

log = logging.getLogger(__name__)


def match(db: Session, community: str, passes: list[dict[str, Any]]) -> list[m.WatchHit]:
    """Insert a hit for every new pass whose ID number or plate is on an active watch entry."""
    ids = {p["id_number"] for p in passes if p.get("id_number")}
    plates = {p["plate"] for p in passes if p.get("plate")}
    if not ids and not plates:
        return []
    entries = db.execute(
        select(m.WatchEntry).where(
            m.WatchEntry.active.is_(True),
            or_(
                (m.WatchEntry.kind == "person") & m.WatchEntry.value.in_(ids),
                (m.WatchEntry.kind == "plate") & m.WatchEntry.value.in_(plates),
            ),
        )
    ).scalars()
    index = {(w.kind, w.value): w for w in entries}
    hits = []
    for p in passes:
        key = ("plate", p["plate"]) if p.get("plate") else ("person", p.get("id_number"))
        w = index.get(key)  # type: ignore[arg-type]
        if w is None:
            continue
        hit = m.WatchHit(
            watch_id=w.id,
            community=community,
            kind=w.kind,
            value=w.value,
            reason=w.reason,
            pass_record_id=p["record_id"],
            device_id=p["device_id"],
            shot_time=p.get("pass_time") or p.get("shot_time"),
            detected_at=utcnow(),
        )
        db.add(hit)
        hits.append(hit)
    db.flush()
    return hits


def _iso(t: dt.datetime) -> str:
    return (t if t.tzinfo else t.replace(tzinfo=dt.UTC)).isoformat()


def hit_json(hit: m.WatchHit) -> dict[str, Any]:
    return {
        "id": hit.id,
        "community": hit.community,
        "kind": hit.kind,
        "value": hit.value,
        "reason": hit.reason,
        "pass_record_id": hit.pass_record_id,
        "device_id": hit.device_id,
        "shot_time": _iso(hit.shot_time),
        "detected_at": _iso(hit.detected_at),
        "message_zh": f"布控预警：{'车牌' if hit.kind == 'plate' else '人员'} {hit.value} 出现在 {hit.device_id}",
    }


def push_async(sessions: sessionmaker[Session], hit_ids: list[int], timeout: float) -> None:
    """POST each hit to its community's webhook in a daemon thread; the result is recorded on the hit."""
    if hit_ids:
        threading.Thread(target=_push, args=(sessions, hit_ids, timeout), daemon=True).start()


def _push(sessions: sessionmaker[Session], hit_ids: list[int], timeout: float) -> None:
    with sessions.begin() as db:
        for hit in db.execute(select(m.WatchHit).where(m.WatchHit.id.in_(hit_ids))).scalars():
            community = db.get(m.Community, hit.community)
            if community is None or not community.webhook_url:
                hit.webhook_status = "no webhook"
                continue
            body = json.dumps(hit_json(hit), ensure_ascii=False).encode()
            sig = hmac.new((community.webhook_secret or "").encode(), body, hashlib.sha256).hexdigest()
            try:
                r = httpx.post(
                    community.webhook_url,
                    content=body,
                    timeout=timeout,
                    headers={"Content-Type": "application/json", "X-SC-Signature": sig},
                )
                hit.webhook_status = f"HTTP {r.status_code}"
            except httpx.HTTPError as exc:
                hit.webhook_status = f"failed: {type(exc).__name__}"[:64]
                log.warning("watch-list webhook to %s failed: %s", community.webhook_url, exc)
            hit.webhook_at = utcnow()
