"""Licence-plate reading: detection, rectification, pluggable recogniser, grammar, colour, voting."""

from plate_gate.reader.errors import ReadError
from plate_gate.reader.pipeline import PlateRead, PlateReader
from plate_gate.reader.plate_rec import PlateRecognizer
from plate_gate.reader.recognizer import CrnnRecognizer, Recognition, Recognizer
from plate_gate.reader.select import RECOGNIZERS, make_recognizer
from plate_gate.reader.vote import Vote, vote

__all__ = [
    "RECOGNIZERS",
    "CrnnRecognizer",
    "PlateRead",
    "PlateReader",
    "PlateRecognizer",
    "ReadError",
    "Recognition",
    "Recognizer",
    "Vote",
    "make_recognizer",
    "vote",
]
