"""The console's link to the perimeter service: retained partition/zone state in, commands with acks out.

The perimeter service (`sc perimeter run`, or the one `sc demo` starts) publishes retained state on
`sc/<c>/perimeter/state/{partition,zone}/<id>`; this keeps the newest copy in memory and pushes each change
to browsers as a `perimeter` live message. Commands go to `sc/<c>/perimeter/cmd/<name>` through the console's
one command path (DeviceCommands, typed by devices/contracts/commands.py) and wait for the ack, whose result
carries the state machine's verdict (zh-CN / English).
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

from devices.bus import Ack, Transport, state_topic
from devices.contracts.commands import PERIMETER_ARGS, AlarmTargetArgs, PerimeterArgs
from property_console.device_commands import DeviceCommands, NoAnswer
from property_console.events.broadcast import Broadcaster

log = logging.getLogger(__name__)
DEVICE_ID = "perimeter"


class PerimeterLink:
    """Live state of partitions and zones, and `command()` to the perimeter service."""

    def __init__(
        self,
        transport: Transport,
        community: str,
        broadcaster: Broadcaster | None = None,
        device_id: str = DEVICE_ID,
        *,
        commands: DeviceCommands | None = None,
    ) -> None:
        self.community, self.device_id, self.broadcaster = community, device_id, broadcaster
        self.items: dict[str, dict[str, dict[str, Any]]] = {"partition": {}, "zone": {}}
        self._lock = threading.Lock()
        self.commands = commands or DeviceCommands(transport, community)
        transport.subscribe(f"{state_topic(community, device_id)}/+/+", self._on_state)

    def _on_state(self, topic: str, payload: bytes) -> None:
        kind, item = topic.rsplit("/", 2)[-2:]
        if kind not in self.items:
            return
        try:
            value = json.loads(payload) if payload else None
        except ValueError:
            log.warning("invalid perimeter state on %s", topic)
            return
        with self._lock:
            if value is None:
                self.items[kind].pop(item, None)
            else:
                self.items[kind][item] = value
        if self.broadcaster is not None and value is not None:
            self.broadcaster.publish(
                {"type": "perimeter", "perm": "perimeter:read", "data": {"kind": kind, **value}}
            )

    def view(self) -> dict[str, list[dict[str, Any]]]:
        """Partitions and zones, in id order."""
        with self._lock:
            return {
                "partitions": [v for _, v in sorted(self.items["partition"].items())],
                "zones": [v for _, v in sorted(self.items["zone"].items())],
            }

    def partition(self, partition_id: str) -> dict[str, Any] | None:
        with self._lock:
            return self.items["partition"].get(partition_id)

    def zone(self, zone_id: str) -> dict[str, Any] | None:
        with self._lock:
            return self.items["zone"].get(zone_id)

    def command(self, name: str, args: PerimeterArgs, timeout_s: float = 5.0) -> Ack:
        """Send one command (`name` in PERIMETER_ARGS) and wait for its ack; raises NoAnswer."""
        if not isinstance(args, PERIMETER_ARGS[name]):
            raise TypeError(f"{name} takes {PERIMETER_ARGS[name].__name__}")
        return self.commands.send(self.device_id, name, args, timeout_s)


def acknowledge_in_service(
    link: PerimeterLink | None, alarm_kind: str, detail: dict[str, Any], who: str
) -> None:
    """Tell the perimeter service a console user acknowledged one of its alarms (stops its re-sounding).

    Runs after the console's own acknowledgement has committed, which stays the record; a service that is
    away or refuses is logged, never an error for the user."""
    alarm_uuid = detail.get("event_id")
    if link is None or not alarm_kind.startswith("perimeter_") or not alarm_uuid:
        return
    try:
        ack = link.command("acknowledge", AlarmTargetArgs(alarm_uuid=str(alarm_uuid), who=who))
    except NoAnswer:
        log.warning("perimeter service did not answer the acknowledgement of %s", alarm_uuid)
        return
    if not ack.ok:
        log.warning("perimeter service refused the acknowledgement of %s: %s", alarm_uuid, ack.detail)
