"""Patrol API: checkpoints (with their signed QR codes), routes, schedules, scans, checks and reports."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Request
from sqlalchemy import select

from property_console.api.deps import Ctx, allow
from property_console.api.services import services_of
from property_console.doorplate import patrol_service as patrol
from property_console.doorplate.context import doorplate_settings, now, verifier
from property_console.doorplate.places import address_by_code
from property_console.doorplate.schemas import CheckpointCreate, RouteCreate, ScanBody, ScheduleCreate
from property_console.errors import Conflict, DomainError
from property_console.events.alarms import alarm_message
from property_console.events.broadcast import publish_after_commit
from property_console.models import User
from property_console.models.doorplate import PatrolCheckpoint, PatrolRoute, PatrolScan, PatrolSchedule
from qr_doorplate.keyring import KeyringStore
from qr_doorplate.refusal import Refused
from qr_doorplate.signing import sign, token_url
from qr_doorplate.token import Kind

router = APIRouter(prefix="/api/patrol", tags=["patrol"])


def _tz(request: Request) -> str:
    return str(services_of(request.app).settings.timezone)


@router.post("/checkpoints", status_code=201)
def create_checkpoint(
    body: CheckpointCreate, request: Request, ctx: Annotated[Ctx, allow("patrol:write")]
) -> dict[str, Any]:
    """Store a checkpoint and return its signed QR code (kind checkpoint) to print."""
    if ctx.db.execute(select(PatrolCheckpoint.id).where(PatrolCheckpoint.code == body.code)).first():
        raise Conflict.one("checkpoint.duplicate", "巡更点编号已存在", "Checkpoint code exists", "code")
    address = address_by_code(ctx.db, body.address_code) if body.address_code else None
    point = PatrolCheckpoint(code=body.code, name=body.name, address_id=address.id if address else None)
    ctx.db.add(point)
    ctx.db.flush()
    cfg = doorplate_settings(request)
    keyring = KeyringStore(cfg.keyring_path).load_or_create(now(request))
    token = sign(keyring, Kind.CHECKPOINT, body.code, now(request))
    ctx.audit("create", "patrol_checkpoint", [point.id], {"code": body.code})
    return {"id": str(point.id), "code": point.code, "token": token, "url": token_url(cfg.host, token)}


@router.post("/routes", status_code=201)
def create_route(body: RouteCreate, ctx: Annotated[Ctx, allow("patrol:write")]) -> dict[str, Any]:
    known = set(ctx.db.execute(select(PatrolCheckpoint.code)).scalars())
    unknown = [c for c in body.checkpoints if c not in known]
    if unknown or len(set(body.checkpoints)) != len(body.checkpoints):
        raise DomainError.one(
            "route.checkpoints",
            "路线包含未知或重复的巡更点",
            f"Unknown or repeated checkpoints: {unknown}",
            "checkpoints",
        )
    if ctx.db.execute(select(PatrolRoute.id).where(PatrolRoute.code == body.code)).first():
        raise Conflict.one("route.duplicate", "路线编号已存在", "Route code exists", "code")
    route = PatrolRoute(code=body.code, name=body.name, checkpoints=list(body.checkpoints))
    ctx.db.add(route)
    ctx.db.flush()
    ctx.audit("create", "patrol_route", [route.id], {"code": body.code})
    return {"id": str(route.id), "code": route.code, "checkpoints": route.checkpoints}


@router.get("/routes")
def list_routes(ctx: Annotated[Ctx, allow("patrol:read")]) -> list[dict[str, Any]]:
    rows = ctx.db.execute(select(PatrolRoute).order_by(PatrolRoute.code)).scalars()
    return [{"id": str(r.id), "code": r.code, "name": r.name, "checkpoints": r.checkpoints} for r in rows]


@router.post("/schedules", status_code=201)
def create_schedule(body: ScheduleCreate, ctx: Annotated[Ctx, allow("patrol:write")]) -> dict[str, Any]:
    route = ctx.db.execute(
        select(PatrolRoute).where(PatrolRoute.code == body.route_code)
    ).scalar_one_or_none()
    if route is None:
        raise DomainError.one("schedule.route", "路线不存在", "Route not found", "route_code")
    if not ctx.db.execute(select(User.id).where(User.username == body.guard)).first():
        raise DomainError.one("schedule.guard", "巡更人员账号不存在", "Guard account not found", "guard")
    if body.valid_until is not None and body.valid_until < body.valid_from:
        raise DomainError.one(
            "dates.order", "结束日期不能早于开始日期", "valid_until before valid_from", "valid_until"
        )
    sched = PatrolSchedule(route_id=route.id, **body.model_dump(exclude={"route_code"}))
    ctx.db.add(sched)
    ctx.db.flush()
    ctx.audit("create", "patrol_schedule", [sched.id], {"route": route.code, "guard": body.guard})
    return {"id": str(sched.id), "route": route.code, "guard": sched.guard}


@router.post("/scans", status_code=201)
def scan(body: ScanBody, request: Request, ctx: Annotated[Ctx, allow("patrol:scan")]) -> dict[str, Any]:
    """A guard's checkpoint scan from an app (the scan page records it the same way)."""
    try:
        claims = verifier(request).verify(body.token, expect=Kind.CHECKPOINT)
    except Refused as refused:
        raise DomainError.one(
            refused.reason.value, refused.message_zh, refused.message_en, "token", 400
        ) from None
    at = now(request)
    row = PatrolScan(checkpoint=claims.code, guard=ctx.who.username, scanned_at=at, code_id=claims.code_id)
    ctx.db.add(row)
    ctx.db.flush()
    ctx.audit("patrol_scan", "patrol_checkpoint", [row.id], {"checkpoint": claims.code})
    return {"checkpoint": claims.code, "guard": row.guard, "at": at.isoformat()}


@router.post("/check")
def check(request: Request, ctx: Annotated[Ctx, allow("patrol:read")]) -> dict[str, Any]:
    """Evaluate recent rounds now (the background check does the same every minute)."""
    alarms = patrol.check_patrols(ctx.db, _tz(request), now(request))
    for alarm in alarms:
        publish_after_commit(ctx.db, alarm_message(alarm))
    return {"raised": [{"id": str(a.id), "kind": a.kind, "detail": a.detail} for a in alarms]}


@router.get("/reports")
def reports(
    request: Request,
    ctx: Annotated[Ctx, allow("patrol:read")],
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> dict[str, Any]:
    """Per guard and per route over a date range (default: the last 7 days)."""
    today = patrol.local_date(now(request), _tz(request))
    last = date_to or today
    first = date_from or last - dt.timedelta(days=6)
    if first > last or (last - first).days > 92:
        raise DomainError.one(
            "dates.range", "日期范围无效（最长93天）", "Invalid date range (max 93 days)", "date_from"
        )
    ctx.audit("read", "patrol_report", [], {"from": first.isoformat(), "to": last.isoformat()})
    return patrol.report(ctx.db, _tz(request), now(request), first, last)
