"""Perimeter control: live partitions and zones, arm, disarm (role + personal PIN or password), bypass, reset.

Each action is a typed bus command (devices/contracts/commands.py) to the perimeter service, sent through the
console's one command path (PerimeterLink → DeviceCommands), answered with the state machine's verdict; a refusal
(e.g. an open zone) comes back as 409 with the machine's zh-CN/English reason. Every action, refused or
not, is in the audit trail: refusals are returned (not raised) so the request's transaction still commits.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from pydantic import Field, StringConstraints, model_validator

from devices.bus import Ack
from devices.contracts.commands import (
    AlarmTargetArgs,
    BypassArgs,
    PartitionArgs,
    PerimeterArgs,
    PerimeterResult,
    UnbypassArgs,
    result,
)
from property_console.api.deps import Ctx, allow
from property_console.api.services import ConsoleServices, Services
from property_console.device_commands import NoAnswer
from property_console.errors import DomainError, ErrorBody, FieldError
from property_console.models import PerimeterPin, User, utcnow
from property_console.perimeter_link import PerimeterLink
from property_console.schemas.common import Schema
from property_console.security.passwords import hash_password, verify_password

router = APIRouter(prefix="/api/perimeter", tags=["perimeter"])
Pin = Annotated[str, StringConstraints(pattern=r"^\d{4,8}$")]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]
PIN_ATTEMPTS, PIN_LOCK_MINUTES, COMMAND_TIMEOUT_S = 5, 15, 5.0


class DisarmBody(Schema):
    """Disarming is a person's act: re-enter the personal PIN, or the account password."""

    pin: Pin | None = None
    password: Annotated[str, StringConstraints(max_length=128)] | None = None

    @model_validator(mode="after")
    def _one_secret(self) -> DisarmBody:
        if (self.pin is None) == (self.password is None):
            raise ValueError("give the PIN or the password / 请输入撤防密码（PIN）或登录密码")
        return self


class BypassBody(Schema):
    reason: Reason
    minutes: int = Field(ge=1, le=24 * 60, description="bypass ends by itself after this")


class ResetBody(Schema):
    alarm_uuid: Annotated[str, StringConstraints(max_length=64)] | None = None


class PinBody(Schema):
    password: Annotated[str, StringConstraints(max_length=128)]
    pin: Pin


def _link(services: ConsoleServices) -> PerimeterLink:
    link = services.perimeter
    if link is None:
        raise DomainError.one(
            "perimeter.offline", "周界服务未连接", "Perimeter service not connected", status_code=503
        )
    return link


def _refused(status: int, code: str, zh: str, en: str, field: str | None = None) -> JSONResponse:
    return JSONResponse(ErrorBody([FieldError(code, zh, en, field)]).as_dict(), status_code=status)


def _send(ctx: Ctx, link: PerimeterLink, name: str, args: PerimeterArgs, target: str) -> Any:
    """Send, audit, and answer: the new view on success, 409 with the machine's reason, 504 on no answer."""
    ctx.db.commit()  # never hold the database (SQLite's write lock) while waiting: the bridge must ingest
    try:
        ack: Ack | None = link.command(name, args, COMMAND_TIMEOUT_S)
    except NoAnswer:
        ack = None
    verdict = (result(PerimeterResult, ack) if ack is not None else None) or PerimeterResult()
    outcome = "timeout" if ack is None else ("ok" if ack.ok else verdict.code or "refused")
    detail = args.model_dump(mode="json", exclude_none=True, exclude={"who", "source"}) | {"outcome": outcome}
    ctx.audit(name, "perimeter", [target], detail)
    if ack is None:
        return _refused(
            504, "perimeter.timeout", "周界服务未响应，请重试", "Perimeter service did not answer"
        )
    if not ack.ok:
        zh, en = verdict.message_zh or ack.detail, verdict.message_en or ack.detail
        return _refused(409, f"perimeter.{verdict.code or 'refused'}", zh, en)
    return {"ok": True, "states": verdict.states or [], **link.view()}


@router.get("")
def perimeter_state(services: Services, ctx: Annotated[Ctx, allow("perimeter:read")]) -> dict[str, Any]:
    """Partitions and zones with their live state (from the service's retained state messages)."""
    link = services.perimeter
    view = link.view() if link is not None else {"partitions": [], "zones": []}
    pin = ctx.db.get(PerimeterPin, ctx.who.user_id)
    return {"connected": bool(view["partitions"]), "has_pin": pin is not None, **view}


