"""Shared constants and a QR decoding helper for the doorplate tests."""

from __future__ import annotations

from datetime import UTC, datetime

import cv2
import numpy as np

NOW = datetime(2026, 11, 21, 8, 30, tzinfo=UTC)
HOST = "sq.example.gov.cn"

_CLASSIC = cv2.QRCodeDetector()
_ARUCO = cv2.QRCodeDetectorAruco()


def decode_qr(image: np.ndarray) -> str:
    """Text of the QR in a greyscale image: OpenCV's classic detector, then its Aruco-based one.

    The classic detector misses symbols rotated by about 91 or 273 degrees (OpenCV 4.14); phones are not
    limited that way, so the Aruco detector is tried second. Returns '' if neither decodes.
    """
    text, _, _ = _CLASSIC.detectAndDecode(image)
    if text:
        return str(text)
    text, _, _ = _ARUCO.detectAndDecode(image)
    return str(text)
