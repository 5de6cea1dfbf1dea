"""Grammar-guided correction: pick the best GA 36-valid plate from per-character alternatives."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from plate_gate.grammar import (
    DIGITS,
    LETTERS,
    NEW_ENERGY_LETTERS,
    PROVINCES,
    SERIAL_CHARS,
    PlateError,
    parse_plate,
)
from plate_gate.reader.recognizer import Candidates

_P, _L, _S, _D, _N = PROVINCES, LETTERS, SERIAL_CHARS, DIGITS, NEW_ENERGY_LETTERS
TEMPLATES: tuple[tuple[str, ...], ...] = (
    (_P, _L, _S, _S, _S, _S, _S),
    (_P, _L, _S, _S, _S, _S, "警学挂领"),
    ("粤", "Z", _S, _S, _S, _S, "港澳"),
    ("使", _D, _D, _D, _D, _D, _D),
    (_P, _L, _N, _S, _D, _D, _D, _D),
    (_P, _L, _D, _D, _D, _D, _D, _N),
    (_P, _L, _S, _S, _S, _S, "应", "急"),
)
"""Allowed characters per position for each plate format the recogniser's alphabet can express."""


@dataclass(frozen=True)
class Corrected:
    """A grammar-valid reading: text, its kind, the weakest character's probability, characters changed."""

    text: str
    kind: str
    score: float
    changed: int


def _fit(
    alts: Sequence[Candidates], template: tuple[str, ...], floor: float
) -> tuple[str, float, int] | None:
    chars, probs, changed = [], [], 0
    for rank_list, allowed in zip(alts, template, strict=True):
        pick = next(((c, p) for c, p in rank_list if c in allowed and p >= floor), None)
        if pick is None:
            return None
        changed += pick[0] != rank_list[0][0]
        chars.append(pick[0])
        probs.append(pick[1])
    return "".join(chars), min(probs), changed


def correct(alts: Sequence[Candidates], floor: float = 0.01) -> Corrected | None:
    """Best valid plate for these alternatives, or None when no GA 36 format fits."""
    best: Corrected | None = None
    for template in TEMPLATES:
        if len(template) != len(alts):
            continue
        fit = _fit(alts, template, floor)
        if fit is None:
            continue
        text, score, changed = fit
        try:
            plate = parse_plate(text)
        except PlateError:
            continue
        if best is None or score > best.score:
            best = Corrected(plate.text, plate.kind, score, changed)
    return best
