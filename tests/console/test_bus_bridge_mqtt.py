"""The bus bridge on a real Mosquitto: events stored in batches, each acknowledged to the broker only once stored."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from devices.bus import Event, MqttSettings, MqttTransport
from devices.bus.topics import event_topic
from property_console.bus_bridge import BusBridge
from property_console.models import Event as StoredEvent
from property_console.runtime import Runtime
from tests.uplink.mosquitto import PrivateMosquitto

COMMUNITY = "C0001"
DOORS = ("DOOR-1-1-0001", "DOOR-2-1-0002")


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[PrivateMosquitto]:
    mosquitto = PrivateMosquitto(tmp_path / "mosquitto", {"console": "pw", "edge": "pw"}).start()
    yield mosquitto
    mosquitto.stop()


def _transport(broker: PrivateMosquitto, user: str, **extra: Any) -> MqttTransport:
    settings = MqttSettings(host="127.0.0.1", port=broker.port, username=user, password="pw", **extra)
    return MqttTransport(settings)


def _connect(transport: MqttTransport) -> MqttTransport:
    """Connect after the subscribers registered: a persistent session delivers at once."""
    transport.start().wait_connected()
    return transport


def _events(n: int) -> list[Event]:
    start = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
    return [
        Event(
            id=uuid.uuid4(),
            device_id=DOORS[i % 2],
            kind="door_pass",
            ts=start + dt.timedelta(seconds=i),
            data={"subject": f"P-{i:04d}", "decision": "granted"},
        )
        for i in range(n)
    ]


def _publish(edge: MqttTransport, events: list[Event]) -> None:
    for e in events:
        edge.publish(event_topic(COMMUNITY, e.device_id, e.kind), e.to_bytes(), qos=1)


def _stored(rt: Runtime) -> int:
    with rt.sessions() as db:
        return int(db.execute(select(func.count()).select_from(StoredEvent)).scalar_one())


def _wait(condition: Any, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.mark.parametrize("seeded_url", ["sqlite"], indirect=True)  # batching, not the database, is under test
def test_events_over_mosquitto_are_stored_once_each(runtime: Runtime, broker: PrivateMosquitto) -> None:
    console = _transport(broker, "console")
    bridge = BusBridge(console, COMMUNITY, runtime.sessions).start()
    _connect(console)
    edge = _connect(_transport(broker, "edge"))
    try:
        events = _events(400)
        _publish(edge, events)
        _publish(edge, events[:50])  # QoS 1 redelivery of the first 50
        _wait(lambda: bridge.stored + bridge.rejected >= 450)
    finally:
        bridge.stop()
        edge.stop()
        console.stop()
    assert (bridge.stored, bridge.rejected) == (450, 0)  # 400 stored + 50 answered as duplicates
    assert _stored(runtime) == 400


def _refusing_sessions() -> Any:
    raise OperationalError("SELECT 1", {}, Exception("database is away"))


@pytest.mark.parametrize("seeded_url", ["sqlite"], indirect=True)
def test_a_message_is_acknowledged_only_once_stored(runtime: Runtime, broker: PrivateMosquitto) -> None:
    """A console whose database refuses the batch acknowledges none of it: its next session gets it again."""
    session_args = {"client_id": "sc-console-test", "clean_session": False}
    first = _transport(broker, "console", **session_args)
    failing = BusBridge(first, COMMUNITY, _refusing_sessions).start()  # type: ignore[arg-type]
    _connect(first)
    edge = _connect(_transport(broker, "edge"))
    events = _events(100)
    try:
        _publish(edge, events)
        _wait(
            lambda: failing.received >= 20
        )  # Mosquitto's in-flight window (20): the rest waits in the broker
        assert failing.received >= 20 and failing.stored == 0
    finally:
        failing.stop()
        first.stop()
    second = _transport(broker, "console", **session_args)
    bridge = BusBridge(second, COMMUNITY, runtime.sessions).start()
    _connect(second)
    try:
        _wait(lambda: _stored(runtime) >= 100)
    finally:
        bridge.stop()
        second.stop()
        edge.stop()
    assert _stored(runtime) == 100 and bridge.rejected == 0
