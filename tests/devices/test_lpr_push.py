"""LPR push receiver against the LPR camera simulator over real HTTP on loopback, with link faults."""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from devices.camera import encode_jpeg, synthetic_frames
from devices.faults import TcpFaultProxy
from devices.lpr_push import (
    GateDecision,
    LprCameraSimulator,
    PlateRead,
    ServerThread,
    build_plate_reply,
    create_lpr_app,
)
from devices.net import free_port


class Gate:
    """A stand-in plate-gate decision that records what it was asked."""

    def __init__(self, allowed: set[str]) -> None:
        self.allowed = allowed
        self.reads: list[PlateRead] = []
        self.beats: list[str] = []
        self.lock = threading.Lock()

    def decide(self, read: PlateRead) -> GateDecision:
        with self.lock:
            self.reads.append(read)
        if read.plate in self.allowed:
            return GateDecision(open=True, display=read.plate, voice="欢迎回家")
        return GateDecision(open=False, display="临时车请扫码")

    def beat(self, serial: str, ip: str) -> None:
        self.beats.append(serial)


@pytest.fixture
def served() -> Iterator[tuple[Gate, ServerThread]]:
    gate = Gate({"京A12345"})
    server = ServerThread(create_lpr_app(gate.decide, on_heartbeat=gate.beat), port=free_port()).start()
    yield gate, server
    server.stop()


def test_plate_push_opens_barrier_with_display_and_voice(served: tuple[Gate, ServerThread]) -> None:
    gate, server = served
    jpeg = encode_jpeg(synthetic_frames(1)[0])
    camera = LprCameraSimulator(f"http://127.0.0.1:{server.port}/lpr/push", serial="LPR-7")
    result = camera.push_plate("京A12345", colour="green", confidence=0.97, image=jpeg)
    assert result.opened
    assert [d.decode("gb2312") for d in result.serial_data] == ["京A12345", "欢迎回家"]
    read = gate.reads[0]
    assert (read.plate, read.colour, read.camera_serial) == ("京A12345", "green", "LPR-7")
    assert read.confidence == pytest.approx(0.97) and read.image_jpeg == jpeg and read.ts.tzinfo is not None
    refused = camera.push_plate("沪B99999")
    assert not refused.opened and camera.barrier_opens == 1
    assert camera.heartbeat() == {"Response_Heartbeat": {"info": "no"}} and gate.beats == ["LPR-7"]
    camera.close()


def test_retransmission_is_decided_once() -> None:
    gate = Gate({"京A12345"})
    client = TestClient(create_lpr_app(gate.decide))
    camera = LprCameraSimulator("/lpr/push", client=client)
    body = camera.plate_payload("京A12345", "blue", 0.9, None, plate_id=77)
    first = client.post("/lpr/push", json=body).json()
    again = client.post("/lpr/push", json=body).json()
    assert first == again and len(gate.reads) == 1


def test_bad_pushes_are_rejected_and_failing_decision_keeps_barrier_closed() -> None:
    def broken(read: PlateRead) -> GateDecision:
        raise RuntimeError("db down")

    client = TestClient(create_lpr_app(broken))
    assert client.post("/lpr/push", json={"AlarmInfoPlate": {"serialno": "x"}}).status_code == 422
    assert client.post("/lpr/push", json={"what": 1}).status_code == 400
    camera = LprCameraSimulator("/lpr/push", client=client)
    assert not camera.push_plate("京A12345").opened


def test_reply_format() -> None:
    reply = build_plate_reply(GateDecision(open=True, voice="请通行"))
    body = reply["Response_AlarmInfoPlate"]
    assert body["info"] == "ok"
    assert base64.b64decode(body["serialData"][0]["data"]).decode("gb2312") == "请通行"
    assert build_plate_reply(GateDecision(open=False))["Response_AlarmInfoPlate"] == {
        "info": "no",
        "content": "retransfer_stop",
    }


def test_camera_retries_through_a_cut_link_without_double_decision(served: tuple[Gate, ServerThread]) -> None:
    gate, server = served
    proxy = TcpFaultProxy("127.0.0.1", server.port)
    try:
        camera = LprCameraSimulator(f"http://127.0.0.1:{proxy.port}/lpr/push", timeout=0.5, retries=3)
        proxy.down.drop_next = 1  # the reply is lost; the request did reach the receiver
        result = camera.push_plate("京A12345")
        assert result.opened
        assert [r.plate for r in gate.reads] == ["京A12345"]  # retry answered from the cache
        proxy.down.delay = 0.8  # slower than the camera's timeout: every attempt fails
        with pytest.raises(ConnectionError):
            camera.push_plate("沪C11111")
        proxy.down.delay = 0
        proxy.refuse = True
        proxy.disconnect()
        with pytest.raises(ConnectionError):
            camera.push_plate("京A12345")
        camera.close()
    finally:
        proxy.close()
