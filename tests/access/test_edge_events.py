"""Every door event maps to a bus Event the console's EventIn accepts, with the right kind and decision."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from access.edge.events import bus_event
from devices.contracts import to_ingest_payload
from property_console.events.schemas import EventIn


def _event(kind: str, **fields: Any) -> dict[str, Any]:
    return {
        "v": 1,
        "id": str(uuid.uuid4()),
        "kind": kind,
        "door": "DOOR-1",
        "ts": datetime.now(UTC).isoformat(),
    } | fields


@pytest.mark.parametrize(
    ("event", "kind", "decision", "alarm"),
    [
        (
            _event("access_granted", category="resident", person="p1", score=0.6),
            "door_pass",
            "resident",
            None,
        ),
        (
            _event("access_granted", category="visitor", person="pass:9", pass_id="9"),
            "visitor_pass",
            "visitor",
            None,
        ),
        (
            _event("access_denied", category="unknown", reason="not_recognised"),
            "door_refused",
            "unknown",
            None,
        ),
        (
            _event("blacklist_alarm", category="blacklist", person="p2", alarm=True),
            "alarm",
            "blacklist",
            "blacklist",
        ),
        (_event("spoof_alarm", category="unknown", alarm=True), "alarm", "unknown", "face_spoof"),
        (_event("forced_open", alarm=True), "alarm", None, "door_forced"),
        (_event("held_open", alarm=True, open_s=31.0), "alarm", None, "door_held_open"),
        (_event("fire_unlock", alarm=True, source="perimeter"), "alarm", None, "fire_unlock"),
        (_event("fire_restore", alarm=False, source="perimeter"), "alarm", None, "fire_restore"),
    ],
)
def test_mapping_is_accepted_by_ingest_schema(
    event: dict[str, Any], kind: str, decision: str | None, alarm: str | None
) -> None:
    parsed = EventIn.model_validate(
        to_ingest_payload(bus_event(event, {"p1": "王伟"}), device_serial="DOOR-1")
    )
    assert (parsed.kind, parsed.decision) == (kind, decision)
    assert (parsed.alarm.kind if parsed.alarm else None) == alarm
    assert str(parsed.id) == event["id"] and parsed.detail["event"] == event["kind"]
    assert parsed.subject_name == ("王伟" if event.get("person") == "p1" else None)
