"""Site configuration for perimeter/: hosts, partitions, zones, safety sensors, schedules (YAML or JSON)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from perimeter import state_machine as sm

Ident = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TimingConfig(_Model):
    """Bell cut-off, re-sound interval and longest bypass, in seconds."""

    siren_seconds: float = Field(default=180.0, ge=0, le=3600, description="siren time per (re)sound")
    resound_after: float = Field(default=300.0, gt=0, le=86400, description="re-sound while not acknowledged")
    max_bypass: float = Field(default=86400.0, gt=0, le=7 * 86400, description="longest allowed bypass")


class HostConfig(_Model):
    """An alarm host: Modbus (polled; register map in docs/perimeter.md) or SCAH/1 serial (pushes reports)."""

    id: Ident
    name: str = ""
    protocol: Literal["modbus", "scah"] = "modbus"
    transport: Literal["tcp", "rtu", "serial"]
    host: str | None = None
    port: int = Field(default=502, ge=1, le=65535)
    serial_port: str | None = None
    baudrate: int = 9600
    unit_id: int = Field(default=1, ge=0, le=247)
    timeout: float = Field(default=1.0, gt=0, le=30)
    inputs: int = Field(default=16, ge=0, le=1000, description="zone inputs on the host (0: sensors only)")
    tamper_zone: str | None = Field(default=None, description="tamper zone fed by the enclosure switch")
    poll_interval: float = Field(default=0.2, gt=0, le=10)
    silent_after: float = Field(default=5.0, gt=0, le=300, description="no good poll this long → host fault")
    power_status: bool = Field(
        default=False, description="host reports mains present / battery low at DI 3002/3003 → fault alarms"
    )

    @model_validator(mode="after")
    def _link_given(self) -> HostConfig:
        if self.transport == "tcp" and not self.host:
            raise ValueError("tcp needs host / TCP 需要 host")
        if self.transport in ("rtu", "serial") and not self.serial_port:
            raise ValueError("rtu/serial needs serial_port / 需要串口")
        if (self.protocol == "scah") != (self.transport == "serial"):
            raise ValueError("protocol scah goes with transport serial / scah 协议须用 serial 传输")
        return self


class PartitionConfig(_Model):
    """A partition with its delays and siren outputs."""

    id: Ident
    name: str = ""
    exit_delay: float = Field(default=30.0, ge=0, le=600)
    entry_delay: float = Field(default=20.0, ge=0, le=600)
    siren_outputs: list[str] = Field(default_factory=list, description="relay outputs of the siren/strobe")


class MapPoint(_Model):
    """Where a zone is drawn on a site map."""

    map: str = "site"
    x: float
    y: float


class ZoneConfig(_Model):
    """A zone: its input (host + 1-based input number), type, map location and linkage."""

    id: Ident
    name: str = ""
    partition: str
    type: sm.ZoneType
    host: str | None = None
    input: int | None = Field(default=None, ge=1, le=1000, description="1-based input number on the host")
    location: MapPoint | None = None
    cameras: list[str] = Field(default_factory=list)
    outputs: list[str] = Field(default_factory=list)
    silent: bool = False

    @model_validator(mode="after")
    def _input_pair(self) -> ZoneConfig:
        if (self.host is None) != (self.input is None):
            raise ValueError("host and input go together / host 与 input 须同时给出")
        return self


class SafetySensorConfig(_Model):
    """A safety sensor read from a Modbus register, feeding a fire/safety zone."""

    id: Ident
    name: str = ""
    kind: Literal["smoke", "pressure", "current", "temperature", "leakage"]
    zone: str = Field(description="fire/safety zone raised when out of range")
    host: str
    input_register: int = Field(ge=0, le=65535, description="input register (FC4) holding the reading")
    scale: float = Field(default=1.0, description="engineering value = raw × scale")
    low: float | None = None
    high: float | None = None
    hysteresis: float = Field(default=0.0, ge=0)
    min_duration: float = Field(default=0.0, ge=0, le=600, description="seconds a condition must hold")
    max_age: float = Field(default=10.0, gt=0, le=3600, description="no valid reading this long → fault")

    @model_validator(mode="after")
    def _some_threshold(self) -> SafetySensorConfig:
        if self.low is None and self.high is None:
            raise ValueError("give low and/or high / 至少给出上限或下限")
        if self.low is not None and self.high is not None and self.high - self.low <= 2 * self.hysteresis:
            raise ValueError("high − low must exceed twice the hysteresis / 上下限间距须大于两倍回差")
        return self


class ScheduleConfig(_Model):
    """An automatic action by the clock; only `arm` is allowed (GB 50394: disarming is a person's act)."""

    partition: str
    action: Literal["arm", "disarm"] = "arm"
    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] = Field(min_length=1)
    time: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")

    @model_validator(mode="after")
    def _no_auto_disarm(self) -> ScheduleConfig:
        if self.action == "disarm":
            zh, en = sm.REASONS["auto_disarm_forbidden"]
            raise ValueError(f"{zh} / {en}")
        return self


