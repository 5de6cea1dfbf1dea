"""The lists the console syncs to a gate (GET /api/gate/sync): parsed, validated, turned into cache entries."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from plate_gate.gate_cache import CarPark, ListEntry, MonthlyPass, Reservation, Vehicle


class _Item(BaseModel):
    model_config = ConfigDict(extra="ignore")


class CarParkItem(_Item):
    id: str = Field(min_length=1, max_length=64)
    name: str = ""
    capacity: int = Field(ge=0)
    fixed_spaces: int = Field(default=0, ge=0)


class BlacklistItem(_Item):
    plate: str
    reason: str = ""


class VehicleItem(_Item):
    plate: str
    kind: str = "resident"
    fixed_space: bool = False
    owner: str = ""


class MonthlyItem(_Item):
    plate: str
    valid_until: date


class ReservationItem(_Item):
    id: str
    plate: str
    start: AwareDatetime
    end: AwareDatetime
    max_visits: int = Field(default=1, ge=1)
    visits: int = Field(default=0, ge=0)
    host: str = ""


class GateSnapshot(_Item):
    """Version 1 of the sync document; ``generated_at`` orders snapshots."""

    v: int = 1
    generated_at: AwareDatetime
    car_park: CarParkItem
    blacklist: list[BlacklistItem] = Field(default_factory=list)
    vehicles: list[VehicleItem] = Field(default_factory=list)
    monthly: list[MonthlyItem] = Field(default_factory=list)
    reservations: list[ReservationItem] = Field(default_factory=list)

    def car_park_entry(self) -> CarPark:
        """The car park as the decision sees it."""
        return CarPark(self.car_park.id, self.car_park.capacity, self.car_park.fixed_spaces)

    def blacklist_entries(self) -> dict[str, ListEntry]:
        return {b.plate: ListEntry(b.plate, b.reason) for b in self.blacklist}

    def vehicle_entries(self) -> dict[str, Vehicle]:
        return {v.plate: Vehicle(v.plate, v.kind, v.fixed_space, v.owner) for v in self.vehicles}

    def monthly_entries(self) -> dict[str, MonthlyPass]:
        return {m.plate: MonthlyPass(m.plate, self.car_park.id, m.valid_until) for m in self.monthly}

    def reservation_entries(self) -> dict[str, Reservation]:
        return {
            r.id: Reservation(r.id, r.plate, r.start, r.end, r.max_visits, r.visits, r.host)
            for r in self.reservations
        }


def empty_snapshot(car_park: str, capacity: int, at: datetime) -> GateSnapshot:
    """What a gate starts with before its first sync: no lists, the configured capacity."""
    return GateSnapshot(generated_at=at, car_park=CarParkItem(id=car_park, capacity=capacity))
