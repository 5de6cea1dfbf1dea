"""Organisations (实有单位)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import select

from property_console.api.crud import apply_update, get_or_404, paginate, present
from property_console.api.deps import Ctx, allow
from property_console.models import Organisation
from property_console.schemas.common import Page, page_of
from property_console.schemas.organisation import OrganisationCreate, OrganisationPublic, OrganisationUpdate
from property_console.services.records import create_organisation

router = APIRouter(prefix="/api/organisations", tags=["organisations"])


def _present(ctx: Ctx, o: Organisation) -> dict[str, Any]:
    return present("organisation", ctx.who.role, OrganisationPublic, o)


@router.get("", response_model=Page[OrganisationPublic], response_model_exclude_unset=True)
def list_organisations(
    ctx: Annotated[Ctx, allow("organisations:read")],
    q: Annotated[str | None, Query(max_length=64)] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Any:
    stmt = select(Organisation).order_by(Organisation.name)
    if q:
        stmt = stmt.where(Organisation.name.contains(q) | (Organisation.credit_code == q.upper()))
    rows, total = paginate(ctx.db, stmt, page, page_size)
    ctx.audit("read", "organisation", [o.id for o in rows])
    return page_of([_present(ctx, o) for o in rows], total, page, page_size)


@router.post("", status_code=201, response_model=OrganisationPublic, response_model_exclude_unset=True)
def create(body: OrganisationCreate, ctx: Annotated[Ctx, allow("organisations:write")]) -> Any:
    org = create_organisation(ctx.db, body)
    ctx.audit("create", "organisation", [org.id])
    return _present(ctx, org)


@router.get("/{org_id}", response_model=OrganisationPublic, response_model_exclude_unset=True)
def read(org_id: uuid.UUID, ctx: Annotated[Ctx, allow("organisations:read")]) -> Any:
    org = get_or_404(ctx.db, Organisation, org_id, "单位")
    ctx.audit("read", "organisation", [org.id])
    return _present(ctx, org)


@router.patch("/{org_id}", response_model=OrganisationPublic, response_model_exclude_unset=True)
def update(
    org_id: uuid.UUID, body: OrganisationUpdate, ctx: Annotated[Ctx, allow("organisations:write")]
) -> Any:
    org = get_or_404(ctx.db, Organisation, org_id, "单位")
    ctx.audit("update", "organisation", [org.id], {"fields": sorted(apply_update(org, body))})
    return _present(ctx, org)
