"""Shared fixtures for plate_gate tests: one PlateReader (ONNX sessions) per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from plate_gate.reader import PlateReader

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def reader() -> PlateReader:
    """The default pipeline; its ONNX sessions are created once and cached."""
    return PlateReader()


@pytest.fixture(scope="session")
def crops() -> list[Path]:
    """Real plate crops named by their plate text."""
    return sorted(p for p in DATA.glob("*.jpg") if not p.name.startswith("scene_"))
