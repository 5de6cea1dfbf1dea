"""Face door benchmark: per-frame speed ours vs face_recognition, 1:N search time, LFW open-set accuracy.

Run: .venv/bin/python bench/bench_face.py [--visits 10 --per-visit 6]
Needs the benchmark-only baseline: pip install --no-deps face_recognition (plus pillow), or without touching the
venv: pip install --no-deps --target /tmp/frlib face_recognition; PYTHONPATH=/tmp/frlib .venv/bin/python ….
The shipped embedder is onnxruntime; the '…dlib-emb' rows run the same pipeline with dlib's own ResNet.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import ModuleType

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import eval_faces
import lfw_cache

from access.config import AccessConfig, GalleryConfig
from access.decision import MemoryCache, decide
from access.engine import analyse, create_engine
from access.gallery import Gallery
from access.images import load_rgb
from access.tracker import FaceTracker

BACKGROUND = Path("/work/shared/data/plates/scenes/苏ED51712.jpg")  # a real street scene, no face in it


def import_baseline() -> ModuleType:
    """Import face_recognition; its model package needs pkg_resources, which setuptools ≥ 81 no longer has.

    If it is missing, a two-line stand-in for resource_filename is registered (benchmark only).
    """
    try:
        import pkg_resources  # noqa: F401
    except ModuleNotFoundError:
        shim = ModuleType("pkg_resources")

        def resource_filename(package: str, resource: str) -> str:
            spec = importlib.util.find_spec(package)
            assert spec is not None and spec.submodule_search_locations
            return str(Path(next(iter(spec.submodule_search_locations))) / resource)

        shim.resource_filename = resource_filename  # type: ignore[attr-defined]
        sys.modules["pkg_resources"] = shim
    import face_recognition

    return face_recognition


def compose(photo: np.ndarray, size: tuple[int, int], scale: float, x: int, y: int) -> np.ndarray:
    """Place an LFW photo (scaled) at (x, y) on a real street background of size (w, h)."""
    w, h = size
    frame = cv2.resize(load_rgb(BACKGROUND), (w, h), interpolation=cv2.INTER_AREA)
    face = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR)
    fh, fw = face.shape[:2]
    x, y = min(max(0, x), w - fw), min(max(0, y), h - fh)
    frame[y : y + fh, x : x + fw] = face
    return frame


def visit_frames(
    photos: list[np.ndarray], size: tuple[int, int], scale: float, per_visit: int, rng: np.random.Generator
) -> list[np.ndarray]:
    """Each photo is one visit: per_visit frames with the face drifting a few pixels, as at a door."""
    w, h = size
    frames = []
    for photo in photos:
        fw = int(photo.shape[1] * scale)
        x0, y0 = (
            int(rng.integers(w // 4, max(w // 4 + 1, w - fw - w // 4))),
            int(rng.integers(0, max(1, h - fw))),
        )
        for _ in range(per_visit):
            dx, dy = (int(v) for v in rng.integers(-4, 5, 2))
            frames.append(compose(photo, size, scale, x0 + dx, y0 + dy))
    return frames


def timed(fn: Callable[[np.ndarray], object], frames: list[np.ndarray]) -> tuple[np.ndarray, list[object]]:
    """Per-frame latency (ms) and results (callers warm the engine up first)."""
    times, results = [], []
    for frame in frames:
        t = time.perf_counter()
        results.append(fn(frame))
        times.append((time.perf_counter() - t) * 1000)
    return np.array(times), results


def speed(n_visits: int, per_visit: int) -> None:
    """Frames/s and p50/p95 latency at 640×480 (face ≈ 110 px) and 1080p (face ≈ 220 px), all pipelines."""
    face_recognition = import_baseline()

    config = AccessConfig()
    rule = config.gallery
    engine = create_engine(config.engine)
    dlib_embedder = create_engine(config.engine.model_copy(update={"embedder": "dlib"}))
    variant = f"p{config.engine.landmarks}{'f' if config.engine.flip else ''}"
    data = eval_faces.load(lfw_cache.build(config.engine), variant)
    gallery = Gallery(engine.dim, engine.name)
    known = []
    for i in np.flatnonzero(data["found"])[:400]:
        gallery.add(str(data["ids"][i]), data[variant][i])
        known.append(data["p5"][i])
    cache = MemoryCache()
    rng = np.random.default_rng(1)
    split = eval_faces.make_split(data["ids"])
    picks = [p[-1] for p in split.photos[:: max(1, len(split.photos) // n_visits)]][:n_visits]
    photos = [load_rgb(lfw_cache.LFW / str(data["paths"][i])) for i in picks]

    def decide_all(faces: list) -> int:
        for face in faces:
            match = gallery.identify(
                face.embedding, rule.margin, rule.runner_up_floor, rule.multi_template_offset
            )
            decide(match, rule.visit_threshold, "bench", _NOW, cache)
        return len(faces)

    def every_frame(frame: np.ndarray) -> int:
        return decide_all(analyse(engine, frame))

    def every_frame_dlib(frame: np.ndarray) -> int:
        return decide_all(analyse(dlib_embedder, frame))

    tracker = FaceTracker(engine)
    clock = iter(np.arange(0, 10_000, 0.1))  # 10 frames/s camera clock for the tracker's refresh rule

    def door(frame: np.ndarray) -> int:
        return decide_all(tracker.analyse(frame, float(next(clock))))

    def baseline(frame: np.ndarray) -> int:
        locations = face_recognition.face_locations(frame)
        encodings = face_recognition.face_encodings(frame, locations)
        for encoding in encodings:
            face_recognition.compare_faces(known, encoding)
        return len(encodings)

    print(
        f"per-frame latency, one face per frame: {n_visits} visits × {per_visit} frames (face drifting ±4 px)"
    )
    print("  ours/door = detect + 68 landmarks every frame, embedding once per track (refreshed every 1 s)")
    print("  ours/every-frame = detect + landmarks + embedding on every frame; baseline = face_recognition")
    print(
        f"  embedder: {config.engine.embedder} (ResNet in onnxruntime); '…dlib-emb' = the same in dlib itself"
    )
    print(
        f"{'frame':>10} {'pipeline':>19} {'fps':>6} {'p50 ms':>7} {'p95 ms':>7} {'found':>8} {'speed-up':>8}"
    )
    for (w, h), scale in (((640, 480), 1.0), ((1920, 1080), 2.0)):
        frames = visit_frames(photos, (w, h), scale, per_visit, rng)
        every_frame(frames[0])
        every_frame_dlib(frames[0])
        baseline(frames[0])
        rows = {}
        for name, fn in (
            ("face_recognition", baseline),
            ("ours/every-frame", every_frame),
            ("ours/every,dlib-emb", every_frame_dlib),
            ("ours/door", door),
        ):
            ms, found = timed(fn, frames)
            rows[name] = ms
            ratio = np.median(rows["face_recognition"]) / np.median(ms)
            print(
                f"{w}x{h:<5} {name:>19} {1000 / ms.mean():6.1f} {np.median(ms):7.1f} "
                f"{np.percentile(ms, 95):7.1f} {sum(1 for f in found if f):>4}/{len(frames):<3} {ratio:7.1f}x"
            )
    print(f"  embeddings computed by ours/door: {tracker.embeds} for {2 * len(photos)} visits")


_NOW = __import__("datetime").datetime(2026, 11, 21, 12, 0)


def search_speed(queries: int = 200) -> None:
    """1:N identify (one matmul on a normalised float32 matrix) vs face_recognition.face_distance.

    'mean' is the shipped layout (one row per person, 3 templates each); 'max' keeps every template as a
    row (the worst case: as many rows as templates).
    """
    face_recognition = import_baseline()

    rule = AccessConfig().gallery
    rng = np.random.default_rng(0)
    print("1:N search, 128-d, one probe at a time (templates = persons × 3)")
    print(
        f"{'templates':>10} {'layout':>6} {'rows':>7} {'p50 ms':>7} {'p95':>6} {'face_distance p50':>18} {'ratio':>6}"
    )
    for n in (10_000, 100_000):
        vectors = rng.standard_normal((n, 128)).astype(np.float32)
        probes = rng.standard_normal((queries, 128)).astype(np.float32)
        known = vectors.astype(np.float64)
        base = []
        for q in probes[:50]:
            t = time.perf_counter()
            int(np.argmin(face_recognition.face_distance(known, q.astype(np.float64))))
            base.append((time.perf_counter() - t) * 1000)
        for combine in ("mean", "max"):
            gallery = Gallery(128, "bench", combine)
            for i in range(n):
                gallery.add(f"p{i // 3}", vectors[i])
            gallery.identify(probes[0])
            rows = len(gallery) if combine == "mean" else n
            ours = []
            for q in probes:
                t = time.perf_counter()
                gallery.identify(q, rule.margin, rule.runner_up_floor, rule.multi_template_offset)
                ours.append((time.perf_counter() - t) * 1000)
            print(
                f"{n:>10} {combine:>6} {rows:>7} {np.median(ours):7.2f} {np.percentile(ours, 95):6.2f} "
                f"{np.median(base):18.2f} {np.median(base) / np.median(ours):6.1f}"
            )


def accuracy() -> None:
    """TPIR at FPIR 1% (enrol 1 and 3), the FPIR/TPIR of the shipped thresholds, and the baseline's rule."""
    config = AccessConfig()
    rule = config.gallery
    variant = f"p{config.engine.landmarks}{'f' if config.engine.flip else ''}"
    data = eval_faces.load(lfw_cache.build(config.engine), variant)
    print(
        f"LFW dev open-set ({variant}, {rule.combine} template, margin {rule.margin}, floor {rule.runner_up_floor})"
    )
    plain = GalleryConfig(combine="max", margin=0.0, runner_up_floor=-1.0, multi_template_offset=0.0)
    for k in (1, 3):
        r = eval_faces.open_set(data, variant, k, rule)
        tp, fp, loo = eval_faces.at_threshold(r, rule.threshold)
        v = eval_faces.visits(data, variant, k, rule, rule.visit_threshold, 3)
        base = eval_faces.open_set(data, variant, k, plain)
        print(
            f"enrol {k}: TPIR {r['tpir']:.1%} at FPIR 1% (plain cosine, max template: {base['tpir']:.1%}) | "
            f"shipped threshold {rule.threshold}: FPIR {fp:.2%} (leave-one-out {loo:.2%}), TPIR {tp:.1%} | "
            f"visits ≤3 frames at {rule.visit_threshold}: TPIR {v['visit_tpir']:.1%}, FPIR {v['visit_fpir']:.2%}"
        )
    print("face_recognition default rule (Euclidean distance ≤ 0.6 on its own descriptors), enrol 1:")
    raw = lfw_cache.build(config.engine)
    split = eval_faces.make_split(raw["ids"])
    gal = np.array([raw["p5"][p[0]] for p in split.photos])
    strangers = raw["p5"][split.strangers]
    dist = np.linalg.norm(strangers[:, None, :] - gal[None], axis=2).min(1)
    accepted = (dist <= 0.6) & raw["found"][split.strangers]
    print(f"  strangers accepted as someone at tolerance 0.6: {accepted.mean():.1%}")


