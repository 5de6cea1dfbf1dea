"""The recognition engine on real photos: detection, landmarks, embeddings, backend selection."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from access.config import EngineConfig
from access.engine import FaceEngine, analyse, create_engine
from access.engine.insightface_backend import ModelPackError, arcface_matrix, find_pack_models
from access.images import ImageLoadError, load_rgb


def embed_one(engine: FaceEngine, path: Path) -> np.ndarray:
    """Embedding of the single largest face."""
    faces = analyse(engine, load_rgb(path), max_faces=1)
    assert faces, path
    return faces[0].embedding


def test_detects_one_face_with_plausible_box(engine: FaceEngine, data_dir: Path) -> None:
    image = load_rgb(data_dir / "people/Al_Gore/Al_Gore_0001.jpg")
    boxes = engine.detect(image)
    assert len(boxes) == 1
    box = boxes[0]
    # LFW deep-funneled crops are 250×250 with the face near the centre
    assert 60 < box.x1 + box.width / 2 < 190 and 60 < box.y1 + box.height / 2 < 190
    assert 70 <= box.width <= 160


def test_no_face_in_a_street_scene(engine: FaceEngine, data_dir: Path) -> None:
    assert engine.detect(load_rgb(data_dir / "no_face.jpg")) == []


def test_landmarks_inside_box_and_eyes_above_nose(engine: FaceEngine, data_dir: Path) -> None:
    image = load_rgb(data_dir / "people/Amelia_Vega/Amelia_Vega_0001.jpg")
    box = engine.detect(image)[0]
    points = engine.landmarks(image, box)
    assert points.shape == (68, 2)  # shipped config aligns with the 68-point predictor
    left, right, nose = engine.eyes_nose(points)
    assert left[0] < nose[0] < right[0]
    assert nose[1] > max(left[1], right[1])


def test_embeddings_unit_length_and_same_person_closer(engine: FaceEngine, data_dir: Path) -> None:
    gore = [embed_one(engine, p) for p in sorted((data_dir / "people/Al_Gore").glob("*.jpg"))]
    vega = [embed_one(engine, p) for p in sorted((data_dir / "people/Amelia_Vega").glob("*.jpg"))]
    for vector in gore + vega:
        assert vector.shape == (128,) and vector.dtype == np.float32
        assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-4
    same = min(float(a @ b) for group in (gore, vega) for i, a in enumerate(group) for b in group[i + 1 :])
    different = max(float(a @ b) for a in gore for b in vega)
    assert same > different


def test_downscaled_detection_maps_boxes_to_frame(data_dir: Path) -> None:
    image = load_rgb(data_dir / "people/Al_Gore/Al_Gore_0001.jpg")
    big = np.kron(image, np.ones((2, 2, 1), dtype=np.uint8))  # 500×500, face ≈ 190 px
    engine = create_engine(EngineConfig(min_face_px=170, retry_upsampled=False))
    assert engine.detect_scale(big) < 0.6  # type: ignore[attr-defined]
    small_box = create_engine(EngineConfig(min_face_px=60)).detect(image)[0]
    box = engine.detect(big)[0]
    assert abs(box.x1 - 2 * small_box.x1) < 20 and abs(box.width - 2 * small_box.width) < 30


def test_corrupt_file_raises_clear_error(data_dir: Path) -> None:
    with pytest.raises(ImageLoadError) as info:
        load_rgb(data_dir / "corrupt.jpg")
    assert info.value.code == "not_an_image"
    with pytest.raises(ImageLoadError) as missing:
        load_rgb(data_dir / "does_not_exist.jpg")
    assert missing.value.code == "unreadable_file"


def test_insightface_without_pack_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(ModelPackError, match="未配置"):
        create_engine(EngineConfig(backend="insightface"))
    with pytest.raises(ModelPackError, match="不存在"):
        create_engine(EngineConfig(backend="insightface", model_pack=tmp_path / "buffalo_l"))
    (tmp_path / "det_10g.onnx").write_bytes(b"")
    with pytest.raises(ModelPackError, match="不完整"):
        find_pack_models(tmp_path)
    (tmp_path / "w600k_r50.onnx").write_bytes(b"")
    assert find_pack_models(tmp_path) == (tmp_path / "det_10g.onnx", tmp_path / "w600k_r50.onnx")


def test_arcface_alignment_maps_template_to_itself() -> None:
    from access.engine.insightface_backend import ARCFACE_TEMPLATE

    shifted = ARCFACE_TEMPLATE * 2.0 + np.array([30.0, 10.0], np.float32)
    matrix = arcface_matrix(shifted)
    mapped = shifted @ matrix[:, :2].T + matrix[:, 2]
    assert np.allclose(mapped, ARCFACE_TEMPLATE, atol=1e-2)


def test_thorough_detection_retries_finer_for_photos_only(engine: FaceEngine, data_dir: Path) -> None:
    import cv2

    image = load_rgb(data_dir / "people/Al_Gore/Al_Gore_0001.jpg")
    small = cv2.resize(image, (125, 125), interpolation=cv2.INTER_AREA)  # face ≈ 50 px < min_face_px
    assert engine.detect(small) == []  # camera frames: one pass at the configured scale
    boxes = engine.detect(small, thorough=True)
    assert len(boxes) == 1 and 35 <= boxes[0].width <= 80
