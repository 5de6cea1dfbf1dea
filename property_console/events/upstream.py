"""Pass events go upstream: each new door, visitor or vehicle pass is queued in the uplink outbox."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from property_console.uplink.events import EVENT_KINDS, outbox_values
from property_console.uplink.outbox import insert_rows

log = logging.getLogger(__name__)


def pass_payload(event: Mapping[str, Any]) -> dict[str, Any]:
    """What the uplink's PassEvent takes from a stored event's row."""
    vehicle = event["kind"] == "vehicle_pass"
    payload: dict[str, Any] = {
        "device_id": event["device_serial"],
        "shot_time": event["device_time"],
        "decision": event["decision"],
        "direction": event["detail"].get("direction", "unknown"),
        "plate" if vehicle else "person_id": event["subject"],
        "capture_sha256": event["capture_sha256"],
    }
    if not vehicle:
        payload["name"] = event["subject_name"]
    return payload


def upstream_rows(events: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The outbox rows of the passes among `events` (stored event rows), in their order.

    A payload the uplink refuses is logged, not lost: the event itself is stored, only its uplink copy is missing.
    Alarms reach the outbox through the Alarm row; refusals and device state stay local.
    """
    rows = []
    for event in events:
        if event["kind"] not in EVENT_KINDS:
            continue
        try:
            rows.append(outbox_values(event["kind"], pass_payload(event), event["id"]))
        except ValueError as exc:
            log.warning("event %s not queued for the district: %s", event["id"], exc)
    return rows


def queue_upstream(session: Session, events: Iterable[Mapping[str, Any]]) -> int:
    """Add the new passes to the outbox in the caller's transaction (one INSERT); returns how many."""
    rows = upstream_rows(events)
    if rows:
        insert_rows(session.connection(), rows)
    return len(rows)
