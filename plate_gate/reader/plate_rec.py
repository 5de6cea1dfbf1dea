"""Our plate recogniser: a small CTC CNN trained in plate_gate/training, shipped as ONNX in plate_gate/models."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path

import cv2
import numpy as np

from plate_gate.grammar import PROVINCES
from plate_gate.reader.models import ModelMissingError, session_at
from plate_gate.reader.recognizer import Recognition, ctc_decode

MODEL_DIR = Path(__file__).resolve().parents[1] / "models"
MODEL = MODEL_DIR / "plate_rec.onnx"
INPUT_H, INPUT_W = 32, 128
"""Input size of the network (height, width); the shipped JSON repeats it."""


def fit(plate: np.ndarray, size: tuple[int, int] = (INPUT_H, INPUT_W)) -> np.ndarray:
    """A BGR plate image resized to the network input (height, width): area when shrinking, else linear."""
    h, w = size
    shrink = plate.shape[0] > h or plate.shape[1] > w
    return cv2.resize(plate, (w, h), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)


def normalize(images: np.ndarray) -> np.ndarray:
    """uint8 NHWC (or HWC) images to the float NCHW (CHW) tensor in [-1, 1] the network takes."""
    x = images.astype(np.float32) / 127.5 - 1.0
    return np.moveaxis(x, -1, -3)


def prepare(plate: np.ndarray, size: tuple[int, int] = (INPUT_H, INPUT_W)) -> np.ndarray:
    """A BGR plate image as the float CHW tensor the network expects (training uses the same two steps)."""
    return normalize(fit(plate, size))


@cache
def load_meta(model: Path) -> dict[str, object]:
    """The model's JSON side file: alphabet (CTC class i + 1), input [h, w], training figures."""
    meta_path = model.with_suffix(".json")
    if not model.is_file() or not meta_path.is_file():
        raise ModelMissingError(f"plate recogniser model missing: {model}")
    meta: dict[str, object] = json.loads(meta_path.read_text(encoding="utf-8"))
    return meta


class PlateRecognizer:
    """Reads rectified plates or crops with the shipped ONNX model; optional local-province preference.

    ``prefer`` (优先省份, e.g. "川") only breaks near-ties: when the province character is uncertain
    (top probability below ``prefer_below``) and the preferred province is among its alternatives with
    at least ``prefer_min``, it is moved to the top. Accuracy does not depend on it.
    """

    def __init__(
        self,
        model: Path = MODEL,
        top_k: int = 5,
        prefer: str = "",
        prefer_below: float = 0.6,
        prefer_min: float = 0.05,
    ) -> None:
        meta = load_meta(model)
        self.model = model
        self.chars = ["", *str(meta["alphabet"])]
        size = meta["input"]
        assert isinstance(size, list)
        self.size = (int(size[0]), int(size[1]))
        self.top_k = top_k
        if prefer and prefer not in PROVINCES:
            raise ValueError(f"not a province abbreviation: {prefer!r}")
        self.prefer = prefer
        self.prefer_below = prefer_below
        self.prefer_min = prefer_min

    def _prefer(self, rec: Recognition) -> Recognition:
        if not self.prefer or not rec.alternatives:
            return rec
        first = rec.alternatives[0]
        if first[0][0] == self.prefer or first[0][1] >= self.prefer_below:
            return rec
        pick = next((a for a in first if a[0] == self.prefer and a[1] >= self.prefer_min), None)
        if pick is None:
            return rec
        reordered = (pick, *(a for a in first if a is not pick))
        return replace(rec, text=self.prefer + rec.text[1:], alternatives=(reordered, *rec.alternatives[1:]))

    def recognize(self, plates: Sequence[np.ndarray]) -> list[Recognition]:
        """Read a batch of plate images in one inference call."""
        if not plates:
            return []
        batch = np.stack([prepare(p, self.size) for p in plates])
        probs = session_at(str(self.model)).run(None, {"image": batch})[0]
        return [self._prefer(ctc_decode(p, self.chars, self.top_k)) for p in probs]
