"""Enrolment photo checks: one face, big enough, sharp, near-frontal; a reason (zh-CN + code) if refused."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from access.config import QualityConfig
from access.engine.base import Box, FaceEngine
from access.images import ImageLoadError, load_rgb

SECONDARY_FACE_RATIO = 0.5  # a second face at least half as wide as the main one makes the photo ambiguous

REASONS_ZH = {
    "no_face": "未检测到人脸",
    "multiple_faces": "照片中有多张人脸，请只拍本人",
    "face_too_small": "人脸太小，请靠近镜头",
    "too_blurry": "照片模糊，请对焦后重拍",
    "pose_yaw": "请正对镜头（头部左右偏转过大）",
    "pose_roll": "请保持头部端正（头部倾斜过大）",
}


@dataclass(frozen=True)
class QualityReport:
    """Outcome for one enrolment photo: accepted with its embedding, or refused with a code and message."""

    path: str
    ok: bool
    code: str = "ok"
    message_zh: str = ""
    box: Box | None = None
    sharpness: float = 0.0
    yaw: float = 0.0
    roll_deg: float = 0.0
    embedding: np.ndarray | None = None


def sharpness(image: np.ndarray, box: Box) -> float:
    """Variance of the Laplacian of the face region, resampled to 128 px wide so it is scale-independent."""
    face = image[box.y1 : box.y2, box.x1 : box.x2]
    gray = cv2.cvtColor(face, cv2.COLOR_RGB2GRAY)
    gray = cv2.resize(
        gray, (128, max(1, round(128 * gray.shape[0] / max(1, gray.shape[1])))), interpolation=cv2.INTER_AREA
    )
    return float(cv2.Laplacian(gray, cv2.CV_64F).var())


def pose(eye_a: np.ndarray, eye_b: np.ndarray, nose: np.ndarray) -> tuple[float, float]:
    """(yaw ratio, roll degrees): nose offset from the eye midpoint along the eye line / eye distance."""
    axis = eye_b - eye_a
    distance = float(np.hypot(*axis)) or 1.0
    roll = math.degrees(math.atan2(float(axis[1]), float(axis[0])))
    offset = float(np.dot(nose - (eye_a + eye_b) / 2, axis / distance))
    return offset / distance, roll


def check_image(
    engine: FaceEngine, image: np.ndarray, config: QualityConfig, path: str = ""
) -> QualityReport:
    """Run every check on a decoded photo; embed it with enrolment jitter when it passes."""
    boxes = engine.detect(image, thorough=True)
    if not boxes:
        return _refuse(path, "no_face")
    main = boxes[0]
    if any(b.width >= SECONDARY_FACE_RATIO * main.width for b in boxes[1:]):
        return _refuse(path, "multiple_faces", main)
    if min(main.width, main.height) < config.min_face_px:
        return _refuse(path, "face_too_small", main)
    sharp = sharpness(image, main)
    if sharp < config.min_sharpness:
        return _refuse(path, "too_blurry", main, sharp)
    points = engine.landmarks(image, main)
    yaw, roll = pose(*engine.eyes_nose(points))
    if abs(yaw) > config.max_yaw:
        return _refuse(path, "pose_yaw", main, sharp, yaw, roll)
    if abs(roll) > config.max_roll_deg:
        return _refuse(path, "pose_roll", main, sharp, yaw, roll)
    jitters = getattr(getattr(engine, "config", None), "enrol_jitters", 0)
    embedding = engine.embed(image, points, jitters)
    return QualityReport(path, True, "ok", "", main, sharp, yaw, roll, embedding)


def check_file(engine: FaceEngine, path: str | Path, config: QualityConfig) -> QualityReport:
    """Load and check one file; corrupt or non-image files are refused with their own code."""
    try:
        image = load_rgb(path)
    except ImageLoadError as exc:
        return QualityReport(str(path), False, exc.code, exc.message_zh)
    return check_image(engine, image, config, str(path))


def _refuse(
    path: str, code: str, box: Box | None = None, sharp: float = 0.0, yaw: float = 0.0, roll: float = 0.0
) -> QualityReport:
    """A refused report with the zh-CN reason for its code."""
    return QualityReport(path, False, code, REASONS_ZH[code], box, sharp, yaw, roll)
