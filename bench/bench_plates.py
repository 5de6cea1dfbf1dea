"""Plate reading benchmark: ours vs agentclpr (as its README shows) on crops, real and composed scenes.

Run: python bench/bench_plates.py [--scenes N] [--crops N]
Exact match of the whole plate string for the highest-scoring plate; an exception or no plate is a miss.
"""

from __future__ import annotations

import argparse
import logging
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from plate_gate.compose import background_from, compose, mosaic
from plate_gate.reader import PlateReader
from plate_gate.reader.detector import PlateDetector

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
if not DATA.is_dir():
    DATA = Path("/work/shared/data")
PLATES = DATA / "plates"


def imread(path: Path) -> np.ndarray:
    """Read a data image (these are known-good files)."""
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise SystemExit(f"cannot read {path}")
    return image


def p95(values: list[float]) -> float:
    """95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run(name: str, fn: Callable[[np.ndarray], str], items: list[tuple[np.ndarray, str]]) -> dict[str, float]:
    """Exact-read rate, crashes and per-image milliseconds of one reader on one set."""
    ok = crashes = 0
    times = []
    for image, truth in items:
        start = time.perf_counter()
        try:
            text = fn(image)
        except Exception:
            text, crashes = "", crashes + 1
        times.append((time.perf_counter() - start) * 1000)
        ok += text == truth
    return {
        "rate": ok / len(items),
        "ok": ok,
        "n": len(items),
        "crashes": crashes,
        "p50": statistics.median(times),
        "p95": p95(times),
    }


def ours() -> Callable[[np.ndarray], str]:
    """Our pipeline: highest-scoring plate text."""
    reader = PlateReader()

    def read(image: np.ndarray) -> str:
        plates = reader.read(image)
        return plates[0].text if plates else ""

    return read


def agentclpr(pad_crops: bool) -> Callable[[np.ndarray], str]:
    """agentclpr as its README shows: CLPSystem()(image); crops padded (black 100 px) so it finds them."""
    from agentclpr import CLPSystem

    system = CLPSystem()
    logging.disable(logging.INFO)  # agentocr logs every call at DEBUG on the root logger

    def read(image: np.ndarray) -> str:
        if pad_crops:  # 100 px black border: the best of the paddings we tried for it (white, replicate, x3)
            image = cv2.copyMakeBorder(image, 100, 100, 100, 100, cv2.BORDER_CONSTANT, value=(0, 0, 0))
        results = system(image)
        if not results:
            return ""
        return str(max(results, key=lambda r: r[1][1])[1][0])

    return read


def backgrounds(rng: random.Random) -> list[Callable[[random.Random], np.ndarray]]:
    """Real backgrounds: the kerbside scene with its own plates blurred out, and LFW photo mosaics."""
    street = imread(PLATES / "scenes" / "苏ED51712.jpg")
    found = PlateDetector(max_side=1920, threshold=0.3)(street)
    hide = [(int(d.box[0]), int(d.box[1]), int(d.box[2]), int(d.box[3])) for d in found]
    faces = sorted((DATA / "faces" / "lfw_dev" / "singles").glob("*.jpg"))
    photos = [imread(p) for p in rng.sample(faces, min(60, len(faces)))]
    return [lambda r: background_from(street, r, hide), lambda r: mosaic(photos, r)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenes", type=int, default=150, help="composed 720p scenes")
    parser.add_argument("--crops", type=int, default=0, help="limit the crops (0 = all)")
    parser.add_argument("--save", type=Path, help="write the composed scenes here")
    args = parser.parse_args()
    rng = random.Random(5)
    crop_paths = sorted((PLATES / "crops").glob("*.jpg"))
    crops = [(imread(p), p.stem) for p in crop_paths]
    if args.crops:
        crops = rng.sample(crops, args.crops)
    scenes = [(imread(p), p.stem) for p in sorted((PLATES / "scenes").glob("*.jpg"))]
    composed = compose(crop_paths, backgrounds(rng), args.scenes, seed=11)
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        for i, s in enumerate(composed):
            cv2.imwrite(str(args.save / f"{i:03d}_{s.text}{'_border' if s.at_border else ''}.jpg"), s.image)
    border = [(s.image, s.text) for s in composed if s.at_border]
    sets: dict[str, list[tuple[np.ndarray, str]]] = {
        "crops": crops,
        "scenes (real)": scenes,
        "composed 720p": [(s.image, s.text) for s in composed],
        "  of which at border": border,
    }
    readers = {"ours": (ours(), ours()), "agentclpr": (agentclpr(True), agentclpr(False))}
    for warm in (crops[0][0], scenes[0][0]):
        for crop_fn, scene_fn in readers.values():
            crop_fn(warm), scene_fn(warm)
    print(f"{'set':22} {'reader':10} {'exact':>14} {'crash':>5} {'p50 ms':>8} {'p95 ms':>8}")
    medians: dict[tuple[str, str], float] = {}
    for set_name, items in sets.items():
        for reader_name, (crop_fn, scene_fn) in readers.items():
            r = run(reader_name, crop_fn if set_name == "crops" else scene_fn, items)
            medians[(set_name, reader_name)] = r["p50"]
            print(
                f"{set_name:22} {reader_name:10} {r['ok']:>4}/{r['n']:<4} {r['rate']:6.1%} {r['crashes']:>5} "
                f"{r['p50']:8.1f} {r['p95']:8.1f}"
            )
    for set_name in sets:
        ratio = medians[(set_name, "agentclpr")] / max(medians[(set_name, "ours")], 1e-9)
        print(f"speed ratio agentclpr/ours on {set_name.strip()}: {ratio:.2f}x")


if __name__ == "__main__":
    main()
