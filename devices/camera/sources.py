"""Camera sources (RTSP/HTTP URL, USB index, video file, image folder) behind one `Capture` protocol."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Literal, Protocol

import cv2
import numpy as np
from pydantic import BaseModel, ConfigDict, Field

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp")
Frame = np.ndarray


class CameraSource(BaseModel):
    """`kind` url (rtsp://, http://), usb (index), file (video) or folder (images, replayed in name order)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["url", "usb", "file", "folder"]
    url: str | None = None
    index: int = 0
    path: str | None = None
    fps: float = Field(default=10.0, gt=0, description="pace for file/folder replay")
    loop: bool = True
    timeout_s: float = Field(default=5.0, gt=0, description="open/read timeout for network streams")

    @classmethod
    def parse(cls, spec: str) -> CameraSource:
        """`rtsp://…`/`http://…` → url, digits → usb, a directory → folder, otherwise a video file."""
        if "://" in spec:
            return cls(kind="url", url=spec)
        if spec.isdigit():
            return cls(kind="usb", index=int(spec))
        return cls(kind="folder" if Path(spec).is_dir() else "file", path=spec)


class Capture(Protocol):
    """What the reader needs from an opened source."""

    def read(self) -> tuple[bool, Frame | None]:
        """Next frame (blocking); (False, None) on end or failure."""
        ...

    def release(self) -> None:
        """Close."""
        ...


class _Paced:
    """Replays at a fixed rate so files/folders behave like live cameras."""

    def __init__(self, fps: float) -> None:
        self._period = 1.0 / fps
        self._next = time.monotonic()

    def wait(self) -> None:
        self._next += self._period
        delay = self._next - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        else:
            self._next = time.monotonic()


class FolderCapture:
    """Images of a folder in name order; loops when `loop` is set."""

    def __init__(self, folder: str, fps: float, loop: bool) -> None:
        self.files = sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not self.files:
            raise FileNotFoundError(f"no images in {folder}")
        self._i = 0
        self._loop = loop
        self._pace = _Paced(fps)

    def read(self) -> tuple[bool, Frame | None]:
        """Next image."""
        if self._i >= len(self.files):
            if not self._loop:
                return False, None
            self._i = 0
        self._pace.wait()
        frame = cv2.imread(str(self.files[self._i]))
        self._i += 1
        return frame is not None, frame

    def release(self) -> None:
        """Nothing to close."""


class VideoCapture:
    """cv2.VideoCapture for urls, USB and files (files paced and optionally looped)."""

    def __init__(self, source: CameraSource) -> None:
        target: str | int = source.url or "" if source.kind == "url" else source.path or ""
        if source.kind == "usb":
            target = source.index
        if source.kind == "url":
            ms = int(source.timeout_s * 1000)
            params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, ms, cv2.CAP_PROP_READ_TIMEOUT_MSEC, ms]
            self._cap = cv2.VideoCapture(str(target), cv2.CAP_FFMPEG, params)
        else:
            self._cap = cv2.VideoCapture(target)
        if not self._cap.isOpened():
            raise ConnectionError(f"cannot open camera source {target!r}")
        self._source = source
        self._pace = _Paced(source.fps) if source.kind == "file" else None

    def read(self) -> tuple[bool, Frame | None]:
        """Next frame."""
        if self._pace is not None:
            self._pace.wait()
        ok, frame = self._cap.read()
        if not ok and self._pace is not None and self._source.loop:
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, frame = self._cap.read()
        return bool(ok), frame if ok else None

    def release(self) -> None:
        """Release the OpenCV handle."""
        self._cap.release()


def open_source(source: CameraSource) -> Capture:
    """Open a source; raises ConnectionError/FileNotFoundError when it cannot be opened."""
    if source.kind == "folder":
        return FolderCapture(source.path or "", source.fps, source.loop)
    return VideoCapture(source)
