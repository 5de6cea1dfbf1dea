"""Pass records as bus Events whose data is the contract's EventData (devices.contracts), as the console reads it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from devices.bus import Event
from devices.contracts import AlarmData, Capture, EventData
from plate_gate.decision import Action, Decision, Direction

KIND_BY_ACTION = {
    Action.OPEN: "vehicle_pass",
    Action.REFUSE: "vehicle_refused",
    Action.STAFF: "vehicle_pending",
}
UPLINK_DIRECTION = {Direction.ENTRY: "in", Direction.EXIT: "out"}
"""The console's uplink (GA/T 1400 MotorVehicles) names directions in/out."""


@dataclass(frozen=True)
class GatePass:
    """One pass as the gate records it: what was read, what was decided, who confirmed, how fast."""

    decision: Decision
    at: datetime
    color: str = "unknown"
    score: float = 0.0
    frames: int = 1
    source: str = "camera"
    image_jpeg: bytes | None = None
    confirmed_by: str | None = None
    relay_ms: float | None = None
    event_id: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def kind(self) -> str:
        """The EventIn kind of this pass."""
        if self.confirmed_by is not None:
            return "vehicle_pass" if self.decision.action is Action.OPEN else "vehicle_refused"
        return KIND_BY_ACTION[self.decision.action]

    def detail(self) -> dict[str, Any]:
        """The event detail: everything staff and reports need, small (EventIn caps it at 8 KiB)."""
        d = self.decision
        out: dict[str, Any] = {
            "direction": UPLINK_DIRECTION[d.direction],
            "gate": d.gate,
            "car_park": d.car_park,
            "action": d.action.value,
            "reason": d.reason,
            "category": d.category,
            "plate_color": self.color,
            "score": round(self.score, 3),
            "frames": self.frames,
            "source": self.source,
            "message_zh": d.message_zh,
            "message_en": d.message_en,
        }
        optional: dict[str, Any] = {
            "charge": d.charge or None,
            "warnings": list(d.warnings) or None,
            "days_left": d.days_left,
            "reservation_id": d.reservation_id,
            "candidates": list(d.candidates) or None,
            "entered_at": d.entered_at.isoformat() if d.entered_at else None,
            "free_spaces": d.free_spaces,
            "relay_ms": round(self.relay_ms, 2) if self.relay_ms is not None else None,
            "confirmed_by": self.confirmed_by,
        }
        return out | {k: v for k, v in optional.items() if v is not None}

    def event(self, device_id: str) -> Event:
        """The bus Event for this pass (the capture rides along when it is a JPEG within the contract's limit)."""
        data = EventData(
            subject=self.decision.plate,
            decision=("staff_" if self.confirmed_by else "") + self.decision.reason[:26],
            detail=self.detail(),
            capture=Capture.of(self.image_jpeg) if self.image_jpeg is not None else None,
        )
        return Event(id=self.event_id, device_id=device_id, kind=self.kind, ts=self.at, data=data.wire())


def alarm_event(p: GatePass, device_id: str) -> Event:
    """The alarm raised for a blacklisted vehicle (kind ``alarm``, its own UUID)."""
    d = p.decision
    alarm = AlarmData(
        kind="vehicle_blacklist",
        severity="high",
        zone=d.gate,
        message_zh=f"黑名单车辆 {d.plate} 出现在 {d.gate}（{d.message_zh}）"[:255],
        message_en=f"blacklisted vehicle {d.plate} at {d.gate} ({d.message_en})"[:255],
    )
    detail = {"pass_event_id": str(p.event_id), "direction": UPLINK_DIRECTION[d.direction], "gate": d.gate}
    data = EventData(subject=d.plate, decision="blacklist", detail=detail, alarm=alarm)
    return Event(device_id=device_id, kind="alarm", ts=p.at, data=data.wire())
