"""Synthetic plate renderer: glyph images and blank plates (synth_assets, MIT) composed into clean plates."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cv2
import numpy as np

from plate_gate.grammar import DIGITS, LETTERS, NEW_ENERGY_LETTERS, PROVINCES, SERIAL_CHARS, parse_plate

RED = (30, 30, 200)
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
"""System CJK fonts used only for 应/急, which the glyph set lacks (emergency plates are skipped without one)."""


@dataclass(frozen=True)
class Style:
    """How one plate kind looks: blank plate file, glyph set, text colour, special-character colour."""

    blank: str
    glyphs: str
    ink: tuple[int, int, int]
    special_ink: tuple[int, int, int]
    color: str


STYLES = {
    "blue": Style("blue_140.PNG", "140", (245, 245, 245), (245, 245, 245), "blue"),
    "yellow": Style("yellow_140.PNG", "140", (20, 20, 20), (20, 20, 20), "yellow"),
    "new_energy_small": Style("green_car_140.PNG", "green", (20, 20, 20), (20, 20, 20), "green"),
    "new_energy_large": Style("green_truck_140.PNG", "green", (20, 20, 20), (20, 20, 20), "green"),
    "police": Style("white_140.PNG", "140", (20, 20, 20), RED, "white"),
    "emergency": Style("white_140.PNG", "140", (20, 20, 20), RED, "white"),
    "hk_macau": Style("black_140.PNG", "140", (240, 240, 240), (240, 240, 240), "black"),
    "embassy": Style("black_shi_140.PNG", "140", (240, 240, 240), RED, "black"),
    "consulate": Style("black_140.PNG", "140", (240, 240, 240), RED, "black"),
}
KIND_WEIGHTS = {
    "blue": 0.34,
    "yellow": 0.13,
    "new_energy_small": 0.11,
    "new_energy_large": 0.07,
    "police": 0.09,
    "emergency": 0.07,
    "hk_macau": 0.09,
    "embassy": 0.05,
    "consulate": 0.05,
}
SPECIALS = "警学挂港澳使领应急"


def alphabet() -> str:
    """The recogniser's characters (CTC class i + 1): provinces, letters, digits, special characters."""
    return PROVINCES + LETTERS + DIGITS + SPECIALS


def _serial(rng: random.Random, n: int, letters: int = 2) -> str:
    """A serial of ``n`` characters with at most ``letters`` letters (like issued plates)."""
    chars = [rng.choice(DIGITS) for _ in range(n)]
    for i in rng.sample(range(n), rng.randint(0, min(letters, n))):
        chars[i] = rng.choice(LETTERS)
    return "".join(chars)


def random_text(kind: str, rng: random.Random) -> str:
    """A GA 36-valid plate string of this kind with a uniformly drawn province."""
    p, letter = rng.choice(PROVINCES), rng.choice(LETTERS)
    if kind == "blue":
        return p + letter + _serial(rng, 5)
    if kind == "yellow":
        return p + letter + (_serial(rng, 4) + rng.choice("学挂") if rng.random() < 0.3 else _serial(rng, 5))
    if kind == "new_energy_small":
        return p + letter + rng.choice(NEW_ENERGY_LETTERS) + rng.choice(SERIAL_CHARS) + _serial(rng, 4, 0)
    if kind == "new_energy_large":
        return p + letter + _serial(rng, 5, 0) + rng.choice(NEW_ENERGY_LETTERS)
    if kind == "police":
        return p + letter + _serial(rng, 4) + "警"
    if kind == "emergency":
        return p + letter + _serial(rng, 4) + "应急"
    if kind == "hk_macau":
        return "粤Z" + _serial(rng, 4) + rng.choice("港澳")
    if kind == "embassy":
        return "使" + _serial(rng, 6, 0)
    return p + letter + _serial(rng, 4, 0) + "领"


SPLIT = {"police": 1, "emergency": 1, "embassy": 4}
"""Index of the character after the plate's separator dot (2 for every other kind)."""


