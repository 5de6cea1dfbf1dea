"""The pass record's image: a JPEG of the best frame, at most CAPTURE_WIDTH wide (encoded after the relay)."""

from __future__ import annotations

import cv2
import numpy as np

CAPTURE_WIDTH = 960


def capture_jpeg(frame: np.ndarray, quality: int = 80) -> bytes | None:
    """JPEG bytes of the frame, downscaled to CAPTURE_WIDTH; None when encoding fails."""
    h, w = frame.shape[:2]
    if w > CAPTURE_WIDTH:
        frame = cv2.resize(frame, (CAPTURE_WIDTH, round(h * CAPTURE_WIDTH / w)), interpolation=cv2.INTER_AREA)
    ok, buf = cv2.imencode(".jpg", frame, [int(cv2.IMWRITE_JPEG_QUALITY), quality])
    return bytes(buf.tobytes()) if ok else None
