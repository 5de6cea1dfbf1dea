"""Houses (实有房屋) and their residency history."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import select

from property_console.api.crud import apply_update, get_or_404, paginate, present
from property_console.api.deps import Ctx, allow
from property_console.api.routes.residencies import present_residency
from property_console.errors import NotFound
from property_console.models import Address, House, Residency
from property_console.schemas.common import Page, page_of
from property_console.schemas.house import HouseCreate, HousePublic, HouseUpdate
from property_console.schemas.residency import ResidencyPublic
from property_console.security.roles import Role
from property_console.services.household import current_house_ids
from property_console.services.records import create_house

router = APIRouter(prefix="/api/houses", tags=["houses"])


def present_house(role: str, h: House) -> dict[str, Any]:
    return present(
        "house", role, HousePublic, h, address_code=h.address.code, address_name=h.address.full_name
    )


def _visible(ctx: Ctx, house_id: uuid.UUID) -> None:
    if ctx.who.role == Role.RESIDENT and house_id not in current_house_ids(ctx.db, ctx.who.person_id):
        raise NotFound.one("not_found", "房屋不存在", "House not found", "id")


@router.get("", response_model=Page[HousePublic])
def list_houses(
    ctx: Annotated[Ctx, allow("houses:read")],
    q: Annotated[str | None, Query(max_length=64, description="address name or code")] = None,
    use: str | None = None,
    rental_status: str | None = None,
    flagged: bool | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Any:
    stmt = select(House).join(House.address).order_by(Address.code)
    if ctx.who.role == Role.RESIDENT:
        stmt = stmt.where(House.id.in_(current_house_ids(ctx.db, ctx.who.person_id)))
    if q:
        stmt = stmt.where(Address.full_name.contains(q) | Address.code.startswith(q))
    for col, val in ((House.use, use), (House.rental_status, rental_status), (House.flagged, flagged)):
        if val is not None:
            stmt = stmt.where(col == val)
    rows, total = paginate(ctx.db, stmt, page, page_size)
    ctx.audit("read", "house", [h.id for h in rows], {"query": q})
    return page_of([present_house(ctx.who.role, h) for h in rows], total, page, page_size)


@router.post("", status_code=201, response_model=HousePublic)
def create(body: HouseCreate, ctx: Annotated[Ctx, allow("houses:write")]) -> Any:
    house = create_house(ctx.db, body)
    ctx.audit("create", "house", [house.id])
    ctx.db.refresh(house)
    return present_house(ctx.who.role, house)


@router.get("/{house_id}", response_model=HousePublic)
def read(house_id: uuid.UUID, ctx: Annotated[Ctx, allow("houses:read")]) -> Any:
    _visible(ctx, house_id)
    house = get_or_404(ctx.db, House, house_id, "房屋")
    ctx.audit("read", "house", [house.id])
    return present_house(ctx.who.role, house)


@router.patch("/{house_id}", response_model=HousePublic)
def update(house_id: uuid.UUID, body: HouseUpdate, ctx: Annotated[Ctx, allow("houses:write")]) -> Any:
    house = get_or_404(ctx.db, House, house_id, "房屋")
    changed = apply_update(house, body)
    ctx.audit("update", "house", [house.id], {"fields": sorted(changed)})
    return present_house(ctx.who.role, house)


@router.get("/{house_id}/residencies", response_model=list[ResidencyPublic])
def history(house_id: uuid.UUID, ctx: Annotated[Ctx, allow("residencies:read")]) -> Any:
    """Everyone who lives or lived here, newest first."""
    _visible(ctx, house_id)
    get_or_404(ctx.db, House, house_id, "房屋")
    rows = ctx.db.execute(
        select(Residency).where(Residency.house_id == house_id).order_by(Residency.start_date.desc())
    ).scalars()
    out = [present_residency(ctx.who.role, r) for r in rows]
    ctx.audit("read", "residency", [r["id"] for r in out], {"house_id": str(house_id)})
    return out
