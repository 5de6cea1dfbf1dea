"""Visitor passes: console rules for who may invite where, the signed link/QR, and the door's decision."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
import qrcode
from fastapi.testclient import TestClient

from access.config import AccessConfig
from access.controller import DoorConfig, DoorController
from access.decision import Category, MemoryCache, decide_qr
from access.edge.qr import QrReader
from access.edge.store import EdgeStore, pass_person
from access.edge.sync import ConsoleSync
from access.engine import FaceEngine, analyse
from access.event_buffer import EventBuffer
from access.gallery import Gallery
from access.images import load_rgb
from access.passes import PassClaims, PassRefused, pass_key, pass_url, sign_pass, verify_pass
from access.ports import Frame
from property_console.runtime import Runtime
from tests.access.console_fixtures import EDGE_PASSWORD, EDGE_USER, prepare
from tests.access.test_controller import FakeRelay, FakeSignals, FakeSink

KEY = pass_key("a-test-secret-of-enough-length")
NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)


def _claims(doors: tuple[str, ...] = ("DOOR-A",), start: int = -1, end: int = 2) -> PassClaims:
    return PassClaims("7c1d", doors, NOW + timedelta(hours=start), NOW + timedelta(hours=end))


def test_token_round_trip_and_forgery() -> None:
    token = sign_pass(KEY, _claims())
    assert verify_pass(KEY, pass_url("http://console.local/", token)) == _claims()
    with pytest.raises(PassRefused, match="bad_signature"):
        verify_pass(pass_key("another-secret-of-enough-length"), token)
    head, _body, mac = token.split(".")
    forged = sign_pass(KEY, _claims(doors=("DOOR-B",))).split(".")[1]
    with pytest.raises(PassRefused, match="bad_signature"):
        verify_pass(KEY, f"{head}.{forged}.{mac}")
    with pytest.raises(PassRefused, match="malformed"):
        verify_pass(KEY, "hello")


@pytest.mark.parametrize(
    ("claims", "door", "reason"),
    [
        (_claims(), "DOOR-A", "visitor_pass_qr"),
        (_claims(start=-3, end=-1), "DOOR-A", "pass_expired"),
        (_claims(start=1, end=3), "DOOR-A", "pass_not_yet_valid"),
        (_claims(), "DOOR-B", "pass_wrong_door"),
        (None, "DOOR-A", "pass_invalid"),
    ],
)
def test_qr_decision(claims: PassClaims | None, door: str, reason: str) -> None:
    decision = decide_qr(claims, door, NOW, frozenset())
    assert decision.reason == reason and decision.open == (reason == "visitor_pass_qr")
    assert decide_qr(_claims(), "DOOR-A", NOW, frozenset({"7c1d"})).reason == "pass_revoked"


def _qr_frame(text: str, at: float) -> Frame:
    """A phone screen with the pass QR held in front of a grey 640×480 camera view."""
    code = np.array(qrcode.make(text, border=4, box_size=5).convert("L"))
    frame = np.full((480, 640), 120, np.uint8)
    h, w = code.shape
    frame[60 : 60 + h, 150 : 150 + w] = code
    return Frame(cv2.cvtColor(frame, cv2.COLOR_GRAY2RGB), at, NOW + timedelta(seconds=at))


def _door(engine: FaceEngine, tmp_path: Path, door: str) -> tuple[DoorController, FakeRelay, FakeSink]:
    relay, sink = FakeRelay(), FakeSink()
    controller = DoorController(
        DoorConfig(door, AccessConfig().gallery),
        engine,
        Gallery(engine.dim, engine.name),
        MemoryCache(),
        relay,
        FakeSignals(),
        EventBuffer(sink, tmp_path / f"{door}.jsonl"),
    )
    controller.qr_reader, controller.pass_key = QrReader(), KEY
    return controller, relay, sink


@pytest.mark.parametrize(
    ("claims", "door", "opens"),
    [(_claims(), "DOOR-A", True), (_claims(start=-3, end=-1), "DOOR-A", False), (_claims(), "DOOR-B", False)],
    ids=["valid", "expired", "wrong-door"],
)
def test_door_reads_pass_qr_from_camera(
    engine: FaceEngine, tmp_path: Path, claims: PassClaims, door: str, opens: bool
) -> None:
    controller, relay, sink = _door(engine, tmp_path, door)
    url = pass_url("http://console.local", sign_pass(KEY, claims))
    for i in range(6):  # held up for a second: acted on once
        controller.process(_qr_frame(url, i * 0.2))
    assert relay.calls == ([("unlock", 3.0)] if opens else [])
    assert [e["kind"] for e in sink.delivered] == ["access_granted" if opens else "access_denied"]
    assert sink.delivered[0]["pass_id"] == "7c1d" or not opens


def _invite(client: TestClient, doors: list[str], hours: tuple[int, int] = (0, 4)) -> Any:
    now = datetime.now(UTC)
    body = {
        "visitor_name": "访客张三",
        "visitor_phone": "13912345678",
        "doors": doors,
        "valid_from": (now + timedelta(hours=hours[0])).isoformat(),
        "valid_to": (now + timedelta(hours=hours[1])).isoformat(),
    }
    return client.post("/api/visitor-passes", json=body)


def test_console_invitations_and_face_pass(
    runtime: Runtime,
    login: Callable[[str], TestClient],
    app_client: TestClient,
    engine: FaceEngine,
    data_dir: Path,
    tmp_path: Path,
) -> None:
    town = prepare(runtime, data_dir)
    resident, staff = login("resident"), login("staff")
    assert _invite(resident, [town.other_door]).status_code == 403  # not the resident's building
    assert _invite(resident, [town.own_door], hours=(1, 200)).status_code == 422  # longer than 7 days
    assert _invite(staff, [town.other_door]).status_code == 201  # staff may invite anywhere
    r = _invite(resident, [town.own_door])
    assert r.status_code == 201, r.text
    issued = r.json()
    key = pass_key(runtime.settings.secret_key)
    assert verify_pass(key, issued["url"]).doors == (town.own_door,)

    # the link shows the QR; the camera-side reader gets the same link back
    png = app_client.get(issued["url"].replace("http://testserver", ""))
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    decoded = cv2.imdecode(np.frombuffer(png.content, np.uint8), cv2.IMREAD_COLOR)
    assert decoded is not None
    image = cv2.cvtColor(decoded, cv2.COLOR_BGR2RGB)
    assert QrReader()(image) == [issued["url"]]

    # a face photo on the pass: the door recognises the visitor's face, for its door only
    photo = (data_dir / "visitor/Amanda_Bynes_0002.jpg").read_bytes()
    up = resident.post(
        f"/api/visitor-passes/{issued['id']}/photo", files={"file": ("a.jpg", photo, "image/jpeg")}
    )
    assert up.status_code == 201 and up.json()["has_photo"]
    store = EdgeStore(tmp_path / "cache", engine, AccessConfig().quality, "Asia/Shanghai")
    assert ConsoleSync(store, EDGE_USER, EDGE_PASSWORD, client=app_client).sync_once() is not None
    assert store.pass_key == key
    visitor = pass_person(issued["id"])
    assert visitor in store.gallery().persons()
    face = analyse(engine, load_rgb(data_dir / "visitor/Amanda_Bynes_0003.jpg"), max_faces=1)[0]
    rule = AccessConfig().gallery
    match = store.gallery().identify(
        face.embedding, rule.margin, rule.runner_up_floor, rule.multi_template_offset
    )
    assert match is not None and match.person == visitor and match.score >= rule.visit_threshold
    assert store.cache_for(town.own_door, None).passes(match.person)
    assert not store.cache_for(town.other_door, None).passes(visitor)

    # revoked: the link stops working and the door learns it on the next sync
    assert resident.post(f"/api/visitor-passes/{issued['id']}/revoke").status_code == 200
    assert app_client.get(issued["url"].replace("http://testserver", "")).status_code == 404
    ConsoleSync(store, EDGE_USER, EDGE_PASSWORD, client=app_client).sync_once()
    assert issued["id"] in store.revoked() and not store.cache_for(town.own_door, None).passes(visitor)
    decision = decide_qr(verify_pass(key, issued["url"]), town.own_door, datetime.now(UTC), store.revoked())
    assert decision.category is Category.UNKNOWN and decision.reason == "pass_revoked"
