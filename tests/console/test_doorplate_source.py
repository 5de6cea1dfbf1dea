"""Doorplates printed from the console database: a building's own plate, its units and rooms, no floors."""

from __future__ import annotations

from property_console.doorplate_source import DatabaseAddressSource
from property_console.runtime import Runtime


def test_building_plates_come_from_standard_addresses(runtime: Runtime) -> None:
    plates = DatabaseAddressSource(runtime.sessions).building("C0001-1")
    codes = [p.code for p in plates]
    assert codes[0] == "C0001-1" and plates[0].label == "1栋"
    assert "C0001-1-2" in codes and "C0001-1-2-3-302" in codes
    assert not any(c.count("-") == 3 for c in codes)  # floors have no plate
    assert all(p.building == "C0001-1" for p in plates)
    assert len(codes) == 1 + 2 + 2 * 3 * 2
    assert DatabaseAddressSource(runtime.sessions).building("C0001-1-1") == []  # a unit is not a building
    assert DatabaseAddressSource(runtime.sessions).building("C0001-9") == []
