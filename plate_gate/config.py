"""The gate's YAML configuration (``sc gate run --config gate.yaml``), validated with line-free pydantic models."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from devices.edge import BusConfig
from plate_gate.barrier import BarrierTiming
from plate_gate.decision import Direction, GateRules, TemporaryPolicy


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RelayConfig(_Strict):
    """Barrier relay: Modbus coils (TCP/RTU), an LCUS serial board, or the built-in simulator."""

    kind: Literal["modbus", "serial", "sim"] = "sim"
    host: str | None = None
    port: int = 502
    serial_port: str | None = None
    unit_id: int = 1
    open_channel: int = Field(default=1, ge=1)
    close_channel: int | None = Field(default=None, ge=1, description="none: the open contact is held")


class LoopConfig(_Strict):
    """Loop/radar detector: a Modbus discrete input, or simulated."""

    kind: Literal["modbus", "sim"] = "sim"
    host: str | None = None
    port: int = 502
    serial_port: str | None = None
    unit_id: int = 1
    address: int = 0
    active_high: bool = True


class RulesConfig(_Strict):
    temporary_policy: TemporaryPolicy = TemporaryPolicy.OPEN_AND_CHARGE
    monthly_warn_days: int = 7
    monthly_grace_days: int = 0
    duplicate_window_s: float = Field(default=60.0, ge=0)
    fuzzy_max_mismatch: int = 1

    def rules(self) -> GateRules:
        return GateRules(
            self.temporary_policy,
            self.monthly_warn_days,
            self.monthly_grace_days,
            timedelta(seconds=self.duplicate_window_s),
            self.fuzzy_max_mismatch,
        )


class ConsoleConfig(_Strict):
    """Where to sync lists from, as a system-role user."""

    url: str
    username: str
    password: str
    interval_s: float = Field(default=30.0, gt=0)


class PushConfig(_Strict):
    """Receiver for a real LPR camera's HTTP push (POST /lpr/push)."""

    host: str = "0.0.0.0"
    port: int = 8088


class GateConfig(_Strict):
    """One lane: the gate's serial (its bus device id), car park, direction, devices, console, bus."""

    community: str = Field(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")
    gate: str = Field(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")
    car_park: str
    direction: Direction = Direction.ENTRY
    capacity: int = Field(default=100, ge=0, description="used until the first sync")
    timezone: str = "Asia/Shanghai"
    data_dir: Path = Path("var/gate")
    capture_days: float = Field(
        default=0,
        ge=0,
        description="days the gate keeps pass captures on its own disk for local review; 0 keeps none once the "
        "pass is on the bus (the console keeps it until the district cloud acknowledges it). A lane without "
        "a bus keeps them, as its only record, for these days (0: for good).",
    )
    camera: str | None = Field(default=None, description="rtsp/http URL, USB index, video file or folder")
    push: PushConfig | None = None
    relay: RelayConfig = Field(default_factory=RelayConfig)
    loop: LoopConfig = Field(default_factory=LoopConfig)
    pulse_s: float = Field(default=0.5, gt=0)
    auto_close_s: float = Field(default=30.0, gt=0)
    rules: RulesConfig = Field(default_factory=RulesConfig)
    console: ConsoleConfig | None = None
    bus: BusConfig | None = None

    def timing(self) -> BarrierTiming:
        return BarrierTiming(self.pulse_s, self.auto_close_s)


def load_config(path: str | Path) -> GateConfig:
    """Read and validate the YAML file."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return GateConfig.model_validate(data)
