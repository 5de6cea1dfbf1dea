"""The MQTT intake refuses unsigned, forged and mismatched frames (nothing stored) and answers valid ones per object."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from devices.bus.memory import InProcessBus
from devices.bus.signed import pack, split, verify
from district_cloud import models as m
from district_cloud.db import District
from district_cloud.mqtt_intake import MqttIntake
from property_console.uplink.mqtt_transport import frame_key
from tests.district_cloud.conftest import COMMUNITY, UPLINK_PASSWORD
from tests.district_cloud.payloads import person, persons_body

KEY = frame_key(COMMUNITY, "district-viid", UPLINK_PASSWORD)
TOPIC = f"viid/{COMMUNITY}/up/PersonInfos"


@pytest.fixture
def wired(district: District) -> Iterator[tuple[MqttIntake, list[tuple[dict[str, Any], bytes]]]]:
    """The intake on an in-process bus, and the answers it publishes to the community's ack topic."""
    hub = InProcessBus()
    intake = MqttIntake(district.sessions, district.settings, bus=hub.connect())
    answers: list[tuple[dict[str, Any], bytes]] = []
    hub.connect().subscribe(f"viid/{COMMUNITY}/ack", lambda _t, p: answers.append(split(p)))
    yield intake, answers


def _frame(body: bytes, key: bytes = KEY, **header: Any) -> bytes:
    h = {"V": 1, "MessageID": "m1", "DeviceID": COMMUNITY, "Resource": "PersonInfos", **header}
    return pack(h, body, key)


def _count(d: District, model: type[m.Base]) -> int:
    with d.sessions() as db:
        return int(db.execute(select(func.count()).select_from(model)).scalar_one())


def test_forged_and_malformed_frames_are_dropped(district: District, wired: Any) -> None:
    intake, answers = wired
    body = json.dumps(persons_body(person())).encode()
    other = frame_key("C0002", "district-viid", "other-Secret-2")
    intake.handle(TOPIC, _frame(body, key=b"wrong"))  # not signed with C0001's HA1
    intake.handle(TOPIC, _frame(body, key=other))  # another community's key, C0001's name
    intake.handle(TOPIC, _frame(body, key=other, DeviceID="C0002"))  # header does not match the topic
    intake.handle("viid/C9999/up/PersonInfos", _frame(body, DeviceID="C9999"))  # unknown community
    intake.handle(TOPIC, body)  # no header at all
    intake.handle(TOPIC, b'{"Sig": 1}\n' + body)
    assert intake.stats.refused == 6 and intake.stats.handled == 0 and answers == []
    assert _count(district, m.Person) == 0 and _count(district, m.Receipt) == 0


def test_signed_frames_are_answered_per_object(district: District, wired: Any) -> None:
    intake, answers = wired
    intake.handle(TOPIC, _frame(b"{not json"))
    bad = person("p-2", GenderCode="X")
    intake.handle(TOPIC, _frame(json.dumps(persons_body(person(), bad)).encode(), MessageID="m2"))
    intake.handle(TOPIC, _frame(json.dumps(persons_body(person())).encode(), MessageID="m3"))
    (h1, b1), (h2, b2), (h3, _b3) = answers
    assert all(verify(h, b, KEY) for h, b in answers)  # the community can trust the answer
    assert (h1["MessageID"], h1["Status"]) == ("m1", 400)
    assert json.loads(b1)["ResponseStatusObject"]["StatusCode"] == "7"
    codes = [s["StatusCode"] for s in json.loads(b2)["ResponseStatusListObject"]["ResponseStatusObject"]]
    assert (h2["Status"], codes) == (200, ["0", "8"])
    assert h3["Status"] == 200  # the same object again: acknowledged, stored once
    assert _count(district, m.Person) == 1 and _count(district, m.Receipt) == 1
