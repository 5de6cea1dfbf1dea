"""Remote door opening by staff: route → DeviceCommands `open` → the door's ack (access/edge/commands.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import StringConstraints
from sqlalchemy import select

from devices.contracts.commands import OPEN, OpenArgs, OpenResult, result
from property_console.api.deps import Ctx, allow
from property_console.api.services import Services
from property_console.device_commands import NoAnswer
from property_console.errors import DomainError, NotFound
from property_console.models import Device
from property_console.schemas.common import Schema

router = APIRouter(prefix="/api/doors", tags=["doors"])
TIMEOUT_S = 5.0


class OpenBody(Schema):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


@router.post("/{serial}/open")
def open_door(
    serial: str, body: OpenBody, services: Services, ctx: Annotated[Ctx, allow("doors:open")]
) -> Any:
    """Open one door once; the door records it as a pass with decision `remote`. Audited with its outcome."""
    door = ctx.db.execute(
        select(Device).where(Device.serial == serial, Device.kind == "door")
    ).scalar_one_or_none()
    if door is None:
        raise NotFound.one("door.unknown", "没有这个门禁", "No such door", "serial")
    if services.commands is None:
        raise DomainError.one("door.offline", "设备总线未连接", "Device bus not connected", status_code=503)
    ctx.db.commit()  # never hold the database (SQLite's write lock) while waiting: the bridge must ingest
    try:
        ack = services.commands.send(
            serial, OPEN, OpenArgs(by=ctx.who.username, reason=body.reason), TIMEOUT_S
        )
    except NoAnswer:
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
    done = result(OpenResult, ack)
    return {"ok": True, "opened": bool(done and done.opened), "detail": ack.detail}
