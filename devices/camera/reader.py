"""A reconnecting reader thread that always holds only the newest frame (no queue, no growing latency)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from devices.camera.sources import CameraSource, Capture, Frame, open_source

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FrameInfo:
    """The latest frame, its sequence number and when it was read (monotonic seconds)."""

    frame: Frame
    seq: int
    at: float


class LatestFrameReader:
    """Reads continuously in a thread; on failure closes and reopens with backoff (up to `max_backoff`)."""

    def __init__(
        self,
        source: CameraSource,
        *,
        opener: Callable[[CameraSource], Capture] = open_source,
        backoff: float = 0.5,
        max_backoff: float = 10.0,
    ) -> None:
        self.source = source
        self._opener = opener
        self._backoff = backoff
        self._max_backoff = max_backoff
        self._latest: FrameInfo | None = None
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self.reconnects = 0
        self.connected = False
        self._thread = threading.Thread(target=self._run, name="camera-reader", daemon=True)

    def start(self) -> LatestFrameReader:
        """Start the thread."""
        self._thread.start()
        return self

    def _run(self) -> None:
        delay = self._backoff
        seq = 0
        while not self._stop.is_set():
            try:
                cap = self._opener(self.source)
            except (ConnectionError, FileNotFoundError, OSError) as exc:
                log.debug("camera open failed: %s", exc)
                self._stop.wait(delay)
                delay = min(delay * 2, self._max_backoff)
                continue
            self.connected, delay = True, self._backoff
            try:
                while not self._stop.is_set():
                    ok, frame = cap.read()
                    if not ok or frame is None:
                        break
                    seq += 1
                    with self._cond:
                        self._latest = FrameInfo(frame, seq, time.monotonic())
                        self._cond.notify_all()
            finally:
                cap.release()
                self.connected = False
            if not self._stop.is_set():
                self.reconnects += 1
                log.warning("camera stream lost, reconnecting / 视频流中断,重连中")
                self._stop.wait(delay)

    def latest(self) -> FrameInfo | None:
        """The newest frame or None if none yet."""
        with self._cond:
            return self._latest

    def wait_next(self, after_seq: int = 0, timeout: float = 5.0) -> FrameInfo | None:
        """Block until a frame newer than `after_seq` exists."""
        with self._cond:
            self._cond.wait_for(lambda: self._latest is not None and self._latest.seq > after_seq, timeout)
            return self._latest if self._latest is not None and self._latest.seq > after_seq else None

    def stop(self) -> None:
        """Stop and join the thread (a blocking network read may take up to its own timeout)."""
        self._stop.set()
        self._thread.join(10)
