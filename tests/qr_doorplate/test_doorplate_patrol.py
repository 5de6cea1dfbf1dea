"""Patrol evaluation, table-driven: on time, late, out of order, missed, pending; and the reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from qr_doorplate.patrol import CheckStatus, Route, Scan, Schedule, Window, evaluate
from qr_doorplate.patrol_report import report_by_guard, report_by_route

START = datetime(2026, 11, 21, 22, 0, tzinfo=UTC)
ROUTE = Route("R1", "东区夜巡", ("A", "B", "C", "D"))
# Planned A 22:00, B 22:10, C 22:20, D 22:30: on time within ±5 min, late for 10 min more, then missed.
# So A: on time [-5, 5], late (5, 15]; B: [5, 15], (15, 25]; C: [15, 25], (25, 35]; D: [25, 35], (35, 45].
SCHEDULE = Schedule.evenly("S1", ROUTE, "g1", START, timedelta(minutes=10))
ALL_ON_TIME = "on_time on_time on_time on_time"


def _at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def _scans(*items: tuple[str, float], guard: str = "g1") -> list[Scan]:
    return [Scan(cp, guard, _at(m)) for cp, m in items]


CASES = [
    ("all on time", [("A", 0), ("B", 9), ("C", 20), ("D", 26)], 60, ALL_ON_TIME, ""),
    ("one late", [("A", 0), ("B", 17), ("C", 20), ("D", 30)], 60, "on_time late on_time on_time", "B"),
    ("one missed", [("A", 0), ("B", 10), ("D", 30)], 60, "on_time on_time missed on_time", "C"),
    ("nothing scanned", [], 60, "missed missed missed missed", "ABCD"),
    ("round in progress", [("A", 1)], 12, "on_time pending pending pending", ""),
    ("B missed once it closes", [("A", 1)], 25.01, "on_time missed pending pending", "B"),
    ("scans exactly at due", [("A", 5), ("B", 15), ("C", 25), ("D", 35)], 60, ALL_ON_TIME, ""),
    ("scan exactly at close is late", [("A", 15)], 16, "late pending pending pending", "A"),
    ("scan after close is missed", [("A", 15.5)], 16, "missed pending pending pending", "A"),
    ("early scan does not count", [("A", -6)], 16, "missed pending pending pending", "A"),
    ("scan exactly at open", [("A", -5)], 16, "on_time pending pending pending", ""),
    ("C before B", [("A", 0), ("C", 16), ("B", 18), ("D", 30)], 60, "on_time late out_of_order on_time", "B"),
    (
        "repeats take the first",
        [("A", 0), ("A", 1), ("B", 12), ("B", 9)],
        15,
        "on_time on_time pending pending",
        "",
    ),
    ("future scans ignored", [("A", 0), ("B", 9)], 5, "on_time pending pending pending", ""),
]


@pytest.mark.parametrize(("name", "scans", "now", "outcomes", "alarms"), CASES, ids=[c[0] for c in CASES])
def test_evaluate_table(
    name: str, scans: list[tuple[str, float]], now: float, outcomes: str, alarms: str
) -> None:
    result = evaluate(ROUTE, SCHEDULE, _scans(*scans), _at(now))
    assert [c.outcome for c in result.checks] == outcomes.split()
    assert "".join(c.checkpoint for c in result.alarms) == alarms
    assert result.finished == ("pending" not in outcomes)


def test_out_of_order_flags_the_fewest_checkpoints() -> None:
    # Scanned D (within its window), then A, B, C: only D broke the order.
    route = Route("R2", "环线", ("A", "B", "C", "D"))
    wide = Window(_at(-30), _at(30), _at(40))
    schedule = Schedule("S2", "R2", "g1", (wide,) * 4)
    result = evaluate(route, schedule, _scans(("D", 0), ("A", 1), ("B", 2), ("C", 3)), _at(50))
    assert [c.checkpoint for c in result.checks if c.out_of_order] == ["D"]
    assert all(c.status is CheckStatus.ON_TIME for c in result.checks)
    assert result.alarms == ()


def test_scans_by_other_guards_and_other_checkpoints_are_ignored() -> None:
    scans = _scans(("A", 0), ("B", 10), guard="g2") + _scans(("Z", 1), ("A", 2), ("A", 3))
    result = evaluate(ROUTE, SCHEDULE, scans, _at(15))
    assert [c.outcome for c in result.checks] == ["on_time", "pending", "pending", "pending"]
    assert result.checks[0].scanned_at == _at(2)
    assert result.ignored_scans == 2  # Z and the second A; g2's scans are not this guard's


def test_late_delay_is_measured_from_due() -> None:
    result = evaluate(ROUTE, SCHEDULE, _scans(("A", 7.5)), _at(60))
    assert result.checks[0].delay == timedelta(minutes=2.5)
    assert result.checks[1].delay is None


def test_evaluation_is_deterministic_and_order_independent() -> None:
    scans = _scans(("A", 0), ("C", 16), ("B", 18), ("D", 30), ("A", 2))
    first = evaluate(ROUTE, SCHEDULE, scans, _at(60))
    assert evaluate(ROUTE, SCHEDULE, list(reversed(scans)), _at(60)) == first


def test_invalid_inputs_are_rejected() -> None:
    with pytest.raises(ValueError):
        Route("R", "dup", ("A", "A"))
    with pytest.raises(ValueError):
        Route("R", "empty", ())
    with pytest.raises(ValueError):
        Window(_at(5), _at(0), _at(10))
    with pytest.raises(ValueError):
        Window(datetime(2026, 1, 1), datetime(2026, 1, 1), datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        evaluate(Route("R9", "other", ("A", "B", "C", "D")), SCHEDULE, [], _at(0))
    with pytest.raises(ValueError):
        evaluate(ROUTE, SCHEDULE, [], datetime(2026, 11, 21, 23, 0))


def test_reports_per_guard_and_per_route() -> None:
    route2 = Route("R2", "西区", ("X", "Y"))
    wide = Window(_at(-30), _at(30), _at(40))
    rounds = [
        evaluate(ROUTE, SCHEDULE, _scans(("A", 0), ("B", 10), ("C", 20), ("D", 30)), _at(90)),
        evaluate(
            ROUTE,
            Schedule.evenly("S3", ROUTE, "g2", START, timedelta(minutes=10)),
            _scans(("A", 0), ("B", 17), guard="g2"),
            _at(90),
        ),
        evaluate(route2, Schedule("S4", "R2", "g1", (wide, wide)), _scans(("Y", 1), ("X", 2)), _at(20)),
        evaluate(route2, Schedule.evenly("S5", route2, "g2", START, timedelta(minutes=30)), [], _at(20)),
    ]
    guards = {s.key: s for s in report_by_guard(rounds)}
    assert list(guards) == ["g1", "g2"]
    g1, g2 = guards["g1"], guards["g2"]
    assert (g1.rounds, g1.checkpoints, g1.on_time, g1.late, g1.missed, g1.pending) == (2, 6, 6, 0, 0, 0)
    assert g1.out_of_order == 1  # Y before X
    assert (g2.rounds, g2.checkpoints, g2.on_time, g2.late, g2.missed, g2.pending) == (2, 6, 1, 1, 3, 1)
    assert g2.completion_rate == pytest.approx(2 / 5) and g2.punctuality_rate == pytest.approx(1 / 5)
    assert g1.completion_rate == pytest.approx(1.0) and g1.punctuality_rate == pytest.approx(1.0)
    routes = {s.key: s for s in report_by_route(rounds)}
    assert (routes["R1"].rounds, routes["R1"].checkpoints, routes["R1"].missed, routes["R1"].late) == (
        2,
        8,
        2,
        1,
    )
    assert (routes["R2"].missed, routes["R2"].pending, routes["R2"].out_of_order) == (1, 1, 1)
    assert report_by_guard([]) == []
