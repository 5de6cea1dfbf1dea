"""Colour proposals: plate-coloured rectangles, a cheap fallback when the detector misses."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from plate_gate.reader.detector import Detection

# OpenCV HSV ranges (H in 0..180) of plate backgrounds.
_RANGES = {
    "blue": ((100, 90, 50), (125, 255, 255)),
    "yellow": ((12, 90, 90), (34, 255, 255)),
    "green": ((36, 50, 90), (85, 255, 255)),
}


def _corners(rect: tuple[Sequence[float], Sequence[float], float]) -> np.ndarray:
    """Corners of a rotated rectangle with its long side horizontal."""
    (cx, cy), (w, h), angle = rect
    if w < h:
        w, h, angle = h, w, angle - 90
    return cv2.boxPoints(((cx, cy), (w, h), angle)).astype(np.float32)


def colour_proposals(image: np.ndarray, max_side: int = 640, limit: int = 4) -> list[Detection]:
    """Plate-shaped regions of plate colours, largest first; scored 0.3 as they are only guesses."""
    h, w = image.shape[:2]
    scale = min(1.0, max_side / max(h, w))
    small = cv2.resize(image, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (9, 3))
    found: list[tuple[float, Detection]] = []
    for low, high in _RANGES.values():
        mask = cv2.inRange(hsv, np.array(low, np.uint8), np.array(high, np.uint8))
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel)
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in contours:
            rect = cv2.minAreaRect(contour)
            long_side, short_side = max(rect[1]), min(rect[1])
            if short_side < 6 or long_side < 30 or not 2.0 <= long_side / short_side <= 6.0:
                continue
            if cv2.contourArea(contour) < 0.6 * long_side * short_side:
                continue
            corners = _corners(rect) / scale
            x1, y1 = np.clip(corners.min(axis=0), 0, None)
            x2, y2 = corners.max(axis=0)
            box = (float(x1), float(y1), float(min(x2, w)), float(min(y2, h)))
            found.append((long_side * short_side, Detection(box, corners, 0.3)))
    found.sort(key=lambda item: item[0], reverse=True)
    return [d for _, d in found[:limit]]
