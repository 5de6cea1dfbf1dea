"""Train the plate recogniser with CTC on CPU, checkpointing and exporting ONNX as it goes."""

from __future__ import annotations

import json
import math
import random
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import torch
from torch import nn

from plate_gate.reader.plate_rec import INPUT_H, INPUT_W, MODEL, normalize
from plate_gate.training.dataset import Samples, plain_crops, real_samples, real_split, synthesize
from plate_gate.training.model import PlateNet, export_onnx, freeze_batch_norm, load_onnx_weights
from plate_gate.training.render import alphabet
from plate_gate.training.scene_views import scene_views
from plate_gate.training.stream import SynthStream


@dataclass
class TrainConfig:
    """One training run; the defaults are the shipped model's recipe."""

    assets: Path
    crops: Path
    out: Path
    synth: int = 60_000
    real_per_image: int = 30
    minutes: float = 45.0
    max_steps: int = 0
    batch: int = 64
    lr: float = 2e-3
    seed: int = 1
    threads: int = 1
    workers: int = 1
    checkpoint_s: float = 240.0
    scene_views: int = 0
    """Scenes per real training crop read through the reader's own detectors (training/scene_views.py)."""
    photos: Path | None = None
    """Background photos for those scenes (searched recursively; not the bench's LFW singles)."""
    init: Path | None = None
    """Start from these weights instead of random ones (fine-tuning): a plate_rec.pt of an earlier run, or an
    exported plate_rec.onnx such as the shipped model (then batch norm stays frozen)."""
    log: Callable[[str], None] = field(default=print, repr=False)


def encode(texts: list[str], chars: str) -> tuple[torch.Tensor, torch.Tensor]:
    """CTC targets (concatenated class indices, 1-based) and their lengths."""
    index = {c: i + 1 for i, c in enumerate(chars)}
    flat = [index[c] for t in texts for c in t]
    return torch.tensor(flat, dtype=torch.long), torch.tensor([len(t) for t in texts], dtype=torch.long)


def greedy(logits: torch.Tensor, chars: str) -> list[str]:
    """Greedy CTC decoding of (N, T, C) logits to strings."""
    out = []
    for row in logits.argmax(-1).tolist():
        prev, text = 0, []
        for k in row:
            if k != prev and k != 0:
                text.append(chars[k - 1])
            prev = k
        out.append("".join(text))
    return out


