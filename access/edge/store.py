"""The door's local copy of what the console syncs (sync.json + templates.npz): gallery and decision cache.

Templates are computed here from the synced photos (the console never needs dlib), keyed by the photo's
SHA-256 so a photo is embedded once; a photo refused by the quality checks is remembered with its reason.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import numpy as np

from access.config import QualityConfig
from access.decision import MemoryCache, Residency, VisitorPass
from access.engine import FaceEngine
from access.gallery import Gallery
from access.images import ImageLoadError, decode_rgb
from access.quality import check_image

log = logging.getLogger(__name__)
EMPTY: dict[str, Any] = {
    "next_since": None,
    "pass_key": None,
    "doors": {},
    "residents": {},
    "blacklist": {},
    "passes": {},
}


@dataclass(frozen=True)
class SyncStats:
    """What one sync changed."""

    residents: int
    blacklist: int
    passes: int
    embedded: int
    refused: int


def pass_person(pass_id: str) -> str:
    """Gallery / cache key of a visitor pass."""
    return f"pass:{pass_id}"


def under(house_code: str, door_code: str | None) -> bool:
    """True if a house lies under the address a door serves (no address: a gate serving everybody)."""
    return door_code is None or house_code == door_code or house_code.startswith(door_code + "-")


class EdgeStore:
    """Merge sync answers, keep them on disk, and build the gallery and the per-door cache from them."""

    def __init__(self, data_dir: str | Path, engine: FaceEngine, quality: QualityConfig, tz: str) -> None:
        self.folder = Path(data_dir)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.engine, self.quality, self.tz = engine, quality, ZoneInfo(tz)
        self.state: dict[str, Any] = json.loads(json.dumps(EMPTY))
        self.templates: dict[str, np.ndarray] = {}
        self.refused: dict[str, str] = {}
        self._load()

    def _load(self) -> None:
        path = self.folder / "sync.json"
        if path.exists():
            saved = json.loads(path.read_text(encoding="utf-8"))
            self.state, self.refused = saved["state"], saved.get("refused", {})
        npz = self.folder / "templates.npz"
        if npz.exists():
            with np.load(npz) as data:
                self.templates = {k: data[k] for k in data.files}

    def save(self) -> None:
        """Write sync.json and templates.npz atomically."""
        tmp = self.folder / "sync.json.tmp"
        doc = {"state": self.state, "refused": self.refused}
        tmp.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        npz = self.folder / "templates.tmp.npz"
        np.savez(npz, **self.templates)  # type: ignore[arg-type]
        os.replace(npz, self.folder / "templates.npz")
        os.replace(tmp, self.folder / "sync.json")

    @property
    def since(self) -> str | None:
        """Where the next incremental sync starts."""
        value = self.state.get("next_since")
        return str(value) if value else None

    @property
    def pass_key(self) -> bytes | None:
        """Key that verifies visitor-pass QR codes offline."""
        key = self.state.get("pass_key")
        return bytes.fromhex(key) if key else None

    def apply(self, answer: dict[str, Any]) -> SyncStats:
        """Merge one sync answer (full: replaces everything), embed new photos, save."""
        state, before = self.state, len(self.templates)
        refused_before = len(self.refused)
        if answer.get("full"):
            state.update(residents={}, blacklist={}, passes={})
        state["pass_key"] = answer.get("pass_key") or state.get("pass_key")
        state["doors"] = {d["serial"]: d for d in answer.get("doors", [])} or state["doors"]
        for person in answer.get("residents", []):
            shas = [self._embed_b64(p["data_b64"], p["sha256"]) for p in person["photos"]]
            state["residents"][person["id"]] = {**person, "photos": shas}
        for entry in answer.get("blacklist", []):
            shas = [self._embed_b64(p["data_b64"], p["sha256"]) for p in entry["photos"]]
            if entry["active"]:
                state["blacklist"][entry["person_id"]] = {**entry, "photos": shas}
            else:
                state["blacklist"].pop(entry["person_id"], None)
        for item in answer.get("passes", []):
            photo = item.pop("photo_b64", None)
            item["photos"] = [self._embed_b64(photo)] if photo else []
            state["passes"][item["id"]] = item
        now = datetime.now(self.tz)
        state["passes"] = {
            k: v for k, v in state["passes"].items() if datetime.fromisoformat(v["valid_to"]) > now
        }
        state["next_since"] = answer.get("next_since") or state.get("next_since")
        self._drop_unused()
        self.save()
        return SyncStats(
            len(answer.get("residents", [])),
            len(answer.get("blacklist", [])),
            len(answer.get("passes", [])),
            len(self.templates) - before,
            len(self.refused) - refused_before,
        )

    def _embed_b64(self, data_b64: str, sha256: str | None = None) -> str:
        """Embed a photo unless known; returns its SHA-256 (the template key)."""
        data = base64.b64decode(data_b64)
        sha = sha256 or hashlib.sha256(data).hexdigest()
        if sha in self.templates or sha in self.refused:
            return sha
        try:
            report = check_image(self.engine, decode_rgb(data), self.quality, sha)
        except ImageLoadError as exc:
            self.refused[sha] = exc.code
            return sha
        if report.ok and report.embedding is not None:
            self.templates[sha] = report.embedding.astype(np.float32)
        else:
            self.refused[sha] = report.code
            log.info("synced photo %s refused: %s", sha[:12], report.code)
        return sha

    def _drop_unused(self) -> None:
        """Forget templates of photos no longer referenced."""
        used = {
            sha
            for group in ("residents", "blacklist", "passes")
            for item in self.state[group].values()
            for sha in item["photos"]
        }
        self.templates = {k: v for k, v in self.templates.items() if k in used}

    def gallery(self, combine: Literal["max", "mean"] = "mean") -> Gallery:
        """Every resident, blacklisted person and pass photo with a template."""
        gallery = Gallery(self.engine.dim, self.engine.name, combine)
        for key, item in self._people():
            for sha in item["photos"]:
                if sha in self.templates:
                    gallery.add(key, self.templates[sha])
        return gallery

    def _people(self) -> list[tuple[str, dict[str, Any]]]:
        out = [(pid, item) for pid, item in self.state["residents"].items()]
        out += [(pid, item) for pid, item in self.state["blacklist"].items()]
        out += [(pass_person(k), item) for k, item in self.state["passes"].items()]
        return out

    def names(self) -> dict[str, str]:
        """Gallery key → display name (for the events' subject_name)."""
        names = {pid: r["name"] for pid, r in self.state["residents"].items()}
        names.update({pid: b["name"] for pid, b in self.state["blacklist"].items()})
        names.update({pass_person(k): p["visitor_name"] for k, p in self.state["passes"].items()})
        return names

    def door_address(self, door_id: str) -> str | None:
        """The address code the console has for this door (None if unknown)."""
        door = self.state["doors"].get(door_id)
        return door.get("address_code") if door else None

    def revoked(self) -> frozenset[str]:
        """Ids of revoked passes that have not expired yet."""
        return frozenset(k for k, p in self.state["passes"].items() if p.get("revoked"))

    def cache_for(self, door_id: str, address_code: str | None) -> MemoryCache:
        """Decision cache for one door: residencies of houses under its address, blacklist, its passes."""
        cache = MemoryCache(blacklist=set(self.state["blacklist"]))
        for pid, person in self.state["residents"].items():
            cache.residency[pid] = [
                Residency(pid, self._midnight(r["start"]), self._midnight(r["end"]))
                for r in person["residencies"]
                if under(r["house_code"], address_code)
            ]
        for pass_id, item in self.state["passes"].items():
            if item.get("revoked") or door_id not in item["doors"]:
                continue
            key = pass_person(pass_id)
            cache.visitor_passes[key] = [
                VisitorPass(
                    pass_id,
                    key,
                    frozenset(item["doors"]),
                    datetime.fromisoformat(item["valid_from"]),
                    datetime.fromisoformat(item["valid_to"]),
                )
            ]
        return cache

    def _midnight(self, day: str | None) -> datetime | None:
        return datetime.combine(date.fromisoformat(day), time(0), self.tz) if day else None
