"""The typed console → device commands (devices/contracts/commands.py): senders build, receivers parse, bad
arguments are an ack ok=false with a zh-CN + English reason, never an exception."""

from __future__ import annotations

import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import ValidationError

from devices.bus import Ack, Command
from devices.contracts.commands import (
    BARRIER,
    BarrierArgs,
    FireArgs,
    OpenArgs,
    PartitionArgs,
    command,
    parse,
)
from devices.edge import fire as edge_fire
from perimeter import state_machine as sm
from perimeter.bus_link import command_event
from tests.plate_gate.gate_helpers import make_lane, snapshot

EVENT_ID = uuid.UUID("0b7c5e0e-1111-4a2b-9c3d-2e4f5a6b7c8d")


def test_a_sender_builds_the_wire_arguments_leaving_out_what_is_not_set() -> None:
    sent = command(BARRIER, BarrierArgs(action="open", event_id=EVENT_ID, confirmed_by="staff"), timeout_s=2)
    assert sent.name == "barrier" and sent.timeout_s == 2
    assert sent.args == {
        "action": "open",
        "event_id": "0b7c5e0e-1111-4a2b-9c3d-2e4f5a6b7c8d",
        "confirmed_by": "staff",
    }


def test_a_receiver_reads_typed_values_and_ignores_fields_it_does_not_know() -> None:
    got = parse(OpenArgs, Command(name="open", args={"by": "staff", "reason": "快递", "added_in_v2": 1}))
    assert got == OpenArgs(by="staff", reason="快递")
    assert parse(OpenArgs, Command(name="open", args={})) == OpenArgs(by="console", reason="")


@pytest.mark.parametrize(
    ("args", "field"),
    [({"by": "x" * 65}, "by"), ({"reason": "r" * 201}, "reason"), ({"by": ""}, "by")],
)
def test_bad_open_arguments_are_a_refusing_ack_naming_the_field(args: dict[str, Any], field: str) -> None:
    received = Command(name="open", args=args)
    ack = parse(OpenArgs, received)
    assert isinstance(ack, Ack)
    assert ack.command_id == received.id and ack.ok is False
    assert ack.detail.startswith(f"参数错误 / bad arguments: {field}:")


def test_the_fire_contract_is_one_class_and_cuts_long_reasons_rather_than_refuse() -> None:
    assert edge_fire.FireArgs is FireArgs  # the sender's module re-exports the contract
    got = FireArgs.of(Command(name="fire", args={"active": True, "reason": "火" * 250}))
    assert got.active is True and got.reason == "火" * 200


def test_the_gate_refuses_a_barrier_command_with_a_bad_event_id_and_does_not_move(tmp_path: Path) -> None:
    lane = make_lane(tmp_path, snapshot(), rules={"temporary_policy": "staff"})
    bad = lane.rt.process.confirm(Command(name="barrier", args={"action": "open", "event_id": "not-a-uuid"}))
    assert bad.ok is False and "event_id" in bad.detail and "参数错误" in bad.detail
    assert lane.driver.switches == []
    good = lane.rt.process.confirm(
        command(BARRIER, BarrierArgs(action="open", plate="皖D55555", event_id=EVENT_ID))
    )
    assert good.ok and good.result == {
        "opened": True,
        "relay_ms": good.result["relay_ms"],
        "event_id": str(EVENT_ID),
    }
    assert lane.driver.switches == [(1, True)]
    lane.rt.stop()


SINK: Any = SimpleNamespace(alarm_id=lambda u: 7 if u == "A-7" else None)


def test_perimeter_commands_become_state_machine_events() -> None:
    bypass = Command(name="bypass", args={"zone": "fence-n", "who": "李", "reason": "施工", "seconds": 3600})
    assert command_event(bypass, 100.0, SINK) == sm.Bypass(
        zone_id="fence-n", at=100.0, who="李", reason="施工", until=3700.0
    )
    arm = command("arm", PartitionArgs(partition="P1", who="张"))
    assert command_event(arm, 5.0, SINK) == sm.Arm(
        partition_id="P1", at=5.0, who="张", source=sm.Source.CONSOLE
    )
    reset = Command(name="reset", args={"alarm_uuid": "A-7", "who": "张"})
    assert command_event(reset, 5.0, SINK) == sm.Reset(at=5.0, who="张", alarm_id=7)
    unknown = Command(name="acknowledge", args={"alarm_uuid": "nope", "who": "张"})
    assert command_event(unknown, 5.0, SINK) == sm.Ack(at=5.0, who="张", alarm_id=-1)


@pytest.mark.parametrize(
    "args",
    [
        {"zone": "fence-n", "who": "李", "reason": "施工", "seconds": 0},
        {"zone": "fence-n", "who": "李", "seconds": 60},
        {"zone": "fence-n", "reason": "施工", "seconds": 60},
    ],
)
def test_bad_perimeter_arguments_are_refused(args: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        command_event(Command(name="bypass", args=args), 1.0, SINK)