class OutputConfig(_Model):
    """A relay output (siren, strobe, light) on a Modbus relay board (coil) or a serial relay board."""

    id: Ident
    name: str = ""
    transport: Literal["tcp", "rtu", "serial_board"]
    host: str | None = None
    port: int = Field(default=502, ge=1, le=65535)
    serial_port: str | None = None
    baudrate: int = 9600
    unit_id: int = Field(default=1, ge=0, le=247)
    first_coil: int = Field(default=0, ge=0, le=65535, description="coil of channel 1 (Modbus boards)")
    channel: int = Field(ge=1, le=256, description="1-based relay channel")

    @model_validator(mode="after")
    def _link_given(self) -> OutputConfig:
        if self.transport == "tcp" and not self.host:
            raise ValueError("tcp needs host / TCP 需要 host")
        if self.transport != "tcp" and not self.serial_port:
            raise ValueError("rtu/serial_board needs serial_port / 需要串口")
        return self


class CameraConfig(_Model):
    """A linked camera: snapshot on alarm, plus a clip of the last `clip_seconds` when > 0."""

    id: Ident
    name: str = ""
    source: str = Field(min_length=1, description="rtsp://…, http://…, USB index, video file or image folder")
    clip_seconds: float = Field(default=3.0, ge=0, le=30, description="pre-alarm clip length (0 = none)")
    clip_fps: float = Field(default=5.0, gt=0, le=25)


class SiteConfig(_Model):
    """The whole perimeter configuration of one community."""

    community: str = "default"
    timezone: str = "Asia/Shanghai"
    timing: TimingConfig = Field(default_factory=TimingConfig)
    hosts: list[HostConfig] = Field(default_factory=list)
    partitions: list[PartitionConfig] = Field(min_length=1)
    zones: list[ZoneConfig] = Field(default_factory=list)
    safety: list[SafetySensorConfig] = Field(default_factory=list)
    schedules: list[ScheduleConfig] = Field(default_factory=list)
    escape_doors: list[str] = Field(default_factory=list, description="doors access/ releases on fire")
    outputs: list[OutputConfig] = Field(default_factory=list, description="relay outputs by id")
    cameras: list[CameraConfig] = Field(default_factory=list, description="cameras by id")

    @model_validator(mode="after")
    def _cross_checks(self) -> SiteConfig:
        problems = [*_unique_ids(self), *_zone_refs(self), *_host_refs(self), *_safety_refs(self)]
        problems += _device_refs(self)
        problems += [f"schedule: unknown partition {s.partition}" for s in self.schedules if not self._p(s)]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _p(self, s: ScheduleConfig) -> bool:
        return any(p.id == s.partition for p in self.partitions)


