"""Dashboard figures: today's counts, open alarms, device status and the site map."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from sqlalchemy import select

from property_console.api.deps import Ctx, allow
from property_console.events.localtime import zone
from property_console.events.reports import today_summary
from property_console.models import Device

router = APIRouter(prefix="/api/dashboard", tags=["dashboard"])


@router.get("/summary")
def summary(ctx: Annotated[Ctx, allow("dashboard:read")]) -> dict[str, Any]:
    """Today's event counts by kind (local day), open alarms and devices by status."""
    return today_summary(ctx.db, zone(ctx.settings.timezone))


@router.get("/map")
def site_map(ctx: Annotated[Ctx, allow("devices:read")]) -> list[dict[str, Any]]:
    """Every device with its map position (0–100 on both axes) and status."""
    rows = ctx.db.execute(select(Device).order_by(Device.kind, Device.name)).scalars()
    return [
        {
            "id": str(d.id),
            "serial": d.serial,
            "name": d.name,
            "kind": d.kind,
            "status": d.status,
            "last_seen_at": d.last_seen_at.isoformat() if d.last_seen_at else None,
            "map_x": d.map_x,
            "map_y": d.map_y,
        }
        for d in rows
    ]
