"""Camera-like degradation of a plate, then the same rectification / crop views the reader feeds its recogniser."""

from __future__ import annotations

import random
from dataclasses import dataclass

import cv2
import numpy as np

from plate_gate.reader.pipeline import RECTIFY_MARGINS
from plate_gate.reader.rectify import rectify


def car_surface(rng: random.Random, size: tuple[int, int]) -> np.ndarray:
    """A car-body-like surround: a random colour with gradient, stripes and noise texture."""
    w, h = size
    base = np.array([rng.randint(0, 255) for _ in range(3)], np.float32)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    grad = (xx / w - 0.5) * rng.uniform(-80, 80) + (yy / h - 0.5) * rng.uniform(-80, 80)
    out = base + grad[..., None]
    if rng.random() < 0.5:  # grille / bumper edges
        for _ in range(rng.randint(1, 6)):
            y = rng.randint(0, h - 1)
            cv2.line(out, (0, y), (w, y + rng.randint(-5, 5)), [rng.randint(0, 255)] * 3, rng.randint(1, 4))
    noise = rng.uniform(2, 20)
    out += np.random.default_rng(rng.randint(0, 2**31)).normal(0, noise, out.shape).astype(np.float32)
    return out


def _quad(
    rng: random.Random, width: float, aspect: float, canvas: tuple[int, int], strong: bool
) -> np.ndarray:
    """Plate corners (TL, TR, BR, BL) with yaw-like foreshortening, tilt and skew, centred in the canvas."""
    height = width / aspect
    yaw = rng.uniform(-0.3, 0.3) if strong else rng.uniform(-0.1, 0.1)
    angle = np.deg2rad(rng.uniform(-12, 12) if strong else rng.uniform(-5, 5))
    shear = rng.uniform(-0.25, 0.25) if strong else rng.uniform(-0.08, 0.08)
    left, right = height * (1 + yaw), height * (1 - yaw)
    pts = np.array(
        [[-width / 2, -left / 2], [width / 2, -right / 2], [width / 2, right / 2], [-width / 2, left / 2]]
    )
    pts[:, 0] += shear * pts[:, 1]
    pts += np.array([[rng.uniform(-0.03, 0.03) * width, rng.uniform(-0.06, 0.06) * height] for _ in range(4)])
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    pts = pts @ rot.T
    return (pts + np.array(canvas, float) / 2).astype(np.float32)


@dataclass(frozen=True)
class CornerError:
    """How one corner source of the reader misplaces plate corners, in plate units (x: width, y: height).

    Per corner (TL, TR, BR, BL): mean and standard deviation of the x and y error, signs in image axes
    (so outward is -x/-y at TL, +x/-y at TR, ...).
    """

    share: float
    mean_x: tuple[float, float, float, float]
    mean_y: tuple[float, float, float, float]
    std_x: tuple[float, float, float, float]
    std_y: tuple[float, float, float, float]


CORNER_ERRORS = {
    # Measured 2026-11-22 on 720p scenes composed from synthetic plates (known exact corners, 200 frames):
    # detector @640 (143 found), detector @1024 (177), colour proposals (130); the plate-mask detector
    # @960 on 250 other frames (250 found). Shares follow how often each stage gives the read.
    "detector_640": CornerError(
        0.35,
        (-0.007, 0.019, 0.020, 0.000),
        (-0.113, -0.108, 0.089, 0.103),
        (0.052, 0.046, 0.044, 0.044),
        (0.109, 0.129, 0.108, 0.130),
    ),
    "plate_mask": CornerError(
        0.3,
        (-0.038, 0.036, 0.036, -0.040),
        (-0.117, -0.124, 0.096, 0.102),
        (0.030, 0.048, 0.051, 0.031),
        (0.068, 0.087, 0.084, 0.081),
    ),
    "detector_1024": CornerError(
        0.15,
        (-0.009, 0.022, 0.021, -0.007),
        (-0.059, -0.057, 0.057, 0.065),
        (0.028, 0.035, 0.031, 0.027),
        (0.070, 0.083, 0.085, 0.076),
    ),
    "colour_proposal": CornerError(
        0.2,
        (-0.038, 0.047, 0.040, -0.033),
        (-0.135, -0.129, 0.130, 0.156),
        (0.085, 0.039, 0.037, 0.082),
        (0.149, 0.129, 0.068, 0.080),
    ),
}
"""Corner error of each source of plate corners in the reader (see docs/plate-recogniser.md, 2026-11-22)."""


