"""Embedded MQTT broker (amqtt) for `sc demo` / `sc serve`; production uses Mosquitto."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from devices._loop import LoopThread
from devices.net import ensure_port_free, free_port

DEFAULT_PORT = 1884
log = logging.getLogger(__name__)


@dataclass
class BrokerHandle:
    """A running embedded broker; call `stop()` when done."""

    host: str
    port: int
    _loop: LoopThread
    _broker: Any

    def stop(self) -> None:
        """Shut the broker down and end its thread."""
        try:
            self._loop.run(self._broker.shutdown(), timeout=10)
        finally:
            self._loop.close()


def _config(host: str, port: int) -> dict[str, Any]:
    return {
        "listeners": {"default": {"type": "tcp", "bind": f"{host}:{port}", "max_connections": 1000}},
        "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}},
    }


def start_embedded_broker(host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> BrokerHandle:
    """Start amqtt on host:port in a background thread (port 0: any free port); anonymous; PortInUse if taken."""
    from amqtt.broker import Broker

    port = port or free_port(host)
    ensure_port_free(host, port, "MQTT")
    for name in ("amqtt", "transitions"):
        logging.getLogger(name).setLevel(logging.ERROR)
    loop = LoopThread("amqtt-broker")

    async def boot() -> Any:
        broker = Broker(_config(host, port))
        await broker.start()
        return broker

    try:
        broker = loop.run(boot(), timeout=15)
    except Exception:
        loop.close()
        raise
    log.info("embedded MQTT broker on %s:%d / 内置 MQTT 代理已启动", host, port)
    return BrokerHandle(host, port, loop, broker)
