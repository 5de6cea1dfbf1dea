"""Synthetic chunks rendered in background processes while training runs; finished chunks are cached."""

from __future__ import annotations

import time
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

import numpy as np

from plate_gate.training.dataset import Samples, chunk_jobs, synth_chunk


def _load(path: Path) -> Samples:
    z = np.load(path)
    return Samples(z["images"], [str(t) for t in z["texts"]], [str(c) for c in z["colors"]])


def _save(path: Path, samples: Samples) -> None:
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, images=samples.images, texts=np.array(samples.texts), colors=np.array(samples.colors))
    tmp.replace(path)


class SynthStream:
    """Renders ``count`` synthetic samples in chunks; ``collect`` returns the chunks finished since last time.

    Chunks already in ``cache`` (same count and seed) are reused, so an interrupted run resumes its data.
    """

    def __init__(self, assets: Path, count: int, seed: int, cache: Path, workers: int = 1) -> None:
        cache.mkdir(parents=True, exist_ok=True)
        self.ready: list[Samples] = []
        self.pending: dict[Future[Samples], Path] = {}
        self.pool: ProcessPoolExecutor | None = None
        for job in chunk_jobs(assets, count, seed):
            path = cache / f"chunk_{job[2]}_{job[1]}.npz"
            if path.is_file():
                self.ready.append(_load(path))
                continue
            if self.pool is None:
                self.pool = ProcessPoolExecutor(max(1, workers))
            self.pending[self.pool.submit(synth_chunk, job)] = path

    @property
    def done(self) -> bool:
        """True when every chunk has been rendered (and collected)."""
        return not self.pending

    def collect(self, wait: bool = False) -> list[Samples]:
        """Finished chunks not yet returned; with ``wait``, block until at least one is available."""
        while wait and not self.ready and self.pending:
            if not any(f.done() for f in self.pending):
                time.sleep(0.5)
                continue
            break
        for future in [f for f in self.pending if f.done()]:
            path = self.pending.pop(future)
            samples = future.result()
            _save(path, samples)
            self.ready.append(samples)
        out, self.ready = self.ready, []
        return out

    def close(self) -> None:
        """Stop rendering (pending chunks are dropped)."""
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
