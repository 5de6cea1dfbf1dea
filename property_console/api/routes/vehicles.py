"""Vehicles: plates validated against GA 36; residents see their household's vehicles only."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import select

from property_console.api.crud import apply_update, get_or_404, paginate, present
from property_console.api.deps import Ctx, allow
from property_console.errors import NotFound
from property_console.models import Vehicle
from property_console.schemas.common import Page, page_of
from property_console.schemas.vehicle import VehicleCreate, VehiclePublic, VehicleUpdate
from property_console.security.roles import Role
from property_console.services.household import current_house_ids
from property_console.services.records import check_monthly_pass, create_vehicle

router = APIRouter(prefix="/api/vehicles", tags=["vehicles"])


def _present(ctx: Ctx, v: Vehicle) -> dict[str, Any]:
    return present("vehicle", ctx.who.role, VehiclePublic, v)


@router.get("", response_model=Page[VehiclePublic])
def list_vehicles(
    ctx: Annotated[Ctx, allow("vehicles:read")],
    plate: Annotated[str | None, Query(max_length=16, description="plate starts with")] = None,
    pass_type: str | None = None,
    house_id: uuid.UUID | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Any:
    stmt = select(Vehicle).order_by(Vehicle.plate)
    if ctx.who.role == Role.RESIDENT:
        stmt = stmt.where(Vehicle.house_id.in_(current_house_ids(ctx.db, ctx.who.person_id)))
    if plate:
        stmt = stmt.where(Vehicle.plate.startswith(plate.strip().upper()))
    if pass_type:
        stmt = stmt.where(Vehicle.pass_type == pass_type)
    if house_id:
        stmt = stmt.where(Vehicle.house_id == house_id)
    rows, total = paginate(ctx.db, stmt, page, page_size)
    ctx.audit("read", "vehicle", [v.id for v in rows])
    return page_of([_present(ctx, v) for v in rows], total, page, page_size)


@router.post("", status_code=201, response_model=VehiclePublic)
def create(body: VehicleCreate, ctx: Annotated[Ctx, allow("vehicles:write")]) -> Any:
    v = create_vehicle(ctx.db, body)
    ctx.audit("create", "vehicle", [v.id], {"plate": v.plate})
    return _present(ctx, v)


@router.get("/{vehicle_id}", response_model=VehiclePublic)
def read(vehicle_id: uuid.UUID, ctx: Annotated[Ctx, allow("vehicles:read")]) -> Any:
    v = get_or_404(ctx.db, Vehicle, vehicle_id, "车辆")
    if ctx.who.role == Role.RESIDENT and v.house_id not in current_house_ids(ctx.db, ctx.who.person_id):
        raise NotFound.one("not_found", "车辆不存在", "Vehicle not found", "id")
    ctx.audit("read", "vehicle", [v.id])
    return _present(ctx, v)


@router.patch("/{vehicle_id}", response_model=VehiclePublic)
def update(vehicle_id: uuid.UUID, body: VehicleUpdate, ctx: Annotated[Ctx, allow("vehicles:write")]) -> Any:
    v = get_or_404(ctx.db, Vehicle, vehicle_id, "车辆")
    fields = sorted(apply_update(v, body))
    check_monthly_pass(v)
    ctx.audit("update", "vehicle", [v.id], {"fields": fields})
    return _present(ctx, v)


@router.delete("/{vehicle_id}", status_code=204)
def delete(vehicle_id: uuid.UUID, ctx: Annotated[Ctx, allow("vehicles:write")]) -> None:
    v = get_or_404(ctx.db, Vehicle, vehicle_id, "车辆")
    ctx.audit("delete", "vehicle", [v.id], {"plate": v.plate})
    ctx.db.delete(v)
