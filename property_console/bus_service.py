"""The console's bus at run time: the configured broker (or an embedded one), events in (commands out: ConsoleServices)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from devices.bus import BrokerProcess, MqttSettings, MqttTransport, start_broker_process
from property_console.access_config import AccessConfigPublisher, publisher_for
from property_console.bus_bridge import BusBridge
from property_console.config import Settings
from property_console.runtime import Runtime

log = logging.getLogger(__name__)


def mqtt_settings(url: str) -> MqttSettings:
    """The console's broker settings from SC_MQTT_URL (see MqttSettings.from_url): a persistent session under a
    stable client id, so the broker keeps what edges send while the console is away (restarts, crashes)."""
    try:
        return MqttSettings.from_url(url, client_id="sc-console", clean_session=False)
    except ValueError as exc:
        raise ValueError(f"SC_MQTT_URL: {exc}") from exc


@dataclass
class ConsoleBus:
    """What `start_bus` brought up; `stop()` tears it down in reverse order."""

    transport: MqttTransport
    bridge: BusBridge
    broker: BrokerProcess | None = None
    url: str = field(default="")
    access_config: AccessConfigPublisher | None = None

    def stop(self) -> None:
        if self.access_config is not None:
            self.access_config.stop()
        self.bridge.stop()
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
    settings = mqtt_settings(url).model_copy(
        update={"client_id": f"sc-console-{rt.settings.community_code}"[:64]}
    )
    transport = MqttTransport(settings)
    bridge = BusBridge(
        transport, rt.settings.community_code, rt.sessions
    ).start()  # subscribed before connecting
    transport.start()
    transport.wait_connected()
    access = publisher_for(rt.engine).attach(transport, rt.settings.community_code).watch(rt.engine)
    log.info("bus connected at %s (community %s)", url.split("@")[-1], rt.settings.community_code)
    return ConsoleBus(transport, bridge, broker, url, access)
