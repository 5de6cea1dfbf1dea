"""Visitor passes: a resident invites a visitor to doors of their own building for a time window (staff: any
door); the visitor gets a signed link whose QR opens those doors in that window, or their face if a photo is
attached."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from typing import Annotated, Any

import qrcode
from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import Response
from pydantic import AwareDatetime, Field
from sqlalchemy import select

from access.passes import PassClaims, PassRefused, pass_key, pass_url, sign_pass, verify_pass
from property_console.api.crud import get_or_404
from property_console.api.deps import Ctx, allow, public
from property_console.api.services import services_of
from property_console.errors import DomainError, Forbidden, NotFound
from property_console.models import Address, Device, House, utcnow
from property_console.models.access import VisitorPass
from property_console.schemas.common import Name, Phone, Schema
from property_console.security.roles import Role
from property_console.services.household import current_house_ids
from property_console.services.uploads import read_image_upload

router = APIRouter(prefix="/api/visitor-passes", tags=["visitor passes"])
MAX_WINDOW = dt.timedelta(days=7)


class PassCreate(Schema):
    visitor_name: Name
    visitor_phone: Phone
    doors: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(min_length=1, max_length=20)
    valid_from: AwareDatetime
    valid_to: AwareDatetime


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _claims(v: VisitorPass) -> PassClaims:
    return PassClaims(str(v.id), tuple(v.doors), _utc(v.valid_from), _utc(v.valid_to))


def _present(ctx: Ctx, request: Request, v: VisitorPass) -> dict[str, Any]:
    token = sign_pass(pass_key(ctx.settings.secret_key), _claims(v))
    return {
        "id": str(v.id),
        "visitor_name": v.visitor_name,
        "visitor_phone": v.visitor_phone,
        "doors": list(v.doors),
        "valid_from": _utc(v.valid_from).isoformat(),
        "valid_to": _utc(v.valid_to).isoformat(),
        "has_photo": v.photo is not None,
        "revoked": v.revoked_at is not None,
        "created_by": v.created_by,
        "token": token,
        "url": pass_url(str(request.base_url), token),
    }


def _chain(db: Any, address_id: uuid.UUID | None) -> list[Address]:
    """The address and its ancestors, nearest first."""
    out: list[Address] = []
    while address_id is not None and len(out) < 8:
        address = db.get(Address, address_id)
        if address is None:
            break
        out.append(address)
        address_id = address.parent_id
    return out


def _building(chain: list[Address]) -> uuid.UUID | None:
    return next((a.id for a in chain if a.level == "building"), None)


def _check_doors(ctx: Ctx, serials: list[str]) -> None:
    """Doors must exist; a resident may invite only to their building's doors and the community gates."""
    doors = {d.serial: d for d in ctx.db.execute(select(Device).where(Device.serial.in_(serials))).scalars()}
    missing = [s for s in serials if s not in doors or doors[s].kind != "door"]
    if missing:
        raise DomainError.one(
            "pass.unknown_door",
            f"门禁不存在：{', '.join(missing)}",
            f"Unknown door: {', '.join(missing)}",
            "doors",
        )
    if ctx.who.role != Role.RESIDENT:
        return
    buildings = set()
    for house_id in current_house_ids(ctx.db, ctx.who.person_id):
        house = ctx.db.get(House, house_id)
        buildings.add(_building(_chain(ctx.db, house.address_id if house else None)))
    buildings.discard(None)
    for serial in serials:
        chain = _chain(ctx.db, doors[serial].address_id)
        if not chain or not (chain[0].level == "community" or _building(chain) in buildings):
            raise Forbidden.one(
                "pass.door_not_allowed",
                f"只能邀请访客进入本楼门禁：{serial}",
                f"Residents may invite only to doors of their own building: {serial}",
                "doors",
            )


def _visible(ctx: Ctx, pass_id: uuid.UUID) -> VisitorPass:
    v = get_or_404(ctx.db, VisitorPass, pass_id, "访客通行证")
    if ctx.who.role == Role.RESIDENT and v.created_by != ctx.who.username:
        raise NotFound.one("not_found", "访客通行证不存在", "Visitor pass not found", "id")
    return v


