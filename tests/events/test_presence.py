"""Presence: intervals from states, wills and silence; availability computed from those intervals."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from devices.bus import DeviceState
from property_console.events import presence, reports
from property_console.models import Device, Event
from property_console.models.presence import PresenceInterval
from property_console.presence_watch import PresenceWatch
from property_console.runtime import Runtime

T0 = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)
GATE = "GATE-N-0001"  # a seeded device


def test_availability_from_hand_written_intervals() -> None:
    spans = [(True, T0 - H, T0 + H), (False, T0 + H, T0 + 2 * H), (True, T0 + 2 * H, None)]
    # window T0..T0+4h: online 1h, offline 1h, online 2h (the last interval still lasts)
    assert presence.online_share(spans, T0, T0 + 4 * H) == 0.75
    assert presence.offline_count(spans, T0) == 1
    assert presence.offline_count(spans, T0 + 90 * dt.timedelta(minutes=1)) == 0


def test_time_before_the_first_interval_is_unknown_not_offline() -> None:
    spans = [(True, T0 + 2 * H, T0 + 3 * H), (False, T0 + 3 * H, None)]
    assert presence.online_share(spans, T0, T0 + 4 * H) == 0.5
    assert presence.online_share([], T0, T0 + 4 * H) is None
    assert presence.online_share([(False, T0 - 2 * H, T0 - H)], T0, T0 + H) is None


def status_of(rt: Runtime, serial: str) -> str:
    with rt.sessions() as db:
        return db.execute(select(Device.status).where(Device.serial == serial)).scalar_one()


def test_record_writes_transitions_only_and_never_runs_backwards(runtime: Runtime) -> None:
    with runtime.sessions.begin() as db:
        assert presence.record(db, GATE, True, T0, "online")
        assert not presence.record(db, GATE, True, T0 + H, "online")  # a heartbeat
        assert presence.record(db, GATE, False, T0 - H, "last_will")  # older than the open interval
    with runtime.sessions() as db:
        rows = db.execute(select(PresenceInterval).order_by(PresenceInterval.id)).scalars().all()
        kinds = db.execute(select(Event.kind).where(Event.device_serial == GATE)).scalars().all()
        spans = presence.intervals(db, GATE, T0 - 2 * H)
    assert [(r.online, r.ended_at is None) for r in rows] == [(True, False), (False, True)]
    assert spans[1][1] == T0  # the offline interval starts where the online one did, not before
    assert sorted(kinds) == ["device_offline", "device_online"]
    assert status_of(runtime, GATE) == "offline"


def noon_zone(now: dt.datetime) -> ZoneInfo:
    """A zone where it is about noon now, so the last four hours lie within the report's today."""
    ahead = 12 - now.hour  # Etc/GMT-N is N hours ahead of UTC
    return ZoneInfo(f"Etc/GMT{-ahead:+d}" if ahead else "UTC")


def test_report_availability_uses_the_intervals(runtime: Runtime) -> None:
    now = dt.datetime.now(dt.UTC)
    with runtime.sessions.begin() as db:
        presence.record(db, GATE, True, now - 4 * H, "online")
        presence.record(db, GATE, False, now - 3 * H, "last_will")
        presence.record(db, GATE, True, now - 2 * H, "online")
        presence.record(db, GATE, False, now - H, "shutdown")
    with runtime.sessions() as db:
        rows = {r["serial"]: r for r in reports.availability(db, noon_zone(now), 1)}
    # known for 4 h, online 1 h + 1 h of it, offline twice; devices never heard of have no figure
    assert rows[GATE]["availability"] == 0.5
    assert rows[GATE]["offline_events"] == 2
    assert rows[GATE]["status"] == "offline"
    assert rows["LPR-N-0001"]["availability"] is None


def test_a_will_dated_at_connect_still_marks_the_device_offline(runtime: Runtime) -> None:
    """The regression: the will is built before the online announcement, so its own ts is older."""
    connect = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    watch = PresenceWatch(runtime.sessions)
    will = DeviceState(device_id=GATE, online=False, ts=connect, info={"reason": "last_will"})
    online = DeviceState(
        device_id=GATE, online=True, ts=connect + dt.timedelta(seconds=1), info={"kind": "gate"}
    )
    watch.on_state(online)
    watch.on_state(online)  # the same state again writes nothing
    watch.on_state(will)
    assert status_of(runtime, GATE) == "offline"
    with runtime.sessions() as db:
        spans = presence.intervals(db, GATE, connect - H)
    assert [on for on, _s, _e in spans] == [True, False]
    assert spans[1][1] > connect + dt.timedelta(minutes=4)  # dated when the console learned it


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_device_silent_for_twice_its_keepalive_goes_offline(runtime: Runtime) -> None:
    ticks = Ticks()
    watch = PresenceWatch(runtime.sessions, monotonic=ticks)
    watch.on_state(DeviceState(device_id=GATE, online=True, info={"heartbeat": 15}))
    ticks.now += 20
    watch.heard(GATE)  # an event: alive
    ticks.now += 29
    assert watch.check() == []
    assert status_of(runtime, GATE) == "online"
    ticks.now += 2  # 31 s since it was last heard
    assert watch.check() == [GATE]
    assert status_of(runtime, GATE) == "offline"
    assert watch.check() == []  # once


def test_a_device_without_heartbeat_is_never_judged_by_silence(runtime: Runtime) -> None:
    """An MQTT keepalive goes to the broker only: it promises the console nothing."""
    ticks = Ticks()
    watch = PresenceWatch(runtime.sessions, monotonic=ticks)
    watch.on_state(DeviceState(device_id=GATE, online=True, info={"keepalive": 15}))
    ticks.now += 3600
    assert watch.check() == []
    assert status_of(runtime, GATE) == "online"


def test_a_device_has_one_open_interval_at_most(runtime: Runtime) -> None:
    """Two console processes learning the same will cannot both open an interval."""
    with runtime.sessions.begin() as db:
        presence.record(db, GATE, True, T0, "online")
    with pytest.raises(IntegrityError), runtime.sessions.begin() as db:
        db.add(PresenceInterval(device_serial=GATE, online=False, started_at=T0 + H, reason="last_will"))
