"""Real LPR cameras push their reads (devices.lpr_push): decide, open through our relay, answer the camera.

The reply opens the camera's own barrier output (``info: ok``) and carries LED text and a voice prompt; when
the lane also has a relay of ours, ``GateProcess`` has pulsed it already, so either wiring works.
"""

from __future__ import annotations

from fastapi import APIRouter

from devices.lpr_push import GateDecision, PlateHandler, PlateRead, create_lpr_router
from plate_gate.decision import Action, Decision
from plate_gate.process import GateProcess, VehicleRead

VOICE = {
    Action.OPEN: "欢迎光临",
    Action.REFUSE: "禁止通行",
    Action.STAFF: "请稍候，等待确认",
}


def display_text(decision: Decision) -> str:
    """LED text: the plate and the short zh-CN message."""
    return f"{decision.plate} {decision.message_zh}"[:32]


def voice_text(decision: Decision) -> str:
    """Voice prompt: a fixed phrase per action, plus the days left on an expiring monthly pass."""
    if decision.action is Action.OPEN and decision.days_left is not None and decision.warnings:
        return f"月卡剩余{max(decision.days_left, 0)}天，请及时续费"
    if decision.action is Action.OPEN and decision.direction.value == "exit":
        return "一路平安"
    return VOICE[decision.action]


def push_decider(process: GateProcess, min_confidence: float = 0.5) -> PlateHandler:
    """The callback for create_lpr_router: PlateRead → our decision → GateDecision for the camera."""

    def decide(read: PlateRead) -> GateDecision:
        if read.confidence < min_confidence or not read.plate or "无" in read.plate:
            return GateDecision(open=False, display="未识别车牌", voice="请重新进入识别区")
        vehicle = VehicleRead(
            read.plate, read.colour, read.confidence, 1, f"push:{read.camera_serial}", read.image_jpeg
        )
        decision = process.handle(vehicle).decision
        opened = decision.action is Action.OPEN
        return GateDecision(open=opened, display=display_text(decision), voice=voice_text(decision))

    return decide


def push_router(process: GateProcess, path: str = "/lpr/push") -> APIRouter:
    """POST ``path``: the router a camera's HTTP push URL points at."""
    decide = push_decider(process)
    return create_lpr_router(decide, path=path)
