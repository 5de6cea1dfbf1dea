"""Addresses to print and where they come from (a JSON/CSV list now, the console database later)."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from qr_doorplate.token import Kind, validate_code


@dataclass(frozen=True)
class PlateAddress:
    """One plate: the stable code, the full Chinese address and the short label printed large."""

    code: str
    full_name: str
    label: str
    building: str
    kind: Kind = Kind.ADDRESS

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", Kind(self.kind))
        validate_code(self.code)
        if not self.full_name.strip() or not self.label.strip():
            raise ValueError(f"address {self.code}: full_name and label must not be empty")


class AddressSource(Protocol):
    """Anything that lists the plates of a building (the console implements this over its database)."""

    def building(self, building_code: str) -> list[PlateAddress]:
        """Plates of one building, in print order; empty if the building is unknown."""
        ...


def _from_row(row: dict[str, str]) -> PlateAddress:
    kind = Kind.CHECKPOINT if row.get("kind", "address").strip().lower() == "checkpoint" else Kind.ADDRESS
    return PlateAddress(
        code=row["code"].strip(),
        full_name=row["full_name"].strip(),
        label=(row.get("label") or row["full_name"]).strip(),
        building=row["building"].strip(),
        kind=kind,
    )


class ListAddressSource:
    """Addresses from a JSON array or a CSV file with columns code, building, full_name, label[, kind]."""

    def __init__(self, addresses: list[PlateAddress]) -> None:
        self.addresses = addresses

    @classmethod
    def from_file(cls, path: Path) -> ListAddressSource:
        """Read .json (array of objects) or .csv (UTF-8, BOM allowed, header row)."""
        text = path.read_text(encoding="utf-8-sig")
        if path.suffix.lower() == ".json":
            rows = json.loads(text)
            if not isinstance(rows, list):
                raise ValueError("JSON address list must be an array of objects")
        else:
            rows = list(csv.DictReader(text.splitlines()))
        missing = [i for i, r in enumerate(rows) if not {"code", "building", "full_name"} <= set(r)]
        if missing:
            raise ValueError(f"rows {missing[:5]} lack code, building or full_name")
        return cls([_from_row({k: str(v) for k, v in r.items() if v is not None}) for r in rows])

    def building(self, building_code: str) -> list[PlateAddress]:
        """Plates of one building in file order."""
        return [a for a in self.addresses if a.building == building_code]
