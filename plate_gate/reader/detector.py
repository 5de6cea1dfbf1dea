"""Plate detector: the RetinaFace-style clp_det model with four corner points, run at a bounded size."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import product

import cv2
import numpy as np

from plate_gate.reader.models import DETECTOR, session

_MIN_SIZES = ((24, 48), (96, 192), (384, 768))
_STEPS = (8, 16, 32)
_VARIANCE = (0.1, 0.2)


@dataclass(frozen=True)
class Detection:
    """A detected plate in source-image pixels: box (x1, y1, x2, y2), corners TL, TR, BR, BL, score."""

    box: tuple[float, float, float, float]
    corners: np.ndarray
    score: float


@cache
def _priors(height: int, width: int) -> np.ndarray:
    """Anchor centres and sizes (normalised) for an input of this size."""
    rows: list[list[float]] = []
    for step, sizes in zip(_STEPS, _MIN_SIZES, strict=True):
        fh, fw = -(-height // step), -(-width // step)
        for i, j in product(range(fh), range(fw)):
            cx, cy = (j + 0.5) * step / width, (i + 0.5) * step / height
            rows.extend([cx, cy, s / width, s / height] for s in sizes)
    return np.asarray(rows, dtype=np.float32)


def _nms(boxes: np.ndarray, scores: np.ndarray, thresh: float) -> list[int]:
    """Greedy non-maximum suppression; returns kept indices, best first."""
    order = scores.argsort()[::-1]
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    keep: list[int] = []
    while order.size:
        i = int(order[0])
        keep.append(i)
        xy1 = np.maximum(boxes[i, :2], boxes[order[1:], :2])
        xy2 = np.minimum(boxes[i, 2:], boxes[order[1:], 2:])
        inter = np.prod(np.clip(xy2 - xy1, 0, None), axis=1)
        iou = inter / (areas[i] + areas[order[1:]] - inter + 1e-6)
        order = order[1:][iou <= thresh]
    return keep


class PlateDetector:
    """Finds plates and their corners; pads the frame so plates touching the border are found."""

    def __init__(self, max_side: int = 640, pad: float = 0.04, threshold: float = 0.6) -> None:
        self.max_side = max_side
        self.pad = pad
        self.threshold = threshold

    def __call__(self, image: np.ndarray) -> list[Detection]:
        """Detect plates in a BGR image; coordinates are in the original image."""
        h, w = image.shape[:2]
        scale = min(1.0, self.max_side / max(h, w))
        small = cv2.resize(image, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
        pad = max(8, round(self.pad * max(small.shape[:2])))
        padded = cv2.copyMakeBorder(small, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(127, 127, 127))
        ph, pw = padded.shape[:2]
        ph32, pw32 = -(-ph // 32) * 32, -(-pw // 32) * 32
        padded = cv2.copyMakeBorder(
            padded, 0, ph32 - ph, 0, pw32 - pw, cv2.BORDER_CONSTANT, value=(127, 127, 127)
        )
        tensor = cv2.dnn.blobFromImage(padded, 1.0, mean=(104.0, 117.0, 123.0), swapRB=False)
        loc, conf, landms = session(DETECTOR).run(None, {"image": tensor})
        scores = conf[0, :, 1]
        keep = np.where(scores > self.threshold)[0]
        if keep.size == 0:
            return []
        priors = _priors(ph32, pw32)[keep]
        loc, landms, scores = loc[0, keep], landms[0, keep], scores[keep]
        centre = priors[:, :2] + loc[:, :2] * _VARIANCE[0] * priors[:, 2:]
        size = priors[:, 2:] * np.exp(loc[:, 2:] * _VARIANCE[1])
        boxes = np.hstack([centre - size / 2, centre + size / 2]) * [pw32, ph32, pw32, ph32]
        pts = priors[:, None, :2] + landms.reshape(-1, 4, 2) * _VARIANCE[0] * priors[:, None, 2:]
        pts = pts * [pw32, ph32]
        out = []
        for i in _nms(boxes, scores, 0.4):
            corners = (pts[i] - pad) / scale
            box = (boxes[i] - [pad, pad, pad, pad]) / scale
            x1, y1 = max(0.0, float(box[0])), max(0.0, float(box[1]))
            x2, y2 = min(float(w), float(box[2])), min(float(h), float(box[3]))
            if x2 - x1 < 4 or y2 - y1 < 2:
                continue
            out.append(Detection((x1, y1, x2, y2), corners.astype(np.float32), float(scores[i])))
        return out
