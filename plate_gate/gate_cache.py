"""The gate's local cache (lists, passes, reservations, presence): a Protocol and an in-memory store."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Protocol


@dataclass(frozen=True)
class ListEntry:
    """A blacklist entry: plate, reason shown to staff."""

    plate: str
    reason: str = ""


@dataclass(frozen=True)
class Vehicle:
    """A resident or whitelisted vehicle; ``fixed_space`` vehicles park in their own space."""

    plate: str
    kind: str = "resident"  # "resident" | "whitelist"
    fixed_space: bool = False
    owner: str = ""


@dataclass(frozen=True)
class MonthlyPass:
    """A monthly (long-term rental) pass for one car park, valid through ``valid_until`` inclusive."""

    plate: str
    car_park: str
    valid_until: date


@dataclass(frozen=True)
class Reservation:
    """A visitor reservation made by a resident: time window and visit limit."""

    id: str
    plate: str
    start: datetime
    end: datetime
    max_visits: int = 1
    visits: int = 0
    host: str = ""


@dataclass(frozen=True)
class CarPark:
    """A car park: total spaces and the fixed (owned/rented) spaces that are not shared."""

    id: str
    capacity: int
    fixed_spaces: int = 0

    @property
    def shared_spaces(self) -> int:
        """Spaces available to vehicles without a fixed space."""
        return max(0, self.capacity - self.fixed_spaces)


@dataclass(frozen=True)
class Presence:
    """A vehicle inside a car park since ``entered_at``; ``category`` is the entry decision's category."""

    plate: str
    car_park: str
    entered_at: datetime
    category: str
    fixed_space: bool = False


@dataclass(frozen=True)
class PassRecord:
    """The last pass decided at a gate for a plate (for duplicate suppression)."""

    plate: str
    gate: str
    at: datetime
    action: str
    reason: str


class GateCache(Protocol):
    """Read access to the lists the console syncs to the gate, plus local pass state."""

    def blacklist_entry(self, plate: str) -> ListEntry | None: ...
    def vehicle(self, plate: str) -> Vehicle | None: ...
    def monthly_pass(self, plate: str, car_park: str) -> MonthlyPass | None: ...
    def reservations(self, plate: str) -> Sequence[Reservation]: ...
    def car_park(self, car_park_id: str) -> CarPark: ...
    def presence(self, plate: str, car_park: str) -> Presence | None: ...
    def on_site(self, car_park: str) -> Sequence[Presence]: ...
    def last_pass(self, plate: str, gate: str) -> PassRecord | None: ...


@dataclass
class MemoryGateCache:
    """An in-memory GateCache (tests, simulators); ``record_*`` update pass state after a decision."""

    car_parks: dict[str, CarPark] = field(default_factory=dict)
    blacklist: dict[str, ListEntry] = field(default_factory=dict)
    vehicles: dict[str, Vehicle] = field(default_factory=dict)
    passes: dict[tuple[str, str], MonthlyPass] = field(default_factory=dict)
    bookings: dict[str, Reservation] = field(default_factory=dict)
    inside: dict[tuple[str, str], Presence] = field(default_factory=dict)
    history: dict[tuple[str, str], PassRecord] = field(default_factory=dict)

    def blacklist_entry(self, plate: str) -> ListEntry | None:
        return self.blacklist.get(plate)

    def vehicle(self, plate: str) -> Vehicle | None:
        return self.vehicles.get(plate)

    def monthly_pass(self, plate: str, car_park: str) -> MonthlyPass | None:
        return self.passes.get((plate, car_park))

    def reservations(self, plate: str) -> Sequence[Reservation]:
        return [r for r in self.bookings.values() if r.plate == plate]

    def car_park(self, car_park_id: str) -> CarPark:
        return self.car_parks[car_park_id]

    def presence(self, plate: str, car_park: str) -> Presence | None:
        return self.inside.get((plate, car_park))

    def on_site(self, car_park: str) -> Sequence[Presence]:
        return [p for p in self.inside.values() if p.car_park == car_park]

    def last_pass(self, plate: str, gate: str) -> PassRecord | None:
        return self.history.get((plate, gate))

    def record_pass(self, record: PassRecord) -> None:
        """Remember the last decision at a gate."""
        self.history[(record.plate, record.gate)] = record

    def record_entry(self, presence: Presence, reservation_id: str | None = None) -> None:
        """A vehicle went in; a used reservation counts one visit."""
        self.inside[(presence.plate, presence.car_park)] = presence
        if reservation_id and reservation_id in self.bookings:
            used = self.bookings[reservation_id]
            self.bookings[reservation_id] = replace(used, visits=used.visits + 1)

    def record_exit(self, plate: str, car_park: str) -> Presence | None:
        """A vehicle went out; returns its presence record if there was one."""
        return self.inside.pop((plate, car_park), None)
