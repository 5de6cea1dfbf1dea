"""Linked cameras as linkage.SnapshotProvider: a JPEG of the newest frame plus a pre-alarm MJPEG/AVI clip.

Every camera is read continuously through devices/ (a reconnecting latest-frame reader, and a ring of the
last seconds when the site asks for clips), so taking a snapshot never waits for the camera: the poll
thread that runs the linkage must not stall behind a dead camera.
"""

from __future__ import annotations

import collections
import hashlib
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from devices.camera import CLIP_TYPE, CameraSource, FrameRing, LatestFrameReader, encode_jpeg, write_clip
from perimeter.config import CameraConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Media:
    """Bytes of a snapshot or clip, addressed by `sha256:<hex>`."""

    ref: str
    data: bytes
    content_type: str


class MediaStore:
    """The newest snapshots/clips by reference (bounded), and which clip belongs to which snapshot."""

    def __init__(self, keep: int = 64) -> None:
        self._items: collections.OrderedDict[str, Media] = collections.OrderedDict()
        self._clips: dict[str, str] = {}
        self._keep = keep
        self._lock = threading.Lock()

    def put(self, data: bytes, content_type: str) -> str:
        """Store bytes; return their reference."""
        ref = "sha256:" + hashlib.sha256(data).hexdigest()
        with self._lock:
            self._items[ref] = Media(ref, data, content_type)
            self._items.move_to_end(ref)
            while len(self._items) > self._keep:
                old, _ = self._items.popitem(last=False)
                self._clips.pop(old, None)
        return ref

    def link_clip(self, snapshot_ref: str, clip_ref: str) -> None:
        """Remember the clip taken with a snapshot."""
        with self._lock:
            self._clips[snapshot_ref] = clip_ref

    def get(self, ref: str) -> Media | None:
        """The media for a reference, if still kept."""
        with self._lock:
            return self._items.get(ref)

    def clip_of(self, snapshot_ref: str) -> Media | None:
        """The clip taken with a snapshot, if any."""
        with self._lock:
            clip = self._clips.get(snapshot_ref)
            return self._items.get(clip) if clip else None


class CameraSnapshots:
    """SnapshotProvider over devices.camera; `start()` opens every camera in the background."""

    def __init__(self, cameras: Sequence[CameraConfig], media: MediaStore | None = None) -> None:
        self.media = media or MediaStore()
        self.configs = {c.id: c for c in cameras}
        self.readers = {c.id: LatestFrameReader(CameraSource.parse(c.source)) for c in cameras}
        self.rings = {
            c.id: FrameRing(self.readers[c.id], seconds=c.clip_seconds, fps=c.clip_fps)
            for c in cameras
            if c.clip_seconds > 0
        }

    def start(self) -> CameraSnapshots:
        """Start reading (cameras that are down keep being retried by their readers)."""
        for r in self.readers.values():
            r.start()
        for ring in self.rings.values():
            ring.start()
        return self

    def snapshot(self, camera_id: str, *, alarm_id: int, at: float) -> str:
        """JPEG of the newest frame (and the clip of the last seconds); raises when there is no frame."""
        reader = self.readers.get(camera_id)
        if reader is None:
            raise KeyError(f"camera {camera_id} not configured / 未配置摄像机 {camera_id}")
        info = reader.latest()
        if info is None:
            raise TimeoutError(f"camera {camera_id}: no frame yet / 摄像机无画面")
        ref = self.media.put(encode_jpeg(info.frame, 80), "image/jpeg")
        ring = self.rings.get(camera_id)
        frames = ring.frames() if ring is not None else []
        if frames and ring is not None:
            try:
                clip = self.media.put(write_clip(frames, ring.fps), CLIP_TYPE)
                self.media.link_clip(ref, clip)
            except (OSError, ValueError) as exc:  # the snapshot still counts
                log.warning("camera %s: clip failed: %s / 录像片段失败", camera_id, exc)
        return ref

    def stop(self) -> None:
        """Stop the rings and readers."""
        for ring in self.rings.values():
            ring.stop()
        for r in self.readers.values():
            r.stop()
