"""Device schemas: identity is the serial number (or MAC), never the IP address."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import StringConstraints

from property_console.schemas.common import Name, PublicSchema, Schema

Kind = Literal["door", "gate", "camera", "lpr_camera", "sensor_host", "alarm_host", "relay_board"]
Serial = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z_.:-]{3,64}$")]
Mac = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_upper=True, pattern=r"^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$"
    ),
]
Host = Annotated[str, StringConstraints(strip_whitespace=True, max_length=255)]


class DeviceCreate(Schema):
    serial: Serial
    mac: Mac | None = None
    kind: Kind
    name: Name
    address_id: uuid.UUID | None = None
    host: Host | None = None
    map_x: float | None = None
    map_y: float | None = None


class DeviceUpdate(Schema):
    name: Name | None = None
    address_id: uuid.UUID | None = None
    host: Host | None = None
    map_x: float | None = None
    map_y: float | None = None


class DevicePublic(PublicSchema):
    serial: str
    mac: str | None
    kind: str
    name: str
    address_id: uuid.UUID | None
    host: str | None
    status: str
    last_seen_at: dt.datetime | None
    map_x: float | None
    map_y: float | None
