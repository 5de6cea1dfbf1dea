"""Random event sequences: the machine is deterministic and keeps its invariants."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perimeter import state_machine as sm

ZONES = ["door", "pir", "hall", "fence", "beam", "panic", "tamp", "smoke", "duress", "gate"]
WHO = st.sampled_from(["guard", ""])


def event_at(t: float) -> st.SearchStrategy[sm.Event]:
    z = st.sampled_from(ZONES)
    p = st.sampled_from(["P1", "P2"])
    src = st.sampled_from(list(sm.Source))
    return st.one_of(
        st.builds(sm.ZoneOpened, zone_id=z, at=st.just(t)),
        st.builds(sm.ZoneClosed, zone_id=z, at=st.just(t)),
        st.builds(sm.Tamper, zone_id=z, at=st.just(t), active=st.booleans()),
        st.builds(sm.LineFault, zone_id=z, at=st.just(t), active=st.booleans()),
        st.builds(sm.HostSilent, host_id=st.sampled_from(["H1", "H2"]), at=st.just(t)),
        st.builds(sm.HostBack, host_id=st.sampled_from(["H1", "H2"]), at=st.just(t)),
        st.builds(sm.Arm, partition_id=p, at=st.just(t), who=WHO, source=src),
        st.builds(sm.Disarm, partition_id=p, at=st.just(t), who=WHO, source=src),
        st.builds(sm.Bypass, zone_id=z, at=st.just(t), who=WHO, reason=st.just("r"), until=st.just(t + 200)),
        st.builds(sm.Unbypass, zone_id=z, at=st.just(t), who=WHO),
        st.builds(sm.Ack, at=st.just(t), who=WHO, partition_id=st.sampled_from([None, "P1", "P2"])),
        st.builds(sm.Reset, at=st.just(t), who=WHO, partition_id=st.sampled_from([None, "P1", "P2"])),
        st.builds(sm.Tick, at=st.just(t)),
    )


@st.composite
def scripts(draw: st.DrawFn) -> list[sm.Event]:
    steps = draw(st.lists(st.floats(0, 120, allow_nan=False), min_size=1, max_size=60))
    t, out = 0.0, []
    for dt in steps:
        t += dt
        out.append(draw(event_at(t)))
    return out


# make_machine is a factory: every example builds fresh machines, so the function-scoped fixture is safe.


def check_invariants(m: sm.AlarmMachine, effects: list[sm.Effect]) -> None:
    for pid in ("P1", "P2"):
        if m.state(pid) == sm.PartitionState.TRIGGERED:
            assert any(a.kind == sm.AlarmKind.INTRUSION and a.partition_id == pid for a in m.alarms())
        if m.siren_on(pid):
            assert any(a.partition_id == pid and a.siren and a.acked_at is None for a in m.alarms())
    starts = [e.partition_id for e in effects if isinstance(e, sm.StartSiren)]
    stops = [e.partition_id for e in effects if isinstance(e, sm.StopSiren)]
    for pid in ("P1", "P2"):
        assert abs(starts.count(pid) - stops.count(pid)) <= 1
    times = [e.at for e in effects if hasattr(e, "at")]
    assert times == sorted(times)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(script=scripts())
def test_random_scripts_are_deterministic_and_consistent(
    make_machine: Callable[..., sm.AlarmMachine], script: list[sm.Event]
) -> None:
    first, second = make_machine(), make_machine()
    for event in script:
        out = first.handle(event)
        check_invariants(first, out)
        assert second.handle(event) == out
    assert first.alarms() == second.alarms()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(script=scripts())
def test_every_24h_trip_is_latched_until_reset(
    make_machine: Callable[..., sm.AlarmMachine], script: list[sm.Event]
) -> None:
    m = make_machine()
    m.handle(sm.ZoneOpened(zone_id="panic", at=0))
    m.handle(sm.ZoneClosed(zone_id="panic", at=0))
    reset = False
    for event in script:
        out = m.handle(event)
        reset |= any(isinstance(e, sm.AlarmReset) and e.alarm_id == 1 for e in out)
        assert reset or any(a.id == 1 for a in m.alarms())
