"""Shared constants and a QR decoding helper for the doorplate tests."""

from __future__ import annotations

from datetime import UTC, datetime

import cv2
import numpy as np

NOW = datetime(2026, 11, 21, 8, 30, tzinfo=UTC)
HOST = "sq.example.gov.cn"


def decode_qr(image: np.ndarray) -> str:
    """Text of the QR in a greyscale image: OpenCV's classic detector, then its Aruco-based one, on the
    image and then on a 2x upscale of it.

    The classic detector misses symbols rotated by about 91 or 273 degrees (OpenCV 4.14); phones are not
    limited that way, so the Aruco detector is tried second. Both miss a few symbols, depending on their
    content (1 of 400 random codes after a 5x5 blur of a 200 dpi print); a phone scans at several scales,
    so the upscale is tried too. Returns '' if nothing decodes.
    """
    for scale in (1, 2):  # the upscale only when the image itself did not decode
        view = image if scale == 1 else cv2.resize(image, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
        # Fresh detectors each call: they keep state between calls, which made results depend on test order.
        for detector in (cv2.QRCodeDetector(), cv2.QRCodeDetectorAruco()):
            text, _, _ = detector.detectAndDecode(view)
            if text:
                return str(text)
    return ""
