"""Table tests of the barrier decision: every branch, duplicates, occupancy, with an injected clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pytest

from plate_gate.decision import (
    Action,
    Direction,
    GateDecider,
    GateRules,
    TemporaryPolicy,
    free_spaces,
    mismatches,
)
from plate_gate.gate_cache import (
    CarPark,
    ListEntry,
    MemoryGateCache,
    MonthlyPass,
    Presence,
    Reservation,
    Vehicle,
)

NOW = datetime(2026, 11, 21, 9, 30)
PARK = "P1"
ENTRY, EXIT = Direction.ENTRY, Direction.EXIT


@dataclass
class Clock:
    """A clock the test moves by hand."""

    now: datetime = NOW
    steps: list[timedelta] = field(default_factory=list)

    def __call__(self) -> datetime:
        return self.now


def make_cache(capacity: int = 10, fixed: int = 2) -> MemoryGateCache:
    cache = MemoryGateCache(car_parks={PARK: CarPark(PARK, capacity, fixed)})
    cache.blacklist["皖A00001"] = ListEntry("皖A00001", "套牌")
    cache.vehicles["皖A00001"] = Vehicle("皖A00001")  # also a resident: blacklist wins
    cache.vehicles["皖A11111"] = Vehicle("皖A11111", "resident", fixed_space=True)
    cache.vehicles["皖A22222"] = Vehicle("皖A22222", "whitelist")
    for plate, until in [
        ("皖M30000", 30),
        ("皖M03000", 3),
        ("皖M00000", 0),
        ("皖M0000E", -2),
        ("皖M0000F", -5),
    ]:
        cache.passes[(plate, PARK)] = MonthlyPass(plate, PARK, NOW.date() + timedelta(days=until))
    cache.bookings["r1"] = Reservation(
        "r1", "皖V12345", NOW - timedelta(hours=1), NOW + timedelta(hours=2), 2, 0
    )
    cache.bookings["r2"] = Reservation("r2", "皖V22222", NOW + timedelta(hours=1), NOW + timedelta(hours=3))
    cache.bookings["r3"] = Reservation(
        "r3", "皖V33333", NOW - timedelta(hours=1), NOW + timedelta(hours=1), 1, 1
    )
    return cache


def decider(cache: MemoryGateCache, clock: Clock | None = None, **rules: object) -> GateDecider:
    return GateDecider(cache, GateRules(**rules), clock or Clock())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("plate", "action", "reason", "extra"),
    [
        ("皖A00001", Action.REFUSE, "blacklist", {"alarm": True, "category": "blacklist"}),
        ("皖A11111", Action.OPEN, "resident", {"fixed_space": True, "alarm": False}),
        ("皖A22222", Action.OPEN, "whitelist", {"fixed_space": False}),
        ("皖M30000", Action.OPEN, "monthly", {"days_left": 30, "warnings": ()}),
        ("皖M03000", Action.OPEN, "monthly", {"days_left": 3, "warnings": ("monthly.expiring",)}),
        ("皖M00000", Action.OPEN, "monthly", {"days_left": 0, "warnings": ("monthly.expiring",)}),
        ("皖M0000E", Action.OPEN, "monthly.grace", {"days_left": -2, "warnings": ("monthly.expired",)}),
        ("皖M0000F", Action.OPEN, "temporary.open", {"charge": True, "warnings": ("monthly.expired",)}),
        ("皖V12345", Action.OPEN, "visitor", {"reservation_id": "r1", "category": "visitor"}),
        ("皖V22222", Action.OPEN, "temporary.open", {"reservation_id": None}),  # window not started
        ("皖V33333", Action.OPEN, "temporary.open", {"reservation_id": None}),  # visits used up
        ("皖B99999", Action.OPEN, "temporary.open", {"charge": True, "free_spaces": 8}),
    ],
)
def test_entry_table(plate: str, action: Action, reason: str, extra: dict[str, object]) -> None:
    d = decider(make_cache(), monthly_grace_days=3).decide(plate, "G1", PARK, ENTRY)
    assert (d.action, d.reason, d.duplicate) == (action, reason, False)
    for key, value in extra.items():
        assert getattr(d, key) == value, key
    assert d.message_zh and d.message_en


def test_no_grace_by_default_means_temporary() -> None:
    d = decider(make_cache()).decide("皖M0000E", "G1", PARK, ENTRY)
    assert d.reason == "temporary.open"
    assert "monthly.expired" in d.warnings


def test_temporary_policy_staff() -> None:
    d = decider(make_cache(), temporary_policy=TemporaryPolicy.STAFF).decide("皖B99999", "G1", PARK, ENTRY)
    assert (d.action, d.reason, d.charge) == (Action.STAFF, "temporary.confirm", False)


def test_temporary_already_inside_goes_to_staff() -> None:
    cache = make_cache()
    cache.record_entry(Presence("皖B99999", PARK, NOW - timedelta(hours=5), "temporary"))
    d = decider(cache).decide("皖B99999", "G1", PARK, ENTRY)
    assert (d.action, d.reason) == (Action.STAFF, "temporary.inside")
    assert d.entered_at == NOW - timedelta(hours=5)


def test_full_car_park_refuses_only_temporary() -> None:
    cache = make_cache(capacity=4, fixed=2)
    for i in range(2):
        cache.record_entry(Presence(f"皖C0000{i}", PARK, NOW, "temporary"))
    cache.record_entry(Presence("皖A11111", PARK, NOW, "resident", fixed_space=True))
    assert free_spaces(cache, PARK) == 0
    gate = decider(cache)
    full = gate.decide("皖B99999", "G1", PARK, ENTRY)
    assert (full.action, full.reason, full.free_spaces) == (Action.REFUSE, "temporary.full", 0)
    for plate in ("皖A22222", "皖M30000", "皖V12345"):
        assert gate.decide(plate, "G1", PARK, ENTRY).action is Action.OPEN


def test_fixed_spaces_do_not_count() -> None:
    cache = make_cache(capacity=5, fixed=3)
    assert free_spaces(cache, PARK) == 2
    cache.record_entry(Presence("皖A11111", PARK, NOW, "resident", fixed_space=True))
    assert free_spaces(cache, PARK) == 2
    cache.record_entry(Presence("皖C00001", PARK, NOW, "temporary"))
    assert free_spaces(cache, PARK) == 1


@pytest.mark.parametrize(
    ("plate", "inside", "action", "reason"),
    [
        ("皖A11111", False, Action.OPEN, "resident"),
        ("皖M30000", True, Action.OPEN, "monthly"),
        ("皖B99999", True, Action.OPEN, "temporary.exit"),
        ("皖A00001", True, Action.STAFF, "blacklist"),
        ("皖B99999", False, Action.STAFF, "exit.no_entry"),
    ],
)
def test_exit_table(plate: str, inside: bool, action: Action, reason: str) -> None:
    cache = make_cache()
    if inside:
        cache.record_entry(Presence(plate, PARK, NOW - timedelta(hours=2), "temporary"))
    d = decider(cache).decide(plate, "G2", PARK, EXIT)
    assert (d.action, d.reason) == (action, reason)
    assert d.entered_at == (NOW - timedelta(hours=2) if inside else None)
    assert d.charge is (reason == "temporary.exit")
    assert d.alarm is (reason == "blacklist")


def test_exit_without_entry_offers_fuzzy_matches() -> None:
    cache = make_cache()
    for plate in ("皖B99998", "皖B99999", "皖B88999", "苏B99999", "皖B9999D1"):
        cache.record_entry(Presence(plate, PARK, NOW, "temporary"))
    d = decider(cache).decide("皖B9999S", "G2", PARK, EXIT)
    assert d.action is Action.STAFF
    assert d.candidates == ("皖B99998", "皖B99999")


def test_mismatches() -> None:
    assert mismatches("皖A12345", "皖A12345") == 0
    assert mismatches("皖A12345", "皖A12346") == 1
    assert mismatches("皖A12345", "皖AD12345") == 8


def test_duplicate_reads_are_one_pass() -> None:
    cache, clock = make_cache(), Clock()
    gate = decider(cache, clock, duplicate_window=timedelta(seconds=30))
    first = gate.decide("皖B99999", "G1", PARK, ENTRY)
    assert first.action is Action.OPEN and not first.duplicate
    presence = gate.presence(first)
    assert presence is not None
    cache.record_entry(presence)
    cache.record_pass(gate.pass_record(first))
    clock.now = NOW + timedelta(seconds=20)
    again = gate.decide("皖B99999", "G1", PARK, ENTRY)
    assert (again.duplicate, again.action, again.reason) == (True, Action.OPEN, "temporary.open")
    assert gate.presence(again) is None
    assert gate.decide("皖B99999", "G9", PARK, ENTRY).reason == "temporary.inside"  # another gate
    clock.now = NOW + timedelta(seconds=31)
    late = gate.decide("皖B99999", "G1", PARK, ENTRY)
    assert (late.duplicate, late.reason) == (False, "temporary.inside")


def test_reservation_visits_are_counted() -> None:
    cache, clock = make_cache(), Clock()
    gate = decider(cache, clock, duplicate_window=timedelta(0))
    for expected in ("visitor", "visitor", "temporary.open"):
        d = gate.decide("皖V12345", "G1", PARK, ENTRY)
        assert d.reason == expected
        presence = gate.presence(d)
        assert presence is not None
        cache.record_entry(presence, d.reservation_id)
        cache.record_exit("皖V12345", PARK)
        clock.now += timedelta(minutes=5)


def test_monthly_pass_boundary_uses_clock_date() -> None:
    cache, clock = make_cache(), Clock()
    cache.passes[("皖M11111", PARK)] = MonthlyPass("皖M11111", PARK, date(2026, 11, 21))
    gate = decider(cache, clock)
    clock.now = datetime(2026, 11, 21, 23, 59)
    assert gate.decide("皖M11111", "G1", PARK, ENTRY).reason == "monthly"
    clock.now = datetime(2026, 11, 22, 0, 1)
    assert gate.decide("皖M11111", "G1", PARK, ENTRY).reason == "temporary.open"
