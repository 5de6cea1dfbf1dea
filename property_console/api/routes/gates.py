"""Temporary vehicles waiting at a barrier: staff open or refuse; the decision is stored as an event, then sent
to the gate (route → DeviceCommands `barrier` → the gate's ack, plate_gate/process.py `confirm`)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from sqlalchemy import select

from devices.contracts.commands import BARRIER, BarrierArgs
from property_console.api.crud import get_or_404
from property_console.api.deps import Ctx, allow
from property_console.api.services import Services
from property_console.device_commands import NoAnswer
from property_console.errors import Conflict, DomainError
from property_console.events import ingest
from property_console.events.schemas import EventPublic
from property_console.models import Event, utcnow
from property_console.schemas.common import Note, Schema

router = APIRouter(prefix="/api/gates", tags=["gates"])
TIMEOUT_S = 5.0
CONFIRM_NS = uuid.UUID("5b2f3c1e-7d4a-4e8b-9a61-0c3f2d9e8b10")


class Confirm(Schema):
    action: Literal["open", "refuse"]
    note: Note | None = None


def confirmation_id(pending_id: uuid.UUID) -> uuid.UUID:
    """One confirmation per pending vehicle: a second click (by anyone) hits the same UUID."""
    return uuid.uuid5(CONFIRM_NS, str(pending_id))


@router.get("/pending")
def pending(
    ctx: Annotated[Ctx, allow("events:read")], hours: Annotated[int, Query(ge=1, le=168)] = 24
) -> list[dict[str, Any]]:
    """Vehicles reported as waiting for staff (vehicle_pending) that nobody has decided on yet."""
    since = utcnow() - dt.timedelta(hours=hours)
    stmt = select(Event).where(Event.kind == "vehicle_pending", Event.device_time >= since)
    rows = ctx.db.execute(stmt.order_by(Event.device_time.desc())).scalars().all()
    done = set(
        ctx.db.execute(select(Event.id).where(Event.id.in_([confirmation_id(e.id) for e in rows]))).scalars()
    )
    return [EventPublic.model_validate(e).as_json() for e in rows if confirmation_id(e.id) not in done]


@router.post("/pending/{event_id}/confirm", status_code=201)
def confirm(
    event_id: uuid.UUID, body: Confirm, services: Services, ctx: Annotated[Ctx, allow("gates:confirm")]
) -> dict[str, Any]:
    """Record the staff decision (through ingest, like any event), then send the gate its barrier command.

    The decision is the record and is committed first; `delivered` says whether the gate acknowledged it
    (false with `delivery` naming why: no bus, no answer, or the gate's refusal). A second confirmation is 409
    whatever the delivery, so a gate that missed the command is handled at the barrier, not by clicking again."""
    waiting = get_or_404(ctx.db, Event, event_id, "待确认车辆")
    if waiting.kind != "vehicle_pending":
        raise DomainError.one(
            "gate.not_pending", "该事件不是待确认车辆", "Event is not a pending vehicle", "id"
        )
    if ctx.db.get(Event, confirmation_id(event_id)) is not None:
        raise Conflict.one(
            "gate.decided", "该车辆已由他人处理", "Someone already decided on this vehicle", "id"
        )
    opened = body.action == "open"
    done = ingest(
        ctx.db,
        {
            "id": str(confirmation_id(event_id)),
            "kind": "vehicle_pass" if opened else "vehicle_refused",
            "device_serial": waiting.device_serial,
            "device_time": utcnow().isoformat(),
            "subject": waiting.subject,
            "decision": "staff_open" if opened else "staff_refused",
            "detail": {
                "pending_event_id": str(event_id),
                "confirmed_by": ctx.who.username,
                "note": body.note,
            },
            "capture_sha256": waiting.capture_sha256,
        },
        source=f"console:{ctx.who.username}",
    )
    args = BarrierArgs(
        action=body.action,
        plate=waiting.subject,
        event_id=done.event.id,
        pending_event_id=event_id,
        confirmed_by=ctx.who.username,
    )
    serial = str(waiting.device_serial)
    public = EventPublic.model_validate(done.event).as_json()
    ctx.audit("confirm", "gate", [event_id], {"action": body.action})
    ctx.db.commit()  # the decision is stored before the gate is told; never hold the database while waiting
    return {"event": public, **_deliver(services, serial, args)}


def _deliver(services: Services, serial: str, args: BarrierArgs) -> dict[str, Any]:
    """Send the barrier command and wait for the gate's ack: `delivered`, and `delivery` when it was not."""
    if services.commands is None:
        return {
            "delivered": False,
            "delivery": _why("gate.offline", "设备总线未连接", "Device bus not connected"),
        }
    try:
        ack = services.commands.send(serial, BARRIER, args, TIMEOUT_S)
    except NoAnswer:
        return {"delivered": False, "delivery": _why("gate.timeout", "道闸未响应", "The gate did not answer")}
    if not ack.ok:
        why = _why("gate.refused", f"道闸拒绝：{ack.detail}", f"Gate refused: {ack.detail}")
        return {"delivered": False, "delivery": why}
    return {"delivered": True}


def _why(code: str, zh: str, en: str) -> dict[str, str]:
    return {"code": code, "message_zh": zh, "message_en": en}
