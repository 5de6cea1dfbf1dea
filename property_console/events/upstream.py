"""Pass events go upstream: each new door, visitor or vehicle pass is queued in the uplink outbox."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session

from property_console.models import Event
from property_console.uplink.events import EVENT_KINDS, enqueue

log = logging.getLogger(__name__)


def queue_upstream(session: Session, event: Event) -> bool:
    """Add the event to the outbox in the caller's transaction; a payload the uplink refuses is logged, not lost."""
    if event.kind not in EVENT_KINDS:
        return False  # alarms reach the outbox through the Alarm row; refusals and device state stay local
    vehicle = event.kind == "vehicle_pass"
    payload: dict[str, Any] = {
        "device_id": event.device_serial,
        "shot_time": event.device_time,
        "decision": event.decision,
        "direction": event.detail.get("direction", "unknown"),
        "plate" if vehicle else "person_id": event.subject,
        "capture_sha256": event.capture_sha256,
    }
    if not vehicle:
        payload["name"] = event.subject_name
    try:
        enqueue(session, event.kind, payload, event.id)
    except ValueError as exc:  # the event itself is stored; only its uplink copy is missing
        log.warning("event %s not queued for the district: %s", event.id, exc)
        return False
    return True