def stages(repeats: int = 15) -> None:
    """Median ms of each pipeline stage on a 640×480 frame, for the tuning table in docs/face-recognition.md."""
    import dlib

    from access.config import EngineConfig
    from access.engine.dlib_backend import DlibEngine

    photo = load_rgb(lfw_cache.LFW / "people/Al_Gore/Al_Gore_0001.jpg")
    frame = compose(photo, (640, 480), 1.0, 200, 120)
    hog = dlib.get_frontal_face_detector()

    def median_ms(fn: Callable[[], object]) -> float:
        fn()
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t) * 1000)
        return float(np.median(times))

    print("pipeline stages at 640×480 (median ms)")
    for label, img, up in (
        ("HOG, upsample 1 (face_recognition default)", frame, 1),
        ("HOG, full size", frame, 0),
        ("HOG, 0.75×", cv2.resize(frame, (480, 360)), 0),
        ("HOG, 0.5×", cv2.resize(frame, (320, 240)), 0),
    ):
        found = len(hog(img, up))
        print(f"  {label:<44} {median_ms(partial(hog, img, up)):7.1f}  faces {found}")
    for points in (5, 68):
        eng = DlibEngine(EngineConfig(landmarks=points))
        box = eng.detect(frame)[0]
        lm = eng.landmarks(frame, box)
        print(f"  {points}-point landmarks{'':<28} {median_ms(partial(eng.landmarks, frame, box)):7.1f}")
    for label, cfg, jit in (
        ("embed (chip + ResNet in onnxruntime, shipped)", EngineConfig(), 0),
        ("embed (chip + ResNet in dlib)", EngineConfig(embedder="dlib"), 0),
        ("embed + mirrored chip (onnxruntime, batch of 2)", EngineConfig(flip=True), 0),
        ("embed, 5 jitters (dlib)", EngineConfig(), 5),
    ):
        eng = DlibEngine(cfg)
        print(f"  {label:<44} {median_ms(partial(eng.embed, frame, lm, jit)):7.1f}")


def main() -> None:
    """Run the three parts in one go."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--visits", type=int, default=10)
    parser.add_argument("--per-visit", type=int, default=6)
    parser.add_argument("--stages", action="store_true", help="only time the pipeline stages")
    args = parser.parse_args()
    if args.stages:
        stages()
        return
    speed(args.visits, args.per_visit)
    search_speed()
    accuracy()


if __name__ == "__main__":
    main()
