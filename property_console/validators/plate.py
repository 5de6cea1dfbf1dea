"""Licence plates for records: the GA 36 grammar lives in plate_gate.grammar; this maps its errors."""

from __future__ import annotations

from plate_gate.grammar import PlateError, parse_plate
from property_console.errors import DomainError


def check_plate(raw: str, *, field: str = "plate") -> str:
    """Normalise and validate a plate; return its canonical text or raise DomainError."""
    try:
        return parse_plate(raw).text
    except PlateError as exc:
        raise DomainError.one(exc.code, exc.message_zh, exc.message_en, field) from None
