"""Enrolment quality checks on real photos, each refusal with its code and zh-CN reason."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from access.config import QualityConfig
from access.engine import FaceEngine
from access.images import load_rgb
from access.quality import REASONS_ZH, check_file, check_image, pose, sharpness


@pytest.mark.parametrize("name", ["Al_Gore/Al_Gore_0001.jpg", "Amelia_Vega/Amelia_Vega_0002.jpg"])
def test_good_photos_are_accepted_with_embedding(engine: FaceEngine, data_dir: Path, name: str) -> None:
    report = check_file(engine, data_dir / "people" / name, QualityConfig())
    assert report.ok, report
    assert report.embedding is not None and report.embedding.shape == (128,)


@pytest.mark.parametrize(
    ("name", "code"),
    [("no_face.jpg", "no_face"), ("two_faces.jpg", "multiple_faces"), ("corrupt.jpg", "not_an_image")],
)
def test_bad_files_are_refused(engine: FaceEngine, data_dir: Path, name: str, code: str) -> None:
    report = check_file(engine, data_dir / name, QualityConfig())
    assert not report.ok and report.code == code and report.message_zh
    assert report.embedding is None


def test_small_face_refused(engine: FaceEngine, data_dir: Path) -> None:
    image = load_rgb(data_dir / "people/Al_Gore/Al_Gore_0002.jpg")
    small = cv2.resize(image, (125, 125), interpolation=cv2.INTER_AREA)
    report = check_image(engine, small, QualityConfig(min_face_px=80))
    assert (report.ok, report.code) == (False, "face_too_small")
    assert report.message_zh == REASONS_ZH["face_too_small"]


def test_blurred_photo_refused_sharp_one_not(engine: FaceEngine, data_dir: Path) -> None:
    image = load_rgb(data_dir / "people/Amelia_Vega/Amelia_Vega_0001.jpg")
    blurred = cv2.GaussianBlur(image, (0, 0), 2.5)
    box = engine.detect(image)[0]
    assert sharpness(blurred, box) < sharpness(image, box) / 3
    report = check_image(engine, blurred, QualityConfig())
    assert (report.ok, report.code) == (False, "too_blurry")
    assert check_image(engine, image, QualityConfig()).ok


def test_pose_limits_refuse_with_reason(engine: FaceEngine, data_dir: Path) -> None:
    image = load_rgb(data_dir / "people/Al_Gore/Al_Gore_0001.jpg")  # head turned slightly (yaw ≈ -0.15)
    assert check_image(engine, image, QualityConfig(max_yaw=0.05)).code == "pose_yaw"
    limits = QualityConfig(max_roll_deg=10.0)
    assert check_image(engine, image, limits).ok
    tilted = cv2.warpAffine(image, cv2.getRotationMatrix2D((125.0, 125.0), 16.0, 1.0), (250, 250))
    report = check_image(engine, tilted, limits)
    assert report.code == "pose_roll" and abs(report.roll_deg) > 12


def test_pose_geometry() -> None:
    left, right = np.array([0.0, 0.0]), np.array([10.0, 0.0])
    assert pose(left, right, np.array([5.0, 6.0])) == pytest.approx((0.0, 0.0))
    yaw, _ = pose(left, right, np.array([8.0, 6.0]))
    assert yaw == pytest.approx(0.3)
    _, roll = pose(left, np.array([10.0, 10.0]), np.array([5.0, 9.0]))
    assert roll == pytest.approx(45.0)
