"""Real training crops as the reader sees them in scenes: composed into photo mosaics, found by the reader's
own detectors (@640, the plate-mask detector, @1024) and rectified with one of its margins.

These views carry the corner errors and blur of the real pipeline, which the measured error model of
augment.detected_corners only approximates (docs/plate-recogniser.md, 2026-11-22 evening).
"""

from __future__ import annotations

import random
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import cv2
import numpy as np

from plate_gate.compose import mosaic, scene_of
from plate_gate.reader.detector import Detection, PlateDetector
from plate_gate.reader.pipeline import RECTIFY_MARGINS
from plate_gate.reader.plate_det import MODEL as MASK_MODEL
from plate_gate.reader.plate_det import MaskDetector
from plate_gate.reader.plate_rec import INPUT_H, INPUT_W, fit
from plate_gate.reader.rectify import rectify
from plate_gate.training.dataset import Samples


def _covering(found: list[Detection], quad: np.ndarray) -> Detection | None:
    """The first detection whose box holds the plate's centre."""
    cx, cy = quad.mean(axis=0)
    return next((d for d in found if d.box[0] <= cx <= d.box[2] and d.box[1] <= cy <= d.box[3]), None)


def _views(job: tuple[list[Path], list[Path], int, int]) -> Samples:
    crops, photos, per_crop, seed = job
    rng = random.Random(seed)
    pictures = [p for f in rng.sample(photos, min(120, len(photos))) if (p := cv2.imread(str(f))) is not None]
    finders: list[PlateDetector | MaskDetector] = [PlateDetector(max_side=640, threshold=0.2)]
    if MASK_MODEL.is_file():
        finders.append(MaskDetector())
    finders.append(PlateDetector(max_side=1024, threshold=0.2))
    images, texts = [], []
    for path in crops:
        crop = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if crop is None:
            continue
        for k in range(per_crop):
            image, quad = scene_of(crop, lambda r: mosaic(pictures, r), rng)
            found = _covering(finders[k % len(finders)](image), quad)
            if found is not None:
                view = rectify(image, found.corners, rng.choice(RECTIFY_MARGINS))
                images.append(fit(view, (INPUT_H, INPUT_W)))
                texts.append(path.stem)
    return Samples.real(images, texts)


def scene_views(crops: list[Path], photos: list[Path], per_crop: int, seed: int, workers: int = 2) -> Samples:
    """Up to ``per_crop`` views of each crop (a scene whose plate no detector finds gives none), made in
    ``workers`` processes (about 0.1 s of one core per scene)."""
    jobs = [(crops[i::workers], photos, per_crop, seed * 1009 + i) for i in range(workers)]
    if workers <= 1:
        return _views(jobs[0])
    with ProcessPoolExecutor(workers) as pool:
        return Samples.concat(list(pool.map(_views, jobs)))
