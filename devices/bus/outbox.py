"""The edge's durable outbox: every message is on disk before its first publish attempt, and leaves the disk only
when the broker has acknowledged it (PUBACK for QoS 1).

Why not "send directly, buffer on failure" (the old BufferedPublisher): paho accepts a publish into memory while a
link is dead but not yet noticed (keepalive not expired, or a silent cut), so such a message existed only in RAM and
died with the process. Here the order is always: INSERT (committed, WAL) → publish → PUBACK → DELETE.

Delivery is in order (one sender; after a reconnect paho re-sends its unacknowledged messages first, then the sender
goes on from where it was; after a restart everything on disk is sent again from the oldest). It is at-least-once:
a message whose PUBACK was lost is sent again, so consumers deduplicate by event id (IdempotentConsumer, the
console's unique event ids). Acknowledged rows are deleted in batches by the sender thread.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path

from devices.bus.disk_buffer import DiskBuffer
from devices.bus.transport import BusUnavailable, MessageHandler, TrackedTransport

log = logging.getLogger(__name__)


class Outbox:
    """A Transport whose `publish` never loses a message: disk first, deleted on the broker's acknowledgement.

    `inner` is the wrapped transport, for what is not worth keeping (presence, command acks).
    """

    def __init__(
        self,
        transport: TrackedTransport,
        path: str | Path,
        *,
        max_messages: int = 1_000_000,
        window: int = 100,
        retry_interval: float = 0.5,
        resend_after: float = 30.0,
    ) -> None:
        self.inner = transport
        self.buffer = DiskBuffer(path, max_messages=max_messages)
        self.window = window
        self.retry_interval = retry_interval
        self.resend_after = resend_after
        self._send_lock = threading.Lock()  # one sender at a time: the caller's thread or the drain thread
        self._acks: queue.SimpleQueue[int] = queue.SimpleQueue()  # filled on the transport's thread, no lock
        self._inflight: dict[int, int] = {}  # mid -> seq, sent and not yet acknowledged
        self._last_sent = 0  # highest seq handed to the transport (0: send everything on disk)
        self._last_progress = time.monotonic()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        transport.on_published(self._acked)
        self._thread = threading.Thread(target=self._drain_loop, name="bus-outbox", daemon=True)
        self._thread.start()
        if len(self.buffer):
            log.info(
                "bus outbox: %d messages on disk from before / 上次未送达 %d 条", *(len(self.buffer),) * 2
            )
            self._wake.set()

    def _acked(self, mid: int) -> None:
        """On the transport's thread (maybe inside its locks): queue the ack, wake the sender; take no lock."""
        self._acks.put(mid)
        self._wake.set()

    # Transport
    def publish(self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False) -> None:
        """Store, then try to send at once (in order behind anything older); never raises BusUnavailable."""
        self.buffer.append(topic, payload, qos, retain)
        with self._send_lock:
            self._send_ready()

    def subscribe(self, topic_filter: str, handler: MessageHandler, *, qos: int = 1) -> None:
        """Delegate to the wrapped transport."""
        self.inner.subscribe(topic_filter, handler, qos=qos)

    def on_connected(self, hook: Callable[[], None]) -> None:
        """Delegate to the wrapped transport."""
        self.inner.on_connected(hook)

    # state
    def pending(self) -> int:
        """Messages on disk not yet acknowledged by the broker."""
        return len(self.buffer)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every stored message is acknowledged; False on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._wake.set()
            if not len(self.buffer):
                return True
            time.sleep(0.01)
        return not len(self.buffer)

    # sending (always under _send_lock)
    def _send_ready(self) -> None:
        """Hand the transport what fits in the window, oldest first; settle acknowledgements."""
        self._settle()
        if not self.inner.connected:
            return
        room = self.window - len(self._inflight)
        while room > 0:
            rows = self.buffer.after(self._last_sent, room)
            if not rows:
                return
            for row in rows:
                try:
                    mid = self.inner.publish_tracked(row.topic, row.payload, qos=row.qos, retain=row.retain)
                except BusUnavailable:
                    return
                self._last_sent = row.seq
                self._inflight[mid] = row.seq
            room -= len(rows)
            self._settle()

    def _settle(self) -> None:
        """Delete the rows whose acknowledgement arrived.

        A mid is recorded in `_inflight` under the send lock right after its publish, and acks are only matched
        here, under the same lock: so an ack that matches nothing is not early but foreign (presence and command
        acks share the transport) or stale (a window sent again). It is dropped; keeping it could match a later
        message that reuses the mid after paho's 16-bit counter wraps, and delete that row before its PUBACK.
        """
        done: list[int] = []
        while True:
            try:
                mid = self._acks.get_nowait()
            except queue.Empty:
                break
            seq = self._inflight.pop(mid, None)
            if seq is not None:
                done.append(seq)
        if done:
            self.buffer.remove(done)
            self._last_progress = time.monotonic()

    def _resend_if_stuck(self) -> None:
        """Connected, acknowledgements owed and none for `resend_after` seconds: send all again from the oldest."""
        if (
            self._inflight
            and self.inner.connected
            and time.monotonic() - self._last_progress > self.resend_after
        ):
            log.warning(
                "bus outbox: %d unacknowledged, sending again / 重新发送未确认消息", len(self._inflight)
            )
            self._inflight.clear()
            self._last_sent = 0
            self._last_progress = time.monotonic()

    def _drain_loop(self) -> None:
        was_empty = True
        while not self._stopping.is_set():
            self._wake.wait(self.retry_interval)
            self._wake.clear()
            with self._send_lock:
                self._resend_if_stuck()
                self._send_ready()
            empty = not len(self.buffer)
            if empty and not was_empty:
                log.info("bus outbox drained / 缓存消息已全部送达")
            was_empty = empty

    def stop(self) -> None:
        """Stop sending (what is unacknowledged stays on disk for the next start) and stop the transport."""
        self._stopping.set()
        self._wake.set()
        self._thread.join(5)
        with self._send_lock:
            self._settle()
        self.inner.stop()
        self.buffer.close()
