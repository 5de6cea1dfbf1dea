"""ingest(): the single entry point for device events (HTTP route, bus subscriber, tests, benchmarks)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from property_console.api.errors import field_errors_from_pydantic
from property_console.errors import DomainError, FieldError
from property_console.events.alarms import alarm_message, raise_alarm
from property_console.events.broadcast import publish_after_commit
from property_console.events.captures import store_capture
from property_console.events.schemas import EventIn, EventPublic
from property_console.events.upstream import queue_upstream
from property_console.models import Alarm, Device, Event, EventReject


class EventRejected(DomainError):
    """The payload failed validation; it was kept in event_rejects (commit the session to keep it)."""

    status_code = 422


@dataclass
class Ingested:
    """What ingest did: the stored (or already present) event, its alarm, and whether it is new."""

    event: Event
    alarm: Alarm | None
    created: bool


def ingest(session: Session, payload: Mapping[str, Any] | str | bytes, *, source: str = "bus") -> Ingested:
    """Validate and store one event once (by its UUID); raise its alarm; push it to browsers after commit.

    The caller owns the transaction and commits. A bad payload raises EventRejected after adding an
    event_rejects row to the session, so committing keeps the evidence of what the device sent.
    """
    parsed = _parse(session, payload, source)
    existing = session.get(Event, parsed.id)
    if existing is not None:
        return Ingested(existing, _alarm_of(session, existing), created=False)
    digest = parsed.capture_sha256
    if parsed.capture is not None:
        digest = store_capture(session, *parsed.capture.image())
    try:
        with session.begin_nested():
            alarm = raise_alarm(session, parsed, digest) if parsed.alarm else None
            event = _event_row(parsed, digest, alarm)
            session.add(event)
    except IntegrityError:  # the same UUID arrived concurrently through another path
        stored = session.execute(select(Event).where(Event.id == parsed.id)).scalar_one()
        return Ingested(stored, _alarm_of(session, stored), created=False)
    device = _touch_device(session, parsed)
    queue_upstream(session, event)
    _announce(session, event, alarm, device)
    return Ingested(event, alarm, created=True)


def _parse(session: Session, payload: Mapping[str, Any] | str | bytes, source: str) -> EventIn:
    try:
        if isinstance(payload, str | bytes):
            return EventIn.model_validate_json(payload)
        return EventIn.model_validate(payload)
    except ValidationError as exc:
        errors = field_errors_from_pydantic(list(exc.errors()), skip_prefix=())
    _keep_reject(session, payload, source, errors)
    raise EventRejected(*errors)


def _keep_reject(session: Session, payload: Any, source: str, errors: list[FieldError]) -> None:
    if isinstance(payload, bytes):
        text = payload.decode("utf-8", errors="replace")
    elif isinstance(payload, str):
        text = payload
    else:
        text = json.dumps(payload, ensure_ascii=False, default=str)
    session.add(EventReject(source=source[:64], payload=text, errors=[e.as_dict() for e in errors]))
    session.flush()


def _event_row(parsed: EventIn, digest: str | None, alarm: Alarm | None) -> Event:
    return Event(
        id=parsed.id,
        kind=parsed.kind,
        device_serial=parsed.device_serial,
        device_time=parsed.device_time,
        subject=parsed.subject,
        subject_name=parsed.subject_name,
        decision=parsed.decision,
        detail=parsed.detail,
        capture_sha256=digest,
        alarm_id=alarm.id if alarm else None,
    )


def _alarm_of(session: Session, event: Event) -> Alarm | None:
    return session.get(Alarm, event.alarm_id) if event.alarm_id else None


def _touch_device(session: Session, parsed: EventIn) -> Device | None:
    """Newer news from a device moves its last-seen time and status; a replayed old event changes nothing."""
    device = session.execute(select(Device).where(Device.serial == parsed.device_serial)).scalar_one_or_none()
    if device is None:
        return None
    last = device.last_seen_at
    if last is not None and last.tzinfo is None:  # SQLite drops the zone; stored values are UTC
        last = last.replace(tzinfo=parsed.device_time.tzinfo)
    if last is not None and last > parsed.device_time:
        return None
    device.last_seen_at = parsed.device_time
    device.status = "offline" if parsed.kind == "device_offline" else "online"
    return device


def _announce(session: Session, event: Event, alarm: Alarm | None, device: Device | None) -> None:
    session.flush()
    if alarm is not None:  # first, so a browser knows the alarm when its event arrives
        publish_after_commit(session, alarm_message(alarm))
    publish_after_commit(
        session, {"type": "event", "perm": "events:read", "data": EventPublic.model_validate(event).as_json()}
    )
    if device is not None:
        publish_after_commit(session, device_message(device))


def device_message(device: Device) -> dict[str, Any]:
    """The live-stream message for a device whose status changed."""
    return {
        "type": "device",
        "perm": "devices:read",
        "data": {
            "id": str(device.id),
            "serial": device.serial,
            "name": device.name,
            "status": device.status,
            "last_seen_at": device.last_seen_at.isoformat() if device.last_seen_at else None,
        },
    }
