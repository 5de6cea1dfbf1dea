"""Training data: synthetic plates through the reader's views, augmented real crops, and the held-out split."""

from __future__ import annotations

import hashlib
import random
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from plate_gate.reader.plate_rec import INPUT_H, INPUT_W, fit
from plate_gate.training.augment import degrade, jitter_real
from plate_gate.training.render import random_plate

EVAL_SHARE = 0.4
"""Share of the real crops held out for evaluation (chosen by a salted hash of the plate text, never trained on).

A salted SHA-256 because the unsalted MD5 of these file names is far from uniform (the set looks selected by it)."""


@dataclass
class Samples:
    """Network-sized uint8 images (N, H, W, 3), their texts and plate colours ('real' for real crops)."""

    images: np.ndarray
    texts: list[str]
    colors: list[str]

    def __len__(self) -> int:
        return len(self.texts)

    @staticmethod
    def empty() -> Samples:
        """No samples."""
        return Samples(np.zeros((0, INPUT_H, INPUT_W, 3), np.uint8), [], [])

    @staticmethod
    def real(images: list[np.ndarray], texts: list[str]) -> Samples:
        """Views of real crops (colour 'real'); no views give an empty set."""
        if not images:
            return Samples.empty()
        return Samples(np.stack(images), texts, ["real"] * len(texts))

    @staticmethod
    def concat(parts: list[Samples]) -> Samples:
        """All parts in one set."""
        return Samples(
            np.concatenate([p.images for p in parts]),
            [t for p in parts for t in p.texts],
            [c for p in parts for c in p.colors],
        )


def is_eval(path: Path) -> bool:
    """True for real crops in the held-out evaluation split (stable: a hash of the file name)."""
    digest = hashlib.sha256(f"plate-split:{path.stem}".encode()).hexdigest()
    return int(digest[:8], 16) / 0xFFFFFFFF < EVAL_SHARE


def real_split(crops_dir: Path) -> tuple[list[Path], list[Path]]:
    """(train, eval) real crops; the plate text is the file stem."""
    paths = sorted(crops_dir.glob("*.jpg"))
    return [p for p in paths if not is_eval(p)], [p for p in paths if is_eval(p)]


def synth_chunk(args: tuple[Path, int, int]) -> Samples:
    """One chunk of synthetic samples: (assets, count, seed) -> Samples (a process-pool job)."""
    assets, count, seed = args
    rng = random.Random(seed)
    np.random.seed(seed % 2**32)
    images, texts, colors = [], [], []
    for _ in range(count):
        plate, text, color = random_plate(assets, rng)
        images.append(fit(degrade(plate, rng), (INPUT_H, INPUT_W)))
        texts.append(text)
        colors.append(color)
    return Samples(np.stack(images), texts, colors)


def synthesize(assets: Path, count: int, seed: int, workers: int = 2) -> Samples:
    """``count`` synthetic plates as the reader would see them, rendered in ``workers`` processes."""
    jobs = chunk_jobs(assets, count, seed)
    if workers <= 1 or len(jobs) == 1:
        return Samples.concat([synth_chunk(j) for j in jobs])
    with ProcessPoolExecutor(workers) as pool:
        return Samples.concat(list(pool.map(synth_chunk, jobs)))


def chunk_jobs(assets: Path, count: int, seed: int, chunk: int = 500) -> list[tuple[Path, int, int]]:
    """The (assets, count, seed) jobs that make up ``count`` synthetic samples."""
    return [(assets, min(chunk, count - i), seed * 100_003 + i) for i in range(0, count, chunk)]


def real_samples(paths: list[Path], per_image: int, seed: int, workers: int = 2) -> Samples:
    """``per_image`` augmented views of each real crop: re-lit and shifted crops, and crops re-placed
    in a scene then rectified like detections; made in ``workers`` processes."""
    jobs = [(paths[i::workers], per_image, seed * 1009 + i) for i in range(workers)]
    if workers <= 1:
        return _real_views(jobs[0])
    with ProcessPoolExecutor(workers) as pool:
        return Samples.concat(list(pool.map(_real_views, jobs)))


def _real_views(job: tuple[list[Path], int, int]) -> Samples:
    paths, per_image, seed = job
    rng = random.Random(seed)
    images, texts = [], []
    for path in paths:
        crop = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if crop is None:
            continue
        for i in range(per_image):
            view = jitter_real(crop, rng) if i % 2 == 0 else degrade(crop, rng, dirty=False, tight=True)
            images.append(fit(view, (INPUT_H, INPUT_W)))
            texts.append(path.stem)
    return Samples.real(images, texts)


def plain_crops(paths: list[Path]) -> Samples:
    """Real crops as they are (network-sized), for raw evaluation."""
    images, texts = [], []
    for path in paths:
        crop = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if crop is not None:
            images.append(fit(crop, (INPUT_H, INPUT_W)))
            texts.append(path.stem)
    return Samples.real(images, texts)
