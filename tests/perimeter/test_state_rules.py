"""Arming, bypass, latch/reset, re-sound, tamper and fault rules of the alarm state machine."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from perimeter import state_machine as sm

Maker = Callable[..., sm.AlarmMachine]
PS = sm.PartitionState


def of(effects: list[sm.Effect], kind: type) -> list:
    return [e for e in effects if isinstance(e, kind)]


def arm(m: sm.AlarmMachine, at: float, pid: str = "P1", **kw: object) -> list[sm.Effect]:
    return m.handle(sm.Arm(partition_id=pid, at=at, who="张保安", **kw))  # type: ignore[arg-type]


# ---- arming refused with a reason


def test_arm_with_open_zone_is_refused_with_zone_and_reason(make_machine: Maker) -> None:
    m = make_machine()
    m.handle(sm.ZoneOpened(zone_id="fence", at=1))
    (rej,) = of(arm(m, 2), sm.Rejected)
    assert (rej.code, rej.problems) == ("zone_open", (("fence", "zone_open"),))
    assert "北围墙电子围栏" in rej.message_zh and rej.message_zh.startswith("防区未闭合")
    assert "fence" in rej.message_en
    assert m.state("P1") == PS.DISARMED


def test_arm_with_several_problems_lists_each(make_machine: Maker) -> None:
    m = make_machine()
    m.handle(sm.ZoneOpened(zone_id="door", at=1))
    m.handle(sm.Tamper(zone_id="pir", at=1))
    m.handle(sm.LineFault(zone_id="hall", at=1))
    (rej,) = of(arm(m, 2), sm.Rejected)
    assert rej.code == "zone_not_ready"
    assert set(rej.problems) == {("door", "zone_open"), ("pir", "zone_tamper"), ("hall", "zone_fault")}


def test_open_24h_zone_does_not_block_arming(make_machine: Maker) -> None:
    m = make_machine()
    m.handle(sm.ZoneOpened(zone_id="panic", at=1))
    assert [type(e) for e in arm(m, 2)] == [sm.StateChanged]


def test_arm_with_silent_host_is_refused(make_machine: Maker) -> None:
    m = make_machine()
    m.handle(sm.HostSilent(host_id="H1", at=1))
    (rej,) = of(arm(m, 2), sm.Rejected)
    assert rej.code == "host_offline" and ("fence", "host_offline") in rej.problems
    m.handle(sm.HostBack(host_id="H1", at=3))
    assert m.state("P1") == PS.DISARMED and not of(arm(m, 4), sm.Rejected)


def test_arm_without_operator_is_refused(make_machine: Maker) -> None:
    m = make_machine()
    (rej,) = of(m.handle(sm.Arm(partition_id="P1", at=1, who=" ")), sm.Rejected)
    assert rej.code == "who_required"
    (rej,) = of(m.handle(sm.Arm(partition_id="nope", at=1, who="x")), sm.Rejected)
    assert rej.code == "unknown_partition"


def test_state_change_records_who_and_source(make_machine: Maker) -> None:
    m = make_machine()
    (ch,) = of(arm(m, 5, source=sm.Source.KEYPAD), sm.StateChanged)
    assert (ch.who, ch.old, ch.new, ch.at) == ("张保安", PS.DISARMED, PS.ARMING, 5)
    assert "keypad" in ch.reason


# ---- bypass


def test_bypassed_open_zone_allows_arming_and_is_ignored(make_machine: Maker) -> None:
    m = make_machine()
    m.handle(sm.ZoneOpened(zone_id="fence", at=1))
    (log,) = of(
        m.handle(sm.Bypass(zone_id="fence", at=2, who="李", reason="围栏施工", until=1000)), sm.BypassChanged
    )
    assert (log.active, log.who, log.reason, log.until) == (True, "李", "围栏施工", 1000)
    arm(m, 3)
    m.handle(sm.Tick(at=40))
    assert m.state("P1") == PS.ARMED
    m.handle(sm.ZoneClosed(zone_id="fence", at=50))
    assert m.handle(sm.ZoneOpened(zone_id="fence", at=51)) == []
    assert m.state("P1") == PS.ARMED


def test_bypass_expiry_while_armed_and_open_trips_at_expiry_time(make_machine: Maker) -> None:
    m = make_machine()
    m.handle(sm.ZoneOpened(zone_id="fence", at=1))
    m.handle(sm.Bypass(zone_id="fence", at=2, who="李", reason="围栏施工", until=500))
    arm(m, 3)
    out = m.handle(sm.Tick(at=900))
    assert [(type(e), getattr(e, "at", None)) for e in out[:3]] == [
        (sm.StateChanged, 33),
        (sm.BypassChanged, 500),
        (sm.StateChanged, 500),
    ]
    assert m.state("P1") == PS.TRIGGERED
    assert [a.zone_id for a in m.alarms()] == ["fence"]


def test_bypass_expiry_while_disarmed_only_logs(make_machine: Maker, short: Callable) -> None:
    m = make_machine()
    m.handle(sm.ZoneOpened(zone_id="pir", at=1))
    m.handle(sm.Bypass(zone_id="pir", at=2, who="李", reason="误报", until=10))
    assert [short(e) for e in m.handle(sm.Tick(at=20))] == ["bypass-"]
    assert m.zone_status("pir").bypass_until is None


def test_unbypass_of_open_zone_while_armed_trips(make_machine: Maker) -> None:
    m = make_machine()
    m.handle(sm.Bypass(zone_id="pir", at=0, who="李", reason="误报", until=5000))
    arm(m, 1)
    m.handle(sm.Tick(at=40))
    m.handle(sm.ZoneOpened(zone_id="pir", at=50))
    assert m.state("P1") == PS.ARMED
    m.handle(sm.Unbypass(zone_id="pir", at=60, who="李"))
    assert m.state("P1") == PS.TRIGGERED


@pytest.mark.parametrize(
    ("who", "reason", "until", "code"),
    [
        ("", "r", 100, "who_required"),
        ("李", " ", 100, "reason_required"),
        ("李", "r", 10, "bad_until"),
        ("李", "r", 10 + 86401, "bypass_too_long"),
    ],
)
def test_bypass_needs_who_why_and_a_bounded_end(
    make_machine: Maker, who: str, reason: str, until: float, code: str
) -> None:
    m = make_machine()
    (rej,) = m.handle(sm.Bypass(zone_id="pir", at=10, who=who, reason=reason, until=until))
    assert isinstance(rej, sm.Rejected) and rej.code == code
    assert m.zone_status("pir").bypass_until is None


@pytest.mark.parametrize("zone", ["panic", "tamp", "smoke", "duress"])
def test_24h_zones_cannot_be_bypassed(make_machine: Maker, zone: str) -> None:
    m = make_machine()
    (rej,) = m.handle(sm.Bypass(zone_id=zone, at=1, who="李", reason="测试", until=100))
    assert isinstance(rej, sm.Rejected) and rej.code == "bypass_not_allowed"
    assert rej.message_zh.startswith("24小时防区不可旁路")


def test_bypass_does_not_hide_tamper(make_machine: Maker) -> None:
    m = make_machine()
    m.handle(sm.Bypass(zone_id="pir", at=1, who="李", reason="误报", until=100))
    out = m.handle(sm.Tamper(zone_id="pir", at=2))
    assert [a.alarm.kind for a in of(out, sm.AlarmRaised)] == [sm.AlarmKind.TAMPER]


# ---- delays


def test_exit_delay_ends_with_instant_zone_open_triggers(make_machine: Maker) -> None:
    m = make_machine()
    arm(m, 0)
    m.handle(sm.ZoneOpened(zone_id="pir", at=10))
    out = m.handle(sm.Tick(at=30))
    assert of(out, sm.StateChanged)[0].new == PS.TRIGGERED
    assert of(out, sm.AlarmRaised)[0].alarm.zone_id == "pir"


def test_exit_delay_ends_with_door_open_starts_entry_delay(make_machine: Maker) -> None:
    m = make_machine()
    arm(m, 0)
    m.handle(sm.ZoneOpened(zone_id="door", at=10))
    m.handle(sm.Tick(at=30))
    assert m.state("P1") == PS.PENDING
    m.handle(sm.Tick(at=49))
    assert m.state("P1") == PS.PENDING
    out = m.handle(sm.Tick(at=50))
    assert m.state("P1") == PS.TRIGGERED and of(out, sm.AlarmRaised)[0].alarm.raised_at == 50


def test_entry_then_disarm_in_time_raises_nothing(make_machine: Maker) -> None:
    m = make_machine()
    arm(m, 0)
    m.handle(sm.Tick(at=31))
    m.handle(sm.ZoneOpened(zone_id="door", at=100))
    m.handle(sm.ZoneOpened(zone_id="hall", at=105))  # walking to the keypad: follower waits
    m.handle(sm.Disarm(partition_id="P1", at=115, who="业主", source=sm.Source.KEYPAD))
    assert m.handle(sm.Tick(at=1000)) == []
    assert m.alarms() == [] and m.state("P1") == PS.DISARMED


def test_zero_delays_arm_at_once_and_trigger_at_once(make_machine: Maker) -> None:
    m = make_machine()
    (ch,) = arm(m, 0, pid="P2")
    assert isinstance(ch, sm.StateChanged) and ch.new == PS.ARMED
    m.handle(sm.ZoneOpened(zone_id="gate", at=1))
    assert m.state("P2") == PS.TRIGGERED and m.siren_on("P2") and not m.siren_on("P1")


def test_deadlines_run_at_their_own_time_even_if_ticks_are_late(make_machine: Maker) -> None:
    m = make_machine()
    arm(m, 0)
    out = m.handle(sm.ZoneOpened(zone_id="door", at=1000))
    assert [(type(e), e.at) for e in out] == [(sm.StateChanged, 30), (sm.StateChanged, 1000)]  # type: ignore[union-attr]


def test_time_never_runs_backwards(make_machine: Maker) -> None:
    m = make_machine()
    arm(m, 100)
    (ch,) = m.handle(sm.Disarm(partition_id="P1", at=50, who="x"))
    assert isinstance(ch, sm.StateChanged) and ch.at == 100


# ---- latch, acknowledge, reset, re-sound


def test_alarm_latches_after_zone_restores_and_shows_its_zone(make_machine: Maker) -> None:
    m = make_machine()
    arm(m, 0, pid="P2")
    m.handle(sm.ZoneOpened(zone_id="gate", at=1))
    m.handle(sm.ZoneClosed(zone_id="gate", at=1.2))
    m.handle(sm.Tick(at=50))
    (a,) = m.alarms()
    assert (a.zone_id, a.kind, a.partition_id) == ("gate", sm.AlarmKind.INTRUSION, "P2")
    assert "车库门" in a.message_zh and m.state("P2") == PS.TRIGGERED and m.siren_on("P2")


def test_siren_stops_at_bell_cutoff_and_resounds_until_acknowledged(make_machine: Maker) -> None:
    m = make_machine()
    out = m.handle(sm.ZoneOpened(zone_id="panic", at=0))
    assert of(out, sm.StartSiren)
    assert [type(e) for e in m.handle(sm.Tick(at=180))] == [sm.StopSiren]
    out = m.handle(sm.Tick(at=300))
    assert [type(e) for e in out] == [sm.AlarmResounded, sm.Notify, sm.StartSiren]
    assert of(out, sm.Notify)[0].level == "reminder"
    m.handle(sm.Tick(at=480))
    assert not m.siren_on("P1")
    out = m.handle(sm.Tick(at=601))
    assert of(out, sm.AlarmResounded)[0].resounds == 2 and m.siren_on("P1")
    out = m.handle(sm.Ack(at=610, who="值班员"))
    assert [type(e) for e in out] == [sm.AlarmAcknowledged, sm.StopSiren]
    assert m.handle(sm.Tick(at=5000)) == []
    (a,) = m.alarms()
    assert (a.acked_by, a.acked_at) == ("值班员", 610)


@pytest.mark.parametrize(("resound", "expected"), [(60, 4), (120, 2), (1000, 0)])
def test_resound_interval_is_configurable(make_machine: Maker, resound: float, expected: int) -> None:
    m = make_machine(sm.Timing(siren_seconds=30, resound_after=resound))
    m.handle(sm.LineFault(zone_id="smoke", at=0))
    out = m.handle(sm.Tick(at=299))
    assert len(of(out, sm.AlarmResounded)) == expected
    assert not of(out, sm.StartSiren)  # a fault reminds, it does not sound


def test_silent_zone_notifies_without_siren(make_machine: Maker) -> None:
    m = make_machine()
    out = m.handle(sm.ZoneOpened(zone_id="duress", at=0))
    assert of(out, sm.Notify) and not of(out, sm.StartSiren)
    assert not m.alarms()[0].siren


def test_reset_refused_while_cause_present_then_allowed(make_machine: Maker) -> None:
    m = make_machine()
    m.handle(sm.ZoneOpened(zone_id="panic", at=0))
    (a,) = m.alarms()
    out = m.handle(sm.Reset(at=5, who="值班员", alarm_id=a.id))
    assert [short for short in map(type, out)] == [sm.Rejected]
    assert of(out, sm.Rejected)[0].code == "cause_present" and m.alarms() == [a]
    m.handle(sm.ZoneClosed(zone_id="panic", at=6))
    out = m.handle(sm.Reset(at=7, who="值班员", alarm_id=a.id))
    assert [type(e) for e in out] == [sm.AlarmAcknowledged, sm.AlarmReset, sm.StopSiren]
    assert m.alarms() == []


def test_reset_of_intrusion_needs_zone_closed_while_armed(make_machine: Maker) -> None:
    m = make_machine()
    arm(m, 0)
    m.handle(sm.Tick(at=31))
    m.handle(sm.ZoneOpened(zone_id="fence", at=40))
    out = m.handle(sm.Reset(at=50, who="值班员", partition_id="P1"))
    assert of(out, sm.Rejected)[0].problems == (("fence", "cause_present"),)
    assert m.state("P1") == PS.TRIGGERED
    m.handle(sm.ZoneClosed(zone_id="fence", at=55))
    out = m.handle(sm.Reset(at=60, who="值班员", partition_id="P1"))
    assert m.state("P1") == PS.ARMED
    assert [e for e in out if isinstance(e, sm.SetOutputs)] == [sm.SetOutputs(("l2",), False, 1, 60)]


def test_reset_partial_resets_what_it_can(make_machine: Maker) -> None:
    m = make_machine()
    m.handle(sm.ZoneOpened(zone_id="panic", at=0))
    m.handle(sm.Tamper(zone_id="pir", at=0))
    m.handle(sm.Tamper(zone_id="pir", at=1, active=False))
    out = m.handle(sm.Reset(at=2, who="值班员"))
    assert [a.zone_id for a in m.alarms()] == ["panic"]
    assert len(of(out, sm.AlarmReset)) == 1 and of(out, sm.Rejected)[0].problems == (
        ("panic", "cause_present"),
    )


def test_disarm_acknowledges_intrusion_but_not_panic(make_machine: Maker) -> None:
    m = make_machine()
    arm(m, 0)
    m.handle(sm.Tick(at=31))
    m.handle(sm.ZoneOpened(zone_id="pir", at=40))
    m.handle(sm.ZoneOpened(zone_id="panic", at=41))
    out = m.handle(sm.Disarm(partition_id="P1", at=50, who="业主"))
    assert [a.alarm_id for a in of(out, sm.AlarmAcknowledged)] == [1]
    assert m.siren_on("P1")  # the panic alarm still sounds
    assert len(m.alarms()) == 2  # both stay latched until reset


def test_repeat_counts_while_unacked_and_raises_anew_after_ack(make_machine: Maker) -> None:
    m = make_machine()
    for t in (0, 2, 4):
        m.handle(sm.ZoneOpened(zone_id="panic", at=t))
        m.handle(sm.ZoneClosed(zone_id="panic", at=t + 1))
    (a,) = m.alarms()
    assert a.count == 3
    m.handle(sm.Ack(at=10, who="值班员", alarm_id=a.id))
    out = m.handle(sm.ZoneOpened(zone_id="panic", at=11))
    assert of(out, sm.AlarmRaised) and len(m.alarms()) == 2 and m.siren_on("P1")


def test_repeated_open_report_is_not_a_new_edge(make_machine: Maker) -> None:
    m = make_machine()
    m.handle(sm.ZoneOpened(zone_id="panic", at=0))
    assert m.handle(sm.ZoneOpened(zone_id="panic", at=1)) == []


def test_ack_unknown_alarm_and_twice(make_machine: Maker) -> None:
    m = make_machine()
    m.handle(sm.ZoneOpened(zone_id="panic", at=0))
    assert of(m.handle(sm.Ack(at=1, who="x", alarm_id=99)), sm.Rejected)[0].code == "unknown_alarm"
    m.handle(sm.Ack(at=1, who="x", alarm_id=1))
    assert of(m.handle(sm.Ack(at=2, who="x", alarm_id=1)), sm.Rejected)[0].code == "nothing_to_ack"
    assert of(m.handle(sm.Reset(at=2, who="")), sm.Rejected)[0].code == "who_required"


# ---- tamper, faults, hosts


def test_tamper_in_disarmed_state_alarms_and_latches(make_machine: Maker) -> None:
    m = make_machine()
    m.handle(sm.Tamper(zone_id="fence", at=0))
    m.handle(sm.Tamper(zone_id="fence", at=1, active=False))
    (a,) = m.alarms()
    assert (a.kind, a.zone_id, m.state("P1"), m.siren_on("P1")) == (
        sm.AlarmKind.TAMPER,
        "fence",
        PS.DISARMED,
        True,
    )
    assert a.message_zh == "防拆报警：北围墙电子围栏"


def test_silent_host_is_a_fault_until_back_and_reset(make_machine: Maker) -> None:
    m = make_machine()
    out = m.handle(sm.HostSilent(host_id="H2", at=0))
    (raised,) = of(out, sm.AlarmRaised)
    assert (raised.alarm.kind, raised.alarm.host_id, raised.alarm.siren) == (sm.AlarmKind.FAULT, "H2", False)
    assert "H2" in raised.alarm.message_zh
    assert m.handle(sm.HostSilent(host_id="H2", at=1)) == []  # still silent: one alarm
    assert of(m.handle(sm.Reset(at=2, who="x")), sm.Rejected)[0].code == "cause_present"
    out = m.handle(sm.HostBack(host_id="H2", at=3))
    assert of(out, sm.Notify)[0].level == "info" and len(m.alarms()) == 1
    assert of(m.handle(sm.Reset(at=4, who="x")), sm.AlarmReset)
    assert of(m.handle(sm.HostSilent(host_id="H9", at=5)), sm.Rejected)[0].code == "unknown_host"


def test_fire_releases_escape_doors(make_machine: Maker) -> None:
    m = make_machine()
    out = m.handle(sm.ZoneOpened(zone_id="smoke", at=0))
    (rel,) = of(out, sm.ReleaseEscapeDoors)
    assert rel.alarm_id == of(out, sm.AlarmRaised)[0].alarm.id


def test_unknown_zone_is_reported(make_machine: Maker) -> None:
    m = make_machine()
    (rej,) = m.handle(sm.ZoneOpened(zone_id="ghost", at=0))
    assert isinstance(rej, sm.Rejected) and rej.code == "unknown_zone"


def test_bad_site_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown partition"):
        sm.AlarmMachine([], [sm.ZoneSpec("z", "P9", sm.ZoneType.INSTANT)])
    with pytest.raises(ValueError, match="duplicate"):
        z = sm.ZoneSpec("z", "P", sm.ZoneType.INSTANT)
        sm.AlarmMachine([sm.PartitionSpec("P")], [z, z])
    with pytest.raises(ValueError, match="resound"):
        sm.AlarmMachine([], [], sm.Timing(resound_after=0))
