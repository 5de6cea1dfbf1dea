"""A Transport wrapper that buffers on disk while the broker is away and replays in order when it returns."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from devices.bus.disk_buffer import DiskBuffer
from devices.bus.transport import BusUnavailable, MessageHandler, Transport

log = logging.getLogger(__name__)


class BufferedPublisher:
    """Sends directly while the buffer is empty; otherwise appends and the drain thread delivers.

    Order is preserved: once anything is buffered, new messages queue behind it until the backlog is gone.
    """

    def __init__(
        self,
        transport: Transport,
        path: str | Path,
        *,
        max_messages: int = 100_000,
        retry_interval: float = 0.5,
    ) -> None:
        self.inner = transport
        self.buffer = DiskBuffer(path, max_messages=max_messages)
        self.retry_interval = retry_interval
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._drain_loop, name="bus-buffer-drain", daemon=True)
        self._thread.start()
        if len(self.buffer):
            self._wake.set()

    def publish(self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False) -> None:
        """Never raises BusUnavailable: the message is either sent now or stored."""
        with self._lock:
            if not len(self.buffer):
                try:
                    self.inner.publish(topic, payload, qos=qos, retain=retain)
                    return
                except BusUnavailable:
                    log.info("broker unavailable, buffering on disk / 总线不可用,写入磁盘缓冲")
            self.buffer.append(topic, payload, qos, retain)
        self._wake.set()

    def subscribe(self, topic_filter: str, handler: MessageHandler, *, qos: int = 1) -> None:
        """Delegate to the wrapped transport."""
        self.inner.subscribe(topic_filter, handler, qos=qos)

    def on_connected(self, hook: Callable[[], None]) -> None:
        """Delegate to the wrapped transport."""
        self.inner.on_connected(hook)

    def pending(self) -> int:
        """Messages waiting on disk."""
        return len(self.buffer)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until the backlog is delivered; returns False on timeout."""
        done = threading.Event()
        deadline = threading.Timer(timeout, done.set)
        deadline.start()
        try:
            while len(self.buffer) and not done.is_set():
                self._wake.set()
                done.wait(0.02)
        finally:
            deadline.cancel()
        return not len(self.buffer)

    def _drain_once(self) -> bool:
        """Deliver one batch; returns True when the broker accepted everything tried."""
        batch = self.buffer.peek(200)
        last = None
        ok = True
        with self._lock:
            for item in batch:
                try:
                    self.inner.publish(item.topic, item.payload, qos=item.qos, retain=item.retain)
                except BusUnavailable:
                    ok = False
                    break
                last = item.seq
            if last is not None:
                self.buffer.remove_through(last)
        return ok

    def _drain_loop(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait(self.retry_interval)
            self._wake.clear()
            while len(self.buffer) and not self._stopping.is_set():
                if not self._drain_once():
                    break
                if not len(self.buffer):
                    log.info("bus buffer drained / 缓冲已全部送达")

    def stop(self) -> None:
        """Stop draining (the backlog stays on disk) and stop the wrapped transport."""
        self._stopping.set()
        self._wake.set()
        self._thread.join(5)
        self.inner.stop()
        self.buffer.close()
