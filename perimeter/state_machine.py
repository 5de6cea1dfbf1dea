"""The perimeter alarm state machine (GB 50394 semantics): timestamped events in, effects out, no I/O."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial

# ---- vocabulary ----


class PartitionState(StrEnum):
    """Arming state of one partition (防区分区)."""

    DISARMED = "disarmed"
    ARMING = "arming"  # exit delay running
    ARMED = "armed"
    PENDING = "pending"  # entry delay running
    TRIGGERED = "triggered"  # intrusion alarm latched while armed


class ZoneType(StrEnum):
    """What a zone input means and when it is armed."""

    INSTANT = "instant"  # alarm at once when armed
    DELAY = "delay"  # entry/exit route: opening while armed starts the entry delay
    FOLLOWER = "follower"  # instant, but delayed while an entry delay runs
    PERIMETER = "perimeter"  # fence/beam/vibration cable: armed at once, no exit delay
    H24 = "24h"  # emergency/panic button: always armed, never bypassed
    TAMPER = "tamper"  # tamper switch input: always armed, never bypassed
    FIRE = "fire"  # smoke/heat: always armed, releases escape doors
    SAFETY = "safety"  # hydrant pressure, electrical leakage/temperature: always armed


ALWAYS_ARMED = frozenset({ZoneType.H24, ZoneType.TAMPER, ZoneType.FIRE, ZoneType.SAFETY})


class AlarmKind(StrEnum):
    """Kind of a latched alarm."""

    INTRUSION = "intrusion"
    PANIC = "panic"
    TAMPER = "tamper"
    FIRE = "fire"
    SAFETY = "safety"
    FAULT = "fault"


SIREN_KINDS = frozenset(
    {AlarmKind.INTRUSION, AlarmKind.PANIC, AlarmKind.TAMPER, AlarmKind.FIRE, AlarmKind.SAFETY}
)
ALWAYS_KIND = {
    ZoneType.H24: AlarmKind.PANIC,
    ZoneType.TAMPER: AlarmKind.TAMPER,
    ZoneType.FIRE: AlarmKind.FIRE,
    ZoneType.SAFETY: AlarmKind.SAFETY,
}
KIND_TEXT = {
    AlarmKind.INTRUSION: ("入侵报警", "intrusion alarm"),
    AlarmKind.PANIC: ("紧急求助报警", "panic alarm"),
    AlarmKind.TAMPER: ("防拆报警", "tamper alarm"),
    AlarmKind.FIRE: ("火警", "fire alarm"),
    AlarmKind.SAFETY: ("安全监测报警", "safety sensor alarm"),
    AlarmKind.FAULT: ("故障报警", "fault alarm"),
}


class Source(StrEnum):
    """Who issued an arm/disarm command."""

    CONSOLE = "console"
    KEYPAD = "keypad"
    HOST = "host"
    SCHEDULE = "schedule"


REASONS: dict[str, tuple[str, str]] = {
    "who_required": ("必须注明操作人", "operator required"),
    "reason_required": ("必须注明旁路原因", "bypass reason required"),
    "unknown_partition": ("未知分区", "unknown partition"),
    "unknown_zone": ("未知防区", "unknown zone"),
    "unknown_host": ("未知报警主机", "unknown alarm host"),
    "unknown_alarm": ("未知或已复位的报警", "unknown or already reset alarm"),
    "already_armed": ("分区已布防或正在布防", "partition already armed or arming"),
    "already_disarmed": ("分区已处于撤防状态", "partition already disarmed"),
    "auto_disarm_forbidden": ("不允许定时自动撤防", "automatic disarm by schedule is not allowed"),
    "zone_open": ("防区未闭合", "zone open"),
    "zone_tamper": ("防区防拆触发", "zone tamper active"),
    "zone_fault": ("防区线路故障", "zone line fault"),
    "host_offline": ("报警主机离线", "alarm host offline"),
    "zone_not_ready": ("防区未就绪", "zones not ready"),
    "bypass_not_allowed": ("24小时防区不可旁路", "24-hour zones cannot be bypassed"),
    "bad_until": ("旁路截止时间无效", "bypass end time must be in the future"),
    "bypass_too_long": ("旁路时长超过上限", "bypass longer than allowed"),
    "not_bypassed": ("防区未被旁路", "zone is not bypassed"),
    "nothing_to_ack": ("没有待确认的报警", "no alarm to acknowledge"),
    "nothing_to_reset": ("没有可复位的报警", "no alarm to reset"),
    "cause_present": ("报警原因仍存在，无法复位", "alarm cause still present, cannot reset"),
}

HOST_CAUSES = {
    "": ("通信中断", "silent"),
    "mains": ("市电断电", "mains power lost"),
    "battery": ("备用电池欠压", "battery low"),
}
POWER_BACK = {
    "mains": ("市电恢复", "mains power back"),
    "battery": ("备用电池恢复正常", "battery normal again"),
}

# ---- configuration ----


@dataclass(frozen=True, slots=True)
class PartitionSpec:
    """A partition's identity and its delays in seconds."""

    id: str
    name: str = ""
    exit_delay: float = 30.0
    entry_delay: float = 20.0


