"""Standard addresses: the hierarchy community → building → unit → floor → room, codes never change."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import select

from property_console.api.crud import apply_update, get_or_404, paginate, present
from property_console.api.deps import Ctx, allow
from property_console.models import Address
from property_console.schemas.address import AddressCreate, AddressPublic, AddressUpdate
from property_console.schemas.common import Page, page_of
from property_console.services.addresses import create_address

router = APIRouter(prefix="/api/addresses", tags=["addresses"])


@router.get("", response_model=Page[AddressPublic])
def list_addresses(
    ctx: Annotated[Ctx, allow("addresses:read")],
    parent_id: uuid.UUID | None = None,
    level: str | None = None,
    q: Annotated[str | None, Query(max_length=64)] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Any:
    stmt = select(Address).order_by(Address.code)
    if parent_id:
        stmt = stmt.where(Address.parent_id == parent_id)
    if level:
        stmt = stmt.where(Address.level == level)
    if q:
        stmt = stmt.where(Address.full_name.contains(q) | Address.code.startswith(q))
    rows, total = paginate(ctx.db, stmt, page, page_size)
    return page_of([present("address", ctx.who.role, AddressPublic, a) for a in rows], total, page, page_size)


@router.post("", status_code=201, response_model=AddressPublic)
def create(body: AddressCreate, ctx: Annotated[Ctx, allow("addresses:write")]) -> Any:
    addr = create_address(ctx.db, body)
    ctx.audit("create", "address", [addr.id], {"code": addr.code})
    return present("address", ctx.who.role, AddressPublic, addr)


@router.get("/{address_id}", response_model=AddressPublic)
def read(address_id: uuid.UUID, ctx: Annotated[Ctx, allow("addresses:read")]) -> Any:
    return present("address", ctx.who.role, AddressPublic, get_or_404(ctx.db, Address, address_id, "地址"))


@router.patch("/{address_id}", response_model=AddressPublic)
def update(address_id: uuid.UUID, body: AddressUpdate, ctx: Annotated[Ctx, allow("addresses:write")]) -> Any:
    addr = get_or_404(ctx.db, Address, address_id, "地址")
    changed = apply_update(addr, body)
    ctx.audit("update", "address", [addr.id], {"fields": sorted(changed)})
    return present("address", ctx.who.role, AddressPublic, addr)
