"""LFW dev evaluation per the data README: open-set TPIR at FPIR 1% (enrol 1, 3), visits, 10-fold verify.

Run: .venv/bin/python bench/eval_faces.py [--variant p5f] [--combine max|mean]
Embeddings are cached in /tmp/sc_faces_cache (first run ≈ 12 min on 2 cores, re-runs take seconds).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import lfw_cache

from access.config import AccessConfig, GalleryConfig
from access.gallery import open_set_score


@dataclass(frozen=True)
class Split:
    """Per-person photo indices (in file order) and the stranger indices."""

    persons: list[str]
    photos: list[np.ndarray]
    strangers: np.ndarray


def make_split(ids: np.ndarray) -> Split:
    """Group photo indices by person; singles are the strangers."""
    persons = sorted({i for i in ids if not i.startswith("single:")})
    photos = [np.flatnonzero(ids == p) for p in persons]
    return Split(persons, photos, np.flatnonzero(np.char.startswith(ids.astype(str), "single:")))


def person_scores(emb: np.ndarray, gallery: list[np.ndarray], combine: str, probes: np.ndarray) -> np.ndarray:
    """Probe × person score matrix for photo indices (see vector_scores)."""
    return vector_scores(emb, gallery, combine, emb[probes])


def vector_scores(
    emb: np.ndarray, gallery: list[np.ndarray], combine: str, vectors: np.ndarray
) -> np.ndarray:
    """Probe vectors × person scores: max over a person's templates, or cosine to their mean template."""
    out = np.full((len(vectors), len(gallery)), -1.0, np.float32)
    for j, idx in enumerate(gallery):
        if len(idx) == 0:
            continue
        t = emb[idx]
        if combine == "mean":
            m = t.mean(0)
            out[:, j] = vectors @ (m / np.linalg.norm(m))
        else:
            out[:, j] = (vectors @ t.T).max(1)
    return out


