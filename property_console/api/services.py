"""The console's services, typed: built once by the composer (create_app, then `attach_bus` where there is a bus).

Routes get them with the `Services` dependency (or `services_of(app)` outside a request) instead of reading
untyped attributes of `app.state`; the only attribute the console keeps there is `app.state.services`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, FastAPI, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from devices.bus import Transport
from property_console.config import Settings
from property_console.device_commands import DeviceCommands, offline
from property_console.events import broadcaster_for
from property_console.perimeter_link import PerimeterLink

if TYPE_CHECKING:
    from property_console.uplink.delivery import UplinkWorker


@dataclass
class ConsoleServices:
    """What the routes use: settings, database, and (with a bus) device commands and the perimeter link."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    commands: DeviceCommands | None = None
    perimeter: PerimeterLink | None = None
    uplink: UplinkWorker | None = None

    def attach_bus(self, transport: Transport) -> ConsoleServices:
        """Commands (door open, perimeter, gate confirm) and the perimeter's live state over `transport`."""
        community = self.settings.community_code
        self.commands = DeviceCommands(transport, community)
        self.perimeter = PerimeterLink(
            transport, community, broadcaster_for(self.engine), commands=self.commands
        )
        return self

    def require_commands(self) -> DeviceCommands:
        """The command path, or 503 when this console has no device bus."""
        if self.commands is None:
            raise offline("device.offline", "设备总线未连接", "Device bus not connected")
        return self.commands


def services_of(app: FastAPI) -> ConsoleServices:
    """The app's services (set by create_app)."""
    found: ConsoleServices = app.state.services
    return found


def get_services(request: Request) -> ConsoleServices:
    return services_of(request.app)


Services = Annotated[ConsoleServices, Depends(get_services)]
