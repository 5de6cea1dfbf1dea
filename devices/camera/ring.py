"""A ring buffer of the last seconds of a camera, and short MJPEG/AVI clips written from it.

An alarm wants the seconds *before* the trip as well: `FrameRing` keeps sampling a `LatestFrameReader`
at a low rate (frames, not JPEGs: encoding only happens when a clip is asked for), so a clip is ready
at once, without waiting for the camera.
"""

from __future__ import annotations

import collections
import tempfile
import threading
import time
from pathlib import Path

import cv2

from devices.camera.reader import FrameInfo, LatestFrameReader
from devices.camera.sources import Frame

CLIP_TYPE = "video/x-msvideo"


class FrameRing:
    """Samples a reader at `fps` into a ring of the last `seconds`; `frames()` copies them out."""

    def __init__(self, reader: LatestFrameReader, *, seconds: float = 3.0, fps: float = 5.0) -> None:
        if seconds <= 0 or fps <= 0:
            raise ValueError("seconds and fps must be positive")
        self.reader, self.fps, self.seconds = reader, fps, seconds
        self._ring: collections.deque[FrameInfo] = collections.deque(maxlen=max(1, round(seconds * fps)))
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="camera-ring", daemon=True)

    def start(self) -> FrameRing:
        """Start sampling (the reader must be started by its owner)."""
        self._thread.start()
        return self

    def _run(self) -> None:
        seq, period = 0, 1.0 / self.fps
        while not self._stop.is_set():
            info = self.reader.wait_next(seq, timeout=1.0)
            if info is not None:
                seq = info.seq
                with self._lock:
                    self._ring.append(info)
            self._stop.wait(period)

    def frames(self, since: float | None = None) -> list[Frame]:
        """The buffered frames, oldest first (only those read at or after monotonic time `since`)."""
        with self._lock:
            return [i.frame for i in self._ring if since is None or i.at >= since]

    def stop(self) -> None:
        """Stop sampling."""
        self._stop.set()
        self._thread.join(5)


def write_clip(frames: list[Frame], fps: float, *, fourcc: str = "MJPG") -> bytes:
    """Motion-JPEG AVI bytes of `frames` (all resized to the first frame's size); ValueError if empty."""
    if not frames:
        raise ValueError("no frames for a clip / 无视频帧")
    h, w = frames[0].shape[:2]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "clip.avi"
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*fourcc), fps, (w, h))
        if not writer.isOpened():
            raise OSError("cannot open AVI writer / 无法写入视频")
        try:
            for f in frames:
                writer.write(f if f.shape[:2] == (h, w) else cv2.resize(f, (w, h)))
        finally:
            writer.release()
        return path.read_bytes()


def clip_frames(data: bytes) -> int:
    """How many frames an AVI clip holds (for checks and tests)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "clip.avi"
        path.write_bytes(data)
        cap = cv2.VideoCapture(str(path))
        n = 0
        try:
            while cap.read()[0]:
                n += 1
        finally:
            cap.release()
        return n


def wait_frames(ring: FrameRing, count: int, timeout: float = 5.0) -> bool:
    """Block until the ring holds at least `count` frames (start-up of a service or a test)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if len(ring.frames()) >= count:
            return True
        time.sleep(0.05)
    return False