@dataclass(frozen=True, slots=True)
class ZoneSpec:
    """A zone as the state machine needs it; config.py builds these from the site file."""

    id: str
    partition_id: str
    type: ZoneType
    host_id: str = ""
    name: str = ""
    silent: bool = False  # no siren (e.g. a duress button); still notifies
    cameras: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """Name shown to people."""
        return self.name or self.id


@dataclass(frozen=True, slots=True)
class Timing:
    """Site-wide timing in seconds: bell cut-off, re-sound interval, longest bypass."""

    siren_seconds: float = 180.0
    resound_after: float = 300.0
    max_bypass: float = 86400.0


# ---- events ----


@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneOpened:
    """The zone input went into alarm condition (beam broken, fence touched, contact open)."""

    zone_id: str
    at: float


@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneClosed:
    """The zone input returned to normal."""

    zone_id: str
    at: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Tamper:
    """The detector's tamper switch changed."""

    zone_id: str
    at: float
    active: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class LineFault:
    """The zone line is cut or shorted (end-of-line supervision), or cleared."""

    zone_id: str
    at: float
    active: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class HostSilent:
    """An alarm host stopped answering polls."""

    host_id: str
    at: float


@dataclass(frozen=True, slots=True, kw_only=True)
class HostBack:
    """An alarm host answers again."""

    host_id: str
    at: float


@dataclass(frozen=True, slots=True, kw_only=True)
class HostPower:
    """An alarm host's power report: mains present, battery low (each None when not reported)."""

    host_id: str
    at: float
    mains_ok: bool | None = None
    battery_low: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Arm:
    """Arm a partition."""

    partition_id: str
    at: float
    who: str
    source: Source = Source.CONSOLE


@dataclass(frozen=True, slots=True, kw_only=True)
class Disarm:
    """Disarm a partition (never from a schedule)."""

    partition_id: str
    at: float
    who: str
    source: Source = Source.CONSOLE


@dataclass(frozen=True, slots=True, kw_only=True)
class Bypass:
    """Bypass (isolate) a zone until a given time, with who and why."""

    zone_id: str
    at: float
    who: str
    reason: str
    until: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Unbypass:
    """End a bypass before it expires."""

    zone_id: str
    at: float
    who: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Ack:
    """Acknowledge one alarm, a partition's alarms, or (both None) every alarm."""

    at: float
    who: str
    alarm_id: int | None = None
    partition_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Reset:
    """Reset (unlatch) one alarm, a partition's alarms, or (both None) every alarm."""

    at: float
    who: str
    alarm_id: int | None = None
    partition_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Tick:
    """Time passed: run the delays, bell cut-off, re-sound and bypass expiry due by `at`."""

    at: float


Event = (
    ZoneOpened
    | ZoneClosed
    | Tamper
    | LineFault
    | HostSilent
    | HostBack
    | HostPower
    | Arm
    | Disarm
    | Bypass
    | Unbypass
    | Ack
    | Reset
    | Tick
)

# ---- effects ----


@dataclass(frozen=True, slots=True)
class Alarm:
    """A latched alarm: it stays until a person resets it."""

    id: int
    kind: AlarmKind
    raised_at: float
    partition_id: str | None
    zone_id: str | None
    host_id: str | None
    siren: bool
    message_zh: str
    message_en: str
    count: int = 1
    acked_by: str | None = None
    acked_at: float | None = None
    resounds: int = 0
    next_resound: float = 0.0
    sounding_until: float = 0.0
    cause: str = ""  # host faults: "" = silent host, "mains" = mains lost, "battery" = battery low


@dataclass(frozen=True, slots=True)
class StateChanged:
    """A partition changed state."""

    partition_id: str
    old: PartitionState
    new: PartitionState
    at: float
    reason: str
    who: str = ""


@dataclass(frozen=True, slots=True)
class AlarmRaised:
    """A new latched alarm."""

    alarm: Alarm


@dataclass(frozen=True, slots=True)
class AlarmRepeated:
    """The cause of an unacknowledged alarm happened again (counted, not duplicated)."""

    alarm_id: int
    at: float
    count: int


@dataclass(frozen=True, slots=True)
class AlarmResounded:
    """An alarm was not acknowledged in time and sounds/notifies again."""

    alarm_id: int
    at: float
    resounds: int


