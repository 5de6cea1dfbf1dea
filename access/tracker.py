"""Frame-to-frame face tracking so a person standing at the door is embedded once, not on every frame."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from access.engine import Box, FaceEngine, FaceResult


@dataclass(frozen=True)
class Track:
    """A face followed from the previous frame with the embedding computed for it."""

    box: Box
    embedding: np.ndarray
    embedded_at: float


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes."""
    w = min(a.x2, b.x2) - max(a.x1, b.x1)
    h = min(a.y2, b.y2) - max(a.y1, b.y1)
    inter = max(0, w) * max(0, h)
    union = a.area + b.area - inter
    return inter / union if union else 0.0


class FaceTracker:
    """Detect every frame; reuse a face's embedding while its box overlaps the previous frame's (IoU).

    A frame without the face ends its track, and embeddings are refreshed every `reembed_s`, so a different
    person stepping into the same spot is re-identified within that time (the door also debounces per person).
    """

    def __init__(self, engine: FaceEngine, reembed_s: float = 1.0, min_iou: float = 0.5) -> None:
        self.engine = engine
        self.reembed_s = reembed_s
        self.min_iou = min_iou
        self._tracks: list[Track] = []
        self.embeds = 0

    def analyse(self, image: np.ndarray, now_s: float) -> list[FaceResult]:
        """Faces of this frame (largest first) with embeddings, recomputed only for new or stale tracks."""
        results, tracks = [], []
        free = list(self._tracks)
        for box in self.engine.detect(image):
            points = self.engine.landmarks(image, box)
            match = max(free, key=lambda t: iou(t.box, box), default=None)
            if (
                match is not None
                and iou(match.box, box) >= self.min_iou
                and now_s - match.embedded_at < self.reembed_s
            ):
                free.remove(match)
                embedding, embedded_at = match.embedding, match.embedded_at
            else:
                embedding, embedded_at = self.engine.embed(image, points), now_s
                self.embeds += 1
            tracks.append(Track(box, embedding, embedded_at))
            results.append(FaceResult(box, points, embedding))
        self._tracks = tracks
        return results
