"""The door's local record of who is enrolled as what (resident / visitor / blacklist) next to the gallery."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from access.decision import MemoryCache, Residency, VisitorPass

KINDS = ("resident", "visitor", "blacklist")


def load_kinds(data_dir: str | Path) -> dict[str, str]:
    """people.json: person id → kind; missing file means nobody is registered yet."""
    path = Path(data_dir) / "people.json"
    if not path.exists():
        return {}
    return {str(k): str(v) for k, v in json.loads(path.read_text(encoding="utf-8")).items()}


def save_kinds(data_dir: str | Path, kinds: dict[str, str]) -> None:
    """Write people.json (sorted, UTF-8)."""
    path = Path(data_dir) / "people.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dict(sorted(kinds.items())), ensure_ascii=False, indent=1), encoding="utf-8")


def load_passes(data_dir: str | Path) -> list[VisitorPass]:
    """passes.json: [{"pass_id", "person", "doors": [...], "valid_from", "valid_to"}] (ISO times)."""
    path = Path(data_dir) / "passes.json"
    if not path.exists():
        return []
    return [
        VisitorPass(
            str(p["pass_id"]),
            str(p["person"]),
            frozenset(p["doors"]),
            datetime.fromisoformat(p["valid_from"]),
            datetime.fromisoformat(p["valid_to"]),
        )
        for p in json.loads(path.read_text(encoding="utf-8"))
    ]


def cache_from_dir(data_dir: str | Path) -> MemoryCache:
    """Build the decision cache: residents get an open-ended residency, visitors their passes."""
    cache = MemoryCache()
    for person, kind in load_kinds(data_dir).items():
        if kind == "resident":
            cache.residency[person] = [Residency(person)]
        elif kind == "blacklist":
            cache.blacklist.add(person)
    for visitor_pass in load_passes(data_dir):
        cache.visitor_passes.setdefault(visitor_pass.person, []).append(visitor_pass)
    return cache
