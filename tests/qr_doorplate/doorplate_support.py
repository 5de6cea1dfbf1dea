"""Shared constants and a QR decoding helper for the doorplate tests."""

from __future__ import annotations

from datetime import UTC, datetime

import cv2
import numpy as np

NOW = datetime(2026, 11, 21, 8, 30, tzinfo=UTC)
HOST = "sq.example.gov.cn"


def decode_qr(image: np.ndarray) -> str:
    """Text of the QR in a greyscale image: OpenCV's classic detector, then its Aruco-based one.

    The classic detector misses symbols rotated by about 91 or 273 degrees (OpenCV 4.14); phones are not
    limited that way, so the Aruco detector is tried second. Returns '' if neither decodes.
    """
    # Fresh detectors each call: they keep state between calls, which made results depend on test order.
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(image)
    if text:
        return str(text)
    text, _, _ = cv2.QRCodeDetectorAruco().detectAndDecode(image)
    return str(text)
