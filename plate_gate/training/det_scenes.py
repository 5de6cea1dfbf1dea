"""Training scenes for the plate-mask detector: plates of every kind placed into real photos, with masks.

Backgrounds are photos from ``faces/lfw_dev/people`` (never the ``singles`` the bench composes its scenes
on, nor the real plate scenes), photo mosaics, car-body-like surfaces and text clutter (hard negatives).
Plates are synthetic plates of every kind and the training split of the real crops; the target is the
plate's quadrilateral, filled.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from plate_gate.training.augment import blur_noise_jpeg, car_surface, dirt, lighting
from plate_gate.training.render import random_plate

SIZE = 256
"""Training tiles are SIZE x SIZE; the network is fully convolutional and runs on whole frames."""

_CLUTTER = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789 -:/"


@dataclass(frozen=True)
class SceneSources:
    """Where scenes come from: the glyph assets, real training crops and background photos (paths)."""

    assets: Path
    crops: list[Path]
    photos: list[Path]


def _photo_window(path: Path, rng: random.Random) -> np.ndarray:
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if img is None:
        return car_surface(rng, (SIZE, SIZE)).clip(0, 255).astype(np.uint8)
    h, w = img.shape[:2]
    side = rng.uniform(0.35, 1.0) * min(h, w)
    x0, y0 = rng.uniform(0, w - side), rng.uniform(0, h - side)
    window = img[int(y0) : int(y0 + side), int(x0) : int(x0 + side)]
    return cv2.resize(window, (SIZE, SIZE), interpolation=cv2.INTER_AREA)


def background(src: SceneSources, rng: random.Random) -> np.ndarray:
    """A SIZE x SIZE float32 background: a photo window, a photo mosaic or a car-like surface, often with text."""
    pick = rng.random()
    if pick < 0.45:
        out = _photo_window(rng.choice(src.photos), rng).astype(np.float32)
    elif pick < 0.75:
        n = rng.choice((2, 3, 4))
        tile = SIZE // n + 1
        rows = [
            np.hstack(
                [cv2.resize(_photo_window(rng.choice(src.photos), rng), (tile, tile)) for _ in range(n)]
            )
            for _ in range(n)
        ]
        out = np.vstack(rows)[:SIZE, :SIZE].astype(np.float32)
        if rng.random() < 0.5:  # tiles rotated a little, black gaps between them
            rot = cv2.getRotationMatrix2D((SIZE / 2, SIZE / 2), rng.uniform(-6, 6), rng.uniform(0.9, 1.1))
            out = cv2.warpAffine(out, rot, (SIZE, SIZE)).astype(np.float32)
    else:
        out = car_surface(rng, (SIZE, SIZE))
    if rng.random() < 0.4:  # text that is not a plate: signs, captions, clothing prints
        for _ in range(rng.randint(1, 4)):
            text = "".join(rng.choice(_CLUTTER) for _ in range(rng.randint(3, 10)))
            org = (rng.randint(-20, SIZE - 20), rng.randint(10, SIZE))
            colour = [rng.randint(0, 255) for _ in range(3)]
            if rng.random() < 0.5:
                (tw, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, 0.6, 2)
                fill = [rng.randint(0, 255) for _ in range(3)]
                cv2.rectangle(out, (org[0] - 3, org[1] - th - 4), (org[0] + tw + 3, org[1] + 5), fill, -1)
            cv2.putText(
                out, text, org, cv2.FONT_HERSHEY_SIMPLEX, rng.uniform(0.4, 1.0), colour, rng.randint(1, 2)
            )
    return out


def _plate(src: SceneSources, rng: random.Random) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """A plate image and the plate's own extent inside it (x1, y1, x2, y2 as fractions)."""
    if src.crops and rng.random() < 0.35:
        crop = cv2.imread(str(rng.choice(src.crops)), cv2.IMREAD_COLOR)
        if crop is not None:
            h, w = crop.shape[:2]
            mx, my = round(w * rng.uniform(0, 0.06)), round(h * rng.uniform(0, 0.2))
            padded = cv2.copyMakeBorder(crop, my, my, mx, mx, cv2.BORDER_REPLICATE)
            ph, pw = padded.shape[:2]
            return padded, (mx / pw, my / ph, 1 - mx / pw, 1 - my / ph)
    plate, _, _ = random_plate(src.assets, rng)
    if rng.random() < 0.3:
        plate = np.clip(dirt(plate, rng), 0, 255).astype(np.uint8)
    return plate, (0.0, 0.0, 1.0, 1.0)


