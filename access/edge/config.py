"""door.yaml: one door process — camera, lock and lamps, door/fire inputs, bus, console sync, local data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from devices.edge import BusConfig
from devices.modbus import ModbusConfig


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RelayConfig(_Strict):
    """Relay board: Modbus coils (`modbus`) or an LCUS serial board (`serial_port`); channels from 1."""

    modbus: ModbusConfig | None = None
    first_coil: int = 0
    serial_port: str | None = None
    lock_channel: int = Field(default=1, ge=1)
    green_channel: int | None = Field(default=None, ge=1)
    red_channel: int | None = Field(default=None, ge=1)


class InputsConfig(_Strict):
    """Door contact and fire input: Modbus discrete inputs or zones of a serial alarm host."""

    modbus: ModbusConfig | None = None
    contact_address: int = 0
    contact_open_value: bool = True
    fire_address: int | None = None
    interval_s: float = Field(default=0.2, gt=0)
    alarm_host_port: str | None = None
    contact_zone: int = 1
    fire_zone: int | None = None


class ConsoleConfig(_Strict):
    """Console sync as a `door`-role user (`sc users create <door> --role door`); polled, and refreshed on the retained config topic `access`."""

    url: str
    username: str
    password: str
    interval_s: float = Field(default=60.0, gt=0)


class DoorProcessConfig(_Strict):
    """Everything one door process needs."""

    door_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    community: str = "C0001"
    address_code: str | None = Field(default=None, description="Address served; default: from the console")
    escape_route: bool = True
    data_dir: Path = Path("var/door")
    timezone: str = "Asia/Shanghai"
    access_config: Path | None = Field(default=None, description="AccessConfig JSON (engine, thresholds)")
    camera: str = Field(description="rtsp://…, http://…/stream.mjpg, a USB index, a video file or a folder")
    unlock_s: float = Field(default=3.0, gt=0)
    debounce_s: float = Field(default=5.0, gt=0)
    held_open_s: float = Field(default=30.0, gt=0)
    liveness: bool = False
    qr_passes: bool = True
    espeak: bool = True
    terminal_commands: bool = Field(default=True, description="Also send light/say as bus commands")
    terminal_id: str | None = Field(
        default=None, description="Device id of the door terminal (<door_id>.panel)"
    )
    relay: RelayConfig | None = None
    inputs: InputsConfig | None = None
    bus: BusConfig | None = None
    console: ConsoleConfig | None = None

    @classmethod
    def load(cls, path: str | Path) -> DoorProcessConfig:
        """Read and validate a YAML file."""
        data: Any = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        return cls.model_validate(data)
