"""The door controller end to end with in-memory fakes: camera frames → decision → relay, events, alarms."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from access.config import AccessConfig
from access.controller import DoorConfig, DoorController
from access.decision import PROMPT_REGISTER_ZH, MemoryCache, Residency
from access.engine import FaceEngine, FaceResult
from access.event_buffer import EventBuffer
from access.gallery import Gallery
from access.images import load_rgb
from access.liveness import LivenessConfig
from access.ports import Frame

T0 = datetime(2026, 11, 21, 8, 0)


class ListSource:
    def __init__(self, frames: list[Frame]) -> None:
        self.frames = list(frames)

    def read(self) -> Frame | None:
        return self.frames.pop(0) if self.frames else None


class FakeRelay:
    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def unlock(self, seconds: float) -> None:
        self.calls.append(("unlock", seconds))

    def hold_unlocked(self, on: bool) -> None:
        self.calls.append(("hold", on))


class FakeSignals:
    def __init__(self) -> None:
        self.lights: list[str] = []
        self.spoken: list[str] = []

    def light(self, colour: str) -> None:
        self.lights.append(colour)

    def say(self, text_zh: str) -> None:
        self.spoken.append(text_zh)


class FakeSink:
    def __init__(self) -> None:
        self.online = True
        self.delivered: list[dict[str, Any]] = []

    def publish(self, event: dict[str, Any]) -> None:
        if not self.online:
            raise ConnectionError("broker unreachable")
        self.delivered.append(event)


@pytest.fixture(scope="module")
def gallery(engine: FaceEngine, data_dir: Path) -> Gallery:
    g = Gallery(engine.dim, engine.name)
    for person in ("Al_Gore", "Amelia_Vega"):
        for path in sorted((data_dir / "people" / person).glob("*.jpg")):
            image = load_rgb(path)
            g.add(person, engine.embed(image, engine.landmarks(image, engine.detect(image)[0])))
    return g


def frames(path: Path, count: int, start: float, step: float = 0.2) -> list[Frame]:
    image = load_rgb(path)
    return [Frame(image, start + i * step, T0 + timedelta(seconds=start + i * step)) for i in range(count)]


def make(
    engine: FaceEngine, gallery: Gallery, tmp_path: Path, cache: MemoryCache | None = None, **door: Any
) -> tuple[DoorController, FakeRelay, FakeSignals, FakeSink]:
    relay, signals, sink = FakeRelay(), FakeSignals(), FakeSink()
    landmarks68 = door.pop("landmarks68", None)
    if cache is None:
        cache = MemoryCache(residency={"Al_Gore": [Residency("Al_Gore")]}, blacklist={"Amelia_Vega"})
    config = DoorConfig("unit-3-door", AccessConfig().gallery, debounce_s=2.0, **door)
    controller = DoorController(
        config,
        engine,
        gallery,
        cache,
        relay,
        signals,
        EventBuffer(sink, tmp_path / "events.jsonl"),
        landmarks68,
    )
    return controller, relay, signals, sink


def test_resident_standing_at_door_opens_once(
    engine: FaceEngine, gallery: Gallery, data_dir: Path, tmp_path: Path
) -> None:
    controller, relay, signals, sink = make(engine, gallery, tmp_path)
    source = ListSource(frames(data_dir / "probe/Al_Gore_0004.jpg", 6, 0.0))
    assert controller.run(source) == 6
    assert relay.calls == [("unlock", 3.0)]
    assert [e["kind"] for e in sink.delivered] == ["access_granted"]
    event = sink.delivered[0]
    assert event["person"] == "Al_Gore" and event["door"] == "unit-3-door" and event["capture_jpeg"]
    assert signals.lights == ["green"]
    # gone for longer than the debounce window, then back: opens again
    controller.run(ListSource(frames(data_dir / "probe/Al_Gore_0004.jpg", 2, 10.0)))
    assert relay.calls == [("unlock", 3.0), ("unlock", 3.0)]


def test_stranger_refused_with_prompt_and_blacklist_alarm(
    engine: FaceEngine, gallery: Gallery, data_dir: Path, tmp_path: Path
) -> None:
    controller, relay, signals, sink = make(engine, gallery, tmp_path)
    controller.run(ListSource(frames(data_dir / "strangers/AJ_Lamas_0001.jpg", 3, 0.0)))
    controller.run(ListSource(frames(data_dir / "probe/Amelia_Vega_0004.jpg", 3, 1.0)))
    assert relay.calls == []
    assert [e["kind"] for e in sink.delivered] == ["access_denied", "blacklist_alarm"]
    assert sink.delivered[0]["person"] is None and sink.delivered[1]["alarm"] is True
    assert signals.spoken[0] == PROMPT_REGISTER_ZH and signals.lights == ["red", "red"]


def test_offline_decides_locally_and_delivers_later(
    engine: FaceEngine, gallery: Gallery, data_dir: Path, tmp_path: Path
) -> None:
    controller, relay, _, sink = make(engine, gallery, tmp_path)
    sink.online = False
    controller.run(ListSource(frames(data_dir / "probe/Al_Gore_0004.jpg", 2, 0.0)))
    controller.on_door_contact(True, 100.0, T0)  # forced open while offline
    assert relay.calls == [("unlock", 3.0)] and sink.delivered == []
    assert [e["kind"] for e in controller.events.pending()] == ["access_granted", "forced_open"]
    # a restarted controller process finds the buffer on disk
    again = EventBuffer(sink, tmp_path / "events.jsonl")
    sink.online = True
    assert again.flush()
    assert [e["kind"] for e in sink.delivered] == ["access_granted", "forced_open"]
    assert again.pending() == []


def test_door_forced_and_held_open(
    engine: FaceEngine, gallery: Gallery, data_dir: Path, tmp_path: Path
) -> None:
    controller, _, _, sink = make(engine, gallery, tmp_path, held_open_s=10.0)
    controller.run(ListSource(frames(data_dir / "probe/Al_Gore_0004.jpg", 1, 0.0)))
    controller.on_door_contact(True, 1.0, T0)  # opened during the grant: no alarm
    controller.tick(5.0, T0)
    controller.tick(11.5, T0)  # held open too long: one alarm
    controller.tick(20.0, T0)
    controller.on_door_contact(False, 21.0, T0)
    controller.on_door_contact(True, 40.0, T0)  # nobody was granted: forced
    assert [e["kind"] for e in sink.delivered] == ["access_granted", "held_open", "forced_open"]


def test_fire_alarm_unlocks_escape_door_and_records(
    engine: FaceEngine, gallery: Gallery, tmp_path: Path
) -> None:
    controller, relay, _, sink = make(engine, gallery, tmp_path)
    controller.on_fire_alarm(True, T0)
    controller.on_fire_alarm(True, T0)  # repeated input is idempotent
    controller.on_door_contact(True, 50.0, T0)  # people leaving: not a forced-open alarm
    controller.on_fire_alarm(False, T0)
    assert relay.calls == [("hold", True), ("hold", False)]
    assert [e["kind"] for e in sink.delivered] == ["fire_unlock", "fire_restore"]
    other, relay2, _, sink2 = make(engine, gallery, tmp_path / "b", escape_route=False)
    other.on_fire_alarm(True, T0)
    assert relay2.calls == [] and sink2.delivered == []


def test_liveness_door_refuses_moving_photo(
    engine: FaceEngine, engine68: FaceEngine, gallery: Gallery, data_dir: Path, tmp_path: Path
) -> None:
    def lm68(image: np.ndarray, face: FaceResult) -> np.ndarray:
        return engine68.landmarks(image, face.box)

    controller, relay, _, sink = make(
        engine, gallery, tmp_path, liveness=LivenessConfig(enabled=True), landmarks68=lm68
    )
    still = frames(data_dir / "probe/Al_Gore_0004.jpg", 6, 0.0)
    controller.run(ListSource(still))  # a photo held still: undecided, nothing happens
    assert relay.calls == [] and sink.delivered == []
    image = load_rgb(data_dir / "probe/Al_Gore_0004.jpg")
    h, w = image.shape[:2]
    moved = []
    for i in range(6):  # the same photo slid and tilted in front of the camera
        src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
        dst = np.array(
            [[8 * i + 3 * i, 0], [w + 8 * i - 3 * i, 3 * i], [w + 8 * i, h - 3 * i], [8 * i, h]],
            dtype=np.float32,
        )
        warped = cv2.warpPerspective(image, cv2.getPerspectiveTransform(src, dst), (w + 60, h))
        moved.append(Frame(warped, 1.2 + 0.2 * i, T0))
    controller.run(ListSource(moved))
    assert relay.calls == []
    assert [e["reason"] for e in sink.delivered] == ["liveness_failed"]
