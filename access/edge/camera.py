"""FrameSource over a devices/ camera: the newest frame of a reconnecting reader, as RGB with timestamps."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import numpy as np

from access.ports import Frame
from devices.camera import CameraSource, LatestFrameReader


class CameraFrames:
    """Reads frames newer than the last one processed (frames that arrived meanwhile are skipped, not queued)."""

    def __init__(self, source: CameraSource | str, wait_s: float = 5.0) -> None:
        spec = CameraSource.parse(source) if isinstance(source, str) else source
        self.reader = LatestFrameReader(spec)
        self.wait_s = wait_s
        self._seq = 0
        self._stop = threading.Event()

    def start(self) -> CameraFrames:
        """Start the reader thread."""
        self.reader.start()
        return self

    def read(self) -> Frame | None:
        """The next new frame; None once stopped (a camera outage just waits, the reader reconnects)."""
        while not self._stop.is_set():
            info = self.reader.wait_next(self._seq, self.wait_s)
            if info is None:
                continue
            self._seq = info.seq
            rgb = np.ascontiguousarray(info.frame[:, :, ::-1])
            return Frame(rgb, info.at, datetime.now(UTC))
        return None

    def stop(self) -> None:
        """End read() and stop the reader."""
        self._stop.set()
        self.reader.stop()
