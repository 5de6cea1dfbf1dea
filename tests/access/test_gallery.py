"""Gallery: combination rules, 1:N search against brute force, persistence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from access.gallery import Gallery


def unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v)).astype(np.float32)


def random_gallery(combine: str, persons: int = 50, seed: int = 0) -> tuple[Gallery, dict[str, np.ndarray]]:
    rng = np.random.default_rng(seed)
    gallery = Gallery(16, "test", combine)  # type: ignore[arg-type]
    templates: dict[str, np.ndarray] = {}
    for p in range(persons):
        rows = rng.standard_normal((int(rng.integers(1, 5)), 16)).astype(np.float32)
        templates[f"p{p:03d}"] = np.array([unit(r) for r in rows])
        for row in rows:
            gallery.add(f"p{p:03d}", row * 3.0)  # any scale is normalised on the way in
    return gallery, templates


@pytest.mark.parametrize("combine", ["max", "mean"])
def test_search_matches_brute_force(combine: str) -> None:
    gallery, templates = random_gallery(combine)
    probe = unit(np.random.default_rng(9).standard_normal(16))
    expected = {}
    for name, rows in templates.items():
        expected[name] = (
            float((rows @ probe).max()) if combine == "max" else float(unit(rows.mean(0)) @ probe)
        )
    ranked = sorted(expected.items(), key=lambda kv: -kv[1])[:5]
    found = gallery.search(probe, k=5)
    assert [m.person for m in found] == [name for name, _ in ranked]
    assert [m.score for m in found] == pytest.approx([s for _, s in ranked], abs=1e-5)


def test_max_and_mean_differ_for_a_spread_person() -> None:
    gallery = Gallery(2, "test", "max")
    gallery.add("a", np.array([1.0, 0.0]))
    gallery.add("a", np.array([0.0, 1.0]))
    assert gallery.search(np.array([1.0, 0.0]))[0].score == pytest.approx(1.0)
    gallery.combine = "mean"
    gallery._matrix = None
    assert gallery.search(np.array([1.0, 0.0]))[0].score == pytest.approx(np.sqrt(0.5))


def test_remove_and_empty_and_dimension_check() -> None:
    gallery = Gallery(4, "test")
    assert gallery.search(np.ones(4)) == []
    gallery.add("a", np.ones(4))
    gallery.add("b", -np.ones(4))
    assert gallery.search(np.ones(4), k=3)[0].person == "a" and len(gallery.search(np.ones(4), k=3)) == 2
    assert gallery.remove("a") and not gallery.remove("a")
    assert [m.person for m in gallery.search(np.ones(4))] == ["b"]
    with pytest.raises(ValueError, match="dims"):
        gallery.add("c", np.ones(5))


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    gallery, _ = random_gallery("max", persons=7)
    gallery.save(tmp_path)
    assert {p.name for p in tmp_path.iterdir()} == {"gallery.npz", "gallery.json"}
    loaded = Gallery.load(tmp_path)
    assert loaded.persons() == gallery.persons() and loaded.template_count == gallery.template_count
    probe = unit(np.arange(16, dtype=np.float32))
    assert loaded.search(probe, 3) == gallery.search(probe, 3)
    assert Gallery.load(tmp_path, combine="mean").combine == "mean"


def test_load_missing_gallery_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        Gallery.load(tmp_path)


def test_identify_margin_floor_and_multi_template_offset() -> None:
    gallery = Gallery(2, "test", "mean")
    angle = np.radians([0.0, 20.0, 60.0])
    for name, a in zip(("a", "b", "c"), angle, strict=True):
        gallery.add(name, np.array([np.cos(a), np.sin(a)]))
    probe = np.array([1.0, 0.0])
    # runner-up b has cos 20° ≈ 0.940 > floor 0.9: score = 1 − 0.5 × 0.940
    match = gallery.identify(probe, margin=0.5, floor=0.9)
    assert match is not None and match.person == "a"
    assert match.similarity == pytest.approx(1.0) and match.score == pytest.approx(1 - 0.5 * np.cos(angle[1]))
    gallery.remove("b")  # runner-up c has cos 60° = 0.5 < floor: the floor applies
    assert gallery.identify(probe, 0.5, 0.9).score == pytest.approx(1 - 0.45)  # type: ignore[union-attr]
    gallery.add("a", np.array([1.0, 0.0]))  # two templates: the offset is subtracted
    assert gallery.identify(probe, 0.5, 0.9, multi_offset=0.01).score == pytest.approx(0.54)  # type: ignore[union-attr]
    assert Gallery(2, "test").identify(probe) is None
