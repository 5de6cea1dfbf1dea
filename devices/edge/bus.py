"""EdgeBus: one edge device's link to the community bus (outbox, presence, commands, teardown)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from devices.bus import Ack, BusClient, Command, MqttTransport, serve_commands
from devices.bus.heartbeat import Heartbeat
from devices.bus.outbox import Outbox
from devices.bus.transport import TrackedTransport
from devices.edge.settings import BusConfig

log = logging.getLogger(__name__)
OUTBOX_FILE = "bus-buffer.db"  # the old buffer's file and schema: an upgraded edge replays its old backlog

CommandHandler = Callable[[Command], Ack]


class EdgeBus:
    """Events go through the durable outbox (`events`); presence and acks go straight to the link (`direct`):
    they describe the present, and an old one replayed later would be a lie."""

    def __init__(
        self,
        transport: TrackedTransport,
        community: str,
        device_id: str,
        data_dir: Path,
        *,
        kind: str,
        keepalive: int = 15,
    ) -> None:
        self.community, self.device_id, self.kind = community, device_id, kind
        data_dir.mkdir(parents=True, exist_ok=True)
        self.transport = transport
        self.outbox = Outbox(transport, data_dir / OUTBOX_FILE)
        self.events = BusClient(self.outbox, community)
        self.direct = BusClient(transport, community)
        # online on every (re)connect and every `keepalive` s: the console shows a device it has not heard from
        # for twice that as offline (a silent cut, before the broker's will)
        self.heartbeat = Heartbeat(transport, community, device_id, keepalive_s=keepalive, kind=kind).start()
        self._closed = False

    @classmethod
    def connect(
        cls, config: BusConfig, *, community: str, device_id: str, data_dir: Path, kind: str
    ) -> EdgeBus:
        """Start an MQTT link (it keeps reconnecting) with this device's last will; do not wait for it."""
        transport = MqttTransport(config.device_settings(community, device_id)).start()
        return cls(transport, community, device_id, data_dir, kind=kind, keepalive=config.keepalive)

    def serve(self, handlers: dict[str, CommandHandler]) -> None:
        """Answer `cmd/<name>` for each handler; an unknown command is answered ok=False, never ignored."""

        def route(command: Command) -> Ack:
            handler = handlers.get(command.name)
            if handler is None:
                return Ack(
                    command_id=command.id,
                    ok=False,
                    detail=f"不支持的命令 / unknown command {command.name!r}",
                )
            return handler(command)

        serve_commands(self.transport, self.community, self.device_id, route)

    def pending(self) -> int:
        """Events on disk not yet acknowledged by the broker."""
        return self.outbox.pending()

    def close(self, flush_s: float = 2.0) -> None:
        """Announce offline (the broker sends no last will on a clean stop), give the outbox `flush_s` to
        deliver, close the link. What is undelivered stays on disk for the next start."""
        if self._closed:
            return
        self._closed = True
        self.heartbeat.stop()  # announces offline (no broker: its last will says so)
        self.outbox.flush(flush_s)
        self.outbox.stop()
