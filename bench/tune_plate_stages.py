"""Tune the plate reader's score weight and stage acceptance on frames the benchmarks never use.

Run: python bench/tune_plate_stages.py [--draws N] [--bench]
Tuning frames: 720p scenes composed from the *training-split* real crops (compose seeds 61, 71, ...; 150
each) and from synthetic plates rendered with seeds other than the bench's. Every stage of the reader is
run once on each frame (every detection, the reader's own rectified views, recogniser and grammar); the
reader's stage search (`pipeline.search`) is then replayed for a grid of DETECTION_WEIGHT and of the
acceptance scores of the first two stages and of colour proposals. Printed: the best settings by exact
reads, ties broken by the mean number of stages run (the time proxy), and, for the shipped and the best
settings, how many plate-free frames still give a read at each score (the reader's and the tracker's floor).
``--bench`` also replays the bench's 750 held-out-crop frames (bench_plate_recogniser.py's draws) for
those settings: a report, never an input to the choice.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_plate_recogniser import synthetic_crops
from bench_plates import PLATES, backgrounds

from plate_gate.compose import compose
from plate_gate.reader import PlateRead, PlateReader, pipeline
from plate_gate.reader.rectify import rectify
from plate_gate.training.dataset import real_split

Found = tuple[str, float, float]
"""(text, reading sureness, detection score) of one detection."""
Frame = tuple[str, list[list[Found]]]
"""(true text, per stage its detections' reads)."""

BEFORE = (0.8, 0.9, 0.9, 0.4)
"""The settings shipped before 2026-12-03."""
LOWEST = 0.2
"""The lowest score floor compared (the reader's MIN_SCORE before 2026-12-03)."""
WEIGHTS = (0.8, 0.4, 0.2, 0.15, 0.1, 0.05, 0.0)
SURE = (0.9, 0.93, 0.94, 0.95, 0.96, 0.97, 0.98)
COLOUR = (0.4, 0.8)


def read_stages(reader: PlateReader, image: np.ndarray) -> list[list[Found]]:
    """Every stage's detections read as the reader reads them, before any score weighting."""
    stages = []
    for stage, _ in reader._stages(image):
        found = []
        for det in stage()[: reader.max_plates]:
            views = [rectify(image, det.corners, m) for m in pipeline.RECTIFY_MARGINS]
            best = reader._best(reader.recognizer.recognize(views))
            if best is not None:
                found.append((best[0].text, pipeline.reading(*best), det.score))
        stages.append(found)
    return stages


Settings = tuple[float, float, float, float]
"""(DETECTION_WEIGHT, FIRST_ACCEPT_SCORE, MASK_ACCEPT_SCORE, COLOUR_ACCEPT_SCORE)."""


def search(
    stages: list[list[Found]], settings: Settings, floor: float = pipeline.MIN_SCORE
) -> tuple[list[PlateRead], int]:
    """The reader's stage search replayed with these settings and score floor: (reads kept, stages run)."""
    pipeline.DETECTION_WEIGHT = settings[0]
    ran = 0

    def stage(found: list[Found]) -> Callable[[], list[PlateRead]]:
        def run() -> list[PlateRead]:
            nonlocal ran
            ran += 1
            scored = ((text, pipeline.weighted(r, d)) for text, r, d in found)
            return [PlateRead(text, "", s, (0, 0, 0, 0), "", text) for text, s in scored if s >= floor]

        return run

    accepts = (*settings[1:], pipeline.ACCEPT_SCORE)
    reads = pipeline.search((stage(f), a) for f, a in zip(stages, accepts, strict=False))
    return reads, ran


def top(reads: list[PlateRead]) -> PlateRead | None:
    return max(reads, key=lambda r: r.score) if reads else None


def replay(
    frames: list[Frame], settings: Settings, floor: float = pipeline.MIN_SCORE
) -> tuple[int, float, list[float]]:
    """(exact reads, mean stages run, score of each right top plate or 0) with these settings."""
    hits, runs, scores = 0, 0, []
    for truth, stages in frames:
        reads, ran = search(stages, settings, floor)
        best = top(reads)
        hits += best is not None and best.text == truth
        runs += ran
        scores.append(best.score if best is not None and best.text == truth else 0.0)
    return hits, runs / max(1, len(frames)), scores


def tuning_frames(
    draws: int, synthetic: int
) -> tuple[list[tuple[np.ndarray, str]], list[tuple[np.ndarray, str]]]:
    """(frames with a plate, plate-free frames): training-split crops and unseen synthetic plates."""
    train, _ = real_split(PLATES / "crops")
    frames = []
    for seed in range(61, 61 + 10 * draws, 10):
        bgs = backgrounds(random.Random(seed))
        frames += [(s.image, s.text) for s in compose(train, bgs, 150, seed=seed)]
    for k in range(synthetic):
        with tempfile.TemporaryDirectory() as tmp:
            synthetic_crops(Path(tmp), 300, seed=777 + k)
            bgs = backgrounds(random.Random(62 + 200 * k))
            crops = sorted(Path(tmp).glob("*.jpg"))
            frames += [(s.image, s.text) for s in compose(crops, bgs, 300, seed=63 + 200 * k)]
    empty = []
    for seed in (301, 302, 303, 304):
        rng = random.Random(seed)
        bgs = backgrounds(rng)
        empty += [(rng.choice(bgs)(rng), "") for _ in range(100)]
    return frames, empty


def bench_frames() -> list[tuple[np.ndarray, str]]:
    """The 750 held-out-crop frames of bench_plate_recogniser.py's five draws."""
    _, held_out = real_split(PLATES / "crops")
    frames = []
    for seed in (11, 21, 31, 41, 51):
        bgs = backgrounds(random.Random(5 if seed == 11 else seed))
        frames += [(s.image, s.text) for s in compose(held_out, bgs, 150, seed=seed)]
    return frames


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--draws", type=int, default=14, help="150-frame draws of training crops")
    parser.add_argument("--synthetic", type=int, default=3, help="300-frame draws of synthetic plates")
    parser.add_argument("--bench", action="store_true", help="also replay the bench's 750 frames (report)")
    args = parser.parse_args()
    reader = PlateReader()
    frames, empty = tuning_frames(args.draws, args.synthetic)
    print(f"reading every stage of {len(frames)} tuning and {len(empty)} plate-free frames ...", flush=True)
    tune = [(text, read_stages(reader, image)) for image, text in frames]
    blank = [(text, read_stages(reader, image)) for image, text in empty]
    bench = [(text, read_stages(reader, image)) for image, text in bench_frames()] if args.bench else []
    shipped = (
        pipeline.DETECTION_WEIGHT,
        pipeline.FIRST_ACCEPT_SCORE,
        pipeline.MASK_ACCEPT_SCORE,
        pipeline.COLOUR_ACCEPT_SCORE,
    )
    grid = sorted(
        itertools.product(WEIGHTS, SURE, SURE, COLOUR),
        key=lambda g: (-(r := replay(tune, g))[0], r[1]),
    )
    print(
        f"{'weight':>6} {'first':>5} {'mask':>5} {'colour':>6} {'tune reads':>12} {'stages':>6}  bench reads"
    )
    for settings in dict.fromkeys([BEFORE, shipped, *grid[:10]]):
        floor = LOWEST if settings == BEFORE else pipeline.MIN_SCORE  # each with the floor it shipped with
        hits, runs, _ = replay(tune, settings, floor)
        on_bench = f"{replay(bench, settings, floor)[0]}/{len(bench)}" if bench else "-"
        w, a, b, c = settings
        print(f"{w:6.2f} {a:5.2f} {b:5.2f} {c:6.2f} {hits:>5}/{len(tune):<6} {runs:6.2f}  {on_bench}")
    print("plate-free frames with a read scoring >= floor, and right tuning reads below it:")
    for settings in (BEFORE, shipped):
        right = [s for s in replay(tune, settings, LOWEST)[2] if s > 0]
        tops = [p.score for _, stages in blank if (p := top(search(stages, settings, LOWEST)[0]))]
        print(
            f"  weight {settings[0]}: "
            + "  ".join(
                f">= {f}: {sum(t >= f for t in tops)}/{len(blank)} | {sum(r < f for r in right)}"
                for f in (LOWEST, 0.35, 0.5, 0.6)
            )
        )
    pipeline.DETECTION_WEIGHT = shipped[0]


if __name__ == "__main__":
    main()
