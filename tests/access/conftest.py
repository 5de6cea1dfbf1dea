"""Shared fixtures for access/ tests: real photos and one cached engine per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from access.config import AccessConfig, EngineConfig
from access.engine import FaceEngine, create_engine

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """Folder of the few real photos copied from shared/data/faces (LFW)."""
    return DATA


@pytest.fixture(scope="session")
def config() -> AccessConfig:
    """The shipped configuration."""
    return AccessConfig()


@pytest.fixture(scope="session")
def engine(config: AccessConfig) -> FaceEngine:
    """The default dlib engine, loaded once."""
    return create_engine(config.engine)


@pytest.fixture(scope="session")
def engine68() -> FaceEngine:
    """A dlib engine with the 68-point predictor (liveness needs it)."""
    return create_engine(EngineConfig(landmarks=68, flip=False))


from tests.console.conftest import (  # noqa: E402,F401  (console fixtures for sync, passes and ingest)
    app_client,
    login,
    pg_template,
    runtime,
    seeded_url,
    sqlite_template,
)
