"""JPEG snapshots of frames."""

from __future__ import annotations

import cv2

from devices.camera.reader import LatestFrameReader
from devices.camera.sources import Frame


def encode_jpeg(frame: Frame, quality: int = 85) -> bytes:
    """Encode a BGR frame as JPEG bytes."""
    ok, buf = cv2.imencode(".jpg", frame, [int(cv2.IMWRITE_JPEG_QUALITY), quality])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return bytes(buf.tobytes())


def decode_jpeg(data: bytes) -> Frame:
    """Decode JPEG/PNG bytes into a BGR frame; ValueError if not an image."""
    import numpy as np

    frame = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if frame is None:
        raise ValueError("not a decodable image")
    return frame


def snapshot(reader: LatestFrameReader, *, timeout: float = 5.0, quality: int = 85) -> bytes:
    """JPEG of the newest frame (waits for a first one); TimeoutError when the camera gives nothing."""
    info = reader.latest() or reader.wait_next(0, timeout)
    if info is None:
        raise TimeoutError("no frame from camera / 摄像头无画面")
    return encode_jpeg(info.frame, quality)
