"""Photo-attack check: a flat photo moved in front of the camera vs a 3-D head, plus blinks."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from access.engine import FaceEngine
from access.images import load_rgb
from access.liveness import LivenessConfig, Verdict, check, eye_aspect_ratio

ON = LivenessConfig(enabled=True)


def real_landmarks(engine68: FaceEngine, image: np.ndarray) -> np.ndarray:
    return engine68.landmarks(image, engine68.detect(image)[0])


def head_turn(points: np.ndarray, yaw_deg: float) -> np.ndarray:
    """Project a crude 3-D head (nose forward, jaw back) turned by yaw: what a live face does."""
    centre = points.mean(0)
    depth = np.zeros(len(points))
    depth[27:36] = 0.5  # the nose stands about half an eye distance out of the eye/mouth plane
    depth[0:17] = -0.3  # the jaw line is behind it
    iod = np.linalg.norm(points[36:42].mean(0) - points[42:48].mean(0))
    a = np.radians(yaw_deg)
    x = (points[:, 0] - centre[0]) * np.cos(a) + depth * iod * np.sin(a)
    return np.c_[x + centre[0], points[:, 1]].astype(np.float32)


def test_printed_photo_moved_and_tilted_is_spoof(engine68: FaceEngine, data_dir: Path) -> None:
    image = load_rgb(data_dir / "people/Al_Gore/Al_Gore_0001.jpg")
    h, w = image.shape[:2]
    track = []
    for i in range(6):  # the photo shifts, rotates and tilts (a homography) between frames
        src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
        dx, tilt = 6 * i, 3 * i
        dst = np.array([[dx + tilt, 0], [w + dx - tilt, tilt], [w + dx, h - tilt], [dx, h]], dtype=np.float32)
        frame = cv2.warpPerspective(image, cv2.getPerspectiveTransform(src, dst), (w + 40, h))
        track.append(real_landmarks(engine68, frame))
    result = check(track, ON)
    assert result.verdict is Verdict.SPOOF, result


def test_turning_head_is_live(engine68: FaceEngine, data_dir: Path) -> None:
    base = real_landmarks(engine68, load_rgb(data_dir / "people/Al_Gore/Al_Gore_0001.jpg"))
    track = [head_turn(base, yaw) for yaw in (0, 3, 6, 9, 12, 15)]
    result = check(track, ON)
    assert result.verdict is Verdict.LIVE and result.parallax >= ON.parallax_live


def test_blink_is_live_even_without_motion(engine68: FaceEngine, data_dir: Path) -> None:
    base = real_landmarks(engine68, load_rgb(data_dir / "people/Amelia_Vega/Amelia_Vega_0001.jpg"))
    closed = base.copy()
    for eye in (slice(36, 42), slice(42, 48)):
        pts = closed[eye]
        pts[:, 1] = pts[:, 1].mean()  # eyelids meet
    assert eye_aspect_ratio(closed) < 0.3 * eye_aspect_ratio(base)
    result = check([base, base, closed, base, base, base], ON)
    assert result.verdict is Verdict.LIVE and result.blink


def test_still_or_short_tracks_are_undecided_and_off_means_live(engine68: FaceEngine, data_dir: Path) -> None:
    base = real_landmarks(engine68, load_rgb(data_dir / "people/Al_Gore/Al_Gore_0002.jpg"))
    assert check([base] * 3, ON).verdict is Verdict.UNDECIDED
    assert check([base] * 8, ON).verdict is Verdict.UNDECIDED
    assert check([base] * 3, LivenessConfig(enabled=False)).verdict is Verdict.LIVE
