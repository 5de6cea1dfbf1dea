"""The console's bus at run time: the configured broker (or an embedded one), events in, gate commands out."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

from devices.bus import BrokerProcess, MqttSettings, MqttTransport, start_broker_process
from property_console.access_config import AccessConfigPublisher, publisher_for
from property_console.api.routes.gate_commands import GateCommandForwarder
from property_console.bus_bridge import BusBridge
from property_console.config import Settings
from property_console.runtime import Runtime

log = logging.getLogger(__name__)
SYSTEM_CA = "/etc/ssl/certs/ca-certificates.crt"


def mqtt_settings(url: str) -> MqttSettings:
    """mqtt://user:pass@host:port, or mqtts://…[?ca=/path/ca.pem] (TLS; system CA bundle by default)."""
    parts = urlsplit(url)
    ca = parse_qs(parts.query).get("ca", [SYSTEM_CA])[0]
    if parts.scheme not in ("mqtt", "mqtts") or not parts.hostname:
        raise ValueError(f"SC_MQTT_URL must look like mqtt://host:1883, got {url!r}")
    return MqttSettings(
        host=parts.hostname,
        port=parts.port or (8883 if parts.scheme == "mqtts" else 1883),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        tls_ca=ca if parts.scheme == "mqtts" else None,
        client_id="sc-console",
    )


@dataclass
class ConsoleBus:
    """What `start_bus` brought up; `stop()` tears it down in reverse order."""

    transport: MqttTransport
    bridge: BusBridge
    gate_commands: GateCommandForwarder
    broker: BrokerProcess | None = None
    url: str = field(default="")
    access_config: AccessConfigPublisher | None = None

    def stop(self) -> None:
        if self.access_config is not None:
            self.access_config.stop()
        self.gate_commands.stop()
        self.transport.stop()
        if self.broker is not None:
            self.broker.stop()


def broker_url(settings: Settings) -> tuple[str, BrokerProcess | None]:
    """The configured broker, or an embedded one started now (child process: no shared GIL with the API)."""
    if settings.mqtt_url:
        return settings.mqtt_url, None
    broker = start_broker_process("127.0.0.1", settings.mqtt_embedded_port)
    log.info("embedded MQTT broker on 127.0.0.1:%s", broker.port)
    return f"mqtt://127.0.0.1:{broker.port}", broker


def start_bus(rt: Runtime) -> ConsoleBus:
    url, broker = broker_url(rt.settings)
    transport = MqttTransport(mqtt_settings(url)).start()
    transport.wait_connected()
    bridge = BusBridge(transport, rt.settings.community_code, rt.sessions).start()
    forwarder = GateCommandForwarder(rt.engine, transport, rt.settings.community_code).start()
    access = publisher_for(rt.engine).attach(transport, rt.settings.community_code).watch(rt.engine)
    log.info("bus connected at %s (community %s)", url.split("@")[-1], rt.settings.community_code)
    return ConsoleBus(transport, bridge, forwarder, broker, url, access)
