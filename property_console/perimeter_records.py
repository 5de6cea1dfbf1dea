"""Perimeter lifecycle records on the console side: snapshots and clips attached to the stored alarm.

The perimeter service sends `alarm_snapshot` after the `alarm` it belongs to (same `alarm_uuid`, which is
also the id of the stored alarm event). The JPEG and the MJPEG/AVI clip are stored as captures (by SHA-256)
and listed in the alarm's `detail.snapshots`; browsers get the changed alarm on the live stream.
"""

from __future__ import annotations

import base64
import binascii
import logging
import uuid
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from devices.bus import Event as BusEvent
from devices.contracts.perimeter import AlarmSnapshot
from property_console.events.alarms import alarm_message
from property_console.events.broadcast import publish_after_commit
from property_console.events.captures import store_capture
from property_console.models import Alarm, Event

log = logging.getLogger(__name__)
MAX_SNAPSHOTS = 8


def alarm_for(db: Session, alarm_uuid: object) -> Alarm | None:
    """The console alarm raised by the perimeter alarm with this UUID."""
    try:
        event = db.get(Event, uuid.UUID(str(alarm_uuid)))
    except ValueError:
        return None
    return db.get(Alarm, event.alarm_id) if event is not None and event.alarm_id else None


def _media(raw: str | None, kind: str | None) -> tuple[bytes, str] | None:
    if not raw or kind is None:
        return None
    try:
        return base64.b64decode(raw, validate=True), kind
    except (binascii.Error, ValueError):
        return None


def attach_snapshot(db: Session, event: BusEvent) -> bool:
    """Store an alarm_snapshot's image and clip and list them on the alarm; False if it is unknown or malformed."""
    try:
        snap = AlarmSnapshot.model_validate(event.data)
    except ValidationError as exc:
        log.warning("malformed perimeter snapshot %s: %s", event.id, exc.errors()[:3])
        return False
    alarm = alarm_for(db, snap.alarm_uuid)
    if alarm is None:
        log.warning("snapshot for unknown perimeter alarm %s", snap.alarm_uuid)
        return False
    entry: dict[str, Any] = {"camera": snap.camera[:64], "ref": snap.ref[:80]}
    image, clip = _media(snap.image_b64, snap.image_type), _media(snap.clip_b64, snap.clip_type)
    if image is not None:
        entry["capture_sha256"] = store_capture(db, *image)
    if clip is not None:
        entry["clip_sha256"] = store_capture(db, *clip)
    detail = dict(alarm.detail or {})
    known = detail.get("snapshots")
    snaps = [s for s in known if isinstance(s, dict)] if isinstance(known, list) else []
    detail["snapshots"] = [*snaps, entry][-MAX_SNAPSHOTS:]
    if image is not None:
        detail.setdefault("capture_sha256", entry["capture_sha256"])
    alarm.detail = detail
    db.flush()
    publish_after_commit(db, alarm_message(alarm))
    return True


def apply(db: Session, event: BusEvent) -> bool:
    """Handle one perimeter lifecycle record the console keeps; False when it is not one of them."""
    if event.kind == "alarm_snapshot":
        return attach_snapshot(db, event)
    return False
