"""Commands with acknowledgements and timeouts: `CommandClient.send()` and `serve_commands()`."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable

from pydantic import ValidationError

from devices.bus import topics
from devices.bus.models import Ack, Command
from devices.bus.transport import Transport

log = logging.getLogger(__name__)

CommandHandler = Callable[[Command], Ack]


class CommandTimeout(TimeoutError):
    """No acknowledgement arrived within the command's timeout."""


class CommandClient:
    """Sends commands to devices of one community and waits for their acks."""

    def __init__(self, transport: Transport, community: str) -> None:
        self.transport = transport
        self.community = community
        self._waiting: dict[uuid.UUID, tuple[threading.Event, list[Ack]]] = {}
        self._lock = threading.Lock()
        transport.subscribe(topics.ack_topic(community, "+", "+"), self._on_ack)

    def _on_ack(self, topic: str, payload: bytes) -> None:
        try:
            ack = Ack.model_validate_json(payload)
        except ValidationError:
            log.warning("invalid ack on %s", topic)
            return
        with self._lock:
            slot = self._waiting.get(ack.command_id)
        if slot is not None:
            slot[1].append(ack)
            slot[0].set()

    def send(self, device_id: str, command: Command) -> Ack:
        """Publish the command and wait up to `command.timeout_s`; raises CommandTimeout."""
        done: threading.Event = threading.Event()
        box: list[Ack] = []
        with self._lock:
            self._waiting[command.id] = (done, box)
        try:
            topic = topics.cmd_topic(self.community, device_id, command.name)
            self.transport.publish(topic, command.to_bytes())
            if not done.wait(command.timeout_s):
                raise CommandTimeout(f"{device_id}/{command.name} not acknowledged in {command.timeout_s}s")
            return box[0]
        finally:
            with self._lock:
                self._waiting.pop(command.id, None)


def serve_commands(transport: Transport, community: str, device_id: str, handler: CommandHandler) -> None:
    """Device side: run `handler` for each command addressed to `device_id` and publish its ack."""

    def on_command(topic: str, payload: bytes) -> None:
        if topic.endswith("/ack"):
            return
        try:
            command = Command.model_validate_json(payload)
        except ValidationError as exc:
            log.warning("invalid command on %s: %s", topic, exc.errors()[:1])
            return
        try:
            ack = handler(command)
        except Exception as exc:
            log.exception("command %s failed", command.name)
            ack = Ack(command_id=command.id, ok=False, detail=f"error: {exc}")
        transport.publish(topics.ack_topic(community, device_id, command.name), ack.to_bytes())

    transport.subscribe(topics.cmd_topic(community, device_id, "+"), on_command)
