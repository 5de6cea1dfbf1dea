"""Short trips: a zone that trips and restores within one poll (or during an outage) still alarms."""

from __future__ import annotations

import pytest

from perimeter import state_machine as sm
from perimeter.short_trip import HostSample, HostTracker, edges, trips_since

OP, C = True, False


@pytest.mark.parametrize(
    ("was_open", "live", "trips", "expected"),
    [
        (C, C, 0, []),
        (C, OP, 0, [OP]),  # open seen live though no counted edge
        (C, OP, 1, [OP]),
        (C, C, 1, [OP, C]),  # the short trip
        (C, C, 2, [OP, C, OP, C]),
        (C, OP, 2, [OP, C, OP]),
        (C, C, 9, [OP, C, OP, C, OP, C]),  # capped at 3 pulses: counted, not flooded
        (OP, OP, 0, []),
        (OP, C, 0, [C]),
        (OP, OP, 1, [C, OP]),  # closed and re-opened between polls
        (OP, C, 1, [C, OP, C]),
    ],
)
def test_edges(was_open: bool, live: bool, trips: int, expected: list[bool]) -> None:
    assert edges(was_open, live, trips, max_pulses=3) == expected


@pytest.mark.parametrize(
    ("prev", "now", "latched", "expected"),
    [
        (5, 5, False, 0),
        (5, 6, True, 1),
        (65535, 1, True, 2),  # wrap at 2^16
        (None, 7, True, 1),  # first sample: the latch tells
        (None, 7, False, 0),
        (500, 3, True, 1),  # counter went back (host restart): trust the latch
        (500, 3, False, 0),
        (None, None, True, 1),  # host without counters
    ],
)
def test_trips_since(prev: int | None, now: int | None, latched: bool, expected: int) -> None:
    assert trips_since(prev, now, latched, max_jump=1000) == expected


def sample(
    live: str, latched: str, counters: list[int] | None, fault: str = "0000", **kw: object
) -> HostSample:
    bits = lambda s: [c == "1" for c in s]  # noqa: E731
    return HostSample(bits(live), bits(latched), bits(fault), counters, **kw)  # type: ignore[arg-type]


ZONES = {1: "z1", 2: "z2", 3: "z3", 4: "z4"}


def names(events: list[sm.Event]) -> list[str]:
    out = []
    for e in events:
        tag = {
            sm.ZoneOpened: "open",
            sm.ZoneClosed: "close",
            sm.HostSilent: "silent",
            sm.HostBack: "back",
        }.get(type(e))
        if isinstance(e, sm.LineFault):
            tag = "fault" if e.active else "fault-clear"
        out.append(f"{tag}:{getattr(e, 'zone_id', getattr(e, 'host_id', ''))}")
    return out


def test_pulse_between_polls_is_an_open_and_close() -> None:
    t = HostTracker("H1", ZONES)
    assert t.sample(sample("0000", "0000", [0, 0, 0, 0]), 0.0) == []
    evs = t.sample(sample("0000", "0100", [0, 1, 0, 0]), 0.2)
    assert names(evs) == ["open:z2", "close:z2"]
    assert t.to_clear == [2]


def test_response_lost_counter_still_counts() -> None:
    """A lost poll and a latch cleared in between: the counter difference still shows two trips."""
    t = HostTracker("H1", ZONES, silent_after=5)
    t.sample(sample("0000", "0000", [10, 0, 0, 0]), 0.0)
    assert t.failure(0.2) == []
    evs = t.sample(sample("0000", "0000", [12, 0, 0, 0]), 0.4)
    assert names(evs) == ["open:z1", "close:z1", "open:z1", "close:z1"]


def test_host_outage_of_30s_is_a_fault_and_no_trip_is_missed() -> None:
    t = HostTracker("H1", ZONES, silent_after=5)
    t.sample(sample("0000", "0000", [0, 0, 0, 0]), 0.0)
    events = []
    for k in range(1, 151):  # 30 s of failures every 0.2 s
        events += t.failure(k * 0.2)
    assert names(events) == ["silent:H1"] and events[0].at == pytest.approx(5.0)
    evs = t.sample(sample("0010", "1011", [1, 0, 1, 3]), 30.2)
    assert names(evs) == [
        "back:H1",
        "open:z1",
        "close:z1",
        "open:z3",
        "open:z4",
        "close:z4",
        "open:z4",
        "close:z4",
        "open:z4",
        "close:z4",
    ]


def test_trip_between_counter_read_and_live_read_is_reported_once() -> None:
    """Counters are read first: a trip right after shows live now and in the counter next poll."""
    t = HostTracker("H1", ZONES)
    t.sample(sample("0000", "0000", [0, 0, 0, 0]), 0)
    assert names(t.sample(sample("1000", "1000", [0, 0, 0, 0]), 1)) == ["open:z1"]
    assert names(t.sample(sample("1000", "1000", [1, 0, 0, 0]), 2)) == []
    assert names(t.sample(sample("1000", "1000", [2, 0, 0, 0]), 3)) == ["close:z1", "open:z1"]  # real re-trip


def test_first_sample_uses_the_latch() -> None:
    t = HostTracker("H1", ZONES)
    assert names(t.sample(sample("0010", "1010", [4, 4, 4, 4]), 0)) == ["open:z1", "close:z1", "open:z3"]


def test_host_without_counters_relies_on_latches() -> None:
    t = HostTracker("H1", ZONES)
    t.sample(sample("0000", "0000", None), 0)
    assert names(t.sample(sample("0000", "0001", None), 1)) == ["open:z4", "close:z4"]
    assert names(t.sample(sample("0000", "0000", None), 2)) == []  # latch cleared: nothing new


def test_line_fault_edges_and_unmapped_inputs_ignored() -> None:
    t = HostTracker("H1", {2: "z2"})
    t.sample(sample("0000", "0000", [0, 0, 0, 0]), 0)
    assert names(t.sample(sample("1000", "1000", [1, 0, 0, 0], fault="0100"), 1)) == ["fault:z2"]
    assert names(t.sample(sample("0000", "0000", [1, 0, 0, 0], fault="0000"), 2)) == ["fault-clear:z2"]


def test_enclosure_tamper_pulse_is_counted() -> None:
    t = HostTracker("H1", {}, tamper_zone="box")
    t.sample(sample("", "", [], tamper_count=0), 0)
    evs = t.sample(sample("", "", [], tamper_latched=True, tamper_count=1), 1)
    assert names(evs) == ["open:box", "close:box"]


def test_short_trip_latches_an_alarm_in_the_state_machine() -> None:
    m = sm.AlarmMachine(
        [sm.PartitionSpec("P", exit_delay=0)],
        [sm.ZoneSpec(z, "P", sm.ZoneType.PERIMETER, "H1") for z in ZONES.values()],
    )
    t = HostTracker("H1", ZONES)
    m.handle(sm.Arm(partition_id="P", at=0, who="guard"))
    for e in t.sample(sample("0000", "0000", [0, 0, 0, 0]), 0.0):
        m.handle(e)
    for e in t.sample(sample("0000", "0010", [0, 0, 1, 0]), 0.2):
        m.handle(e)
    assert m.state("P") == sm.PartitionState.TRIGGERED
    assert [(a.zone_id, a.kind) for a in m.alarms()] == [("z3", sm.AlarmKind.INTRUSION)]
