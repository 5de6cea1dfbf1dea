"""Car parks (capacity, fixed spaces) for staff; visitor vehicle reservations by residents and staff."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import AwareDatetime, Field, model_validator
from sqlalchemy import func, select

from property_console.api.crud import apply_update, get_or_404
from property_console.api.deps import Ctx, allow
from property_console.errors import Conflict, DomainError, NotFound
from property_console.models import Vehicle
from property_console.models.gate import CarPark, FixedSpace, VehicleReservation
from property_console.schemas.common import Name, PlateText, Schema
from property_console.security.roles import Role
from property_console.services.household import current_house_ids

router = APIRouter(tags=["gate lists"])
MAX_WINDOW = dt.timedelta(days=31)


class CarParkCreate(Schema):
    code: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]
    name: Name
    capacity: Annotated[int, Field(ge=0, le=100_000)]


class CarParkUpdate(Schema):
    name: Name | None = None
    capacity: Annotated[int, Field(ge=0, le=100_000)] | None = None


class SpaceCreate(Schema):
    code: Annotated[str, Field(min_length=1, max_length=32)]
    vehicle_id: uuid.UUID | None = None


class ReservationCreate(Schema):
    plate: PlateText
    start_at: AwareDatetime
    end_at: AwareDatetime
    max_visits: Annotated[int, Field(ge=1, le=50)] = 1
    house_id: uuid.UUID | None = None
    visitor_name: Name | None = None

    @model_validator(mode="after")
    def _window(self) -> ReservationCreate:
        if not self.start_at < self.end_at <= self.start_at + MAX_WINDOW:
            raise ValueError(
                "end_at must be after start_at and within 31 days / 结束时间须晚于开始且不超过31天"
            )
        return self


def car_park_json(db: Any, park: CarPark) -> dict[str, Any]:
    """A car park with its fixed-space count."""
    fixed = db.execute(select(func.count()).where(FixedSpace.car_park_id == park.id)).scalar_one()
    return {
        "id": str(park.id),
        "code": park.code,
        "name": park.name,
        "capacity": park.capacity,
        "fixed_spaces": int(fixed),
        "version": park.version,
    }


def reservation_json(r: VehicleReservation) -> dict[str, Any]:
    """A reservation as the API shows it."""
    return {
        "id": str(r.id),
        "plate": r.plate,
        "house_id": str(r.house_id) if r.house_id else None,
        "start_at": r.start_at.isoformat(),
        "end_at": r.end_at.isoformat(),
        "max_visits": r.max_visits,
        "visitor_name": r.visitor_name,
        "created_by": r.created_by,
        "cancelled": r.cancelled,
    }


@router.get("/api/car-parks")
def list_car_parks(ctx: Annotated[Ctx, allow("gates:read")]) -> list[dict[str, Any]]:
    """All car parks with capacity and fixed spaces."""
    parks = ctx.db.execute(select(CarPark).order_by(CarPark.code)).scalars().all()
    return [car_park_json(ctx.db, p) for p in parks]


@router.post("/api/car-parks", status_code=201)
def create_car_park(body: CarParkCreate, ctx: Annotated[Ctx, allow("gates:write")]) -> dict[str, Any]:
    """Add a car park (its code is what a gate's config names)."""
    if ctx.db.execute(select(CarPark.id).where(CarPark.code == body.code)).first():
        raise Conflict.one("car_park.duplicate", "停车场编号已存在", "Car park code exists", "code")
    park = CarPark(code=body.code, name=body.name, capacity=body.capacity)
    ctx.db.add(park)
    ctx.db.flush()
    ctx.audit("create", "car_park", [park.id], {"code": park.code})
    return car_park_json(ctx.db, park)


@router.patch("/api/car-parks/{park_id}")
def update_car_park(
    park_id: uuid.UUID, body: CarParkUpdate, ctx: Annotated[Ctx, allow("gates:write")]
) -> dict[str, Any]:
    """Rename or resize a car park."""
    park = get_or_404(ctx.db, CarPark, park_id, "停车场")
    ctx.audit("update", "car_park", [park.id], {"fields": sorted(apply_update(park, body))})
    ctx.db.flush()
    return car_park_json(ctx.db, park)


@router.post("/api/car-parks/{park_id}/spaces", status_code=201)
def add_space(
    park_id: uuid.UUID, body: SpaceCreate, ctx: Annotated[Ctx, allow("gates:write")]
) -> dict[str, Any]:
    """Add a fixed space (optionally assigned to a vehicle); fixed spaces are not shared."""
    park = get_or_404(ctx.db, CarPark, park_id, "停车场")
    taken = select(FixedSpace.id).where(FixedSpace.car_park_id == park.id, FixedSpace.code == body.code)
    if ctx.db.execute(taken).first():
        raise Conflict.one("space.duplicate", "车位编号已存在", "Space code exists", "code")
    if body.vehicle_id is not None:
        get_or_404(ctx.db, Vehicle, body.vehicle_id, "车辆")
    space = FixedSpace(car_park_id=park.id, code=body.code, vehicle_id=body.vehicle_id)
    ctx.db.add(space)
    ctx.db.flush()
    ctx.audit("create", "car_park_space", [space.id], {"code": body.code})
    return {"id": str(space.id), "code": space.code, "vehicle_id": str(body.vehicle_id or "") or None}


def _reservation_house(ctx: Ctx, wanted: uuid.UUID | None) -> uuid.UUID | None:
    """Residents book for their own household only; staff for any house (or none)."""
    if ctx.who.role != Role.RESIDENT:
        return wanted
    mine = current_house_ids(ctx.db, ctx.who.person_id)
    if not mine:
        raise DomainError.one(
            "reservation.no_house", "您没有在住房屋", "You have no current house", "house_id"
        )
    if wanted is None:
        return mine[0]
    if wanted not in mine:
        raise NotFound.one("not_found", "房屋不存在", "House not found", "house_id")
    return wanted


@router.get("/api/vehicle-reservations")
def list_reservations(ctx: Annotated[Ctx, allow("reservations:read")]) -> list[dict[str, Any]]:
    """Current and future reservations (a resident sees their household's only)."""
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    stmt = select(VehicleReservation).where(VehicleReservation.end_at >= since)
    if ctx.who.role == Role.RESIDENT:
        stmt = stmt.where(VehicleReservation.house_id.in_(current_house_ids(ctx.db, ctx.who.person_id)))
    rows = ctx.db.execute(stmt.order_by(VehicleReservation.start_at)).scalars().all()
    return [reservation_json(r) for r in rows]


@router.post("/api/vehicle-reservations", status_code=201)
def create_reservation(
    body: ReservationCreate, ctx: Annotated[Ctx, allow("reservations:write")]
) -> dict[str, Any]:
    """Book a visitor's vehicle: plate, time window, how many entries it may make."""
    house_id = _reservation_house(ctx, body.house_id)
    r = VehicleReservation(
        plate=body.plate,
        house_id=house_id,
        host_person_id=ctx.who.person_id,
        start_at=body.start_at,
        end_at=body.end_at,
        max_visits=body.max_visits,
        visitor_name=body.visitor_name,
        created_by=ctx.who.username,
        cancelled=False,
    )
    ctx.db.add(r)
    ctx.db.flush()
    ctx.audit("create", "vehicle_reservation", [r.id], {"plate": r.plate})
    return reservation_json(r)


@router.delete("/api/vehicle-reservations/{reservation_id}", status_code=204)
def cancel_reservation(reservation_id: uuid.UUID, ctx: Annotated[Ctx, allow("reservations:write")]) -> None:
    """Cancel a reservation (a resident only their household's)."""
    r = get_or_404(ctx.db, VehicleReservation, reservation_id, "预约")
    if ctx.who.role == Role.RESIDENT and r.house_id not in current_house_ids(ctx.db, ctx.who.person_id):
        raise NotFound.one("not_found", "预约不存在", "Reservation not found", "id")
    r.cancelled = True
    ctx.audit("cancel", "vehicle_reservation", [r.id])
