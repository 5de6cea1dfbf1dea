"""Disk buffer (bounded, oldest dropped with a logged count) and the outbox's in-order replay."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from devices.bus import DiskBuffer, InProcessBus, Outbox


def test_disk_buffer_is_fifo_and_survives_reopen(tmp_path: Path) -> None:
    buf = DiskBuffer(tmp_path / "b.db", max_messages=10)
    for i in range(3):
        buf.append(f"t/{i}", str(i).encode())
    buf.close()
    again = DiskBuffer(tmp_path / "b.db", max_messages=10)
    assert len(again) == 3
    assert [m.payload for m in again.after(0)] == [b"0", b"1", b"2"]
    again.remove([again.after(0, 1)[0].seq])
    assert [m.topic for m in again.after(0)] == ["t/1", "t/2"]


def test_disk_buffer_drops_oldest_and_logs_count(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    buf = DiskBuffer(tmp_path / "b.db", max_messages=3)
    with caplog.at_level(logging.WARNING):
        for i in range(5):
            buf.append("t", str(i).encode())
    assert [m.payload for m in buf.after(0)] == [b"2", b"3", b"4"]
    assert buf.dropped == 2
    assert sum("dropped 1 oldest" in r.getMessage() for r in caplog.records) == 2


def test_publisher_buffers_while_down_and_replays_in_order(tmp_path: Path) -> None:
    hub = InProcessBus()
    got: list[bytes] = []
    hub.connect().subscribe("t/#", lambda topic, payload: got.append(payload))
    pub = Outbox(hub.connect(), tmp_path / "b.db", retry_interval=0.02)
    pub.publish("t/a", b"0")
    hub.up = False
    for i in range(1, 50):
        pub.publish("t/a", str(i).encode())
    assert pub.pending() == 49 and got == [b"0"]
    hub.up = True
    pub.publish("t/a", b"50")  # must queue behind the backlog, not overtake it
    assert pub.flush(5)
    assert got == [str(i).encode() for i in range(51)]
    pub.stop()


def test_backlog_on_disk_is_delivered_after_restart(tmp_path: Path) -> None:
    hub = InProcessBus()
    hub.up = False
    pub = Outbox(hub.connect(), tmp_path / "b.db", retry_interval=0.02)
    pub.publish("t/a", b"kept")
    pub.stop()
    hub.up = True
    got: list[bytes] = []
    hub.connect().subscribe("t/#", lambda topic, payload: got.append(payload))
    pub2 = Outbox(hub.connect(), tmp_path / "b.db", retry_interval=0.02)
    assert pub2.flush(5) and got == [b"kept"]
    pub2.stop()
