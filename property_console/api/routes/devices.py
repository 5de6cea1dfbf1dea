"""Devices: registered by serial number or MAC; status comes from the devices/ registry."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import or_, select

from property_console.api.crud import apply_update, get_or_404, paginate, present
from property_console.api.deps import Ctx, allow
from property_console.errors import Conflict
from property_console.models import Device
from property_console.schemas.common import Page, page_of
from property_console.schemas.device import DeviceCreate, DevicePublic, DeviceUpdate

router = APIRouter(prefix="/api/devices", tags=["devices"])


@router.get("", response_model=Page[DevicePublic])
def list_devices(
    ctx: Annotated[Ctx, allow("devices:read")],
    kind: str | None = None,
    status: str | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Any:
    stmt = select(Device).order_by(Device.kind, Device.name)
    if kind:
        stmt = stmt.where(Device.kind == kind)
    if status:
        stmt = stmt.where(Device.status == status)
    rows, total = paginate(ctx.db, stmt, page, page_size)
    return page_of([present("device", ctx.who.role, DevicePublic, d) for d in rows], total, page, page_size)


@router.post("", status_code=201, response_model=DevicePublic)
def create(body: DeviceCreate, ctx: Annotated[Ctx, allow("devices:write")]) -> Any:
    same = [Device.serial == body.serial] + ([Device.mac == body.mac] if body.mac else [])
    clash = select(Device.id).where(or_(*same))
    if ctx.db.execute(clash).first():
        raise Conflict.one(
            "device.duplicate", "该序列号或MAC的设备已登记", "Device serial or MAC exists", "serial"
        )
    dev = Device(**body.model_dump())
    ctx.db.add(dev)
    ctx.db.flush()
    ctx.audit("create", "device", [dev.id], {"serial": dev.serial})
    return present("device", ctx.who.role, DevicePublic, dev)


@router.patch("/{device_id}", response_model=DevicePublic)
def update(device_id: uuid.UUID, body: DeviceUpdate, ctx: Annotated[Ctx, allow("devices:write")]) -> Any:
    dev = get_or_404(ctx.db, Device, device_id, "设备")
    ctx.audit("update", "device", [dev.id], {"fields": sorted(apply_update(dev, body))})
    return present("device", ctx.who.role, DevicePublic, dev)


@router.delete("/{device_id}", status_code=204)
def delete(device_id: uuid.UUID, ctx: Annotated[Ctx, allow("devices:write")]) -> None:
    dev = get_or_404(ctx.db, Device, device_id, "设备")
    ctx.audit("delete", "device", [dev.id], {"serial": dev.serial})
    ctx.db.delete(dev)
