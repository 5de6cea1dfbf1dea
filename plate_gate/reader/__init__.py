"""Licence-plate reading: detection, rectification, pluggable recogniser, grammar, colour, voting."""

from plate_gate.reader.errors import ReadError
from plate_gate.reader.pipeline import PlateRead, PlateReader
from plate_gate.reader.recognizer import CrnnRecognizer, Recognition, Recognizer
from plate_gate.reader.vote import Vote, vote

__all__ = [
    "CrnnRecognizer",
    "PlateRead",
    "PlateReader",
    "ReadError",
    "Recognition",
    "Recognizer",
    "Vote",
    "vote",
]
