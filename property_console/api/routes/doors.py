"""Remote door opening by staff: console → bus command `open` → the door's ack (access/edge/commands.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import StringConstraints
from sqlalchemy import select

from devices.bus import Command, CommandClient, CommandTimeout
from property_console.api.deps import Ctx, allow
from property_console.errors import DomainError, NotFound
from property_console.models import Device
from property_console.schemas.common import Schema

router = APIRouter(prefix="/api/doors", tags=["doors"])
TIMEOUT_S = 5.0


class OpenBody(Schema):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


@router.post("/{serial}/open")
def open_door(serial: str, body: OpenBody, request: Request, ctx: Annotated[Ctx, allow("doors:open")]) -> Any:
    """Open one door once; the door records it as a pass with decision `remote`. Audited with its outcome."""
    door = ctx.db.execute(
        select(Device).where(Device.serial == serial, Device.kind == "door")
    ).scalar_one_or_none()
    if door is None:
        raise NotFound.one("door.unknown", "没有这个门禁", "No such door", "serial")
    client: CommandClient | None = getattr(request.app.state, "door_commands", None)
    if client is None:
        raise DomainError.one("door.offline", "设备总线未连接", "Device bus not connected", status_code=503)
    ctx.db.commit()  # never hold the database (SQLite's write lock) while waiting: the bridge must ingest
    command = Command(name="open", args={"by": ctx.who.username, "reason": body.reason}, timeout_s=TIMEOUT_S)
    try:
        ack = client.send(serial, command)
    except CommandTimeout:
        ack = None
    outcome = "timeout" if ack is None else ("ok" if ack.ok else "refused")
    ctx.audit("open", "door", [door.id], {"serial": serial, "reason": body.reason, "outcome": outcome})
    ctx.db.commit()  # the audit entry stays even when the answer below is an error
    if ack is None:
        raise DomainError.one(
            "door.timeout", "门禁未响应，请重试", "The door did not answer", status_code=504
        )
    if not ack.ok:
        raise DomainError.one(
            "door.refused", f"门禁拒绝：{ack.detail}", f"Door refused: {ack.detail}", status_code=409
        )
    return {"ok": True, "opened": bool(ack.result.get("opened")), "detail": ack.detail}
