"""Plate background colour (blue, yellow, green, white, black) from glyph polarity, plate kind and hue."""

from __future__ import annotations

import cv2
import numpy as np

COLORS = ("blue", "yellow", "green", "white", "black")
_BY_KIND = {
    "new_energy_small": "green",
    "new_energy_large": "green",
    "police": "white",
    "emergency": "white",
    "hk": "black",
    "macau": "black",
    "embassy": "black",
    "consulate": "black",
}


def light_glyphs(plate: np.ndarray) -> bool:
    """True when the characters are lighter than the background (blue and black plates).

    Glyphs cover the minority of a plate's centre band, so the minority Otsu class is the text.
    """
    h = plate.shape[0]
    band = cv2.cvtColor(plate[h // 5 : h - h // 5 or h], cv2.COLOR_BGR2GRAY)
    _, mask = cv2.threshold(band, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return float(np.count_nonzero(mask)) < 0.5 * mask.size


def _hue_votes(plate: np.ndarray) -> dict[str, float]:
    h, w = plate.shape[:2]
    core = plate[h // 6 : h - h // 6 or h, w // 20 : w - w // 20 or w]
    hsv = cv2.cvtColor(core, cv2.COLOR_BGR2HSV).reshape(-1, 3).astype(np.int32)
    hue, sat, val = hsv[:, 0], hsv[:, 1], hsv[:, 2]
    chroma = (sat > 70) & (val > 50)
    n = float(hue.size)
    return {
        "blue": np.sum(chroma & (hue >= 95) & (hue <= 130)) / n,
        "yellow": np.sum(chroma & (hue >= 11) & (hue <= 34)) / n,
        "green": np.sum(chroma & (hue >= 35) & (hue <= 94)) / n,
        "white": np.sum((sat <= 50) & (val >= 150)) / n,
        "black": np.sum(val < 70) / n,
    }


def estimate_color(plate: np.ndarray, kind: str | None = None) -> str:
    """The plate's background colour; the GA 36 kind decides where it implies a colour.

    A clearly blue background is blue; otherwise light glyphs mean blue (black when the kind is unknown
    and nothing is blue) and dark glyphs
    mean yellow, green or white by hue. Hue alone is unreliable at night and under tinted light, so
    a standard plate with light glyphs is blue whatever its hue.
    """
    if kind in _BY_KIND:
        return _BY_KIND[kind]
    votes = _hue_votes(plate)
    if votes["blue"] >= 0.25:
        return "blue"
    if light_glyphs(plate):
        if kind is not None or votes["blue"] >= 0.15:
            return "blue"
        return "black"
    if votes["green"] >= 0.2 and votes["green"] > votes["yellow"]:
        return "green"
    if votes["yellow"] >= 0.15:
        return "yellow"
    return "white" if votes["white"] >= votes["green"] else "green"