@router.post("", status_code=201)
def create_pass(
    body: PassCreate, request: Request, ctx: Annotated[Ctx, allow("visitor_passes:write")]
) -> dict[str, Any]:
    """邀请访客：门禁、时间段（最长7天）；返回签名链接与二维码内容。Invite a visitor."""
    start, end = _utc(body.valid_from), _utc(body.valid_to)
    if end <= start or end - start > MAX_WINDOW or end <= utcnow():
        raise DomainError.one(
            "pass.window",
            "有效时间须在未来且不超过7天",
            "The window must end in the future, at most 7 days",
            "valid_to",
        )
    doors = list(dict.fromkeys(body.doors))
    _check_doors(ctx, doors)
    v = VisitorPass(
        host_person_id=ctx.who.person_id,
        created_by=ctx.who.username,
        visitor_name=body.visitor_name,
        visitor_phone=body.visitor_phone,
        doors=doors,
        valid_from=start,
        valid_to=end,
    )
    ctx.db.add(v)
    ctx.db.flush()
    ctx.audit("create", "visitor_pass", [v.id], {"doors": doors})
    return _present(ctx, request, v)


@router.get("")
def list_passes(request: Request, ctx: Annotated[Ctx, allow("visitor_passes:read")]) -> list[dict[str, Any]]:
    """Passes not yet expired (residents: the ones they issued)."""
    stmt = select(VisitorPass).where(VisitorPass.valid_to > utcnow())
    if ctx.who.role == Role.RESIDENT:
        stmt = stmt.where(VisitorPass.created_by == ctx.who.username)
    rows = ctx.db.execute(stmt.order_by(VisitorPass.valid_from)).scalars().all()
    return [_present(ctx, request, v) for v in rows]


@router.post("/{pass_id}/photo", status_code=201)
async def add_photo(
    pass_id: uuid.UUID, file: UploadFile, request: Request, ctx: Annotated[Ctx, allow("visitor_passes:write")]
) -> dict[str, Any]:
    """Attach the visitor's face photo: the doors then also recognise the visitor's face."""
    v = _visible(ctx, pass_id)
    v.photo, v.photo_type = await read_image_upload(file, ctx.settings.max_upload_bytes)
    ctx.audit("update", "visitor_pass", [v.id], {"photo_bytes": len(v.photo)})
    return _present(ctx, request, v)


@router.post("/{pass_id}/revoke")
def revoke(
    pass_id: uuid.UUID, request: Request, ctx: Annotated[Ctx, allow("visitor_passes:write")]
) -> dict[str, Any]:
    """Withdraw an invitation (doors learn it on their next sync)."""
    v = _visible(ctx, pass_id)
    v.revoked_at = v.revoked_at or utcnow()
    ctx.audit("revoke", "visitor_pass", [v.id])
    return _present(ctx, request, v)


@router.get("/t/{token}", response_class=Response, responses={200: {"content": {"image/png": {}}}})
def pass_qr(token: str, request: Request, db: Annotated[Any, public()]) -> Response:
    """The link the visitor receives: the pass QR (PNG) to show at the door; refused if forged/revoked/over."""
    settings = services_of(request.app).settings
    try:
        claims = verify_pass(pass_key(settings.secret_key), token)
    except PassRefused:
        raise NotFound.one("pass.invalid", "通行码无效", "Invalid pass", "token") from None
    v = db.get(VisitorPass, uuid.UUID(claims.pass_id))
    if v is None or v.revoked_at is not None or claims.valid_to <= utcnow():
        raise NotFound.one("pass.over", "通行码已失效", "Pass revoked or expired", "token")
    image = qrcode.make(pass_url(str(request.base_url), token), border=4, box_size=8)
    buf = io.BytesIO()
    image.save(buf)
    return Response(buf.getvalue(), media_type="image/png", headers={"Cache-Control": "no-store"})
