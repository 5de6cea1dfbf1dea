"""The console's one command path: route → `DeviceCommands.send` → bus `cmd/<name>` → the device's ack.

Door open, perimeter commands and gate confirmations all go this way, with arguments typed by the contract
(devices/contracts/commands.py). A device that does not answer in time raises `NoAnswer` (504, zh-CN + English);
a console without a bus has no DeviceCommands and the routes answer 503 (`ConsoleServices.require_commands`).
Routes commit their transaction before sending: never hold the database (SQLite's write lock) while waiting.
"""

from __future__ import annotations

from devices.bus import Ack, CommandClient, CommandTimeout, Transport
from devices.contracts.commands import CommandArgs, command
from property_console.errors import DomainError, FieldError

TIMEOUT_S = 5.0


class NoAnswer(DomainError):
    """The device did not acknowledge within the timeout."""

    status_code = 504

    @classmethod
    def device(cls, device_id: str, name: str) -> NoAnswer:
        return cls(
            FieldError(
                "device.timeout",
                f"设备 {device_id} 未响应指令 {name}，请重试",
                f"Device {device_id} did not answer {name}",
            )
        )


class DeviceCommands:
    """Typed commands to the devices of one community, each waiting for its ack."""

    def __init__(self, transport: Transport, community: str) -> None:
        self.community = community
        self.client = CommandClient(transport, community)

    def send(self, device_id: str, name: str, args: CommandArgs, timeout_s: float = TIMEOUT_S) -> Ack:
        """The device's ack (ok or refused); raises NoAnswer when none came within `timeout_s`."""
        try:
            return self.client.send(device_id, command(name, args, timeout_s))
        except CommandTimeout:
            raise NoAnswer.device(device_id, name) from None


def offline(code: str, zh: str, en: str) -> DomainError:
    """The 503 of a console with no device bus."""
    return DomainError.one(code, zh, en, status_code=503)
