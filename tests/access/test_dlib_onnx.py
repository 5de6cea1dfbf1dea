"""dlib's face ResNet converted to ONNX: the stream parser, the graph, and parity with dlib on real faces."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from access.config import EngineConfig
from access.engine import create_engine
from access.engine.dlib_backend import DlibEngine
from access.engine.dlib_onnx import DlibFormatError, OnnxDescriptor, Reader, cached_onnx, convert, parse
from access.engine.models import model_path
from access.images import load_rgb
from tests.conftest import need_tool


@pytest.fixture(scope="module")
def dlib_engine() -> DlibEngine:
    """The same pipeline with dlib's own descriptor network."""
    engine = create_engine(EngineConfig(embedder="dlib"))
    assert isinstance(engine, DlibEngine)
    return engine


def test_reader_decodes_dlib_primitives() -> None:
    # 4 → 01 04; -17 → 81 11; 300 → 02 2c 01; float 122.782 = 16093282·2^-17 → 03 62 90 f5, 81 11
    r = Reader(bytes.fromhex("01048111022c01036290f581110105") + b"relu_")
    assert (r.read_int(), r.read_int(), r.read_int()) == (4, -17, 300)
    assert abs(r.read_float() - 122.782) < 1e-4 and r.read_string() == "relu_"


def test_parses_the_shipped_network() -> None:
    layers = parse(Path(model_path("resnet")).read_bytes())
    kinds = [layer.kind for layer in layers]
    assert kinds.count("con_") == 29 and kinds.count("add_prev_") == 14 and kinds.count("avg_pool_") == 5
    assert layers[0].params["size"] == (150, 150) and layers[-1].params["w"].shape == (256, 128)
    assert layers[1].params["w"].shape == (32, 3, 7, 7) and layers[1].params["stride"] == (2, 2)


def test_refuses_what_is_not_the_face_network(tmp_path: Path) -> None:
    with pytest.raises(DlibFormatError):
        parse(Path(model_path("landmarks5")).read_bytes()[:200_000])
    bad = tmp_path / "x.dat"
    bad.write_bytes(b"\x01\x05relu_" * 4)
    with pytest.raises(DlibFormatError):
        convert(bad)


def test_valid_onnx_and_cached_once(tmp_path: Path) -> None:
    path = cached_onnx(model_path("resnet"), tmp_path)
    stamp = path.stat().st_mtime_ns
    assert cached_onnx(model_path("resnet"), tmp_path) == path and path.stat().st_mtime_ns == stamp
    need_tool(None if importlib.util.find_spec("onnx") else "onnx (the train extra) is not installed")
    import onnx  # the train extra; the runtime writes the protobuf itself

    onnx.checker.check_model(onnx.load(str(path)), full_check=True)


def test_parity_with_dlib_on_real_faces(dlib_engine: DlibEngine, data_dir: Path, tmp_path: Path) -> None:
    photos = sorted(data_dir.glob("*/*/*.jpg")) + sorted(data_dir.glob("probe/*.jpg"))
    chips = []
    for photo in photos:
        image = load_rgb(photo)
        box = dlib_engine.detect(image, thorough=True)[0]
        chips.append(dlib_engine.chip(image, dlib_engine.landmarks(image, box)))
    ours = OnnxDescriptor(model_path("resnet"), tmp_path)(chips)
    theirs = dlib_engine.descriptors(chips)
    cosine = (ours * theirs).sum(1) / np.linalg.norm(ours, axis=1) / np.linalg.norm(theirs, axis=1)
    assert len(chips) == len(photos) >= 8
    assert np.abs(ours - theirs).max() < 1e-5 and cosine.min() > 0.999999
