"""Presence over a real Mosquitto: an edge process killed with kill -9 shows offline within twice its keepalive,
a clean stop (SIGTERM) at once, a silently cut link too."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from devices.bus import MqttSettings, MqttTransport
from devices.faults import TcpFaultProxy
from property_console.bus_bridge import BusBridge
from property_console.events.presence import open_interval
from property_console.runtime import Runtime
from tests.uplink.mosquitto import PrivateMosquitto

GATE, KEEPALIVE = "GATE-N-0001", 3
USERS = {"console": "console-pw", "gate": "gate-pw"}

# A minimal edge: last will, heartbeat with keepalive, clean stop on SIGTERM (devices/lifecycle.py).
EDGE = """
import sys, time
from devices.bus import MqttSettings, MqttTransport, with_last_will
from devices.bus.heartbeat import Heartbeat
from devices.lifecycle import exit_on_signals
port, keepalive = int(sys.argv[1]), int(sys.argv[2])
settings = MqttSettings(port=port, username="gate", password="gate-pw", client_id="gate-test", keepalive=keepalive)
transport = MqttTransport(with_last_will(settings, "C0001", "GATE-N-0001")).start()
exit_on_signals()
try:
    transport.wait_connected()
    beat = Heartbeat(transport, "C0001", "GATE-N-0001", keepalive_s=keepalive, kind="gate").start()
    print("up", flush=True)
    try:
        while True:
            time.sleep(1)
    finally:
        beat.stop()
finally:
    transport.stop()
"""


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[PrivateMosquitto]:
    b = PrivateMosquitto(tmp_path / "mosquitto", USERS).start()
    yield b
    b.stop()


@pytest.fixture
def console(runtime: Runtime, broker: PrivateMosquitto) -> Iterator[BusBridge]:
    settings = MqttSettings(port=broker.port, username="console", password="console-pw", client_id="console")
    transport = MqttTransport(settings).start()
    transport.wait_connected()
    bridge = BusBridge(transport, "C0001", runtime.sessions).start()
    yield bridge
    bridge.stop()
    transport.stop()


def start_edge(port: int) -> subprocess.Popen[str]:
    edge = subprocess.Popen(
        [sys.executable, "-c", EDGE, str(port), str(KEEPALIVE)], stdout=subprocess.PIPE, text=True
    )
    assert edge.stdout is not None and edge.stdout.readline().strip() == "up"
    return edge


def presence(rt: Runtime) -> tuple[bool, str] | None:
    with rt.sessions() as db:
        current = open_interval(db, GATE)
        return None if current is None else (current.online, current.reason)


def until(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


def status(rt: Runtime) -> str:
    from property_console.models import Device

    with rt.sessions() as db:
        return db.execute(select(Device.status).where(Device.serial == GATE)).scalar_one()


@pytest.mark.usefixtures("console")
def test_kill_9_shows_offline_within_twice_the_keepalive(runtime: Runtime, broker: PrivateMosquitto) -> None:
    edge = start_edge(broker.port)
    try:
        assert until(lambda: presence(runtime) == (True, "online"), 2 * KEEPALIVE)
        edge.send_signal(signal.SIGKILL)
        edge.wait(5)
        assert until(lambda: presence(runtime) == (False, "last_will"), 2 * KEEPALIVE)
        assert status(runtime) == "offline"
    finally:
        edge.kill()
        edge.wait(5)


@pytest.mark.usefixtures("console")
def test_sigterm_announces_offline_itself(runtime: Runtime, broker: PrivateMosquitto) -> None:
    edge = start_edge(broker.port)
    try:
        assert until(lambda: presence(runtime) == (True, "online"), 2 * KEEPALIVE)
        edge.send_signal(signal.SIGTERM)
        assert edge.wait(10) == 0
        # "shutdown": the edge's own announcement, not the broker's will after a dead socket
        assert until(lambda: presence(runtime) == (False, "shutdown"), 2 * KEEPALIVE)
        assert status(runtime) == "offline"
    finally:
        edge.kill()
        edge.wait(5)


@pytest.mark.usefixtures("console")
def test_a_silently_cut_link_shows_offline(runtime: Runtime, broker: PrivateMosquitto) -> None:
    proxy = TcpFaultProxy("127.0.0.1", broker.port)
    edge = start_edge(proxy.port)
    try:
        assert until(lambda: presence(runtime) == (True, "online"), 2 * KEEPALIVE)
        proxy.up.drop_rate = proxy.down.drop_rate = 1.0  # no FIN, no RST: the bytes just stop
        # the console's silence check (2x keepalive) or the broker's keepalive timer (1.5x), whichever first
        assert until(
            lambda: presence(runtime) in ((False, "silent"), (False, "last_will")), 2 * KEEPALIVE + 2
        )
        assert status(runtime) == "offline"
    finally:
        edge.kill()
        edge.wait(5)
        proxy.close()