def detected_corners(quad: np.ndarray, rng: random.Random, spread: float = 1.1) -> np.ndarray:
    """The true plate corners (TL, TR, BR, BL) as the reader's detector or colour proposals would give them.

    Errors are drawn from the measured per-corner distributions of CORNER_ERRORS (``spread`` widens them a
    little), along the plate's own axes, so views cut into or run past the plate edges as often as in use.
    """
    sources = list(CORNER_ERRORS.values())
    err = rng.choices(sources, weights=[s.share for s in sources])[0]
    tl, tr, br, bl = quad.astype(np.float64)
    right, down = ((tr - tl) + (br - bl)) / 2, ((bl - tl) + (br - tr)) / 2
    out = quad.astype(np.float64).copy()
    for i in range(4):
        dx = rng.gauss(err.mean_x[i], spread * err.std_x[i])
        dy = rng.gauss(err.mean_y[i], spread * err.std_y[i])
        out[i] += dx * right + dy * down
    return out.astype(np.float32)


def lighting(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """Gain, gamma, colour cast, a light gradient, shadow bands and glare."""
    h, w = img.shape[:2]
    out = img * rng.uniform(0.45, 1.3) + rng.uniform(-30, 30)
    out = out * np.array([rng.uniform(0.8, 1.2) for _ in range(3)], np.float32)
    xx = np.linspace(-1, 1, w, dtype=np.float32)[None, :]
    yy = np.linspace(-1, 1, h, dtype=np.float32)[:, None]
    out = out * (1 + rng.uniform(-0.35, 0.35) * xx + rng.uniform(-0.25, 0.25) * yy)[..., None]
    if rng.random() < 0.25:
        x0, slope = rng.uniform(0, w), rng.uniform(-2, 2)
        shadow = ((np.arange(w)[None, :] - x0 - slope * np.arange(h)[:, None]) > 0).astype(np.float32)
        out = out * (1 - rng.uniform(0.2, 0.6) * shadow[..., None])
    if rng.random() < 0.15:
        cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.1, 0.5) * w
        d = ((np.arange(w)[None, :] - cx) ** 2 + (np.arange(h)[:, None] - cy) ** 2) / r**2
        out = out + (rng.uniform(60, 160) * np.exp(-d))[..., None]
    out = np.clip(out, 0, 255)
    gamma = rng.uniform(0.6, 1.6)
    return 255.0 * (out / 255.0) ** gamma


