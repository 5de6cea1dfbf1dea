"""Fire linkage over the bus: perimeter/ sends `cmd/fire {active, reason}` to each escape-route door."""

from __future__ import annotations

from collections.abc import Sequence

from access.edge.inputs import FireSources
from devices.bus import Ack, Command, CommandClient, Transport, serve_commands


def serve_fire_command(transport: Transport, community: str, door_id: str, fire: FireSources) -> None:
    """Answer `sc/<community>/<door>/cmd/fire`: active true/false switches the perimeter fire source."""

    def handle(command: Command) -> Ack:
        if command.name != "fire":
            return Ack(command_id=command.id, ok=False, detail=f"unknown command {command.name}")
        active = bool(command.args.get("active", True))
        fire.set("perimeter", active)
        state = "released" if active else "restored"
        return Ack(command_id=command.id, ok=True, detail=state, result={"fire": active})

    serve_commands(transport, community, door_id, handle)


class BusEscapeDoors:
    """perimeter.linkage.EscapeDoors over the bus: each door gets `cmd/fire` and must ack it."""

    def __init__(self, transport: Transport, community: str, timeout_s: float = 3.0) -> None:
        self.commands = CommandClient(transport, community)
        self.timeout_s = timeout_s

    def release(self, door_ids: Sequence[str], *, reason: str) -> None:
        """Release every door; raises after trying all of them if any did not acknowledge."""
        self.set(door_ids, True, reason)

    def restore(self, door_ids: Sequence[str], *, reason: str) -> None:
        """End fire mode on every door."""
        self.set(door_ids, False, reason)

    def set(self, door_ids: Sequence[str], active: bool, reason: str) -> None:
        """Send the fire command to each door."""
        failed = []
        for door in door_ids:
            command = Command(
                name="fire", args={"active": active, "reason": reason}, timeout_s=self.timeout_s
            )
            try:
                ack = self.commands.send(door, command)
            except TimeoutError:
                failed.append(door)
                continue
            if not ack.ok:
                failed.append(door)
        if failed:
            raise ConnectionError(f"doors did not acknowledge fire command: {', '.join(failed)}")
