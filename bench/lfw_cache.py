"""Embed every LFW dev photo once per pipeline variant; cache the vectors in /tmp (for the bench scripts).

The embedder (onnx or dlib, `EngineConfig.embedder`) is part of the cache key: `python bench/lfw_cache.py --parity`
embeds with both and prints how far apart they are.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from access.config import EngineConfig
from access.engine.dlib_backend import DlibEngine
from access.images import load_rgb

LFW = Path("/work/shared/data/faces/lfw_dev")
CACHE = Path("/tmp/sc_faces_cache")
VARIANTS = ("p5", "p5f", "p68", "p68f")  # 5/68-point alignment, without/with the mirrored chip


def list_images(root: Path = LFW) -> tuple[list[str], list[str]]:
    """Relative paths of all photos and the identity of each (singles get their file stem)."""
    paths, ids = [], []
    for person in sorted(p for p in (root / "people").iterdir() if p.is_dir()):
        for img in sorted(person.glob("*.jpg")):
            paths.append(str(img.relative_to(root)))
            ids.append(person.name)
    for img in sorted((root / "singles").glob("*.jpg")):
        paths.append(str(img.relative_to(root)))
        ids.append("single:" + img.stem)
    return paths, ids


def cache_file(config: EngineConfig, root: Path = LFW) -> Path:
    """Cache path keyed by the detector settings that change which face is found.

    max_detect_side is left out: LFW photos are 250 px, far below any cap, so it never changes a result.
    """
    key = json.dumps([str(root), config.min_face_px, config.retry_upsampled])
    suffix = "" if config.embedder == "dlib" else f"_{config.embedder}"  # dlib: the cache key of 2026-11-21
    return CACHE / f"lfw_{hashlib.sha1(key.encode()).hexdigest()[:10]}{suffix}.npz"


def build(config: EngineConfig, root: Path = LFW) -> dict[str, np.ndarray]:
    """Detect the largest face in each photo and embed it with every variant (cached)."""
    path = cache_file(config, root)
    if path.exists():
        return dict(np.load(path, allow_pickle=False))
    paths, ids = list_images(root)
    engines = {
        5: DlibEngine(config.model_copy(update={"landmarks": 5})),
        68: DlibEngine(config.model_copy(update={"landmarks": 68})),
    }
    n = len(paths)
    out = {v: np.zeros((n, 128), np.float32) for v in VARIANTS}
    found = np.zeros(n, bool)
    boxes = np.zeros((n, 4), np.int32)
    nfaces = np.zeros(n, np.int32)
    start = time.perf_counter()
    for i, rel in enumerate(paths):
        image = load_rgb(root / rel)
        dets = engines[5].detect(image, thorough=True)
        nfaces[i] = len(dets)
        if dets:
            found[i] = True
            boxes[i] = dets[0].as_list()
            for pts in (5, 68):
                eng = engines[pts]
                chip = eng.chip(image, eng.landmarks(image, dets[0]))
                a, b = eng.descriptors([chip, np.ascontiguousarray(chip[:, ::-1])])
                out[f"p{pts}"][i] = a
                out[f"p{pts}f"][i] = (a + b) / 2
        if i % 200 == 0:
            print(f"  {i}/{n} {time.perf_counter() - start:.0f}s", file=sys.stderr, flush=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    result = {
        **out,
        "found": found,
        "boxes": boxes,
        "nfaces": nfaces,
        "paths": np.array(paths),
        "ids": np.array(ids),
    }
    np.savez(path, **result)  # type: ignore[arg-type]
    return result


def parity(config: EngineConfig) -> None:
    """ONNX vs dlib descriptors of every LFW dev face (same detections and chips): max |diff|, min cosine."""
    a = build(config.model_copy(update={"embedder": "onnx"}))
    b = build(config.model_copy(update={"embedder": "dlib"}))
    found = a["found"] & b["found"]
    assert (a["found"] == b["found"]).all() and (a["boxes"] == b["boxes"]).all()
    for v in VARIANTS:
        x, y = a[v][found], b[v][found]
        cos = (x * y).sum(1) / np.linalg.norm(x, axis=1) / np.linalg.norm(y, axis=1)
        print(
            f"{v}: {int(found.sum())} faces, max |onnx - dlib| {np.abs(x - y).max():.2e}, "
            f"mean {np.abs(x - y).mean():.2e}, min cosine {cos.min():.9f}"
        )


if __name__ == "__main__":
    if "--parity" in sys.argv:
        parity(EngineConfig())
    else:
        data = build(EngineConfig())
        print(len(data["paths"]), "photos, faces found:", int(data["found"].sum()))
