"""Building the camera's reply: `info: ok` opens the barrier; serialData carries LED/voice bytes (RS-485)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from devices.lpr_push.models import GateDecision

SerialEncoder = Callable[[str, str], bytes]
"""(purpose "display"|"voice", text) -> bytes the camera forwards on its RS-485 port."""


def gb2312_text(_purpose: str, text: str) -> bytes:
    """Default encoder: plain GB2312 text (replace with your LED/voice module's framing)."""
    return text.encode("gb2312", errors="replace")


def build_plate_reply(
    decision: GateDecision, *, encoder: SerialEncoder = gb2312_text, channel: int = 0
) -> dict[str, Any]:
    """`Response_AlarmInfoPlate` JSON for one decision."""
    serial = []
    for purpose, text in (("display", decision.display), ("voice", decision.voice)):
        if text:
            data = encoder(purpose, text)
            serial.append(
                {"serialChannel": channel, "data": base64.b64encode(data).decode(), "dataLen": len(data)}
            )
    body: dict[str, Any] = {"info": "ok" if decision.open else "no", "content": "retransfer_stop"}
    if serial:
        body["serialData"] = serial
    return {"Response_AlarmInfoPlate": body}


def heartbeat_reply() -> dict[str, Any]:
    """Reply to a heartbeat (nothing pending)."""
    return {"Response_Heartbeat": {"info": "no"}}
