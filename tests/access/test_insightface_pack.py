"""The InsightFace backend on a stand-in model pack built here: SCRFD output decoding, alignment, embedding.

No InsightFace pack ships with the project (operators install one), so these tests build ONNX models with
the pack's input and output layout: a "detector" whose nine outputs (score, box distances and keypoints
for strides 8, 16 and 32, two anchors per cell) plant known faces, and a "recogniser" that projects the
aligned 112x112 crop to 512 numbers. They check the backend's decoding and plumbing, not accuracy.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from access.config import EngineConfig
from access.engine import analyse, create_engine
from access.images import load_rgb
from tests.conftest import need_tool

need_tool(None if importlib.util.find_spec("onnx") else "onnx (the train extra) is not installed")
import onnx  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

STRIDES = (8, 16, 32)


def _save(graph: onnx.GraphProto, path: Path) -> None:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def _detector(path: Path, plants: list[tuple[int, int, int, int, float, list[float], list[float]]]) -> None:
    """SCRFD-shaped constant outputs; each plant is (stride, x cell, y cell, anchor, score, 4 box
    distances, 10 keypoint offsets), distances and offsets in stride units."""
    outputs = {}
    for stride in STRIDES:
        n = (640 // stride) ** 2 * 2
        outputs[stride] = [
            np.zeros((n, 1), np.float32),
            np.zeros((n, 4), np.float32),
            np.zeros((n, 10), np.float32),
        ]
    for stride, x, y, anchor, score, dist, kps in plants:
        row = ((y * (640 // stride)) + x) * 2 + anchor
        score_t, dist_t, kps_t = outputs[stride]
        score_t[row], dist_t[row], kps_t[row] = score, dist, kps
    names = [f"{kind}_{s}" for kind in ("score", "bbox", "kps") for s in STRIDES]
    tensors = [outputs[s][k] for k in range(3) for s in STRIDES]
    nodes = [
        helper.make_node("Constant", [], [name], value=numpy_helper.from_array(t, name + "_value"))
        for name, t in zip(names, tensors, strict=True)
    ]
    graph = helper.make_graph(
        nodes,
        "scrfd_stand_in",
        [helper.make_tensor_value_info("input.1", TensorProto.FLOAT, [1, 3, 640, 640])],
        [
            helper.make_tensor_value_info(name, TensorProto.FLOAT, list(t.shape))
            for name, t in zip(names, tensors, strict=True)
        ],
    )
    _save(graph, path)


def _recogniser(path: Path) -> None:
    """112x112 crop -> 8x8 average pool -> 588 numbers -> fixed random projection to 512."""
    weights = np.random.default_rng(7).standard_normal((588, 512)).astype(np.float32)
    graph = helper.make_graph(
        [
            helper.make_node("AveragePool", ["input.1"], ["pooled"], kernel_shape=[8, 8], strides=[8, 8]),
            helper.make_node("Flatten", ["pooled"], ["flat"], axis=1),
            helper.make_node("MatMul", ["flat", "w"], ["683"]),
        ],
        "arcface_stand_in",
        [helper.make_tensor_value_info("input.1", TensorProto.FLOAT, ["n", 3, 112, 112])],
        [helper.make_tensor_value_info("683", TensorProto.FLOAT, ["n", 512])],
        [numpy_helper.from_array(weights, "w")],
    )
    _save(graph, path)


FACE = (16, 20, 10, 0, 0.9, [2.0, 3.0, 2.0, 3.0], [-1.0, -1.0, 1.0, -1.0, 0.0, 0.0, -0.8, 1.2, 0.8, 1.2])
"""A face at stride 16, cell (20, 10): centre (320, 160) of the 640 canvas, box (288, 112)-(352, 208)."""


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    folder = tmp_path / "buffalo_stand_in"
    folder.mkdir()
    same_face_weaker = (*FACE[:3], 1, 0.8, FACE[5], FACE[6])  # the other anchor of the cell: NMS drops it
    too_weak = (8, 5, 5, 0, 0.3, [1.0, 1.0, 1.0, 1.0], [0.0] * 10)
    _detector(folder / "det_10g.onnx", [FACE, same_face_weaker, too_weak])
    _recogniser(folder / "w600k_r50.onnx")
    return folder


def test_scrfd_outputs_decode_to_boxes_and_keypoints_in_image_pixels(pack: Path) -> None:
    engine = create_engine(EngineConfig(backend="insightface", model_pack=pack))
    image = np.full((720, 1280, 3), 90, np.uint8)  # scaled by 0.5 onto the 640 canvas
    boxes = engine.detect(image)
    assert len(boxes) == 1
    box = boxes[0]
    assert (box.x1, box.y1, box.x2, box.y2) == (576, 224, 704, 416) and box.score == pytest.approx(0.9)
    points = engine.landmarks(image, box)
    expected = np.array([[304, 144], [336, 144], [320, 160], [307.2, 179.2], [332.8, 179.2]]) * 2
    assert np.allclose(points, expected, atol=1e-3)
    left_eye, right_eye, nose = engine.eyes_nose(points)
    assert left_eye[0] < nose[0] < right_eye[0]
    with pytest.raises(KeyError):
        engine.landmarks(np.zeros((10, 10, 3), np.uint8), type(box)(0, 0, 5, 5, 1.0))


def test_embeddings_are_unit_vectors_of_the_aligned_crop(pack: Path, data_dir: Path) -> None:
    image = load_rgb(data_dir / "people/Al_Gore/Al_Gore_0001.jpg")
    plain = create_engine(EngineConfig(backend="insightface", model_pack=pack, flip=False))
    flipped = create_engine(EngineConfig(backend="insightface", model_pack=pack, flip=True))
    box = plain.detect(image)[0]
    points = plain.landmarks(image, box)
    a, b = plain.embed(image, points), flipped.embed(image, points)
    assert a.shape == (512,) and np.linalg.norm(a) == pytest.approx(1.0, abs=1e-5)
    assert np.allclose(a, plain.embed(image, points))  # deterministic
    assert not np.allclose(a, b) and np.linalg.norm(b) == pytest.approx(1.0, abs=1e-5)  # mirror averaged in
    other = plain.embed(image[:, ::-1].copy(), points)
    assert float(a @ other) < 0.999  # the crop, not a constant, decides the vector
    faces = analyse(plain, image, max_faces=1)
    assert len(faces) == 1 and faces[0].embedding.shape == (512,)
