"""Safety sensors: limits with hysteresis and minimum duration, noisy series, missing readings."""

from __future__ import annotations

import random

import pytest

from perimeter import state_machine as sm
from perimeter.safety import Limits, SafetyMonitor, to_events

PRESSURE = Limits(low=0.15, high=1.2, hysteresis=0.02, min_duration=3.0, max_age=10.0)  # MPa, hydrant main


def run(limits: Limits, series: list[tuple[float, float | None]]) -> list[tuple[float, str]]:
    m = SafetyMonitor("s1", limits, started_at=series[0][0])
    return [(c.at, c.change) for t, v in series for c in m.reading(v, t)]


# (name, limits, series of (t, value), expected changes) — one row per behaviour.
TABLE = [
    ("steady normal", PRESSURE, [(t, 0.5) for t in range(20)], []),
    ("low for less than min_duration", PRESSURE, [(0, 0.5), (1, 0.1), (2, 0.1), (3.5, 0.5), (4, 0.1)], []),
    (
        "low long enough",
        PRESSURE,
        [(0, 0.5), (1, 0.1), (2, 0.1), (3, 0.1), (4, 0.1), (5, 0.1)],
        [(4, "alarm")],
    ),
    ("high long enough", PRESSURE, [(0, 1.5), (1, 1.5), (2, 1.5), (3, 1.5)], [(3, "alarm")]),
    (
        "inside but within hysteresis does not clear",
        PRESSURE,
        [(t, 0.1) for t in range(4)] + [(t, 0.16) for t in range(4, 20)],
        [(3, "alarm")],
    ),
    (
        "clear needs min_duration too",
        PRESSURE,
        [(t, 0.1) for t in range(4)]
        + [(4, 0.3), (5, 0.3), (6, 0.1), (7, 0.3), (8, 0.3), (9, 0.3), (10, 0.3)],
        [(3, "alarm"), (10, "normal")],
    ),
    ("exactly at the limit is normal", PRESSURE, [(t, 0.15) for t in range(10)], []),
    (
        "no debounce alarms at once",
        Limits(high=0.5, min_duration=0),
        [(0, 0), (1, 1), (2, 0)],
        [(1, "alarm"), (2, "normal")],
    ),
    (
        "missing readings become a fault, then clear",
        PRESSURE,
        [(0, 0.5), (5, None), (9, None), (10, None), (11, None), (12, 0.5)],
        [(10, "fault"), (12, "fault_cleared")],
    ),
    ("NaN is no reading", PRESSURE, [(0, 0.5), (11, float("nan"))], [(11, "fault")]),
]


@pytest.mark.parametrize(("name", "limits", "series", "expected"), TABLE, ids=[r[0] for r in TABLE])
def test_limits(name: str, limits: Limits, series: list, expected: list) -> None:
    assert run(limits, series) == expected


@pytest.mark.parametrize("seed", range(5))
def test_noise_around_threshold_does_not_flap(seed: int) -> None:
    """Leakage current hovering at the 30 mA limit with ±3 mA noise: at most one alarm, never a flap."""
    rng = random.Random(seed)
    limits = Limits(high=30.0, hysteresis=5.0, min_duration=2.0)
    series = [(i * 0.5, 30.0 + rng.uniform(-3, 3)) for i in range(600)]
    changes = run(limits, series)
    assert [c for _, c in changes if c == "normal"] == []
    assert len(changes) <= 1


@pytest.mark.parametrize("seed", range(5))
def test_noisy_real_excursion_gives_one_alarm_and_one_clear(seed: int) -> None:
    """A 20 s over-temperature episode with noise: exactly one alarm then one clear."""
    rng = random.Random(seed)
    limits = Limits(high=70.0, hysteresis=5.0, min_duration=3.0)
    series = []
    for i in range(240):  # 120 s at 0.5 s
        t = i * 0.5
        base = 85.0 if 40 <= t < 60 else 55.0
        series.append((t, base + rng.uniform(-4, 4)))
    changes = run(limits, series)
    assert [c for _, c in changes] == ["alarm", "normal"]
    assert 43 <= changes[0][0] <= 44 and 63 <= changes[1][0] <= 64


def test_tick_detects_a_silent_sensor_and_only_once() -> None:
    m = SafetyMonitor("smoke-1", Limits(high=0.5), started_at=0)
    assert m.tick(9) == []
    (c,) = m.tick(10)
    assert c.change == "fault" and "smoke-1" in c.message_zh
    assert m.tick(50) == []


def test_fault_resets_a_pending_alarm() -> None:
    m = SafetyMonitor("p", PRESSURE, started_at=0)
    m.reading(0.1, 0)
    m.reading(0.1, 2)
    m.tick(12)
    assert [c.change for c in m.reading(0.1, 13)] == ["fault_cleared"]
    assert [c.change for c in m.reading(0.1, 16)] == ["alarm"]


def test_messages_name_the_direction() -> None:
    m = SafetyMonitor("p", Limits(low=1, high=2), started_at=0)
    (c,) = m.reading(5, 0)
    assert "高于上限" in c.message_zh and "above high" in c.message_en


@pytest.mark.parametrize(
    "kw",
    [{}, {"low": 1, "high": 2, "hysteresis": 0.5}, {"high": 1, "max_age": 0}, {"high": 1, "hysteresis": -1}],
)
def test_bad_limits_are_refused(kw: dict) -> None:
    with pytest.raises(ValueError):
        Limits(**kw)


def test_changes_drive_a_fire_zone_in_the_state_machine() -> None:
    machine = sm.AlarmMachine(
        [sm.PartitionSpec("P")], [sm.ZoneSpec("smoke", "P", sm.ZoneType.FIRE, "H", "配电房烟感")]
    )
    mon = SafetyMonitor("smoke-1", Limits(high=0.5, min_duration=1.0), started_at=0)
    effects: list[sm.Effect] = []
    for t, v in [(0, 0), (1, 1), (2, 1), (3, 0), (4, 0)]:
        for change in mon.reading(v, t):
            for ev in to_events(change, "smoke"):
                effects += machine.handle(ev)
    kinds = [type(e) for e in effects]
    assert sm.ReleaseEscapeDoors in kinds and machine.alarms()[0].kind == sm.AlarmKind.FIRE
    assert len(machine.alarms()) == 1  # latched after the smoke cleared
    effects = []
    for change in mon.tick(20):
        for ev in to_events(change, "smoke"):
            effects += machine.handle(ev)
    assert [a.kind for a in machine.alarms()] == [sm.AlarmKind.FIRE, sm.AlarmKind.FAULT]
