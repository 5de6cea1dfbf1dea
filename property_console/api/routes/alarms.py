"""Alarms: list, acknowledge, handle with a disposition. Nothing can be deleted."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Query
from sqlalchemy import case, select

from property_console.api.crud import get_or_404, paginate
from property_console.api.deps import Ctx, allow
from property_console.api.services import Services
from property_console.errors import Conflict
from property_console.events.alarms import alarm_message
from property_console.events.broadcast import publish_after_commit
from property_console.models import Alarm, utcnow
from property_console.perimeter_link import acknowledge_in_service
from property_console.schemas.alarm import AlarmPublic
from property_console.schemas.common import Note, Page, Schema, page_of

router = APIRouter(prefix="/api/alarms", tags=["alarms"])


class AlarmHandle(Schema):
    disposition: Literal["real", "false_alarm", "test", "equipment_fault"]
    note: Note | None = None


@router.get("", response_model=Page[AlarmPublic])
def list_alarms(
    ctx: Annotated[Ctx, allow("alarms:read")],
    status: Literal["new", "acknowledged", "handled"] | None = None,
    kind: str | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Any:
    open_first = case((Alarm.status == "handled", 1), else_=0)
    stmt = select(Alarm).order_by(open_first, Alarm.raised_at.desc())
    if status:
        stmt = stmt.where(Alarm.status == status)
    if kind:
        stmt = stmt.where(Alarm.kind == kind)
    rows, total = paginate(ctx.db, stmt, page, page_size)
    return page_of([AlarmPublic.model_validate(a) for a in rows], total, page, page_size)


@router.post("/{alarm_id}/ack", response_model=AlarmPublic)
def acknowledge(
    alarm_id: uuid.UUID,
    services: Services,
    tasks: BackgroundTasks,
    ctx: Annotated[Ctx, allow("alarms:handle")],
) -> Any:
    alarm = get_or_404(ctx.db, Alarm, alarm_id, "告警")
    if alarm.status != "new":
        raise Conflict.one("alarm.state", "告警已确认", "Alarm already acknowledged", "status")
    alarm.status, alarm.acknowledged_by, alarm.acknowledged_at = "acknowledged", ctx.who.username, utcnow()
    tasks.add_task(
        acknowledge_in_service, services.perimeter, alarm.kind, dict(alarm.detail), ctx.who.username
    )
    ctx.audit("update", "alarm", [alarm.id], {"status": "acknowledged"})
    publish_after_commit(ctx.db, alarm_message(alarm))
    return AlarmPublic.model_validate(alarm)


@router.post("/{alarm_id}/handle", response_model=AlarmPublic)
def handle(
    alarm_id: uuid.UUID,
    body: AlarmHandle,
    services: Services,
    tasks: BackgroundTasks,
    ctx: Annotated[Ctx, allow("alarms:handle")],
) -> Any:
    alarm = get_or_404(ctx.db, Alarm, alarm_id, "告警")
    if alarm.status == "handled":
        raise Conflict.one("alarm.state", "告警已处理", "Alarm already handled", "status")
    now = utcnow()
    if alarm.status == "new":  # handling implies acknowledging
        alarm.acknowledged_by, alarm.acknowledged_at = ctx.who.username, now
        tasks.add_task(
            acknowledge_in_service, services.perimeter, alarm.kind, dict(alarm.detail), ctx.who.username
        )
    alarm.status, alarm.handled_by, alarm.handled_at = "handled", ctx.who.username, now
    alarm.disposition, alarm.note = body.disposition, body.note
    ctx.audit("update", "alarm", [alarm.id], {"status": "handled", "disposition": body.disposition})
    publish_after_commit(ctx.db, alarm_message(alarm))
    return AlarmPublic.model_validate(alarm)
