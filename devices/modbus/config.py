"""Per-device Modbus configuration: link (TCP or RTU), unit id, word/byte order, timeouts."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Order = Literal["big", "little"]


class ModbusConfig(BaseModel):
    """One Modbus device. `word_order`/`byte_order` decide how 32-bit values span two registers."""

    model_config = ConfigDict(extra="forbid")

    transport: Literal["tcp", "rtu"] = Field(description="tcp = Modbus TCP, rtu = RTU over a serial line")
    host: str | None = None
    port: int = Field(default=502, ge=1, le=65535)
    serial_port: str | None = None
    baudrate: int = 9600
    parity: Literal["N", "E", "O"] = "N"
    stopbits: Literal[1, 2] = 1
    handle_local_echo: bool = Field(default=False, description="RS-485 adapters that echo what they send")
    unit_id: int = Field(default=1, ge=0, le=247)
    word_order: Order = "big"
    byte_order: Order = "big"
    timeout: float = Field(default=1.0, gt=0)
    retries: int = Field(default=1, ge=0, le=10)

    @model_validator(mode="after")
    def _link_given(self) -> ModbusConfig:
        if self.transport == "tcp" and not self.host:
            raise ValueError("tcp needs host / TCP 需要 host")
        if self.transport == "rtu" and not self.serial_port:
            raise ValueError("rtu needs serial_port / RTU 需要串口")
        return self