def _jitter(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Per-sample contrast/brightness jitter on the normalised batch (cheap, on top of the rendered one)."""
    n = x.shape[0]
    gain = 1 + 0.25 * (torch.rand(n, 1, 1, 1, generator=gen) - 0.5)
    bias = 0.2 * (torch.rand(n, 1, 1, 1, generator=gen) - 0.5)
    return (x * gain + bias).clamp(-1, 1)


def accuracy(net: PlateNet, samples: Samples, chars: str) -> float:
    """Share of exact greedy reads (no grammar) on a sample set (leaves the network in eval mode)."""
    net.eval()
    hits = 0
    with torch.no_grad():
        for i in range(0, len(samples), 256):
            x = torch.from_numpy(normalize(samples.images[i : i + 256]))
            hits += sum(
                p == t for p, t in zip(greedy(net(x), chars), samples.texts[i : i + 256], strict=True)
            )
    return hits / max(1, len(samples))


def load_data(cfg: TrainConfig) -> tuple[SynthStream, Samples, Samples, Samples]:
    """(synthetic stream, real training views, synthetic validation, held-out real crops)."""
    stream = SynthStream(cfg.assets, cfg.synth, cfg.seed, cfg.out / "synth", cfg.workers)
    val = synthesize(cfg.assets, max(16, min(2000, cfg.synth // 20)), cfg.seed + 7919, workers=1)
    train_paths, eval_paths = real_split(cfg.crops)
    real = real_samples(train_paths, cfg.real_per_image, cfg.seed) if cfg.real_per_image else Samples.empty()
    cfg.log(f"real crops: {len(train_paths)} train x {cfg.real_per_image} views, {len(eval_paths)} held out")
    if cfg.scene_views and cfg.photos is not None:
        photos = sorted(cfg.photos.rglob("*.jpg"))
        seen = scene_views(train_paths, photos, cfg.scene_views, cfg.seed)
        real = Samples.concat([real, seen])
        cfg.log(
            f"scene views: {len(seen)} of {len(train_paths) * cfg.scene_views} scenes found by the detectors"
        )
    return stream, real, val, plain_crops(eval_paths) if eval_paths else val


def write_model(net: PlateNet, path: Path, meta: dict[str, object]) -> None:
    """Export ONNX and its JSON side file (alphabet, input size, recipe and figures)."""
    tmp = path.with_suffix(".tmp.onnx")
    export_onnx(net, tmp, (INPUT_H, INPUT_W))
    tmp.replace(path)
    path.with_suffix(".json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")


def train(cfg: TrainConfig) -> dict[str, object]:
    """Run the training loop until the time or step budget; returns the final figures."""
    torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed)
    chars = alphabet()
    stream, data, val, real_eval = load_data(cfg)
    for chunk in stream.collect(wait=True):
        data = Samples.concat([data, chunk])
    targets = [encode([t], chars) for t in data.texts]
    net = PlateNet(len(chars) + 1)
    frozen = cfg.init is not None and cfg.init.suffix == ".onnx"
    if cfg.init is not None:
        if frozen:
            load_onnx_weights(net, cfg.init)  # batch norm folded: fine-tune with it frozen
        else:
            net.load_state_dict(torch.load(cfg.init, map_location="cpu"))
        cfg.log(f"starting from {cfg.init}")
    set_train = freeze_batch_norm if frozen else nn.Module.train
    set_train(net)
    opt = torch.optim.AdamW(net.parameters(), lr=cfg.lr, weight_decay=1e-4)
    ctc = nn.CTCLoss(blank=0, zero_infinity=True)
    budget, start, last_ckpt = cfg.minutes * 60, time.time(), time.time()
    meta: dict[str, object] = {"alphabet": chars, "input": [INPUT_H, INPUT_W], "classes": len(chars) + 1}
    recipe = {k: str(v) for k, v in asdict(cfg).items() if k != "log"}
    step, losses, order = 0, [], list[int]()
    while True:
        elapsed = time.time() - start
        progress = step / cfg.max_steps if cfg.max_steps else elapsed / budget
        if progress >= 1:
            break
        warmup = 300 if cfg.init is None else 50
        warmup = min(warmup, max(1, cfg.max_steps // 10)) if cfg.max_steps else warmup
        lr = cfg.lr * min(1.0, (step + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * progress))
        for group in opt.param_groups:
            group["lr"] = lr
        if step % 50 == 0 and not stream.done:
            fresh = stream.collect()
            if fresh:
                data = Samples.concat([data, *fresh])
                targets += [encode([t], chars) for c in fresh for t in c.texts]
                order = []
                cfg.log(f"step {step}: {len(data)} training samples")
        if len(order) < cfg.batch:
            order = list(range(len(data)))
            rng.shuffle(order)
        idx, order = order[: cfg.batch], order[cfg.batch :]
        x = _jitter(torch.from_numpy(normalize(data.images[idx])), gen)
        flat = torch.cat([targets[i][0] for i in idx])
        lengths = torch.cat([targets[i][1] for i in idx])
        log_probs = net(x).log_softmax(-1).transpose(0, 1)  # (T, N, C)
        steps = torch.full((len(idx),), log_probs.shape[0], dtype=torch.long)
        loss = ctc(log_probs, flat, steps, lengths)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), 5.0)
        opt.step()
        losses.append(float(loss.detach()))
        step += 1
        if step % 100 == 0:
            cfg.log(f"step {step} loss {np.mean(losses[-100:]):.3f} lr {lr:.2e} {time.time() - start:.0f}s")
        if time.time() - last_ckpt > cfg.checkpoint_s:
            _checkpoint(cfg, net, meta, recipe, step, losses, val, real_eval, chars)
            set_train(net)
            last_ckpt = time.time()
    stream.close()
    return _checkpoint(cfg, net, meta, recipe, step, losses, val, real_eval, chars, final=True)


def _checkpoint(
    cfg: TrainConfig,
    net: PlateNet,
    meta: dict[str, object],
    recipe: dict[str, str],
    step: int,
    losses: list[float],
    val: Samples,
    real_eval: Samples,
    chars: str,
    final: bool = False,
) -> dict[str, object]:
    """Save the weights, export ONNX + JSON and log greedy accuracy (synthetic val, held-out real crops)."""
    cfg.out.mkdir(parents=True, exist_ok=True)
    torch.save(net.state_dict(), cfg.out / "plate_rec.pt")
    figures: dict[str, object] = {
        "steps": step,
        "loss_first": float(np.mean(losses[:10])) if losses else math.nan,
        "loss_last": float(np.mean(losses[-10:])) if losses else math.nan,
        "synthetic_val_greedy": accuracy(net, val, chars),
        "real_heldout_greedy": accuracy(net, real_eval, chars),
    }
    meta = {
        **meta,
        "trained": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "recipe": recipe,
        "figures": figures,
        "final": final,
        "licence": "glyphs and blank plates: synth_assets (MIT, leijd); see LICENSE-synth_assets",
    }
    write_model(net, cfg.out / "plate_rec.onnx", meta)
    cfg.log(f"checkpoint step {step}: {json.dumps(figures)}")
    return figures


def install_model(out: Path, target: Path = MODEL, assets: Path | None = None) -> None:
    """Copy the exported model, its JSON and the asset licence into the package's models folder."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(out / "plate_rec.onnx", target)
    shutil.copyfile(out / "plate_rec.json", target.with_suffix(".json"))
    if assets is not None and (assets / "LICENSE").is_file():
        shutil.copyfile(assets / "LICENSE", target.parent / "LICENSE-synth_assets")