def layout(length: int, split: int = 2) -> list[tuple[int, int, int, int]]:
    """Character boxes (x1, y1, x2, y2) on a 440x140 (7) or 480x140 (8) plate, per GA 36 spacing."""
    boxes, x = [], 15
    for i in range(length):
        width = 45 if i == 0 or length == 7 else 43
        if i == split:
            x += 34 if length == 7 else 49
        elif i > 0:
            x += 12 if length == 7 else 9
        boxes.append((x, 25, x + width, 115))
        x += width
    return boxes


@cache
def _blank(assets: Path, name: str, width: int) -> np.ndarray:
    """A blank plate resized to width x 140."""
    image = cv2.imread(str(assets / "plate_model" / name), cv2.IMREAD_UNCHANGED)
    if image is None:
        raise FileNotFoundError(assets / "plate_model" / name)
    return cv2.resize(image[..., :3], (width, 140), interpolation=cv2.INTER_AREA).astype(np.float32)


@cache
def _font_glyph(ch: str) -> np.ndarray | None:
    """A 90x45 mask of ``ch`` drawn with a system CJK font (for 应/急), or None without one."""
    from PIL import Image, ImageDraw, ImageFont

    path = next((f for f in FONT_CANDIDATES if Path(f).is_file()), None)
    if path is None:
        return None
    font = ImageFont.truetype(path, 160)
    canvas = Image.new("L", (200, 200), 0)
    ImageDraw.Draw(canvas).text((20, 0), ch, fill=255, font=font)
    arr = np.asarray(canvas)
    ys, xs = np.nonzero(arr > 40)
    return arr[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


@cache
def sized_glyph(assets: Path, style: str, ch: str, size: tuple[int, int]) -> np.ndarray:
    """A glyph alpha mask in [0, 1] resized to (width, height)."""
    mask = cv2.resize(glyph(assets, style, ch), size, interpolation=cv2.INTER_AREA)
    return mask.astype(np.float32) / 255.0


@cache
def glyph(assets: Path, style: str, ch: str) -> np.ndarray:
    """A glyph mask (255 = ink) from the asset set, falling back from green to 140 and to a system font."""
    if ch in "应急":
        mask = _font_glyph(ch)
        if mask is None:
            raise FileNotFoundError("no CJK font for 应/急")
        return mask
    for prefix in (style, "140"):
        image = cv2.imread(str(assets / "font_model" / f"{prefix}_{ch}.jpg"), cv2.IMREAD_GRAYSCALE)
        if image is not None:
            return 255 - image
    raise FileNotFoundError(f"no glyph for {ch!r}")


def can_render(kind: str) -> bool:
    """Emergency plates need a system CJK font for 应/急; every other kind renders from the assets."""
    return kind != "emergency" or _font_glyph("应") is not None


def render_plate(assets: Path, text: str, kind: str, rng: random.Random) -> np.ndarray:
    """A clean, frontal BGR plate (140 px high) showing ``text`` in the style of ``kind``."""
    parse_plate(text)  # only valid plates are rendered
    style = STYLES[kind]
    width = 480 if len(text) == 8 else 440
    plate = _blank(assets, style.blank, width)
    ink = np.zeros_like(plate)
    alpha = np.zeros(plate.shape[:2], np.float32)
    for (x1, y1, x2, y2), ch in zip(layout(len(text), SPLIT.get(kind, 2)), text, strict=True):
        a = sized_glyph(assets, style.glyphs, ch, (x2 - x1, y2 - y1))
        colour = style.special_ink if ch in SPECIALS else style.ink
        alpha[y1:y2, x1:x2] = np.maximum(alpha[y1:y2, x1:x2], a)
        ink[y1:y2, x1:x2] = np.where(a[..., None] > 0.3, colour, ink[y1:y2, x1:x2])
    out = plate * (1 - alpha[..., None]) + ink * alpha[..., None]
    return np.clip(out, 0, 255).astype(np.uint8)


def random_plate(assets: Path, rng: random.Random) -> tuple[np.ndarray, str, str]:
    """A random clean plate: (image, text, colour name)."""
    kinds = [k for k in KIND_WEIGHTS if can_render(k)]
    kind = rng.choices(kinds, weights=[KIND_WEIGHTS[k] for k in kinds])[0]
    text = random_text(kind, rng)
    return render_plate(assets, text, kind, rng), text, STYLES[kind].color
