"""Alarm host and relay board simulators over pseudo-terminals, with faults on the virtual cable."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from devices.faults import PtyLink
from devices.relay import Relay, SerialBoardDriver
from devices.serial import AlarmHostClient, AlarmHostMessage, AlarmHostSimulator, SerialRelayBoardSimulator


class Inbox:
    def __init__(self) -> None:
        self.items: list[AlarmHostMessage] = []
        self.cond = threading.Condition()

    def __call__(self, message: AlarmHostMessage) -> None:
        with self.cond:
            self.items.append(message)
            self.cond.notify_all()

    def wait(self, n: int, timeout: float = 10.0) -> list[AlarmHostMessage]:
        with self.cond:
            assert self.cond.wait_for(lambda: len(self.items) >= n, timeout), self.items
        return self.items


@pytest.fixture
def link() -> Iterator[PtyLink]:
    pty = PtyLink()
    yield pty
    pty.close()


@pytest.fixture
def pair(link: PtyLink) -> Iterator[tuple[AlarmHostSimulator, AlarmHostClient, Inbox]]:
    sim = AlarmHostSimulator(link.device_port, serial="AH-42")
    inbox = Inbox()
    client = AlarmHostClient(link.host_port, inbox)
    yield sim, client, inbox
    sim.close()
    client.close()


def test_reports_and_commands(pair: tuple[AlarmHostSimulator, AlarmHostClient, Inbox]) -> None:
    sim, client, inbox = pair
    sim.heartbeat()
    sim.trip(12)
    sim.restore(12)
    sim.contact_id(131, 7)
    got = inbox.wait(4)
    assert [(m.kind, m.zone, m.event) for m in got] == [
        ("heartbeat", 0, ""),
        ("zone", 12, "ALARM"),
        ("zone", 12, "RESTORE"),
        ("contact_id", 7, "perimeter"),
    ]
    assert got[0].serial == "AH-42"
    client.arm(2)
    assert sim.armed == {2}
    client.disarm(2)
    assert sim.armed == set()


def test_corrupted_frame_is_retransmitted(
    pair: tuple[AlarmHostSimulator, AlarmHostClient, Inbox], link: PtyLink
) -> None:
    sim, client, inbox = pair
    link.to_host.corrupt_offset = -8  # a body byte ('M' of ALARM -> 'm'): the CRC no longer matches
    link.to_host.corrupt_mask = 0x20
    link.to_host.corrupt_next = 1
    sim.trip(1)
    assert [m.zone for m in inbox.wait(1)] == [1]
    assert [e.reason for e in client.link.errors] == ["crc"]


def test_dropped_report_and_dropped_ack_give_exactly_one_event(
    pair: tuple[AlarmHostSimulator, AlarmHostClient, Inbox], link: PtyLink
) -> None:
    sim, _client, inbox = pair
    link.to_host.drop_next = 1
    sim.trip(2)
    assert sim.wait_idle()
    link.to_device.drop_next = 1  # our ACK is lost: the host retransmits, we must not duplicate
    sim.trip(3)
    assert sim.wait_idle()
    time.sleep(0.1)
    assert [m.zone for m in inbox.items] == [2, 3]


def test_split_and_delayed_frames(
    pair: tuple[AlarmHostSimulator, AlarmHostClient, Inbox], link: PtyLink
) -> None:
    sim, _client, inbox = pair
    link.to_host.split = 3
    link.to_host.delay = 0.05
    for zone in (4, 5, 6):
        sim.trip(zone)
    assert [m.zone for m in inbox.wait(3)] == [4, 5, 6]


def test_cut_cable_reports_undelivered_then_recovers(
    pair: tuple[AlarmHostSimulator, AlarmHostClient, Inbox], link: PtyLink
) -> None:
    sim, _client, inbox = pair
    sim.link.retries = 1
    link.cut = True
    sim.trip(9)
    assert sim.wait_idle()
    assert sim.undelivered == [("EVT", ("009", "ALARM"))]
    link.cut = False
    sim.trip(10)
    assert [m.zone for m in inbox.wait(1)] == [10]


def test_serial_relay_board_records_pulses(link: PtyLink) -> None:
    board = SerialRelayBoardSimulator(link.device_port, channels=4)
    driver = SerialBoardDriver(link.host_port)
    try:
        lock = Relay(driver, 2, name="door")
        lock.pulse(0.1)
        deadline = time.monotonic() + 5
        while not board.recorder.pulses and time.monotonic() < deadline:
            time.sleep(0.01)
        pulse = board.recorder.pulses[0]
        assert pulse.channel == 2 and pulse.duration > 0
        link.to_device.corrupt_next = 1  # bad checksum: the board must ignore the frame
        Relay(driver, 3).hold(True)
        deadline = time.monotonic() + 5
        while not link.to_device.corrupted and time.monotonic() < deadline:
            time.sleep(0.01)
        Relay(driver, 4).hold(True)
        deadline = time.monotonic() + 5
        while not board.recorder.state[4] and time.monotonic() < deadline:
            time.sleep(0.01)
        assert board.recorder.state[1:] == [False, False, False, True]
        assert board.decoder.errors >= 1
    finally:
        board.close()
        driver.close()
