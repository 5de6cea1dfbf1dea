"""Every partition state × every event, read from one table (P1 of the reference site, event at t=100)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from perimeter import state_machine as sm

T = 100.0
EVENTS: dict[str, sm.Event] = {
    "open instant": sm.ZoneOpened(zone_id="pir", at=T),
    "open delay": sm.ZoneOpened(zone_id="door", at=T),
    "open follower": sm.ZoneOpened(zone_id="hall", at=T),
    "open perimeter": sm.ZoneOpened(zone_id="fence", at=T),
    "reopen beam": sm.ZoneOpened(zone_id="beam", at=T),
    "open 24h": sm.ZoneOpened(zone_id="panic", at=T),
    "open tamper-zone": sm.ZoneOpened(zone_id="tamp", at=T),
    "open fire": sm.ZoneOpened(zone_id="smoke", at=T),
    "close instant": sm.ZoneClosed(zone_id="pir", at=T),
    "tamper on pir": sm.Tamper(zone_id="pir", at=T),
    "tamper off pir": sm.Tamper(zone_id="pir", at=T, active=False),
    "line fault pir": sm.LineFault(zone_id="pir", at=T),
    "host silent": sm.HostSilent(host_id="H1", at=T),
    "host back": sm.HostBack(host_id="H1", at=T),
    "mains lost": sm.HostPower(host_id="H1", at=T, mains_ok=False, battery_low=False),
    "battery low": sm.HostPower(host_id="H1", at=T, mains_ok=True, battery_low=True),
    "power normal": sm.HostPower(host_id="H1", at=T, mains_ok=True, battery_low=False),
    "arm": sm.Arm(partition_id="P1", at=T, who="guard"),
    "arm by schedule": sm.Arm(partition_id="P1", at=T, who="schedule", source=sm.Source.SCHEDULE),
    "disarm": sm.Disarm(partition_id="P1", at=T, who="guard"),
    "disarm by schedule": sm.Disarm(partition_id="P1", at=T, who="schedule", source=sm.Source.SCHEDULE),
    "bypass pir": sm.Bypass(zone_id="pir", at=T, who="guard", reason="探头误报待修", until=T + 3600),
    "bypass panic": sm.Bypass(zone_id="panic", at=T, who="guard", reason="测试", until=T + 3600),
    "unbypass pir": sm.Unbypass(zone_id="pir", at=T, who="guard"),
    "ack all": sm.Ack(at=T, who="guard"),
    "reset all": sm.Reset(at=T, who="guard"),
    "tick": sm.Tick(at=T),
    "tick to 400": sm.Tick(at=400),
}

# Effects in emitted order; "-" is none. Notation: state>X, raise:kind, notify:level, snap, out+/out-, doors,
# siren+/siren-, repeat, resound, ack, reset, bypass+/bypass-, reject:code.
ALARM_24H = "raise:panic notify:alarm snap"
ALARM_TAMPER_ZONE = "raise:tamper notify:alarm"
ALARM_FIRE = "raise:fire notify:alarm doors"
ALARM_TAMPER_PIR = "raise:tamper notify:alarm snap"
FAULT = "raise:fault notify:fault"
PIR = "raise:intrusion notify:alarm snap"
DOOR = "raise:intrusion notify:alarm snap out+"
FENCE = "raise:intrusion notify:alarm snap out+"
TABLE = f"""
state      | event              | next       | effects
disarmed   | open instant       | disarmed   | -
disarmed   | open delay         | disarmed   | -
disarmed   | open follower      | disarmed   | -
disarmed   | open perimeter     | disarmed   | -
disarmed   | reopen beam        | disarmed   | -
disarmed   | open 24h           | disarmed   | {ALARM_24H} siren+
disarmed   | open tamper-zone   | disarmed   | {ALARM_TAMPER_ZONE} siren+
disarmed   | open fire          | disarmed   | {ALARM_FIRE} siren+
disarmed   | close instant      | disarmed   | -
disarmed   | tamper on pir      | disarmed   | {ALARM_TAMPER_PIR} siren+
disarmed   | tamper off pir     | disarmed   | -
disarmed   | line fault pir     | disarmed   | {FAULT}
disarmed   | host silent        | disarmed   | {FAULT}
disarmed   | host back          | disarmed   | -
disarmed   | arm                | arming     | state>arming
disarmed   | arm by schedule    | arming     | state>arming
disarmed   | disarm             | disarmed   | reject:already_disarmed
disarmed   | disarm by schedule | disarmed   | reject:auto_disarm_forbidden
disarmed   | bypass pir         | disarmed   | bypass+
disarmed   | bypass panic       | disarmed   | reject:bypass_not_allowed
disarmed   | unbypass pir       | disarmed   | reject:not_bypassed
disarmed   | ack all            | disarmed   | reject:nothing_to_ack
disarmed   | reset all          | disarmed   | reject:nothing_to_reset
disarmed   | tick               | disarmed   | -
disarmed   | tick to 400        | disarmed   | -
arming     | open instant       | arming     | -
arming     | open delay         | arming     | -
arming     | open follower      | arming     | -
arming     | open perimeter     | triggered  | state>triggered {FENCE} siren+
arming     | reopen beam        | arming     | -
arming     | open 24h           | arming     | {ALARM_24H} siren+
arming     | open tamper-zone   | arming     | {ALARM_TAMPER_ZONE} siren+
arming     | open fire          | arming     | {ALARM_FIRE} siren+
arming     | close instant      | arming     | -
arming     | tamper on pir      | arming     | {ALARM_TAMPER_PIR} siren+
arming     | tamper off pir     | arming     | -
arming     | line fault pir     | arming     | {FAULT}
arming     | host silent        | arming     | {FAULT}
arming     | host back          | arming     | -
arming     | arm                | arming     | reject:already_armed
arming     | arm by schedule    | arming     | reject:already_armed
arming     | disarm             | disarmed   | state>disarmed
arming     | disarm by schedule | arming     | reject:auto_disarm_forbidden
arming     | bypass pir         | arming     | bypass+
arming     | bypass panic       | arming     | reject:bypass_not_allowed
arming     | unbypass pir       | arming     | reject:not_bypassed
arming     | ack all            | arming     | reject:nothing_to_ack
arming     | reset all          | arming     | reject:nothing_to_reset
arming     | tick               | arming     | -
arming     | tick to 400        | armed      | state>armed
armed      | open instant       | triggered  | state>triggered {PIR} siren+
armed      | open delay         | pending    | state>pending
armed      | open follower      | triggered  | state>triggered raise:intrusion notify:alarm siren+
armed      | open perimeter     | triggered  | state>triggered {FENCE} siren+
armed      | reopen beam        | triggered  | state>triggered raise:intrusion notify:alarm snap siren+
armed      | open 24h           | armed      | {ALARM_24H} siren+
armed      | open tamper-zone   | armed      | {ALARM_TAMPER_ZONE} siren+
armed      | open fire          | armed      | {ALARM_FIRE} siren+
armed      | close instant      | armed      | -
armed      | tamper on pir      | armed      | {ALARM_TAMPER_PIR} siren+
armed      | tamper off pir     | armed      | -
armed      | line fault pir     | triggered  | {FAULT} state>triggered {PIR} siren+
armed      | host silent        | armed      | {FAULT}
armed      | host back          | armed      | -
armed      | arm                | armed      | reject:already_armed
armed      | arm by schedule    | armed      | reject:already_armed
armed      | disarm             | disarmed   | state>disarmed
armed      | disarm by schedule | armed      | reject:auto_disarm_forbidden
armed      | bypass pir         | armed      | bypass+
armed      | bypass panic       | armed      | reject:bypass_not_allowed
armed      | unbypass pir       | armed      | reject:not_bypassed
armed      | ack all            | armed      | reject:nothing_to_ack
armed      | reset all          | armed      | reject:nothing_to_reset
armed      | tick               | armed      | -
armed      | tick to 400        | armed      | -
pending    | open instant       | triggered  | state>triggered {PIR} siren+
pending    | open delay         | pending    | -
pending    | open follower      | pending    | -
pending    | open perimeter     | triggered  | state>triggered {FENCE} siren+
pending    | reopen beam        | triggered  | state>triggered raise:intrusion notify:alarm snap siren+
pending    | open 24h           | pending    | {ALARM_24H} siren+
pending    | open tamper-zone   | pending    | {ALARM_TAMPER_ZONE} siren+
pending    | open fire          | pending    | {ALARM_FIRE} siren+
pending    | close instant      | pending    | -
pending    | tamper on pir      | pending    | {ALARM_TAMPER_PIR} siren+
pending    | tamper off pir     | pending    | -
pending    | line fault pir     | triggered  | {FAULT} state>triggered {PIR} siren+
pending    | host silent        | pending    | {FAULT}
pending    | host back          | pending    | -
pending    | arm                | pending    | reject:already_armed
pending    | arm by schedule    | pending    | reject:already_armed
pending    | disarm             | disarmed   | state>disarmed
pending    | disarm by schedule | pending    | reject:auto_disarm_forbidden
pending    | bypass pir         | pending    | bypass+
pending    | bypass panic       | pending    | reject:bypass_not_allowed
pending    | unbypass pir       | pending    | reject:not_bypassed
pending    | ack all            | pending    | reject:nothing_to_ack
pending    | reset all          | pending    | reject:nothing_to_reset
pending    | tick               | pending    | -
pending    | tick to 400        | triggered  | state>triggered {DOOR} siren+ siren-
triggered  | open instant       | triggered  | {PIR}
triggered  | open delay         | triggered  | raise:intrusion notify:alarm snap out+
triggered  | open follower      | triggered  | raise:intrusion notify:alarm
triggered  | open perimeter     | triggered  | {FENCE}
triggered  | reopen beam        | triggered  | repeat
triggered  | open 24h           | triggered  | {ALARM_24H}
triggered  | open tamper-zone   | triggered  | {ALARM_TAMPER_ZONE}
triggered  | open fire          | triggered  | {ALARM_FIRE}
triggered  | close instant      | triggered  | -
triggered  | tamper on pir      | triggered  | {ALARM_TAMPER_PIR}
triggered  | tamper off pir     | triggered  | -
triggered  | line fault pir     | triggered  | {FAULT} {PIR}
triggered  | host silent        | triggered  | {FAULT}
triggered  | host back          | triggered  | -
triggered  | arm                | triggered  | reject:already_armed
triggered  | arm by schedule    | triggered  | reject:already_armed
triggered  | disarm             | disarmed   | state>disarmed ack siren-
triggered  | disarm by schedule | triggered  | reject:auto_disarm_forbidden
triggered  | bypass pir         | triggered  | bypass+
triggered  | bypass panic       | triggered  | reject:bypass_not_allowed
triggered  | unbypass pir       | triggered  | reject:not_bypassed
triggered  | ack all            | triggered  | ack siren-
triggered  | reset all          | armed      | ack reset state>armed siren-
triggered  | tick               | triggered  | -
triggered  | tick to 400        | triggered  | siren- resound notify:reminder siren+
disarmed   | mains lost         | disarmed   | {FAULT}
disarmed   | battery low        | disarmed   | {FAULT}
disarmed   | power normal       | disarmed   | -
arming     | mains lost         | arming     | {FAULT}
arming     | battery low        | arming     | {FAULT}
arming     | power normal       | arming     | -
armed      | mains lost         | armed      | {FAULT}
armed      | battery low        | armed      | {FAULT}
armed      | power normal       | armed      | -
pending    | mains lost         | pending    | {FAULT}
pending    | battery low        | pending    | {FAULT}
pending    | power normal       | pending    | -
triggered  | mains lost         | triggered  | {FAULT}
triggered  | battery low        | triggered  | {FAULT}
triggered  | power normal       | triggered  | -
"""


def parse(table: str) -> list[tuple[str, str, str, list[str]]]:
    """Rows of (state, event, next state, effects) from the pipe table."""
    rows = []
    for line in table.strip().splitlines()[1:]:
        state, event, nxt, effects = (cell.strip() for cell in line.split("|"))
        rows.append((state, event, nxt, [] if effects == "-" else effects.split()))
    return rows


ROWS = parse(TABLE)


def test_table_covers_every_state_and_event() -> None:
    """The table is complete: each state meets each event exactly once."""
    pairs = [(s, e) for s, e, _, _ in ROWS]
    assert len(pairs) == len(set(pairs))
    assert set(pairs) == {(s.value, e) for s in sm.PartitionState for e in EVENTS}


@pytest.mark.parametrize(("state", "event", "nxt", "effects"), ROWS, ids=[f"{r[0]}|{r[1]}" for r in ROWS])
def test_transition(
    in_state: Callable[[sm.PartitionState], sm.AlarmMachine],
    short: Callable[[sm.Effect], str],
    state: str,
    event: str,
    nxt: str,
    effects: list[str],
) -> None:
    m = in_state(sm.PartitionState(state))
    out = m.handle(EVENTS[event])
    assert [short(e) for e in out] == effects
    assert m.state("P1") == sm.PartitionState(nxt)
    siren_wanted = any(a.siren and a.acked_at is None and a.sounding_until > 400 for a in m.alarms())
    if event == "tick to 400":
        assert m.siren_on("P1") == siren_wanted
    if m.state("P1") == sm.PartitionState.TRIGGERED:
        assert any(a.kind == sm.AlarmKind.INTRUSION and a.partition_id == "P1" for a in m.alarms())
