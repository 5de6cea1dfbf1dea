"""Compose test scenes: real plate crops placed into real backgrounds with perspective, blur and noise."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

FRAME = (1280, 720)
MARGIN = (0.04, 0.15)
"""Plate background added around a tight crop (fractions of width, height), by replicating its edge pixels."""


@dataclass(frozen=True)
class Scene:
    """A composed frame, the plate text it shows, the plate quad (TL, TR, BR, BL) and a border flag."""

    image: np.ndarray
    text: str
    corners: np.ndarray
    at_border: bool


def background_from(
    image: np.ndarray, rng: random.Random, hide: Sequence[tuple[int, int, int, int]] = ()
) -> np.ndarray:
    """A random 16:9 window of a real photo scaled to FRAME, the ``hide`` boxes (its own plates) blurred."""
    img = image.copy()
    for x1, y1, x2, y2 in hide:
        roi = img[max(0, y1 - 8) : y2 + 8, max(0, x1 - 8) : x2 + 8]
        if roi.size:
            img[max(0, y1 - 8) : y2 + 8, max(0, x1 - 8) : x2 + 8] = cv2.GaussianBlur(roi, (0, 0), 12)
    h, w = img.shape[:2]
    win_w = rng.uniform(0.55, 1.0) * min(w, h * 16 / 9)
    win_h = win_w * 9 / 16
    x0, y0 = rng.uniform(0, w - win_w), rng.uniform(0, h - win_h)
    window = img[int(y0) : int(y0 + win_h), int(x0) : int(x0 + win_w)]
    if rng.random() < 0.5:
        window = window[:, ::-1]
    return cv2.resize(window, FRAME, interpolation=cv2.INTER_LINEAR)


def mosaic(photos: Sequence[np.ndarray], rng: random.Random) -> np.ndarray:
    """A FRAME-sized mosaic of real photos (5 x 3 tiles), used as a busy real background."""
    tiles = [cv2.resize(rng.choice(photos), (256, 240)) for _ in range(15)]
    rows = [np.hstack(tiles[i * 5 : i * 5 + 5]) for i in range(3)]
    return np.vstack(rows)


def _quad(rng: random.Random, width: float, aspect: float, border: bool) -> np.ndarray:
    """A plate quadrilateral of this width with random tilt and skew, optionally touching the frame edge."""
    fw, fh = FRAME
    height = width / aspect
    angle = np.deg2rad(rng.uniform(-8, 8))
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    base = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], dtype=float) * [width / 2, height / 2]
    jitter = np.array([[rng.uniform(-0.05, 0.05) * width, rng.uniform(-0.1, 0.1) * height] for _ in range(4)])
    pts = (base + jitter) @ rot.T
    half_w, half_h = np.abs(pts).max(axis=0)
    if border:
        side = rng.choice(["left", "right", "bottom"])
        cx = (
            half_w - rng.uniform(0, 0.04 * width)
            if side == "left"
            else fw - half_w + rng.uniform(0, 0.04 * width)
        )
        cy = rng.uniform(fh * 0.4, fh - half_h)
        if side == "bottom":
            cx, cy = rng.uniform(half_w, fw - half_w), fh - half_h + rng.uniform(0, 0.04 * height)
    else:
        cx, cy = rng.uniform(half_w + 10, fw - half_w - 10), rng.uniform(fh * 0.3, fh - half_h - 10)
    return (pts + np.array([cx, cy])).astype(np.float32)


def place(background: np.ndarray, crop: np.ndarray, quad: np.ndarray, rng: random.Random) -> np.ndarray:
    """Warp ``crop`` onto ``quad`` in ``background`` with feathered edges, blur, lighting and JPEG noise."""
    h, w = crop.shape[:2]
    src = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    # warp and blend only around the plate (8 px beyond the feathering): the same frame up to warp rounding
    fh, fw = background.shape[:2]
    x1, y1 = np.maximum(np.floor(quad.min(axis=0)).astype(int) - 8, 0)
    x2, y2 = np.minimum(np.ceil(quad.max(axis=0)).astype(int) + 9, (fw, fh))
    out: np.ndarray = background.astype(np.float32)
    if x2 > x1 and y2 > y1:
        matrix = cv2.getPerspectiveTransform(src, quad - np.array([x1, y1], np.float32))
        size = (int(x2 - x1), int(y2 - y1))
        warped = cv2.warpPerspective(crop, matrix, size, flags=cv2.INTER_LINEAR)
        mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), matrix, size)
        alpha = cv2.GaussianBlur(mask, (0, 0), 1.0).astype(np.float32)[..., None] / 255.0
        roi = out[y1:y2, x1:x2]
        out[y1:y2, x1:x2] = roi * (1 - alpha) + warped.astype(np.float32) * alpha
    sigma = rng.uniform(0.0, 1.4)
    if sigma > 0.3:
        out = cv2.GaussianBlur(out, (0, 0), sigma)
    out = out * rng.uniform(0.7, 1.15) + rng.uniform(-15, 15)
    out = np.clip(out, 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(60, 92)])
    decoded = cv2.imdecode(jpeg, cv2.IMREAD_COLOR) if ok else None
    return out if decoded is None else decoded


def compose(
    crops: Sequence[Path],
    backgrounds: Sequence[Callable[[random.Random], np.ndarray]],
    count: int,
    seed: int = 5,
    border_share: float = 0.25,
) -> list[Scene]:
    """``count`` scenes from real crops (text = file stem); a share of them touch the frame border."""
    rng = random.Random(seed)
    scenes = []
    for i in range(count):
        path = rng.choice(list(crops))
        crop = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if crop is None:
            continue
        border = i < round(count * border_share)
        image, quad = scene_of(crop, lambda r: rng.choice(list(backgrounds))(r), rng, border)
        scenes.append(Scene(image, path.stem, quad, border))
    return scenes


def scene_of(
    crop: np.ndarray,
    background: Callable[[random.Random], np.ndarray],
    rng: random.Random,
    border: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """One 720p frame showing ``crop`` (with MARGIN added) 100-240 px wide on a background: image and quad."""
    h, w = crop.shape[:2]
    mx, my = round(w * MARGIN[0]), round(h * MARGIN[1])
    crop = cv2.copyMakeBorder(crop, my, my, mx, mx, cv2.BORDER_REPLICATE)
    quad = _quad(rng, rng.uniform(100, 240), crop.shape[1] / crop.shape[0], border)
    return place(background(rng), crop, quad, rng), quad
