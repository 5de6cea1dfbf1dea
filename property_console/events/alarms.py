"""Alarms raised by device events, and the live-stream message for any alarm change."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from property_console.models import Alarm

if TYPE_CHECKING:
    from property_console.events.schemas import EventIn


def raise_alarm(
    session: Session, parsed: EventIn, capture_sha256: str | None, alarm_id: uuid.UUID | None = None
) -> Alarm:
    """Add the alarm an 'alarm' event carries (flushed with the caller's next flush); the zone and snapshot go
    into its detail."""
    assert parsed.alarm is not None
    spec = parsed.alarm
    detail: dict[str, object] = {"event_id": str(parsed.id), **parsed.detail}
    if spec.zone:
        detail["zone"] = spec.zone
    if capture_sha256:
        detail["capture_sha256"] = capture_sha256
    alarm = Alarm(
        id=alarm_id or uuid.uuid4(),
        kind=spec.kind,
        severity=spec.severity,
        source=parsed.device_serial,
        message_zh=spec.message_zh,
        message_en=spec.message_en,
        detail=detail,
        raised_at=parsed.device_time,
    )
    session.add(alarm)
    return alarm


def alarm_message(alarm: Alarm) -> dict[str, Any]:
    """The live-stream message for a new or changed alarm."""
    from property_console.schemas.alarm import AlarmPublic

    return {
        "type": "alarm",
        "perm": "alarms:read",
        "data": AlarmPublic.model_validate(alarm).model_dump(mode="json"),
    }