@dataclass(frozen=True, slots=True)
class AlarmAcknowledged:
    """A person acknowledged an alarm."""

    alarm_id: int
    at: float
    who: str


@dataclass(frozen=True, slots=True)
class AlarmReset:
    """A person reset (unlatched) an alarm."""

    alarm_id: int
    at: float
    who: str


@dataclass(frozen=True, slots=True)
class StartSiren:
    """Switch the partition's siren/strobe on."""

    partition_id: str
    at: float


@dataclass(frozen=True, slots=True)
class StopSiren:
    """Switch the partition's siren/strobe off."""

    partition_id: str
    at: float


@dataclass(frozen=True, slots=True)
class SnapshotCameras:
    """Take a snapshot (and a clip where possible) from the zone's linked cameras."""

    alarm_id: int
    cameras: tuple[str, ...]
    at: float


@dataclass(frozen=True, slots=True)
class SetOutputs:
    """Switch the zone's linked outputs (lights, relays) on at alarm or off at reset."""

    outputs: tuple[str, ...]
    on: bool
    alarm_id: int
    at: float


@dataclass(frozen=True, slots=True)
class ReleaseEscapeDoors:
    """Fire: tell access/ to release the escape-route doors."""

    alarm_id: int
    at: float


@dataclass(frozen=True, slots=True)
class RestoreEscapeDoors:
    """The last fire alarm was reset (by a person, its cause gone): the escape-route doors lock again."""

    alarm_id: int
    at: float


@dataclass(frozen=True, slots=True)
class Notify:
    """Push a message to the on-duty staff."""

    level: str  # "alarm", "fault", "reminder", "info"
    message_zh: str
    message_en: str
    at: float
    alarm_id: int | None = None
    partition_id: str | None = None


@dataclass(frozen=True, slots=True)
class BypassChanged:
    """A bypass started, was renewed, ended or expired (the bypass log)."""

    zone_id: str
    at: float
    active: bool
    who: str
    reason: str
    until: float | None = None


@dataclass(frozen=True, slots=True)
class Rejected:
    """A command was refused; code is stable English, messages are for people."""

    command: str
    code: str
    message_zh: str
    message_en: str
    at: float
    problems: tuple[tuple[str, str], ...] = ()  # (zone/alarm id, code)


Effect = (
    StateChanged
    | AlarmRaised
    | AlarmRepeated
    | AlarmResounded
    | AlarmAcknowledged
    | AlarmReset
    | StartSiren
    | StopSiren
    | SnapshotCameras
    | SetOutputs
    | ReleaseEscapeDoors
    | RestoreEscapeDoors
    | Notify
    | BypassChanged
    | Rejected
)

# ---- state ----


@dataclass(slots=True)
class ZoneStatus:
    """Live condition of one zone."""

    open: bool = False
    tamper: bool = False
    fault: bool = False
    bypass_until: float | None = None
    bypass_who: str = ""
    bypass_reason: str = ""


@dataclass(slots=True)
class _Partition:
    spec: PartitionSpec
    state: PartitionState = PartitionState.DISARMED
    exit_deadline: float | None = None
    entry_deadline: float | None = None
    entry_zone: str | None = None
    siren_on: bool = False
    zones: list[str] = field(default_factory=list)


def _noop(at: float) -> None:
    """Deadline with no action of its own (the siren sync after it does the work)."""