def fuse(scores: np.ndarray, rule: GalleryConfig, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Open-set score and best person per probe row, with the product's rule (Gallery.identify)."""
    one = scores.shape[1] < 2
    runner_up = np.full(len(scores), -1.0) if one else np.partition(scores, -2, axis=1)[:, -2]
    best, arg = scores.max(1), scores.argmax(1)
    fused = np.asarray(open_set_score(best, runner_up, rule.margin, rule.runner_up_floor))
    return fused - rule.multi_template_offset * (counts[arg] > 1), arg


def threshold_at_fpir(stranger_top: np.ndarray, fpir: float) -> float:
    """Lowest threshold accepting at most fpir of the strangers (score ≥ threshold accepts)."""
    allowed = int(np.floor(fpir * len(stranger_top)))
    ordered = np.sort(stranger_top)[::-1]
    return float(np.nextafter(ordered[allowed], np.float32(2))) if allowed < len(ordered) else -1.0


def open_set(data: dict, variant: str, k: int, rule: GalleryConfig, fpir: float = 0.01) -> dict:
    """Enrol first k photos (keeping ≥1 to probe), probe with the next photo and with every single.

    Also scores 'leave-one-out strangers' (every photo of each person against the gallery without them,
    1,883 probes): a steadier FPIR estimate than the 400 singles.
    """
    combine = rule.combine
    emb, found = data[variant], data["found"]
    split = make_split(data["ids"])
    n_enrol = [min(k, len(p) - 1) for p in split.photos]
    gallery = [p[:n][found[p[:n]]] for p, n in zip(split.photos, n_enrol, strict=True)]
    counts = np.array([len(g) for g in gallery])
    genuine = np.array([p[n] for p, n in zip(split.photos, n_enrol, strict=True)])
    g_scores = person_scores(emb, gallery, combine, genuine)
    s_scores = person_scores(emb, gallery, combine, split.strangers)
    g_top, g_arg = fuse(g_scores, rule, counts)
    s_top = np.where(found[split.strangers], fuse(s_scores, rule, counts)[0], -9.0)
    everyone = np.concatenate(split.photos)
    owner = np.concatenate([[j] * len(p) for j, p in enumerate(split.photos)])
    loo_scores = person_scores(emb, gallery, combine, everyone)
    loo_scores[np.arange(len(everyone)), owner] = -1.0
    loo_top = np.where(found[everyone], fuse(loo_scores, rule, counts)[0], -9.0)
    correct = (g_arg == np.arange(len(genuine))) & found[genuine]
    thr = threshold_at_fpir(s_top, fpir)
    return {
        "k": k,
        "combine": combine,
        "threshold": thr,
        "rank1": float(correct.mean()),
        "tpir": float((correct & (g_top >= thr)).mean()),
        "genuine": len(genuine),
        "strangers": len(split.strangers),
        "probe_faces_missed": int((~found[genuine]).sum()),
        "stranger_top": s_top,
        "genuine_top": np.where(correct, g_top, -9.0),
        "loo_top": loo_top,
        "loo_threshold": threshold_at_fpir(loo_top, fpir),
    }


def at_threshold(result: dict, thr: float) -> tuple[float, float, float]:
    """(TPIR, FPIR on singles, FPIR on leave-one-out strangers) of an open-set run at a threshold."""
    return (
        float((result["genuine_top"] >= thr).mean()),
        float((result["stranger_top"] >= thr).mean()),
        float((result["loo_top"] >= thr).mean()),
    )


def visits(
    data: dict,
    variant: str,
    k: int,
    rule: GalleryConfig,
    thr: float,
    max_frames: int = 3,
    average: bool = False,
) -> dict:
    """A visit = up to max_frames photos of one person; the door opens on the first frame accepted.

    With average=True the visit's embeddings are averaged into one probe (one decision per visit).

    Genuine visits: the photos after the enrolled ones. Stranger visits: every person with ≥2 photos,
    probed with all of them against the gallery with that person left out.
    """
    emb, found, combine = data[variant], data["found"], rule.combine
    split = make_split(data["ids"])
    n_enrol = [min(k, len(p) - 1) for p in split.photos]
    gallery = [p[:n][found[p[:n]]] for p, n in zip(split.photos, n_enrol, strict=True)]
    counts = np.array([len(g) for g in gallery])
    ok, frames, false_visits, stranger_visits, stranger_max = [], [], 0, 0, []
    for j, (p, n) in enumerate(zip(split.photos, n_enrol, strict=True)):
        probe = p[n : n + max_frames]
        probe = probe[found[probe]]
        frames.append(len(p[n : n + max_frames]))
        if len(probe) == 0:
            ok.append(False)
        else:
            vectors = emb[probe]
            if average:
                vectors = vectors.mean(0, keepdims=True) / np.linalg.norm(vectors.mean(0))
            top, arg = fuse(vector_scores(emb, gallery, combine, vectors), rule, counts)
            accepted = arg[top >= thr]
            ok.append(bool(len(accepted)) and accepted[0] == j)
        own = p[:max_frames][found[p[:max_frames]]]
        if len(own):
            vectors = emb[own]
            if average:
                vectors = vectors.mean(0, keepdims=True) / np.linalg.norm(vectors.mean(0))
            sc = vector_scores(emb, gallery, combine, vectors)
            sc[:, j] = -1.0
            stranger_visits += 1
            stranger_max.append(float(fuse(sc, rule, counts)[0].max()))
            false_visits += int(stranger_max[-1] >= thr)
    return {
        "visit_tpir": float(np.mean(ok)),
        "mean_frames": float(np.mean(frames)),
        "visit_fpir": false_visits / max(1, stranger_visits),
        "stranger_visits": stranger_visits,
        "visit_threshold": threshold_at_fpir(np.array(stranger_max), 0.01),
    }


def verification(data: dict, variant: str, folds: int = 10, seed: int = 0) -> tuple[float, float, float]:
    """Accuracy (mean, std) by 10-fold CV over all same-person pairs and as many random different pairs."""
    emb, found, ids = data[variant], data["found"], data["ids"]
    split = make_split(ids)
    pos = [(a, b) for p in split.photos for i, a in enumerate(p) for b in p[i + 1 :]]
    rng = np.random.default_rng(seed)
    neg: set[tuple[int, int]] = set()
    while len(neg) < len(pos):
        a, b = (int(x) for x in rng.integers(0, len(ids), 2))
        if ids[a] != ids[b]:
            neg.add((min(a, b), max(a, b)))
    pairs = np.array(pos + sorted(neg))
    labels = np.r_[np.ones(len(pos), bool), np.zeros(len(neg), bool)]
    both = found[pairs[:, 0]] & found[pairs[:, 1]]
    scores = np.where(both, np.sum(emb[pairs[:, 0]] * emb[pairs[:, 1]], axis=1), -1.0)
    order = rng.permutation(len(pairs))
    accs, thrs = [], []
    for f in range(folds):
        test = order[f::folds]
        train = np.setdiff1d(order, test)
        cands = np.unique(scores[train])
        best = max(cands, key=lambda t: np.mean((scores[train] >= t) == labels[train]))
        accs.append(np.mean((scores[test] >= best) == labels[test]))
        thrs.append(best)
    return float(np.mean(accs)), float(np.std(accs)), float(np.median(thrs))


def load(variant_data: dict, variant: str) -> dict:
    """Unit-normalise the chosen variant's vectors."""
    data = dict(variant_data)
    v = data[variant]
    data[variant] = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    return data


def main() -> None:
    """Print the README protocol's figures for the shipped (or chosen) pipeline."""
    config = AccessConfig()
    parser = argparse.ArgumentParser(description=__doc__)
    default_variant = f"p{config.engine.landmarks}{'f' if config.engine.flip else ''}"
    parser.add_argument("--variant", default=default_variant, choices=lfw_cache.VARIANTS)
    parser.add_argument("--combine", default=config.gallery.combine, choices=["max", "mean"])
    parser.add_argument("--margin", type=float, default=config.gallery.margin)
    parser.add_argument("--floor", type=float, default=config.gallery.runner_up_floor)
    parser.add_argument("--offset", type=float, default=config.gallery.multi_template_offset)
    parser.add_argument("--threshold", type=float, default=config.gallery.threshold, help="shipped threshold")
    parser.add_argument("--embedder", default=config.engine.embedder, choices=["onnx", "dlib"])
    args = parser.parse_args()
    config.engine = config.engine.model_copy(update={"embedder": args.embedder})
    rule = GalleryConfig(
        combine=args.combine,
        margin=args.margin,
        runner_up_floor=args.floor,
        multi_template_offset=args.offset,
    )
    data = load(lfw_cache.build(config.engine), args.variant)
    print(
        f"LFW dev: {len(data['ids'])} photos, faces found {int(data['found'].sum())}; embedder {args.embedder}, "
        f"variant {args.variant}, "
        f"combine {args.combine}, margin {args.margin}, floor {args.floor}, shipped threshold {args.threshold:.4f}"
    )
    for k in (1, 3):
        r = open_set(data, args.variant, k, rule)
        tp, fp, loo = at_threshold(r, args.threshold)
        print(
            f"enrol {k}: rank-1 {r['rank1']:.1%}  TPIR {r['tpir']:.1%} at FPIR 1% (threshold {r['threshold']:.5f}; "
            f"leave-one-out strangers: {r['loo_threshold']:.5f})  [{r['genuine']} genuine, {r['strangers']} "
            f"strangers, {r['probe_faces_missed']} probes without a face]"
        )
        print(
            f"         shipped threshold: TPIR {tp:.1%}, FPIR {fp:.2%} (singles), {loo:.2%} (leave-one-out)"
        )
        v3 = visits(data, args.variant, k, rule, args.threshold, 3)
        strict = visits(data, args.variant, k, rule, v3["visit_threshold"], 3)
        print(
            f"         visits ≤3 frames at a visit threshold for visit-FPIR 1% ({v3['visit_threshold']:.4f}): "
            f"TPIR {strict['visit_tpir']:.1%}, FPIR {strict['visit_fpir']:.2%}"
        )
        for frames, average in ((1, False), (2, False), (3, False), (2, True), (3, True)):
            v = visits(data, args.variant, k, rule, args.threshold, frames, average)
            how = "embeddings averaged" if average else "first frame accepted"
            print(
                f"         visits ≤{frames} frames, {how} (mean {v['mean_frames']:.2f}): TPIR {v['visit_tpir']:.1%}, "
                f"FPIR {v['visit_fpir']:.2%} over {v['stranger_visits']} stranger visits"
            )
    mean, std, thr = verification(data, args.variant)
    print(
        f"verification 10-fold: accuracy {mean:.2%} ± {std:.2%} (median best cosine threshold {thr:.4f}; "
        f"shipped 1:1 threshold {args.threshold + args.margin * args.floor:.4f})"
    )


if __name__ == "__main__":
    main()
