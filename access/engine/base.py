"""The face engine interface shared by all backends: detect, landmarks/align, embed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class Box:
    """A face rectangle in image pixels, (x1, y1) inclusive, (x2, y2) exclusive."""

    x1: int
    y1: int
    x2: int
    y2: int
    score: float = 0.0

    @property
    def width(self) -> int:
        """Width in pixels."""
        return self.x2 - self.x1

    @property
    def height(self) -> int:
        """Height in pixels."""
        return self.y2 - self.y1

    @property
    def area(self) -> int:
        """Area in pixels."""
        return max(0, self.width) * max(0, self.height)

    def as_list(self) -> list[int]:
        """[x1, y1, x2, y2] for JSON output."""
        return [self.x1, self.y1, self.x2, self.y2]


@dataclass(frozen=True)
class FaceResult:
    """One analysed face: where it is, its landmarks (N×2, x/y) and its L2-normalised embedding."""

    box: Box
    landmarks: np.ndarray
    embedding: np.ndarray


class FaceEngine(Protocol):
    """Detect faces, locate landmarks, and embed an aligned face into a unit vector."""

    name: str
    dim: int

    def detect(self, image: np.ndarray, thorough: bool = False) -> list[Box]:
        """Face boxes in an RGB uint8 image, largest first; thorough (photos) may retry at a finer scale."""
        ...

    def landmarks(self, image: np.ndarray, box: Box) -> np.ndarray:
        """Landmark points (N×2 float32, x/y) for one detected face."""
        ...

    def embed(self, image: np.ndarray, landmarks: np.ndarray, jitters: int = 0) -> np.ndarray:
        """Unit-length float32 embedding of the face aligned from its landmarks."""
        ...

    def eyes_nose(self, landmarks: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Centre of the image-left eye, of the image-right eye, and the nose tip."""
        ...


def analyse(
    engine: FaceEngine, image: np.ndarray, max_faces: int | None = None, thorough: bool = False
) -> list[FaceResult]:
    """Run the full pipeline on an image: every face (largest first, up to max_faces) with its embedding."""
    boxes = engine.detect(image, thorough)
    if max_faces is not None:
        boxes = boxes[:max_faces]
    results = []
    for box in boxes:
        points = engine.landmarks(image, box)
        results.append(FaceResult(box=box, landmarks=points, embedding=engine.embed(image, points)))
    return results


def l2_normalise(vector: np.ndarray) -> np.ndarray:
    """Scale a vector (or rows of a matrix) to unit length, as float32."""
    v = np.asarray(vector, dtype=np.float32)
    norm = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.maximum(norm, 1e-12)
