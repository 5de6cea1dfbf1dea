"""Run the console with uvicorn, plus the embedded services `sc demo` and `sc serve` bring up."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Any

import uvicorn
from sqlalchemy import Engine

from devices.children import stop_all
from devices.lifecycle import exit_on_signals, route_signals
from devices.net import PortInUse, ensure_port_free
from property_console.api.app import create_app
from property_console.api.services import services_of
from property_console.bus_service import ConsoleBus, start_bus
from property_console.events import broadcaster_for, stop_relay
from property_console.runtime import Runtime
from property_console.uplink.service import start_uplink
from property_console.uplink.settings import UplinkSettings


class StreamClosingServer(uvicorn.Server):
    """Ends the browsers' live event streams first, so stopping does not wait on open dashboards."""

    def __init__(self, config: uvicorn.Config, engine: Engine) -> None:
        super().__init__(config)
        self.engine = engine

    async def shutdown(self, sockets: Any = None) -> None:
        broadcaster_for(self.engine).close()
        stop_relay(self.engine)  # the cross-worker relay thread (events/relay.py)
        await super().shutdown(sockets)


def run(
    rt: Runtime,
    host: str,
    port: int,
    uplink: UplinkSettings | None = None,
    services: Sequence[Callable[[ConsoleBus], Callable[[], None]]] = (),
) -> None:
    """`services` start after the bus (e.g. the demo's perimeter service) and return their stop function.

    SIGTERM and SIGINT stop everything started here, children included (devices/lifecycle.py); a port already
    taken ends the process with one line naming it (SystemExit), before anything starts.
    """
    exit_on_signals()
    try:
        ensure_port_free(host, port, "HTTP")
        with contextlib.ExitStack() as started:
            _serve(rt, host, port, uplink, services, started)
    except PortInUse as exc:
        raise SystemExit(str(exc)) from None
    finally:
        stop_all()  # any child a component left behind


def _serve(
    rt: Runtime,
    host: str,
    port: int,
    uplink: UplinkSettings | None,
    services: Sequence[Callable[[ConsoleBus], Callable[[], None]]],
    started: contextlib.ExitStack,
) -> None:
    app = create_app(rt.settings, rt.engine)
    bus = start_bus(rt)  # SC_MQTT_URL, or an embedded broker: device events in, gate commands out
    started.callback(bus.stop)
    services_of(app).attach_bus(bus.transport)  # door open, perimeter, gate confirm: one command path
    for start in services:
        started.callback(start(bus))
    worker = start_uplink(rt, app, uplink)  # district uplink when SC_UPLINK_URL (or `uplink`) is set
    if worker is not None:
        started.callback(worker.stop)
    config = uvicorn.Config(app, host=host, port=port, log_level="info", timeout_graceful_shutdown=3)
    server = StreamClosingServer(config, rt.engine)
    route_signals(server.handle_exit)  # uvicorn re-raises a stop signal after its shutdown: it lands here
    server.run()
