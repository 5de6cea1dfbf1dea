"""A real LPR camera's push: simulator → HTTP receiver → our decision → reply that opens (or not)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.lpr_push import LprCameraSimulator, ServerThread, create_lpr_app
from devices.net import free_port
from plate_gate.push import push_decider
from tests.plate_gate.gate_helpers import Lane, make_lane, snapshot

PHOTO = (Path(__file__).parent / "data" / "scene_苏ED51712.jpg").read_bytes()


@pytest.fixture
def pushed(tmp_path: Path) -> Iterator[tuple[Lane, LprCameraSimulator]]:
    lists = snapshot(
        vehicles=[{"plate": "苏ED51712"}],
        blacklist=[{"plate": "皖C44444", "reason": "欠费"}],
        monthly=[{"plate": "皖E66666", "valid_until": "2026-11-24"}],
    )
    lane = make_lane(tmp_path, lists)
    port = free_port()
    server = ServerThread(create_lpr_app(push_decider(lane.rt.process)), "127.0.0.1", port).start()
    camera = LprCameraSimulator(f"http://127.0.0.1:{port}/lpr/push", serial="LPR-N-0001")
    yield lane, camera
    camera.close()
    server.stop()
    lane.rt.stop()


def test_resident_push_opens_with_display_and_voice(pushed: tuple[Lane, LprCameraSimulator]) -> None:
    lane, camera = pushed
    result = camera.push_plate("苏ED51712", colour="green", confidence=0.97, image=PHOTO)
    assert result.opened
    texts = [d.decode("gb2312") for d in result.serial_data]
    assert texts[0].startswith("苏ED51712") and texts[1] == "欢迎光临"
    assert lane.driver.switches == [(1, True)]  # our relay too
    (event,) = lane.events
    assert event.kind == "vehicle_pass" and event.data["detail"]["source"] == "push:LPR-N-0001"
    assert event.data["detail"]["plate_color"] == "green" and "capture" in event.data


def test_blacklisted_push_is_refused_with_an_alarm(pushed: tuple[Lane, LprCameraSimulator]) -> None:
    lane, camera = pushed
    result = camera.push_plate("皖C44444")
    assert not result.opened
    assert result.serial_data[1].decode("gb2312") == "禁止通行"
    assert [e.kind for e in lane.events] == ["vehicle_refused", "alarm"]
    assert lane.driver.switches == []


def test_expiring_monthly_pass_is_told_its_days(pushed: tuple[Lane, LprCameraSimulator]) -> None:
    _lane, camera = pushed
    result = camera.push_plate("皖E66666")
    assert result.opened and result.serial_data[1].decode("gb2312") == "月卡剩余3天，请及时续费"


def test_unreadable_or_unsure_push_does_not_open(pushed: tuple[Lane, LprCameraSimulator]) -> None:
    lane, camera = pushed
    assert not camera.push_plate("苏ED51712", confidence=0.2).opened
    assert not camera.push_plate("无牌车").opened
    assert lane.events == [] and lane.driver.switches == []


def test_a_repeated_push_is_one_pass(pushed: tuple[Lane, LprCameraSimulator]) -> None:
    lane, camera = pushed
    assert camera.push_plate("苏ED51712").opened
    lane.clock.advance(seconds=10)
    assert camera.push_plate("苏ED51712").opened  # a new plateid: decided again, a duplicate
    assert len(lane.events) == 1