def _plate_quad(rng: random.Random, width: float, aspect: float) -> np.ndarray:
    """Corners (TL, TR, BR, BL) of a plate this wide, with tilt, skew and yaw foreshortening, at the origin."""
    height = width / aspect
    yaw, shear = rng.uniform(-0.25, 0.25), rng.uniform(-0.15, 0.15)
    left, right = height * (1 + yaw), height * (1 - yaw)
    pts = np.array(
        [[-width / 2, -left / 2], [width / 2, -right / 2], [width / 2, right / 2], [-width / 2, left / 2]]
    )
    pts[:, 0] += shear * pts[:, 1]
    pts += np.array([[rng.uniform(-0.03, 0.03) * width, rng.uniform(-0.06, 0.06) * height] for _ in range(4)])
    angle = np.deg2rad(rng.uniform(-12, 12))
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return pts @ rot.T


def scene(src: SceneSources, rng: random.Random) -> tuple[np.ndarray, np.ndarray]:
    """One training tile: a uint8 BGR image and its float32 plate mask (1 inside plates), both SIZE x SIZE."""
    out = background(src, rng)
    mask = np.zeros((SIZE, SIZE), np.float32)
    count = rng.choices((0, 1, 2), weights=(0.12, 0.73, 0.15))[0]
    for _ in range(count):
        plate, (fx1, fy1, fx2, fy2) = _plate(src, rng)
        ph, pw = plate.shape[:2]
        width = float(np.exp(rng.uniform(np.log(28), np.log(200))))
        quad = _plate_quad(rng, width, pw / ph)
        half = np.abs(quad).max(axis=0)
        # mostly inside the tile, sometimes cut by its edge (plates at the frame border)
        lo, hi = half * rng.choice((1.0, 1.0, 1.0, 0.4)), SIZE - half * rng.choice((1.0, 1.0, 1.0, 0.4))
        if np.any(lo >= hi):
            continue
        quad = quad + np.array([rng.uniform(lo[0], hi[0]), rng.uniform(lo[1], hi[1])])
        if rng.random() < 0.3:  # a car body around the plate
            body = (quad.mean(axis=0), (width * rng.uniform(1.6, 3.5), width * rng.uniform(0.6, 1.5)), 0.0)
            car = cv2.boxPoints(body).astype(np.int32)
            cv2.fillConvexPoly(out, car, [rng.randint(0, 255) for _ in range(3)])
        small_w = max(16, round(width * 1.2))
        plate = cv2.resize(plate, (small_w, max(6, round(small_w * ph / pw))), interpolation=cv2.INTER_AREA)
        ph, pw = plate.shape[:2]
        src_pts = np.array([[0, 0], [pw - 1, 0], [pw - 1, ph - 1], [0, ph - 1]], np.float32)
        matrix = cv2.getPerspectiveTransform(src_pts, quad.astype(np.float32))
        warped = cv2.warpPerspective(plate, matrix, (SIZE, SIZE), flags=cv2.INTER_LINEAR).astype(np.float32)
        alpha = cv2.warpPerspective(np.ones((ph, pw), np.float32), matrix, (SIZE, SIZE))
        out = out * (1 - alpha[..., None]) + warped * alpha[..., None]
        inner = np.array([[fx1, fy1], [fx2, fy1], [fx2, fy2], [fx1, fy2]], np.float32) * [pw - 1, ph - 1]
        plate_quad = cv2.perspectiveTransform(inner[None], matrix)[0]
        cv2.fillConvexPoly(mask, np.round(plate_quad * 4).astype(np.int32), 1.0, cv2.LINE_AA, shift=2)
    image = blur_noise_jpeg(lighting(out, rng), rng)
    if rng.random() < 0.5:
        image, mask = image[:, ::-1], mask[:, ::-1]  # mirrored plates are still plate-shaped
    return np.ascontiguousarray(image), np.ascontiguousarray(mask)


def scene_chunk(args: tuple[SceneSources, int, int]) -> tuple[np.ndarray, np.ndarray]:
    """``count`` scenes from ``seed`` (a worker-process job): images (N, S, S, 3) uint8, masks (N, S, S) uint8."""
    src, count, seed = args
    rng = random.Random(seed)
    pairs = [scene(src, rng) for _ in range(count)]
    images = np.stack([p[0] for p in pairs])
    masks = np.stack([np.round(p[1] * 255).astype(np.uint8) for p in pairs])
    return images, masks
