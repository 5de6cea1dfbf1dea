"""Face engines behind one interface, selected by config."""

from __future__ import annotations

from access.config import EngineConfig
from access.engine.base import Box, FaceEngine, FaceResult, analyse, l2_normalise

__all__ = ["Box", "FaceEngine", "FaceResult", "analyse", "create_engine", "l2_normalise"]


def create_engine(config: EngineConfig) -> FaceEngine:
    """Build the configured backend (imported lazily: an absent runtime fails only when chosen)."""
    if config.backend == "insightface":
        from access.engine.insightface_backend import InsightFaceEngine

        return InsightFaceEngine(config)
    from access.engine.dlib_backend import DlibEngine

    return DlibEngine(config)