class AlarmMachine:
    """All partitions and zones of one site; call handle(event) and act on the returned effects."""

    def __init__(
        self, partitions: Iterable[PartitionSpec], zones: Iterable[ZoneSpec], timing: Timing | None = None
    ) -> None:
        self.timing = timing or Timing()
        if self.timing.resound_after <= 0 or self.timing.siren_seconds < 0:
            raise ValueError("resound_after must be > 0 and siren_seconds >= 0")
        self._parts = {p.id: _Partition(p) for p in partitions}
        self._zones: dict[str, ZoneSpec] = {}
        self._status: dict[str, ZoneStatus] = {}
        self._hosts: dict[str, bool] = {}  # host id -> online
        self._power_bad: set[tuple[str, str]] = set()  # (host id, "mains" | "battery") currently faulty
        for z in zones:
            if z.partition_id not in self._parts:
                raise ValueError(f"zone {z.id}: unknown partition {z.partition_id}")
            if z.id in self._zones:
                raise ValueError(f"duplicate zone {z.id}")
            self._zones[z.id] = z
            self._status[z.id] = ZoneStatus()
            self._parts[z.partition_id].zones.append(z.id)
            if z.host_id:
                self._hosts[z.host_id] = True
        self._alarms: dict[int, Alarm] = {}
        self._latch: dict[tuple[AlarmKind, str | None, str | None, str], int] = {}  # newest alarm per cause
        self._bypassed: set[str] = set()
        self._ends: dict[str, float] | None = None
        self._next_id = 1
        self._now = float("-inf")
        self._out: list[Effect] = []
        self._handlers: dict[type, Callable[..., None]] = {
            ZoneOpened: self._on_zone_opened,
            ZoneClosed: self._on_zone_closed,
            Tamper: self._on_tamper,
            LineFault: self._on_line_fault,
            HostSilent: self._on_host_silent,
            HostBack: self._on_host_back,
            HostPower: self._on_host_power,
            Arm: self._on_arm,
            Disarm: self._on_disarm,
            Bypass: self._on_bypass,
            Unbypass: self._on_unbypass,
            Ack: self._on_ack,
            Reset: self._on_reset,
            Tick: lambda e, at: None,
        }

    # ---- queries ----

    def state(self, partition_id: str) -> PartitionState:
        """Current state of a partition."""
        return self._parts[partition_id].state

    def siren_on(self, partition_id: str) -> bool:
        """Whether the partition's siren is commanded on."""
        return self._parts[partition_id].siren_on

    def zone(self, zone_id: str) -> ZoneSpec:
        """A zone's spec."""
        return self._zones[zone_id]

    def zone_status(self, zone_id: str) -> ZoneStatus:
        """A copy of a zone's live condition."""
        return dataclasses.replace(self._status[zone_id])

    def host_online(self, host_id: str) -> bool:
        """Whether the host answered its last polls."""
        return self._hosts[host_id]

    def alarms(self) -> list[Alarm]:
        """Latched (not yet reset) alarms, oldest first."""
        return list(self._alarms.values())

    def partitions(self) -> list[PartitionSpec]:
        """The partition specs."""
        return [p.spec for p in self._parts.values()]

    def zones(self, partition_id: str | None = None) -> list[ZoneSpec]:
        """Zone specs, optionally of one partition."""
        return [z for z in self._zones.values() if partition_id in (None, z.partition_id)]

    # ---- entry point ----

    def handle(self, event: Event) -> list[Effect]:
        """Apply one event; time never runs backwards (an older timestamp counts as now)."""
        self._out = []
        at = max(event.at, self._now)
        self._advance(at)
        self._handlers[type(event)](event, at)
        self._sync_sirens(at)
        out, self._out = self._out, []
        return out

    # ---- time ----

    def _advance(self, now: float) -> None:
        """Run every deadline due by `now`, in time order, each at its own time."""
        while (due := self._next_due(now)) is not None:
            t, _, _, action = due
            self._now = t
            action(t)
            self._sync_sirens(t)
        self._now = max(self._now, now)

    def _next_due(self, now: float) -> tuple[float, int, str, Callable[[float], None]] | None:
        """The earliest deadline at or before `now`, ties broken by a fixed order."""
        due: list[tuple[float, int, str, Callable[[float], None]]] = []
        for zid in self._bypassed:
            until = self._status[zid].bypass_until
            if until is not None and until <= now:
                due.append((until, 0, zid, partial(self._expire_bypass, zid)))
        ends = self._siren_ends()
        for pid, p in self._parts.items():
            if p.exit_deadline is not None and p.exit_deadline <= now:
                due.append((p.exit_deadline, 1, pid, partial(self._exit_end, p)))
            if p.entry_deadline is not None and p.entry_deadline <= now:
                due.append((p.entry_deadline, 2, pid, partial(self._entry_end, p)))
            off = ends.get(pid)
            if p.siren_on and off is not None and off <= now:
                due.append((off, 4, pid, _noop))
        for a in self._alarms.values():
            if a.acked_at is None and a.next_resound <= now:
                due.append((a.next_resound, 3, f"{a.id:012d}", partial(self._resound, a.id)))
        return min(due, key=lambda d: d[:3]) if due else None

    def _put(self, a: Alarm) -> None:
        """Store a new or changed alarm (and forget the cached siren ends)."""
        self._alarms[a.id] = a
        self._ends = None

    def _siren_ends(self) -> dict[str, float]:
        """Per partition, when the last unacknowledged siren alarm reaches its bell cut-off (cached)."""
        if self._ends is None:
            ends: dict[str, float] = {}
            for a in self._alarms.values():
                if a.siren and a.acked_at is None and a.partition_id is not None:
                    ends[a.partition_id] = max(ends.get(a.partition_id, a.sounding_until), a.sounding_until)
            self._ends = ends
        return self._ends

    def _sync_sirens(self, at: float) -> None:
        """Siren on exactly while an unacknowledged siren alarm is within its sounding window."""
        ends = self._siren_ends()
        for pid, p in self._parts.items():
            want = at < ends.get(pid, at)
            if want and not p.siren_on:
                self._out.append(StartSiren(pid, at))
            elif p.siren_on and not want:
                self._out.append(StopSiren(pid, at))
            p.siren_on = want

    def _resound(self, alarm_id: int, at: float) -> None:
        a = self._alarms[alarm_id]
        until = at + self.timing.siren_seconds if a.siren else a.sounding_until
        a = dataclasses.replace(
            a, resounds=a.resounds + 1, next_resound=at + self.timing.resound_after, sounding_until=until
        )
        self._put(a)
        self._out.append(AlarmResounded(alarm_id, at, a.resounds))
        zh, en = f"未确认报警提醒：{a.message_zh}", f"unacknowledged alarm reminder: {a.message_en}"
        self._out.append(Notify("reminder", zh, en, at, alarm_id, a.partition_id))

    def _exit_end(self, p: _Partition, at: float) -> None:
        """End of exit delay: armed, or entry delay / alarm if an armed zone is still open."""
        p.exit_deadline = None
        open_zones = [z for z in self._armable_open(p) if self._zones[z].type != ZoneType.PERIMETER]
        instant = [z for z in open_zones if self._zones[z].type == ZoneType.INSTANT]
        if instant:
            self._trigger(p, self._zones[instant[0]], at, "exit delay ended with zone open")
        elif open_zones:
            self._start_entry(p, self._zones[open_zones[0]], at)
        else:
            self._set_state(p, PartitionState.ARMED, at, "exit delay ended")

    def _entry_end(self, p: _Partition, at: float) -> None:
        p.entry_deadline = None
        zone = self._zones[p.entry_zone or p.zones[0]]
        self._trigger(p, zone, at, "entry delay expired")

    def _expire_bypass(self, zid: str, at: float) -> None:
        st = self._status[zid]
        st.bypass_until, st.bypass_who, st.bypass_reason = None, "", ""
        self._bypassed.discard(zid)
        self._out.append(BypassChanged(zid, at, False, "system", "expired"))
        if st.open or st.fault:
            self._intrusion_trip(self._zones[zid], at)

    # ---- helpers ----

    def _armable_open(self, p: _Partition) -> list[str]:
        """Open, non-bypassed, arming-dependent zones of a partition."""
        return [
            z
            for z in p.zones
            if self._zones[z].type not in ALWAYS_ARMED
            and self._status[z].bypass_until is None
            and (self._status[z].open or self._status[z].fault)
        ]

    def _set_state(self, p: _Partition, new: PartitionState, at: float, reason: str, who: str = "") -> None:
        if p.state != new:
            self._out.append(StateChanged(p.spec.id, p.state, new, at, reason, who))
            p.state = new

    def _reject(self, command: str, code: str, at: float, problems: tuple[tuple[str, str], ...] = ()) -> None:
        zh, en = REASONS[code]
        if problems:
            zh += "：" + "、".join(self._label(i) for i, _ in problems)
            en += ": " + ", ".join(i for i, _ in problems)
        self._out.append(Rejected(command, code, zh, en, at, problems))

    def _label(self, ident: str) -> str:
        return self._zones[ident].label if ident in self._zones else ident

    def _trigger(self, p: _Partition, zone: ZoneSpec, at: float, reason: str) -> None:
        p.exit_deadline = p.entry_deadline = p.entry_zone = None
        self._set_state(p, PartitionState.TRIGGERED, at, reason)
        self._raise(AlarmKind.INTRUSION, at, zone=zone)

    def _start_entry(self, p: _Partition, zone: ZoneSpec, at: float) -> None:
        if p.spec.entry_delay <= 0:
            self._trigger(p, zone, at, "delay zone opened (no entry delay)")
            return
        p.entry_deadline, p.entry_zone = at + p.spec.entry_delay, zone.id
        self._set_state(p, PartitionState.PENDING, at, f"entry delay started by {zone.id}")

    def _intrusion_trip(self, zone: ZoneSpec, at: float) -> None:
        """An arming-dependent, non-bypassed zone went into alarm condition."""
        p = self._parts[zone.partition_id]
        t = zone.type
        if p.state == PartitionState.ARMING and t == ZoneType.PERIMETER:
            self._trigger(p, zone, at, f"perimeter zone {zone.id} tripped during exit delay")
        elif p.state == PartitionState.ARMED and t == ZoneType.DELAY:
            self._start_entry(p, zone, at)
        elif p.state == PartitionState.ARMED or (
            p.state == PartitionState.PENDING and t in (ZoneType.INSTANT, ZoneType.PERIMETER)
        ):
            self._trigger(p, zone, at, f"zone {zone.id} tripped")
        elif p.state == PartitionState.TRIGGERED:
            self._raise(AlarmKind.INTRUSION, at, zone=zone)

    def _latched(
        self, kind: AlarmKind, zone_id: str | None, host_id: str | None, cause: str = ""
    ) -> Alarm | None:
        alarm_id = self._latch.get((kind, zone_id, host_id, cause))
        return self._alarms.get(alarm_id) if alarm_id is not None else None

    def _raise(
        self,
        kind: AlarmKind,
        at: float,
        zone: ZoneSpec | None = None,
        host_id: str | None = None,
        cause: str = "",
    ) -> None:
        """Latch a new alarm, or count a repeat of one that nobody has acknowledged yet."""
        zid = zone.id if zone else None
        old = self._latched(kind, zid, host_id, cause)
        if old is not None and old.acked_at is None:
            self._put(dataclasses.replace(old, count=old.count + 1))
            self._out.append(AlarmRepeated(old.id, at, old.count + 1))
            return
        kzh, ken = KIND_TEXT[kind]
        where_zh = zone.label if zone else f"报警主机 {host_id} {HOST_CAUSES[cause][0]}"
        where_en = zone.id if zone else f"alarm host {host_id} {HOST_CAUSES[cause][1]}"
        siren = kind in SIREN_KINDS and not (zone and zone.silent)
        a = Alarm(
            id=self._next_id,
            kind=kind,
            raised_at=at,
            partition_id=zone.partition_id if zone else None,
            zone_id=zid,
            host_id=host_id,
            siren=siren,
            message_zh=f"{kzh}：{where_zh}",
            message_en=f"{ken}: {where_en}",
            next_resound=at + self.timing.resound_after,
            sounding_until=at + self.timing.siren_seconds if siren else at,
            cause=cause,
        )
        self._next_id += 1
        self._put(a)
        self._latch[(kind, zid, host_id, cause)] = a.id
        level = "fault" if kind == AlarmKind.FAULT else "alarm"
        self._out.append(AlarmRaised(a))
        self._out.append(Notify(level, a.message_zh, a.message_en, at, a.id, a.partition_id))
        if zone and kind != AlarmKind.FAULT:
            if zone.cameras:
                self._out.append(SnapshotCameras(a.id, zone.cameras, at))
            if zone.outputs:
                self._out.append(SetOutputs(zone.outputs, True, a.id, at))
        if kind == AlarmKind.FIRE:
            self._out.append(ReleaseEscapeDoors(a.id, at))

    def _cause_present(self, a: Alarm) -> bool:
        """Whether resetting would leave a live alarm condition hidden."""
        if a.zone_id is None and a.cause:
            return (a.host_id or "", a.cause) in self._power_bad
        if a.zone_id is None:
            return not self._hosts.get(a.host_id or "", True)
        st, zone = self._status[a.zone_id], self._zones[a.zone_id]
        if a.kind == AlarmKind.FAULT:
            return st.fault
        if a.kind == AlarmKind.TAMPER:
            return st.tamper or (zone.type == ZoneType.TAMPER and st.open)
        if a.kind == AlarmKind.INTRUSION:
            armed = self._parts[zone.partition_id].state != PartitionState.DISARMED
            return armed and st.bypass_until is None and (st.open or st.fault)
        return st.open

    def _select(self, alarm_id: int | None, partition_id: str | None) -> list[Alarm] | None:
        if alarm_id is not None:
            a = self._alarms.get(alarm_id)
            return [a] if a else None
        return [a for a in self._alarms.values() if partition_id in (None, a.partition_id)]

    # ---- handlers ----

    def _zone_or_reject(self, command: str, zone_id: str, at: float) -> ZoneSpec | None:
        z = self._zones.get(zone_id)
        if z is None:
            self._reject(command, "unknown_zone", at, ((zone_id, "unknown_zone"),))
        return z

    def _on_zone_opened(self, e: ZoneOpened, at: float) -> None:
        zone = self._zone_or_reject("zone_opened", e.zone_id, at)
        if zone is None:
            return
        st = self._status[zone.id]
        if st.open:
            return  # a repeated report of the same condition is not a new edge
        st.open = True
        if zone.type in ALWAYS_ARMED:
            self._raise(ALWAYS_KIND[zone.type], at, zone=zone)
        elif st.bypass_until is None:
            self._intrusion_trip(zone, at)

    def _on_zone_closed(self, e: ZoneClosed, at: float) -> None:
        if self._zone_or_reject("zone_closed", e.zone_id, at):
            self._status[e.zone_id].open = False

    def _on_tamper(self, e: Tamper, at: float) -> None:
        zone = self._zone_or_reject("tamper", e.zone_id, at)
        if zone is None:
            return
        st = self._status[zone.id]
        was, st.tamper = st.tamper, e.active
        if e.active and not was:
            self._raise(AlarmKind.TAMPER, at, zone=zone)

    def _on_line_fault(self, e: LineFault, at: float) -> None:
        zone = self._zone_or_reject("line_fault", e.zone_id, at)
        if zone is None:
            return
        st = self._status[zone.id]
        was, st.fault = st.fault, e.active
        if e.active and not was:
            self._raise(AlarmKind.FAULT, at, zone=zone)
            if zone.type not in ALWAYS_ARMED and st.bypass_until is None:
                self._intrusion_trip(zone, at)  # a cut line on an armed zone is an attack too

    def _on_host_silent(self, e: HostSilent, at: float) -> None:
        if e.host_id not in self._hosts:
            self._reject("host_silent", "unknown_host", at, ((e.host_id, "unknown_host"),))
        elif self._hosts[e.host_id]:
            self._hosts[e.host_id] = False
            self._raise(AlarmKind.FAULT, at, host_id=e.host_id)

    def _on_host_back(self, e: HostBack, at: float) -> None:
        if e.host_id not in self._hosts:
            self._reject("host_back", "unknown_host", at, ((e.host_id, "unknown_host"),))
        elif not self._hosts[e.host_id]:
            self._hosts[e.host_id] = True
            zh, en = f"报警主机 {e.host_id} 通信恢复", f"alarm host {e.host_id} answers again"
            self._out.append(Notify("info", zh, en, at))

    def _on_host_power(self, e: HostPower, at: float) -> None:
        """Mains loss and low battery are fault alarms (no siren); their return is told, the alarm stays."""
        if e.host_id not in self._hosts:
            self._reject("host_power", "unknown_host", at, ((e.host_id, "unknown_host"),))
            return
        for cause, bad in (("mains", e.mains_ok is False), ("battery", e.battery_low is True)):
            known = e.mains_ok if cause == "mains" else e.battery_low
            key = (e.host_id, cause)
            if known is None or bad == (key in self._power_bad):
                continue
            if bad:
                self._power_bad.add(key)
                self._raise(AlarmKind.FAULT, at, host_id=e.host_id, cause=cause)
            else:
                self._power_bad.discard(key)
                zh, en = POWER_BACK[cause]
                self._out.append(
                    Notify("info", f"报警主机 {e.host_id} {zh}", f"alarm host {e.host_id} {en}", at)
                )

    def _not_ready(self, p: _Partition) -> tuple[tuple[str, str], ...]:
        problems = []
        for zid in p.zones:
            z, st = self._zones[zid], self._status[zid]
            if z.type in ALWAYS_ARMED or st.bypass_until is not None:
                continue
            if z.host_id and not self._hosts[z.host_id]:
                problems.append((zid, "host_offline"))
            elif st.fault:
                problems.append((zid, "zone_fault"))
            elif st.tamper:
                problems.append((zid, "zone_tamper"))
            elif st.open:
                problems.append((zid, "zone_open"))
        return tuple(problems)

    def _on_arm(self, e: Arm, at: float) -> None:
        p = self._parts.get(e.partition_id)
        if p is None:
            self._reject("arm", "unknown_partition", at, ((e.partition_id, "unknown_partition"),))
            return
        if not e.who.strip():
            self._reject("arm", "who_required", at)
            return
        if p.state != PartitionState.DISARMED:
            self._reject("arm", "already_armed", at)
            return
        problems = self._not_ready(p)
        if problems:
            codes = {c for _, c in problems}
            self._reject("arm", codes.pop() if len(codes) == 1 else "zone_not_ready", at, problems)
            return
        why = f"armed by {e.who} via {e.source.value}"
        if p.spec.exit_delay > 0:
            p.exit_deadline = at + p.spec.exit_delay
            self._set_state(p, PartitionState.ARMING, at, why, e.who)
        else:
            self._set_state(p, PartitionState.ARMED, at, why, e.who)

    def _on_disarm(self, e: Disarm, at: float) -> None:
        p = self._parts.get(e.partition_id)
        if p is None:
            self._reject("disarm", "unknown_partition", at, ((e.partition_id, "unknown_partition"),))
            return
        if e.source == Source.SCHEDULE:
            self._reject("disarm", "auto_disarm_forbidden", at)
            return
        if not e.who.strip():
            self._reject("disarm", "who_required", at)
            return
        if p.state == PartitionState.DISARMED:
            self._reject("disarm", "already_disarmed", at)
            return
        p.exit_deadline = p.entry_deadline = p.entry_zone = None
        self._set_state(p, PartitionState.DISARMED, at, f"disarmed by {e.who} via {e.source.value}", e.who)
        for a in list(self._alarms.values()):  # the person disarming has seen the intrusion alarms
            if a.partition_id == p.spec.id and a.kind == AlarmKind.INTRUSION and a.acked_at is None:
                self._ack(a, at, e.who)

    def _on_bypass(self, e: Bypass, at: float) -> None:
        zone = self._zone_or_reject("bypass", e.zone_id, at)
        if zone is None:
            return
        if not e.who.strip():
            self._reject("bypass", "who_required", at)
            return
        if not e.reason.strip():
            self._reject("bypass", "reason_required", at)
            return
        if zone.type in ALWAYS_ARMED:
            self._reject("bypass", "bypass_not_allowed", at, ((zone.id, "bypass_not_allowed"),))
            return
        if e.until <= at:
            self._reject("bypass", "bad_until", at)
            return
        if e.until - at > self.timing.max_bypass:
            self._reject("bypass", "bypass_too_long", at)
            return
        st = self._status[zone.id]
        st.bypass_until, st.bypass_who, st.bypass_reason = e.until, e.who, e.reason
        self._bypassed.add(zone.id)
        self._out.append(BypassChanged(zone.id, at, True, e.who, e.reason, e.until))

    def _on_unbypass(self, e: Unbypass, at: float) -> None:
        zone = self._zone_or_reject("unbypass", e.zone_id, at)
        if zone is None:
            return
        if not e.who.strip():
            self._reject("unbypass", "who_required", at)
            return
        st = self._status[zone.id]
        if st.bypass_until is None:
            self._reject("unbypass", "not_bypassed", at, ((zone.id, "not_bypassed"),))
            return
        st.bypass_until, st.bypass_who, st.bypass_reason = None, "", ""
        self._bypassed.discard(zone.id)
        self._out.append(BypassChanged(zone.id, at, False, e.who, "removed"))
        if st.open or st.fault:
            self._intrusion_trip(zone, at)  # no silent hole: an open zone that comes back is a trip

    def _ack(self, a: Alarm, at: float, who: str) -> None:
        self._put(dataclasses.replace(a, acked_by=who, acked_at=at))
        self._out.append(AlarmAcknowledged(a.id, at, who))

    def _on_ack(self, e: Ack, at: float) -> None:
        if not e.who.strip():
            self._reject("ack", "who_required", at)
            return
        chosen = self._select(e.alarm_id, e.partition_id)
        if chosen is None:
            self._reject("ack", "unknown_alarm", at, ((str(e.alarm_id), "unknown_alarm"),))
            return
        pending = [a for a in chosen if a.acked_at is None]
        if not pending:
            self._reject("ack", "nothing_to_ack", at)
            return
        for a in pending:
            self._ack(a, at, e.who)

    def _on_reset(self, e: Reset, at: float) -> None:
        if not e.who.strip():
            self._reject("reset", "who_required", at)
            return
        chosen = self._select(e.alarm_id, e.partition_id)
        if chosen is None:
            self._reject("reset", "unknown_alarm", at, ((str(e.alarm_id), "unknown_alarm"),))
            return
        if not chosen:
            self._reject("reset", "nothing_to_reset", at)
            return
        blocked = [a for a in chosen if self._cause_present(a)]
        for a in chosen:
            if a not in blocked:
                self._reset(a, at, e.who)
        if blocked:
            problems = tuple((a.zone_id or a.host_id or str(a.id), "cause_present") for a in blocked)
            self._reject("reset", "cause_present", at, problems)
        for p in self._parts.values():
            left = [a for a in self._alarms.values() if a.partition_id == p.spec.id]
            if p.state == PartitionState.TRIGGERED and all(a.kind != AlarmKind.INTRUSION for a in left):
                self._set_state(p, PartitionState.ARMED, at, "intrusion alarms reset", e.who)

    def _reset(self, a: Alarm, at: float, who: str) -> None:
        if a.acked_at is None:
            self._ack(a, at, who)
        del self._alarms[a.id]
        self._ends = None
        if self._latch.get((a.kind, a.zone_id, a.host_id, a.cause)) == a.id:
            del self._latch[(a.kind, a.zone_id, a.host_id, a.cause)]
        self._out.append(AlarmReset(a.id, at, who))
        if a.kind == AlarmKind.FIRE and all(x.kind != AlarmKind.FIRE for x in self._alarms.values()):
            self._out.append(RestoreEscapeDoors(a.id, at))
        zone = self._zones.get(a.zone_id or "")
        still = any(x.zone_id == a.zone_id and x.kind != AlarmKind.FAULT for x in self._alarms.values())
        if zone and zone.outputs and a.kind != AlarmKind.FAULT and not still:
            self._out.append(SetOutputs(zone.outputs, False, a.id, at))
