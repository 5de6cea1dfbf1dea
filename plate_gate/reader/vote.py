"""Multi-frame voting: combine readings of the same vehicle over consecutive frames."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Vote:
    """The agreed plate over several frames: text, colour, summed score and how many frames agreed."""

    text: str
    color: str
    score: float
    frames: int
    total: int


def vote(readings: Iterable[tuple[str, str, float]], min_frames: int = 1) -> Vote | None:
    """Score-weighted vote over (text, colour, score) readings; per-position vote breaks whole-text ties.

    Whole strings are weighted by score; when no string wins a strict majority of weight, each character
    position is voted separately among readings of the winning length (a misread character in one frame
    is outvoted by the others).
    """
    rows = [r for r in readings if r[0]]
    if not rows:
        return None
    weight: defaultdict[str, float] = defaultdict(float)
    for text, _, score in rows:
        weight[text] += max(score, 1e-6)
    text = max(weight, key=lambda t: weight[t])
    if weight[text] <= 0.5 * sum(weight.values()):
        length = Counter(len(t) for t, _, _ in rows).most_common(1)[0][0]
        same = [(t, s) for t, _, s in rows if len(t) == length]
        chars = []
        for i in range(length):
            per: defaultdict[str, float] = defaultdict(float)
            for t, s in same:
                per[t[i]] += max(s, 1e-6)
            chars.append(max(per, key=lambda c: per[c]))
        text = "".join(chars)
    agreeing = [r for r in rows if r[0] == text]
    if len(agreeing) < min_frames:
        return None
    similar = agreeing or [r for r in rows if len(r[0]) == len(text)]
    color = Counter(c for _, c, _ in similar).most_common(1)[0][0]
    return Vote(text, color, sum(s for _, _, s in similar), len(agreeing), len(rows))
