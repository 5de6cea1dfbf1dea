"""Payload models and topic helpers."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from pydantic import ValidationError

from devices.bus import Ack, Command, ConfigPayload, DeviceState, Event, parse_topic
from devices.bus import topics as t


def test_event_round_trip_keeps_uuid_and_device_time() -> None:
    event = Event(device_id="gate-1", kind="plate", data={"plate": "京A12345"})
    back = Event.from_bytes(event.to_bytes())
    assert back == event
    assert back.ts.tzinfo is not None
    assert json.loads(event.to_bytes())["v"] == 1


def test_unknown_version_and_extra_fields_are_rejected() -> None:
    raw = json.loads(Event(device_id="d", kind="k").to_bytes())
    with pytest.raises(ValidationError):
        Event.from_bytes(json.dumps({**raw, "v": 2}))
    with pytest.raises(ValidationError):
        Event.from_bytes(json.dumps({**raw, "surprise": 1}))


def test_naive_timestamp_rejected() -> None:
    with pytest.raises(ValidationError):
        Event(device_id="d", kind="k", ts=datetime(2026, 1, 1))
    with pytest.raises(ValidationError):
        DeviceState(device_id="d", online=True, ts=datetime(2026, 1, 1))


def test_command_ack_and_config_models() -> None:
    cmd = Command(name="open", args={"seconds": 3}, timeout_s=2)
    ack = Ack(command_id=cmd.id, ok=True)
    assert Ack.from_bytes(ack.to_bytes()).command_id == cmd.id
    with pytest.raises(ValidationError):
        Command(name="open", timeout_s=0)
    cfg = ConfigPayload(kind="zones", revision=3, data={"z1": "perimeter"})
    assert ConfigPayload.from_bytes(cfg.to_bytes()).revision == 3


def test_topics_build_and_parse() -> None:
    assert t.state_topic("c1", "gate-1") == "sc/c1/gate-1/state"
    assert t.event_topic("c1", "gate-1", "plate") == "sc/c1/gate-1/event/plate"
    assert t.ack_topic("c1", "gate-1", "open") == "sc/c1/gate-1/cmd/open/ack"
    assert t.config_topic("c1", "zones") == "sc/c1/config/zones"
    assert parse_topic("sc/c1/gate-1/event/plate") == t.TopicParts("c1", "event", "gate-1", "plate")
    assert parse_topic("sc/c1/gate-1/cmd/open/ack").kind == "ack"
    assert parse_topic("sc/c1/config/zones") == t.TopicParts("c1", "config", name="zones")
    assert parse_topic("sc/c1/gate-1/state").device_id == "gate-1"
    with pytest.raises(ValueError):
        parse_topic("other/c1/x/state")


@pytest.mark.parametrize("bad", ["a/b", "+x", "#", "", "x" * 65])
def test_topic_segments_are_validated(bad: str) -> None:
    with pytest.raises(ValueError):
        t.event_topic("c1", bad, "k")


def test_wildcard_matching() -> None:
    assert t.matches("sc/c1/+/event/+", "sc/c1/gate/event/plate")
    assert not t.matches("sc/c1/+/event/+", "sc/c1/gate/state")
    assert t.matches("sc/#", "sc/c1/gate/state")
    assert not t.matches("sc/c1/+/cmd/+", "sc/c1/gate/cmd/open/ack")
