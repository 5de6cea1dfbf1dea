"""Face door benchmark: per-frame speed ours vs face_recognition, 1:N search time, LFW open-set accuracy.

Run: .venv/bin/python bench/bench_face.py [--frames 12]
Needs the benchmark-only baseline: pip install --no-deps face_recognition (plus pillow).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import eval_faces
import lfw_cache

from access.config import AccessConfig
from access.decision import MemoryCache, decide
from access.engine import analyse, create_engine
from access.gallery import Gallery
from access.images import load_rgb

BACKGROUND = Path("/work/shared/data/plates/scenes/苏ED51712.jpg")  # a real street scene, no face in it


def compose(photo: np.ndarray, size: tuple[int, int], scale: float, rng: np.random.Generator) -> np.ndarray:
    """Place an LFW photo (scaled) at a random spot near the centre of a real background of size (w, h)."""
    w, h = size
    frame = cv2.resize(load_rgb(BACKGROUND), (w, h), interpolation=cv2.INTER_AREA)
    face = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR)
    fh, fw = face.shape[:2]
    x = int(rng.integers(max(1, (w - fw) // 4), max(2, 3 * (w - fw) // 4)))
    y = int(rng.integers(0, max(1, h - fh)))
    frame[y : y + fh, x : x + fw] = face
    return frame


def timed(fn: Callable[[np.ndarray], object], frames: list[np.ndarray]) -> tuple[np.ndarray, list[object]]:
    """Per-frame latency (ms) and results, after one warm-up call."""
    fn(frames[0])
    times, results = [], []
    for frame in frames:
        t = time.perf_counter()
        results.append(fn(frame))
        times.append((time.perf_counter() - t) * 1000)
    return np.array(times), results


def speed(n_frames: int) -> None:
    """Frames/s and p50/p95 latency at 640×480 (face ≈ 110 px) and 1080p (face ≈ 220 px), both pipelines."""
    import face_recognition

    config = AccessConfig()
    engine = create_engine(config.engine)
    data = eval_faces.load(lfw_cache.build(config.engine), "p5f")
    gallery = Gallery(engine.dim, engine.name)
    known = []
    for i in np.flatnonzero(data["found"])[:400]:
        gallery.add(str(data["ids"][i]), data["p5f"][i])
        known.append(data["p5f"][i].astype(np.float64))
    cache = MemoryCache()
    rng = np.random.default_rng(1)
    split = eval_faces.make_split(data["ids"])
    picks = [p[-1] for p in split.photos[:: max(1, len(split.photos) // n_frames)]][:n_frames]
    photos = [load_rgb(lfw_cache.LFW / str(data["paths"][i])) for i in picks]

    def ours(frame: np.ndarray) -> int:
        faces = analyse(engine, frame)
        for face in faces:
            decide(
                (gallery.search(face.embedding) or [None])[0], config.gallery.threshold, "bench", _NOW, cache
            )
        return len(faces)

    def baseline(frame: np.ndarray) -> int:
        locations = face_recognition.face_locations(frame)
        encodings = face_recognition.face_encodings(frame, locations)
        for encoding in encodings:
            face_recognition.compare_faces(known, encoding)
        return len(encodings)

    print(
        f"per-frame pipeline, one face per frame, {n_frames} frames each (detect+align+embed+search+decide)"
    )
    print(f"{'frame':>10} {'pipeline':>16} {'fps':>7} {'p50 ms':>8} {'p95 ms':>8} {'found':>6}")
    for (w, h), scale in (((640, 480), 1.0), ((1920, 1080), 2.0)):
        frames = [compose(p, (w, h), scale, rng) for p in photos]
        rows = {}
        for name, fn in (("ours", ours), ("face_recognition", baseline)):
            ms, found = timed(fn, frames)
            rows[name] = ms
            print(
                f"{w}x{h:>5} {name:>16} {1000 / ms.mean():7.1f} {np.median(ms):8.1f} "
                f"{np.percentile(ms, 95):8.1f} {sum(1 for f in found if f)}/{len(frames)}"
            )
        ratio = np.median(rows["face_recognition"]) / np.median(rows["ours"])
        print(f"{w}x{h:>5} speed-up (median latency ratio): {ratio:.1f}x")


_NOW = __import__("datetime").datetime(2026, 11, 21, 12, 0)


def search_speed(queries: int = 200) -> None:
    """1:N search (one matmul on a normalised float32 matrix) vs face_recognition.face_distance."""
    import face_recognition

    rng = np.random.default_rng(0)
    print("1:N search, 128-d, one probe at a time")
    print(f"{'templates':>10} {'ours p50 ms':>12} {'p95':>7} {'face_distance p50 ms':>21} {'ratio':>6}")
    for n in (10_000, 100_000):
        gallery = Gallery(128, "bench")
        vectors = rng.standard_normal((n, 128)).astype(np.float32)
        for i in range(n):
            gallery.add(f"p{i // 3}", vectors[i])
        probes = rng.standard_normal((queries, 128)).astype(np.float32)
        gallery.search(probes[0])
        ours = []
        for q in probes:
            t = time.perf_counter()
            gallery.search(q)
            ours.append((time.perf_counter() - t) * 1000)
        known = vectors.astype(np.float64)
        base = []
        for q in probes[:50]:
            t = time.perf_counter()
            int(np.argmin(face_recognition.face_distance(known, q.astype(np.float64))))
            base.append((time.perf_counter() - t) * 1000)
        print(
            f"{n:>10} {np.median(ours):12.2f} {np.percentile(ours, 95):7.2f} {np.median(base):21.2f} "
            f"{np.median(base) / np.median(ours):6.1f}"
        )


def accuracy() -> None:
    """TPIR at FPIR 1% (enrol 1 and 3) and the FPIR/TPIR of the shipped threshold on LFW dev."""
    config = AccessConfig()
    variant = f"p{config.engine.landmarks}{'f' if config.engine.flip else ''}"
    data = eval_faces.load(lfw_cache.build(config.engine), variant)
    thr = config.gallery.threshold
    print(f"LFW dev open-set ({variant}, combine {config.gallery.combine}, shipped threshold {thr:.4f})")
    for k in (1, 3):
        r = eval_faces.open_set(data, variant, k, config.gallery.combine)
        tp, fp = eval_faces.at_threshold(r, thr)
        print(
            f"enrol {k}: TPIR {r['tpir']:.1%} at FPIR 1% | shipped threshold: FPIR {fp:.2%}, TPIR {tp:.1%} "
            f"| rank-1 {r['rank1']:.1%}"
        )


def main() -> None:
    """Run the three parts in one go."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=12)
    args = parser.parse_args()
    speed(args.frames)
    search_speed()
    accuracy()


if __name__ == "__main__":
    main()
