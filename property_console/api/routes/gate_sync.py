"""GET /api/gate/sync: everything a barrier gate needs to decide on its own, for one car park.

Edge gates log in as a system user and poll this; they cache the answer and keep deciding when the console
is down. Visits already used on a reservation are counted from the vehicle_pass events the gates reported.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import select

from property_console.api.deps import Ctx, allow
from property_console.errors import NotFound
from property_console.models import Event, Vehicle
from property_console.models.gate import CarPark, FixedSpace, VehicleReservation

router = APIRouter(prefix="/api/gate", tags=["gate sync"])
KEEP_RESERVATIONS = dt.timedelta(days=1)


def _valid(v: Vehicle, today: dt.date) -> bool:
    return v.valid_until is None or v.valid_until >= today


def vehicle_lists(
    vehicles: list[Vehicle], fixed: set[Any], today: dt.date
) -> dict[str, list[dict[str, Any]]]:
    """Blacklist, resident/whitelist vehicles, monthly passes (expired monthly passes go too: grace rules)."""
    out: dict[str, list[dict[str, Any]]] = {"blacklist": [], "vehicles": [], "monthly": []}
    for v in vehicles:
        if v.pass_type == "blacklist" and _valid(v, today):
            out["blacklist"].append({"plate": v.plate, "reason": "物业黑名单"})
        elif v.pass_type in ("resident", "whitelist") and _valid(v, today):
            item = {"plate": v.plate, "kind": v.pass_type, "fixed_space": v.id in fixed}
            out["vehicles"].append(item)
        elif v.pass_type == "monthly" and v.valid_until is not None:
            out["monthly"].append({"plate": v.plate, "valid_until": v.valid_until.isoformat()})
    return out


def used_visits(ctx: Ctx, rows: list[VehicleReservation]) -> dict[str, int]:
    """Entries reported by gates under each reservation (vehicle_pass events carrying its id)."""
    if not rows:
        return {}
    plates = {r.plate for r in rows}
    since = min(r.start_at for r in rows)
    stmt = select(Event.detail).where(
        Event.kind == "vehicle_pass", Event.subject.in_(plates), Event.device_time >= since
    )
    used: dict[str, int] = {}
    for detail in ctx.db.execute(stmt).scalars():
        rid = detail.get("reservation_id") if isinstance(detail, dict) else None
        if rid and detail.get("direction", "in") == "in":
            used[str(rid)] = used.get(str(rid), 0) + 1
    return used


@router.get("/sync")
def sync(
    ctx: Annotated[Ctx, allow("gates:sync")],
    car_park: Annotated[str, Query(min_length=1, max_length=64)],
) -> dict[str, Any]:
    """The gate snapshot (v1) for one car park."""
    park = ctx.db.execute(select(CarPark).where(CarPark.code == car_park)).scalar_one_or_none()
    if park is None:
        raise NotFound.one("car_park.unknown", "停车场不存在", "Unknown car park", "car_park")
    now = dt.datetime.now(dt.UTC)
    spaces = ctx.db.execute(select(FixedSpace).where(FixedSpace.car_park_id == park.id)).scalars().all()
    fixed = {s.vehicle_id for s in spaces if s.vehicle_id is not None}
    vehicles = list(ctx.db.execute(select(Vehicle).order_by(Vehicle.plate)).scalars())
    stmt = select(VehicleReservation).where(
        VehicleReservation.cancelled.is_(False), VehicleReservation.end_at >= now - KEEP_RESERVATIONS
    )
    bookings = list(ctx.db.execute(stmt).scalars())
    used = used_visits(ctx, bookings)
    reservations = [
        {
            "id": str(r.id),
            "plate": r.plate,
            "start": _aware(r.start_at).isoformat(),
            "end": _aware(r.end_at).isoformat(),
            "max_visits": r.max_visits,
            "visits": used.get(str(r.id), 0),
            "host": str(r.house_id or ""),
        }
        for r in bookings
    ]
    ctx.audit("sync", "gate", [park.id], {"car_park": park.code})
    return {
        "v": 1,
        "generated_at": now.isoformat(),
        "car_park": {
            "id": park.code,
            "name": park.name,
            "capacity": park.capacity,
            "fixed_spaces": len(spaces),
        },
        **vehicle_lists(vehicles, fixed, now.date()),
        "reservations": reservations,
    }


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite drops the zone; stored values are UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
