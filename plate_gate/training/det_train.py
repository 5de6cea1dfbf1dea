"""Train the plate-mask detector on CPU: scenes rendered in a worker process, BCE + Dice, ONNX export."""

from __future__ import annotations

import json
import math
import shutil
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F

from plate_gate.reader.plate_det import MODEL
from plate_gate.training.dataset import real_split
from plate_gate.training.det_model import PlateSegNet, export_onnx
from plate_gate.training.det_scenes import SceneSources, scene_chunk


@dataclass
class DetTrainConfig:
    """One detector training run; the defaults are the shipped model's recipe."""

    assets: Path
    crops: Path
    photos: Path
    out: Path
    minutes: float = 35.0
    max_steps: int = 0
    batch: int = 16
    lr: float = 3e-3
    seed: int = 7
    threads: int = 1
    chunk: int = 256
    pool_chunks: int = 24
    """Most recent chunks kept for sampling (24 x 256 tiles, ~1.6 GB)."""
    checkpoint_s: float = 300.0
    log: Callable[[str], None] = field(default=print, repr=False)


def sources(cfg: DetTrainConfig) -> SceneSources:
    """Training split of the real crops and the background photos (``photos`` searched recursively)."""
    train_crops, _ = real_split(cfg.crops)
    return SceneSources(cfg.assets, train_crops, sorted(cfg.photos.rglob("*.jpg")))


def loss_fn(logits: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """BCE on every cell plus soft Dice on the plate area (plates cover a few per cent of a frame)."""
    prob = torch.sigmoid(logits)
    inter = (prob * mask).sum(dim=(1, 2, 3))
    dice = 1 - (2 * inter + 1) / (prob.sum(dim=(1, 2, 3)) + mask.sum(dim=(1, 2, 3)) + 1)
    return F.binary_cross_entropy_with_logits(logits, mask) + dice.mean()


class _Chunks:
    """Scene chunks rendered by one worker process, two jobs in flight; a pool of the newest chunks."""

    def __init__(self, src: SceneSources, cfg: DetTrainConfig) -> None:
        self.src, self.cfg, self.seed = src, cfg, cfg.seed * 1_000_003
        self.pool = ProcessPoolExecutor(1)
        self.pending: list[Future[tuple[np.ndarray, np.ndarray]]] = [self._submit(), self._submit()]
        self.images: list[np.ndarray] = []
        self.masks: list[np.ndarray] = []

    def _submit(self) -> Future[tuple[np.ndarray, np.ndarray]]:
        self.seed += 1
        return self.pool.submit(scene_chunk, (self.src, self.cfg.chunk, self.seed))

    def refresh(self, wait: bool = False) -> None:
        """Take finished chunks (blocking for one if ``wait``), keep the newest ``pool_chunks``."""
        if wait:
            self.pending[0].result()
        for future in [f for f in self.pending if f.done()]:
            images, masks = future.result()
            self.images.append(images)
            self.masks.append(masks)
            self.pending.remove(future)
            self.pending.append(self._submit())
        del self.images[: -self.cfg.pool_chunks], self.masks[: -self.cfg.pool_chunks]

    def batch(self, rng: np.random.Generator, size: int) -> tuple[torch.Tensor, torch.Tensor]:
        """A random batch: images N x 3 x S x S in [-1, 1], masks N x 1 x S/4 x S/4 in [0, 1]."""
        chunk_ids = [int(rng.integers(len(self.images))) for _ in range(size)]
        picks = [(c, int(rng.integers(len(self.images[c])))) for c in chunk_ids]
        images = np.stack([self.images[c][i] for c, i in picks])
        masks = np.stack([self.masks[c][i] for c, i in picks])
        x = torch.from_numpy(images).permute(0, 3, 1, 2).float() / 127.5 - 1
        y = F.avg_pool2d(torch.from_numpy(masks)[:, None].float() / 255, 4)
        return x, y

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def train_detector(cfg: DetTrainConfig) -> dict[str, object]:
    """Train until the time or step budget, checkpointing (weights, ONNX, JSON) every ``checkpoint_s``."""
    torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    chunks = _Chunks(sources(cfg), cfg)
    chunks.refresh(wait=True)
    net = PlateSegNet()
    net.train()
    opt = torch.optim.AdamW(net.parameters(), lr=cfg.lr, weight_decay=1e-4)
    recipe = {k: str(v) for k, v in asdict(cfg).items() if k != "log"}
    budget, start, last_ckpt = cfg.minutes * 60, time.time(), time.time()
    step, losses = 0, list[float]()
    try:
        while True:
            progress = step / cfg.max_steps if cfg.max_steps else (time.time() - start) / budget
            if progress >= 1:
                break
            warmup = min(200, max(1, cfg.max_steps // 10)) if cfg.max_steps else 200
            lr = cfg.lr * min(1.0, (step + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * progress))
            for group in opt.param_groups:
                group["lr"] = lr
            if step % 20 == 0:
                chunks.refresh()
            x, y = chunks.batch(rng, cfg.batch)
            loss = loss_fn(net(x), y)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 5.0)
            opt.step()
            losses.append(float(loss.detach()))
            step += 1
            if step % 100 == 0:
                seen = sum(len(c) for c in chunks.images)
                cfg.log(
                    f"step {step} loss {np.mean(losses[-100:]):.3f} lr {lr:.2e} pool {seen} {time.time() - start:.0f}s"
                )
            if time.time() - last_ckpt > cfg.checkpoint_s:
                _checkpoint(cfg, net, recipe, step, losses)
                net.train()
                last_ckpt = time.time()
    finally:
        chunks.close()
    return _checkpoint(cfg, net, recipe, step, losses, final=True)


def _checkpoint(
    cfg: DetTrainConfig,
    net: PlateSegNet,
    recipe: dict[str, str],
    step: int,
    losses: list[float],
    final: bool = False,
) -> dict[str, object]:
    """Save the weights and export ONNX + JSON (recipe and loss figures)."""
    cfg.out.mkdir(parents=True, exist_ok=True)
    torch.save(net.state_dict(), cfg.out / "plate_det.pt")
    figures: dict[str, object] = {
        "steps": step,
        "loss_first": float(np.mean(losses[:10])) if losses else math.nan,
        "loss_last": float(np.mean(losses[-10:])) if losses else math.nan,
    }
    meta = {
        "trained": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "input": "BGR in [-1, 1], H and W multiples of 32; output plate probability at 1/4 resolution",
        "recipe": recipe,
        "figures": figures,
        "final": final,
        "licence": "glyphs and blank plates: synth_assets (MIT, leijd); see LICENSE-synth_assets",
    }
    tmp = cfg.out / "plate_det.tmp.onnx"
    export_onnx(net, tmp)
    tmp.replace(cfg.out / "plate_det.onnx")
    (cfg.out / "plate_det.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    cfg.log(f"checkpoint step {step}: {json.dumps(figures)}")
    return figures


def install_detector(out: Path, target: Path = MODEL) -> None:
    """Copy the exported detector and its JSON into the package's models folder."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(out / "plate_det.onnx", target)
    shutil.copyfile(out / "plate_det.json", target.with_suffix(".json"))
