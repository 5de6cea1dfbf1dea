"""Paths of the dlib model files shipped in the face_recognition_models package (nothing is downloaded)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

FILES = {
    "landmarks68": "shape_predictor_68_face_landmarks.dat",
    "landmarks5": "shape_predictor_5_face_landmarks.dat",
    "resnet": "dlib_face_recognition_resnet_model_v1.dat",
}


def model_path(kind: str) -> str:
    """Locate a model file without importing the package (its __init__ needs pkg_resources, gone in setuptools 81)."""
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("face_recognition_models 未安装 (pip install face-recognition-models)")
    path = Path(next(iter(spec.submodule_search_locations))) / "models" / FILES[kind]
    if not path.is_file():
        raise RuntimeError(f"模型文件缺失：{path}")
    return str(path)
