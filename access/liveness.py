"""Cheap photo-attack check over several frames: flat (homography) motion vs nose parallax, plus blinks."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import cv2
import numpy as np

LEFT_EYE = slice(36, 42)
RIGHT_EYE = slice(42, 48)
PLANE = np.r_[17:27, 36, 39, 42, 45, 48, 51, 54, 57]  # brows, eye corners, mouth: roughly one plane on a face
NOSE = np.r_[30:36]  # nose tip and nostrils stand out of that plane: they show parallax when the head turns


class Verdict(StrEnum):
    """Outcome of the liveness check for one track of frames."""

    LIVE = "live"
    SPOOF = "spoof"
    UNDECIDED = "undecided"


@dataclass(frozen=True)
class LivenessConfig:
    """Limits, in fractions of the inter-ocular distance (IOD) unless noted; switched on per door."""

    enabled: bool = False
    min_frames: int = 5
    parallax_live: float = 0.05
    min_motion: float = 0.04
    blink_drop: float = 0.35


@dataclass(frozen=True)
class LivenessResult:
    """Verdict with the figures it was based on."""

    verdict: Verdict
    parallax: float
    motion: float
    blink: bool


def inter_ocular(points: np.ndarray) -> float:
    """Distance between the eye centres of a 68-point set."""
    return float(np.linalg.norm(points[LEFT_EYE].mean(0) - points[RIGHT_EYE].mean(0))) or 1.0


def eye_aspect_ratio(points: np.ndarray) -> float:
    """Mean eye aspect ratio (Soukupová & Čech): eye height over width, drops sharply in a blink."""
    ratios = []
    for eye in (points[LEFT_EYE], points[RIGHT_EYE]):
        height = np.linalg.norm(eye[1] - eye[5]) + np.linalg.norm(eye[2] - eye[4])
        ratios.append(height / (2.0 * (np.linalg.norm(eye[0] - eye[3]) or 1.0)))
    return float(np.mean(ratios))


def nose_parallax(reference: np.ndarray, points: np.ndarray) -> float:
    """How far (in IOD) the nose left the homography of the brow/eye/mouth plane: ≈ 0 for a flat photo."""
    homography, _ = cv2.findHomography(
        reference[PLANE].astype(np.float64), points[PLANE].astype(np.float64), 0
    )
    if homography is None:
        return 0.0
    nose = reference[NOSE].reshape(-1, 1, 2).astype(np.float64)
    predicted = cv2.perspectiveTransform(nose, homography).reshape(-1, 2)
    offset = np.mean(points[NOSE] - predicted, axis=0)  # common shift of tip and nostrils, noise averages out
    return float(np.linalg.norm(offset)) / inter_ocular(points)


def check(track: list[np.ndarray], config: LivenessConfig) -> LivenessResult:
    """Judge a track of 68-point landmark sets of one face (oldest first)."""
    if not config.enabled:
        return LivenessResult(Verdict.LIVE, 0.0, 0.0, False)
    if len(track) < config.min_frames:
        return LivenessResult(Verdict.UNDECIDED, 0.0, 0.0, False)
    reference = track[0]
    iod = inter_ocular(reference)
    motion = max(float(np.sqrt(np.mean(np.sum((p - reference) ** 2, axis=1)))) / iod for p in track[1:])
    parallax = max(nose_parallax(reference, p) for p in track[1:])
    ears = np.array([eye_aspect_ratio(p) for p in track])
    blink = bool(ears.min() < (1.0 - config.blink_drop) * np.median(ears))
    if blink or parallax >= config.parallax_live:
        return LivenessResult(Verdict.LIVE, parallax, motion, blink)
    if motion >= config.min_motion:
        return LivenessResult(Verdict.SPOOF, parallax, motion, blink)
    return LivenessResult(Verdict.UNDECIDED, parallax, motion, blink)
