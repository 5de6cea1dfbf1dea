"""Four-corner perspective rectification of a detected plate to the recogniser's canonical shape."""

from __future__ import annotations

import cv2
import numpy as np

PLATE_W, PLATE_H = 160, 40
"""Canonical rectified plate size (4:1, like the loosely boxed crops the recogniser reads best)."""


def order_corners(points: np.ndarray) -> np.ndarray:
    """Order four points as top-left, top-right, bottom-right, bottom-left."""
    pts = np.asarray(points, dtype=np.float32).reshape(4, 2)
    s, d = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    ordered = np.array([pts[s.argmin()], pts[d.argmin()], pts[s.argmax()], pts[d.argmax()]], np.float32)
    if len({tuple(p) for p in ordered.tolist()}) < 4:
        x1, y1 = pts.min(axis=0)
        x2, y2 = pts.max(axis=0)
        ordered = np.array([[x1, y1], [x2, y1], [x2, y2], [x1, y2]], np.float32)
    return ordered


def expand(corners: np.ndarray, dx: float, dy: float) -> np.ndarray:
    """Grow an ordered quadrilateral by fractions of its width (dx) and height (dy) on each side."""
    tl, tr, br, bl = corners
    right, down = ((tr - tl) + (br - bl)) / 2, ((bl - tl) + (br - tr)) / 2
    grow = np.array(
        [-dx * right - dy * down, dx * right - dy * down, dx * right + dy * down, -dx * right + dy * down]
    )
    return (corners + grow).astype(np.float32)


def rectify(image: np.ndarray, corners: np.ndarray, margin: tuple[float, float] = (0.02, 0.08)) -> np.ndarray:
    """Warp the plate inside ``corners`` (any order) to PLATE_W x PLATE_H, replicating past the border."""
    src = expand(order_corners(corners), *margin)
    dst = np.array([[0, 0], [PLATE_W - 1, 0], [PLATE_W - 1, PLATE_H - 1], [0, PLATE_H - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    return cv2.warpPerspective(
        image, matrix, (PLATE_W, PLATE_H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