@router.post("/partitions/{partition_id}/arm")
def arm(partition_id: str, services: Services, ctx: Annotated[Ctx, allow("perimeter:arm")]) -> Any:
    args = PartitionArgs(partition=partition_id, who=ctx.who.username)
    return _send(ctx, _link(services), "arm", args, partition_id)


@router.post("/partitions/{partition_id}/disarm")
def disarm(
    partition_id: str, body: DisarmBody, services: Services, ctx: Annotated[Ctx, allow("perimeter:disarm")]
) -> Any:
    link = _link(services)
    refused = _check_secret(ctx, body)
    if refused is not None:
        ctx.audit("disarm", "perimeter", [partition_id], {"outcome": "bad_secret"})
        return refused
    args = PartitionArgs(partition=partition_id, who=ctx.who.username)
    return _send(ctx, link, "disarm", args, partition_id)


@router.post("/zones/{zone_id}/bypass")
def bypass(
    zone_id: str, body: BypassBody, services: Services, ctx: Annotated[Ctx, allow("perimeter:bypass")]
) -> Any:
    args = BypassArgs(zone=zone_id, reason=body.reason, seconds=body.minutes * 60, who=ctx.who.username)
    return _send(ctx, _link(services), "bypass", args, zone_id)


@router.post("/zones/{zone_id}/unbypass")
def unbypass(zone_id: str, services: Services, ctx: Annotated[Ctx, allow("perimeter:bypass")]) -> Any:
    args = UnbypassArgs(zone=zone_id, who=ctx.who.username)
    return _send(ctx, _link(services), "unbypass", args, zone_id)


@router.post("/partitions/{partition_id}/reset")
def reset(
    partition_id: str, body: ResetBody, services: Services, ctx: Annotated[Ctx, allow("perimeter:reset")]
) -> Any:
    """Reset (unlatch) the partition's alarms, or one alarm by its UUID."""
    who = ctx.who.username
    args = AlarmTargetArgs(alarm_uuid=body.alarm_uuid, who=who) if body.alarm_uuid else None
    args = args or AlarmTargetArgs(partition=partition_id, who=who)
    return _send(ctx, _link(services), "reset", args, body.alarm_uuid or partition_id)


@router.put("/pin", status_code=204, response_class=Response)
def set_pin(body: PinBody, ctx: Annotated[Ctx, allow("perimeter:disarm")]) -> Response:
    """Set one's own disarm PIN (4–8 digits), confirmed with the account password."""
    user = ctx.db.get(User, ctx.who.user_id)
    if user is None or not verify_password(body.password, user.password_hash):
        ctx.audit("update", "perimeter_pin", [ctx.who.user_id], {"outcome": "bad_password"})
        return _refused(403, "perimeter.password", "登录密码错误", "Wrong password", "password")
    row = ctx.db.get(PerimeterPin, user.id) or PerimeterPin(user_id=user.id)
    row.pin_hash, row.failed_attempts, row.locked_until = hash_password(body.pin), 0, None
    row.updated_at = utcnow()
    ctx.db.add(row)
    ctx.audit("update", "perimeter_pin", [user.id], {"outcome": "set"})
    return Response(status_code=204)


def _check_secret(ctx: Ctx, body: DisarmBody) -> JSONResponse | None:
    """None when the PIN (or password) is right; counts wrong PINs and locks PIN use after five."""
    user = ctx.db.get(User, ctx.who.user_id)
    if body.password is not None:
        if user is not None and verify_password(body.password, user.password_hash):
            return None
        return _refused(403, "perimeter.password", "登录密码错误", "Wrong password", "password")
    row = ctx.db.get(PerimeterPin, ctx.who.user_id)
    if row is None:
        return _refused(
            403,
            "perimeter.no_pin",
            "尚未设置撤防密码，请输入登录密码",
            "No PIN set: use your password",
            "pin",
        )
    now = utcnow()
    locked = row.locked_until
    if locked is not None and (locked if locked.tzinfo else locked.replace(tzinfo=dt.UTC)) > now:
        return _refused(
            403,
            "perimeter.pin_locked",
            "撤防密码错误次数过多，已暂时锁定",
            "PIN locked: too many wrong entries",
        )
    if verify_password(body.pin or "", row.pin_hash):
        row.failed_attempts, row.locked_until = 0, None
        return None
    row.failed_attempts += 1
    if row.failed_attempts >= PIN_ATTEMPTS:
        row.failed_attempts, row.locked_until = 0, now + dt.timedelta(minutes=PIN_LOCK_MINUTES)
    return _refused(403, "perimeter.pin", "撤防密码错误", "Wrong PIN", "pin")