def _unique_ids(site: SiteConfig) -> list[str]:
    out = []
    for kind, items in (("host", site.hosts), ("partition", site.partitions), ("zone", site.zones)):
        ids = [i.id for i in items]
        out += [f"duplicate {kind} id {i}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    ids = [s.id for s in site.safety]
    out += [f"duplicate safety sensor id {i}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    return out


def _zone_refs(site: SiteConfig) -> list[str]:
    parts = {p.id for p in site.partitions}
    hosts = {h.id: h for h in site.hosts}
    out: list[str] = []
    used: dict[tuple[str, int], str] = {}
    for z in site.zones:
        if z.partition not in parts:
            out.append(f"zone {z.id}: unknown partition {z.partition}")
        if z.host is None or z.input is None:
            continue
        if z.host not in hosts:
            out.append(f"zone {z.id}: unknown host {z.host}")
        elif z.input > hosts[z.host].inputs:
            out.append(f"zone {z.id}: input {z.input} > host {z.host} inputs {hosts[z.host].inputs}")
        if (z.host, z.input) in used:
            out.append(f"zone {z.id}: input {z.host}#{z.input} already used by {used[(z.host, z.input)]}")
        used[(z.host, z.input)] = z.id
    return out


def _host_refs(site: SiteConfig) -> list[str]:
    zones = {z.id: z for z in site.zones}
    out = []
    for h in site.hosts:
        if h.tamper_zone is None:
            continue
        z = zones.get(h.tamper_zone)
        if z is None or z.type != sm.ZoneType.TAMPER or z.host is not None:
            out.append(
                f"host {h.id}: tamper_zone {h.tamper_zone} must be a tamper zone without its own input"
            )
    return out


def _safety_refs(site: SiteConfig) -> list[str]:
    zones = {z.id: z for z in site.zones}
    hosts = {h.id for h in site.hosts if h.protocol == "modbus"}
    out = []
    for s in site.safety:
        z = zones.get(s.zone)
        if z is None or z.type not in (sm.ZoneType.FIRE, sm.ZoneType.SAFETY) or z.host is not None:
            out.append(f"safety {s.id}: zone {s.zone} must be a fire/safety zone without its own input")
        if s.host not in hosts:
            out.append(f"safety {s.id}: unknown Modbus host {s.host}")
    return out


def _device_refs(site: SiteConfig) -> list[str]:
    """Once a site lists its outputs/cameras, every reference to one must exist (no silent siren)."""
    out: list[str] = []
    for kind, items, used in (
        (
            "output",
            site.outputs,
            [(f"partition {p.id}", o) for p in site.partitions for o in p.siren_outputs],
        ),
        ("camera", site.cameras, []),
    ):
        ids = [i.id for i in items]
        out += [f"duplicate {kind} id {i}" for i in sorted({i for i in ids if ids.count(i) > 1})]
        if not items:
            continue
        refs = used + [
            (f"zone {z.id}", x) for z in site.zones for x in (z.outputs if kind == "output" else z.cameras)
        ]
        out += [f"{where}: unknown {kind} {x}" for where, x in refs if x not in ids]
    return out


class ConfigError(ValueError):
    """The site file is unreadable or invalid; the message names the field and, for YAML, the line."""


def load_site(path: str | Path) -> SiteConfig:
    """Load a site file (.yaml/.yml or .json)."""
    p = Path(path)
    text = p.read_text(encoding="utf-8")
    try:
        data = json.loads(text) if p.suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{p}: {exc}") from exc
    try:
        return SiteConfig.model_validate(data)
    except ValidationError as exc:
        lines = [f"{p}{_where(text, err['loc'], p.suffix)}: {err['msg']}" for err in exc.errors()]
        raise ConfigError("\n".join(lines)) from exc


def _where(text: str, loc: tuple[Any, ...], suffix: str) -> str:
    """':line N (a.b.0.c)' for a YAML location, or just the dotted path."""
    dotted = ".".join(str(x) for x in loc)
    if suffix == ".json":
        return f" ({dotted})"
    node: Any = yaml.compose(text)
    for key in loc:
        nxt = None
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if k.value == str(key)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            nxt = node.value[key]
        if nxt is None:
            break
        node = nxt
    return f":{node.start_mark.line + 1} ({dotted})" if node is not None else f" ({dotted})"


def build_machine(site: SiteConfig) -> sm.AlarmMachine:
    """The state machine for a site."""
    t = site.timing
    parts = [sm.PartitionSpec(p.id, p.name, p.exit_delay, p.entry_delay) for p in site.partitions]
    tamper_host = {h.tamper_zone: h.id for h in site.hosts if h.tamper_zone}
    sensor_host = {s.zone: s.host for s in site.safety}
    zones = [
        sm.ZoneSpec(
            z.id,
            z.partition,
            z.type,
            z.host or tamper_host.get(z.id) or sensor_host.get(z.id, ""),
            z.name,
            z.silent,
            tuple(z.cameras),
            tuple(z.outputs),
        )
        for z in site.zones
    ]
    return sm.AlarmMachine(parts, zones, sm.Timing(t.siren_seconds, t.resound_after, t.max_bypass))
