"""Reading and verifying the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import select

from property_console import audit
from property_console.api.crud import paginate
from property_console.api.deps import Ctx, allow
from property_console.models import AuditEntry
from property_console.schemas.common import page_of

router = APIRouter(prefix="/api/audit", tags=["audit"])


@router.get("")
def list_entries(
    ctx: Annotated[Ctx, allow("audit:read")],
    actor: Annotated[str | None, Query(max_length=64)] = None,
    entity: Annotated[str | None, Query(max_length=32)] = None,
    since: dt.datetime | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    stmt = select(AuditEntry).order_by(AuditEntry.seq.desc())
    if actor:
        stmt = stmt.where(AuditEntry.actor == actor)
    if entity:
        stmt = stmt.where(AuditEntry.entity == entity)
    if since:
        stmt = stmt.where(AuditEntry.at >= since)
    rows, total = paginate(ctx.db, stmt, page, page_size)
    items = [
        {
            "seq": e.seq,
            "at": e.at.isoformat(),
            "actor": e.actor,
            "role": e.role,
            "action": e.action,
            "entity": e.entity,
            "entity_ids": e.entity_ids,
            "endpoint": e.endpoint,
            "detail": e.detail,
            "hash": e.hash,
        }
        for e in rows
    ]
    return page_of(items, total, page, page_size)


@router.get("/verify")
def verify(ctx: Annotated[Ctx, allow("audit:read")]) -> dict[str, Any]:
    result = audit.verify(ctx.db)
    return {
        "ok": result.ok,
        "checked": result.checked,
        "head": result.head,
        "broken_at": result.broken_at,
        "reason": result.reason,
    }
