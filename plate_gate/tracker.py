"""Frames of one vehicle → one agreed plate: read each frame, vote, decide once per vehicle."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from plate_gate.process import VehicleRead
from plate_gate.reader import PlateRead, vote
from plate_gate.reader.pipeline import MIN_SCORE


@dataclass(frozen=True)
class TrackerRules:
    """Decide when ``agree`` frames read the same plate, or after ``max_frames`` reads, or after a gap."""

    agree: int = 2
    max_frames: int = 5
    gap_frames: int = 3
    min_score: float = MIN_SCORE
    """Weaker reads count as no plate; by default the reader's own floor."""


@dataclass
class _Track:
    reads: list[tuple[str, str, float]] = field(default_factory=list)
    best: tuple[float, np.ndarray] | None = None
    empty: int = 0
    decided: str | None = None


class VehicleTracker:
    """Feed it each frame's plate reads; it returns a VehicleRead once per vehicle passage."""

    def __init__(self, rules: TrackerRules | None = None) -> None:
        self.rules = rules or TrackerRules()
        self._track = _Track()

    def feed(self, frame: np.ndarray, reads: list[PlateRead]) -> VehicleRead | None:
        """One frame; a vehicle read when the frames agree enough, else None."""
        t = self._track
        best = next((r for r in reads if r.score >= self.rules.min_score), None)
        if best is None:
            t.empty += 1
            if t.empty < self.rules.gap_frames:
                return None
            ready = self._result() if t.decided is None and t.reads else None
            self._track = _Track()
            return ready
        t.empty = 0
        if t.decided is not None:
            if best.text == t.decided:
                return None
            self._track = t = _Track()  # another vehicle came straight after
        t.reads.append((best.text, best.color, best.score))
        if t.best is None or best.score > t.best[0]:
            t.best = (best.score, frame)
        winner = vote(t.reads)
        if winner is not None and (
            winner.frames >= self.rules.agree or len(t.reads) >= self.rules.max_frames
        ):
            return self._result()
        return None

    def _result(self) -> VehicleRead | None:
        t = self._track
        winner = vote(t.reads)
        if winner is None:
            return None
        t.decided = winner.text
        frame = t.best[1] if t.best is not None else None
        score = winner.score / max(1, winner.frames)
        return VehicleRead(winner.text, winner.color, score, winner.total, "camera", frame=frame)
