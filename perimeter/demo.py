"""The perimeter part of `sc demo`: simulated host, cameras and relay board, and the perimeter service.

The host simulator is started on the site's address unless something already listens there; so a person
who runs `sc sim perimeter` first (interactive: trip/restore zones by hand) gets the demo polling it.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from pathlib import Path

from devices.bus import MqttTransport
from devices.camera import CameraSimulator
from devices.edge import BusConfig, EdgeBus
from devices.modbus import PerimeterHostSimulator
from devices.net import free_port
from devices.relay_sim import ModbusRelayBoardSimulator
from perimeter.config import SiteConfig, load_site
from perimeter.service import PerimeterService

log = logging.getLogger(__name__)
DEMO_SITE = Path(__file__).resolve().parent / "sites" / "demo.yaml"


def listening(host: str, port: int) -> bool:
    """Whether something accepts TCP connections at host:port."""
    try:
        with socket.create_connection((host, port), timeout=0.3):
            return True
    except OSError:
        return False


def simulated_site(site: SiteConfig, community: str, stops: list[Callable[[], None]]) -> SiteConfig:
    """The site with its cameras and relay outputs pointed at simulators started now (loopback, free ports)."""
    cams = []
    for c in site.cameras:
        sim = CameraSimulator(None, fps=5).start()
        stops.append(sim.stop)
        cams.append(c.model_copy(update={"source": sim.url}))
    outputs = []
    if site.outputs:
        port = free_port()
        board = ModbusRelayBoardSimulator(max(o.channel for o in site.outputs)).start_tcp("127.0.0.1", port)
        stops.append(board.stop)
        outputs = [o.model_copy(update={"host": "127.0.0.1", "port": port}) for o in site.outputs]
    return site.model_copy(update={"community": community, "cameras": cams, "outputs": outputs})


def start_demo(
    transport: MqttTransport,
    community: str,
    site_path: Path = DEMO_SITE,
    data_dir: Path = Path("var/demo/perimeter"),
) -> Callable[[], None]:
    """Start simulators and the service on `transport`; return the function that stops them all."""
    stops: list[Callable[[], None]] = []
    site = load_site(site_path)
    for h in site.hosts:
        if h.protocol != "modbus" or h.transport != "tcp" or h.host is None:
            continue
        if listening(h.host, h.port):
            log.info("perimeter host %s: using the simulator already at %s:%s", h.id, h.host, h.port)
            continue
        sim = PerimeterHostSimulator(h.inputs).start_tcp(h.host, h.port)
        stops.append(sim.stop)
    b = transport.settings
    bus = BusConfig(url=b.url, username=b.username, password=b.password, ca=b.tls_ca)
    # its own link and outbox, as a real perimeter box has
    edge = EdgeBus.connect(
        bus, community=community, device_id="perimeter", data_dir=data_dir, kind="perimeter"
    )
    stops.append(edge.close)
    service = PerimeterService(simulated_site(site, community, stops), edge).start()
    stops.append(service.stop)

    def stop_all() -> None:
        for stop in reversed(stops):
            try:
                stop()
            except Exception:
                log.exception("perimeter demo: stop failed")

    return stop_all
