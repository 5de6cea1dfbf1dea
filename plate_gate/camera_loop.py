"""The camera side of a lane: newest frame → plate reader → vehicle tracker → gate process."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from devices.camera import LatestFrameReader
from plate_gate.process import GateProcess, Outcome
from plate_gate.reader import PlateReader
from plate_gate.tracker import TrackerRules, VehicleTracker

log = logging.getLogger(__name__)


class CameraLoop:
    """Reads the newest frame whenever the last one is done (frames in between are skipped, not queued)."""

    def __init__(
        self,
        frames: LatestFrameReader,
        reader: PlateReader,
        process: GateProcess,
        *,
        tracker: TrackerRules | None = None,
        on_outcome: Callable[[Outcome], None] | None = None,
    ) -> None:
        self.frames = frames
        self.reader = reader
        self.process = process
        self.tracker = VehicleTracker(tracker)
        self.on_outcome = on_outcome
        self.frames_read = 0
        self.read_ms: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self.run, name="gate-camera", daemon=True)

    def start(self) -> CameraLoop:
        """Run in a daemon thread."""
        self._thread.start()
        return self

    def step(self, after_seq: int, timeout: float = 1.0) -> int:
        """Process the newest frame after ``after_seq``; returns its sequence number (or ``after_seq``)."""
        info = self.frames.wait_next(after_seq, timeout)
        if info is None:
            return after_seq
        started = time.perf_counter()
        try:
            reads = self.reader.read(info.frame)
        except Exception:
            log.exception("plate reading failed on one frame / 单帧识别失败")
            reads = []
        self.read_ms.append((time.perf_counter() - started) * 1000)
        self.frames_read += 1
        vehicle = self.tracker.feed(info.frame, reads)
        if vehicle is not None:
            outcome = self.process.handle(vehicle)
            if self.on_outcome is not None:
                self.on_outcome(outcome)
        return info.seq

    def run(self) -> None:
        """Loop until stopped."""
        seq = 0
        while not self._stop.is_set():
            seq = self.step(seq)

    def stop(self) -> None:
        """Stop the loop thread."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(5)