def dirt(plate: np.ndarray, rng: random.Random) -> np.ndarray:
    """Mud and dust: translucent dark or brown blobs and speckles on the plate."""
    out = plate.astype(np.float32)
    h, w = out.shape[:2]
    mask: np.ndarray = np.zeros((h, w), np.float32)
    for _ in range(rng.randint(1, 8)):
        centre = (rng.randint(0, w - 1), rng.randint(0, h - 1))
        axes = (rng.randint(3, w // 6), rng.randint(2, h // 4))
        cv2.ellipse(mask, centre, axes, rng.uniform(0, 180), 0, 360, rng.uniform(0.2, 0.7), -1)
    mask = cv2.GaussianBlur(mask, (0, 0), rng.uniform(2, 8))
    colour = np.array([rng.randint(20, 90), rng.randint(40, 110), rng.randint(60, 130)], np.float32)
    return out * (1 - mask[..., None]) + colour * mask[..., None]


def blur_noise_jpeg(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """Defocus or motion blur, sensor noise and JPEG compression."""
    if rng.random() < 0.6:
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.3, 1.5))
    if rng.random() < 0.2:
        k = rng.randint(3, 7)
        kernel = np.zeros((k, k), np.float32)
        kernel[k // 2, :] = 1.0 / k
        rot = cv2.getRotationMatrix2D((k / 2 - 0.5, k / 2 - 0.5), rng.uniform(0, 180), 1.0)
        img = cv2.filter2D(img, -1, cv2.warpAffine(kernel, rot, (k, k)))
    img = img + np.random.default_rng(rng.randint(0, 2**31)).normal(0, rng.uniform(0, 10), img.shape)
    out: np.ndarray = np.clip(img, 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(25, 95)])
    decoded = cv2.imdecode(jpeg, cv2.IMREAD_COLOR) if ok else None
    return out if decoded is None else decoded


def crop_views(image: np.ndarray) -> list[np.ndarray]:
    """The three views the reader takes of a plate crop (see PlateReader._read_crop)."""
    h, w = image.shape[:2]
    padded = cv2.copyMakeBorder(image, h // 20, h // 20, w // 30, w // 30, cv2.BORDER_REPLICATE)
    return [image, padded, image[h // 25 : h - h // 25, :]]


def degrade(plate: np.ndarray, rng: random.Random, dirty: bool = True, tight: bool = False) -> np.ndarray:
    """Place a plate image into a scene as a camera would see it and return one reader view of it.

    Half the samples are read like detections (corners with the measured error of the reader's detector
    and colour proposals, rectified with one of the reader's margins to 160x40), half like loosely boxed crops (axis-aligned box, one crop view).
    ``tight`` marks an already boxed real crop (less margin added around it).
    """
    ph, pw = plate.shape[:2]
    if dirty and rng.random() < 0.3:
        plate = np.clip(dirt(plate, rng), 0, 255).astype(np.uint8)
    as_detection = rng.random() < 0.5
    width = rng.uniform(70, 240) if as_detection else rng.uniform(60, 200)
    canvas = (int(width * 1.4), int(width * 0.7))
    quad = _quad(rng, width, pw / ph, canvas, strong=as_detection)
    # area-downsample the plate near its final size first (like a sensor), then warp it into the scene
    small_w = max(16, round(width * 1.15))
    plate = cv2.resize(plate, (small_w, max(6, round(small_w * ph / pw))), interpolation=cv2.INTER_AREA)
    ph, pw = plate.shape[:2]
    src = np.array([[0, 0], [pw - 1, 0], [pw - 1, ph - 1], [0, ph - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(src, quad)
    warped = cv2.warpPerspective(plate, matrix, canvas, flags=cv2.INTER_LINEAR).astype(np.float32)
    mask = cv2.warpPerspective(np.ones((ph, pw), np.float32), matrix, canvas, flags=cv2.INTER_LINEAR)
    scene = car_surface(rng, canvas) * (1 - mask[..., None]) + warped * mask[..., None]
    scene = blur_noise_jpeg(lighting(scene, rng), rng)
    if as_detection:
        return rectify(scene, detected_corners(quad, rng), rng.choice(RECTIFY_MARGINS))
    x1, y1 = quad.min(axis=0)
    x2, y2 = quad.max(axis=0)
    bw, bh = x2 - x1, y2 - y1
    mx = 0.0 if tight else rng.uniform(-0.02, 0.06)
    my = 0.0 if tight else rng.uniform(-0.05, 0.2)
    box = np.array([x1 - mx * bw, y1 - my * bh, x2 + mx * bw, y2 + my * bh])
    box += np.array([rng.gauss(0, 0.015) * bw, rng.gauss(0, 0.05) * bh] * 2)
    xa, ya = max(0, int(box[0])), max(0, int(box[1]))
    xb, yb = min(canvas[0], int(np.ceil(box[2]))), min(canvas[1], int(np.ceil(box[3])))
    crop = scene[ya:yb, xa:xb]
    if rng.random() < 0.5:  # crops arrive at CCPD-like sizes (94x24) as often as larger
        crop = cv2.resize(crop, (94, 24), interpolation=cv2.INTER_AREA)
    return rng.choice(crop_views(crop))


def jitter_real(crop: np.ndarray, rng: random.Random) -> np.ndarray:
    """A real crop as another camera might give it: lighting, blur, shifts and one of the reader's views."""
    h, w = crop.shape[:2]
    dx, dy = rng.uniform(-0.04, 0.04) * w, rng.uniform(-0.08, 0.08) * h
    angle = rng.uniform(-3, 3)
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), angle, rng.uniform(0.93, 1.05))
    rot[:, 2] += (dx, dy)
    moved = cv2.warpAffine(crop, rot, (w, h), borderMode=cv2.BORDER_REPLICATE).astype(np.float32)
    light = np.clip(moved * rng.uniform(0.6, 1.3) + rng.uniform(-25, 25), 0, 255)
    out = blur_noise_jpeg(light, rng) if rng.random() < 0.7 else light.astype(np.uint8)
    return rng.choice(crop_views(out))
