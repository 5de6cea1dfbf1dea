"""Residencies: who lives where; created and ended, never edited or deleted."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import or_, select

from property_console.api.crud import get_or_404, paginate, present
from property_console.api.deps import Ctx, allow
from property_console.errors import NotFound
from property_console.models import Residency
from property_console.schemas.common import Page, page_of
from property_console.schemas.residency import ResidencyCreate, ResidencyEnd, ResidencyPublic
from property_console.security.roles import Role
from property_console.services.household import current_house_ids
from property_console.services.records import create_residency, end_residency

router = APIRouter(prefix="/api/residencies", tags=["residencies"])


def present_residency(role: str, r: Residency) -> dict[str, Any]:
    return present(
        "residency",
        role,
        ResidencyPublic,
        r,
        person_name=r.person.name,
        address_code=r.house.address.code,
        address_name=r.house.address.full_name,
    )


@router.get("", response_model=Page[ResidencyPublic])
def list_residencies(
    ctx: Annotated[Ctx, allow("residencies:read")],
    person_id: uuid.UUID | None = None,
    house_id: uuid.UUID | None = None,
    current: bool | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Any:
    stmt = select(Residency).order_by(Residency.start_date.desc(), Residency.id)
    if ctx.who.role == Role.RESIDENT:
        stmt = stmt.where(Residency.house_id.in_(current_house_ids(ctx.db, ctx.who.person_id)))
    if person_id:
        stmt = stmt.where(Residency.person_id == person_id)
    if house_id:
        stmt = stmt.where(Residency.house_id == house_id)
    if current is True:
        stmt = stmt.where(Residency.end_date.is_(None))
    elif current is False:
        stmt = stmt.where(or_(Residency.end_date.is_not(None)))
    rows, total = paginate(ctx.db, stmt, page, page_size)
    ctx.audit("read", "residency", [r.id for r in rows])
    return page_of([present_residency(ctx.who.role, r) for r in rows], total, page, page_size)


@router.post("", status_code=201, response_model=ResidencyPublic)
def create(body: ResidencyCreate, ctx: Annotated[Ctx, allow("residencies:write")]) -> Any:
    res = create_residency(ctx.db, body)
    ctx.audit(
        "create", "residency", [res.id], {"person_id": str(res.person_id), "house_id": str(res.house_id)}
    )
    ctx.db.refresh(res)
    return present_residency(ctx.who.role, res)


@router.get("/{residency_id}", response_model=ResidencyPublic)
def read(residency_id: uuid.UUID, ctx: Annotated[Ctx, allow("residencies:read")]) -> Any:
    res = get_or_404(ctx.db, Residency, residency_id, "居住记录")
    if ctx.who.role == Role.RESIDENT and res.house_id not in current_house_ids(ctx.db, ctx.who.person_id):
        raise NotFound.one("not_found", "居住记录不存在", "Residency not found", "id")
    ctx.audit("read", "residency", [res.id])
    return present_residency(ctx.who.role, res)


@router.post("/{residency_id}/end", response_model=ResidencyPublic)
def end(residency_id: uuid.UUID, body: ResidencyEnd, ctx: Annotated[Ctx, allow("residencies:write")]) -> Any:
    res = end_residency(
        ctx.db, get_or_404(ctx.db, Residency, residency_id, "居住记录"), body.end_date, body.reason
    )
    ctx.audit("update", "residency", [res.id], {"ended": str(body.end_date)})
    return present_residency(ctx.who.role, res)
