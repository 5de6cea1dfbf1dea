"""Resetting the last fire alarm (its cause gone) restores the escape doors; nothing else does."""

from __future__ import annotations

from perimeter import state_machine as sm
from tests.perimeter.conftest import SITE_PARTITIONS, SITE_ZONES

SMOKE2 = sm.ZoneSpec("smoke2", "P2", sm.ZoneType.FIRE, "H2", "车库烟感")


def machine() -> sm.AlarmMachine:
    return sm.AlarmMachine(SITE_PARTITIONS, [*SITE_ZONES, SMOKE2], sm.Timing(180, 300, 86400))


def restores(effects: list[sm.Effect]) -> list[sm.RestoreEscapeDoors]:
    return [e for e in effects if isinstance(e, sm.RestoreEscapeDoors)]


def test_reset_of_the_fire_alarm_restores_the_doors_once_the_smoke_is_gone() -> None:
    m = machine()
    raised = [e for e in m.handle(sm.ZoneOpened(zone_id="smoke", at=0)) if isinstance(e, sm.AlarmRaised)]
    refused = m.handle(sm.Reset(at=1, who="guard"))  # the smoke is still there
    assert not restores(refused) and any(isinstance(e, sm.Rejected) for e in refused)
    m.handle(sm.ZoneClosed(zone_id="smoke", at=2))
    (restore,) = restores(m.handle(sm.Reset(at=3, who="guard")))
    assert restore == sm.RestoreEscapeDoors(raised[0].alarm.id, 3)


def test_the_doors_stay_released_while_another_fire_alarm_stands() -> None:
    m = machine()
    m.handle(sm.ZoneOpened(zone_id="smoke", at=0))
    m.handle(sm.ZoneOpened(zone_id="smoke2", at=1))
    m.handle(sm.ZoneClosed(zone_id="smoke", at=2))
    assert not restores(m.handle(sm.Reset(at=3, who="guard", partition_id="P1")))
    m.handle(sm.ZoneClosed(zone_id="smoke2", at=4))
    assert len(restores(m.handle(sm.Reset(at=5, who="guard", partition_id="P2")))) == 1


def test_resetting_other_alarms_restores_nothing() -> None:
    m = machine()
    m.handle(sm.ZoneOpened(zone_id="panic", at=0))
    m.handle(sm.ZoneClosed(zone_id="panic", at=1))
    out = m.handle(sm.Reset(at=2, who="guard"))
    assert any(isinstance(e, sm.AlarmReset) for e in out) and not restores(out)
