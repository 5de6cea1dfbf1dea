"""Visitors inside the community now (the visitors page's count and list)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter

from property_console.api.deps import Ctx, allow
from property_console.security.roles import Role
from property_console.services.visitors_inside import inside_now

router = APIRouter(prefix="/api/visitors", tags=["visitor passes"])


@router.get("/inside")
def inside(ctx: Annotated[Ctx, allow("visitor_passes:read")]) -> dict[str, Any]:
    """在园访客：凭通行证进入且未见离开、通行证仍有效。Residents see only their own visitors."""
    mine = ctx.who.username if ctx.who.role == Role.RESIDENT else None
    items = inside_now(ctx.db, created_by=mine)
    ctx.audit("read", "visitor_pass", [i["pass_id"] for i in items], {"view": "inside"})
    return {"count": len(items), "items": items}
