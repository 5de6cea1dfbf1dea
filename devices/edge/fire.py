"""The fire linkage (`cmd/fire`, contract in devices/contracts/commands.py): the sender side for perimeter/.

GB 50396: on a fire alarm the escape-route doors are released. The perimeter service sends `cmd/fire` to each door
of the escape route and needs every door's ack; the door answers with what it did.
"""

from __future__ import annotations

from collections.abc import Sequence

from devices.bus import CommandClient, Transport
from devices.contracts.commands import FIRE, FireArgs, command

FIRE_COMMAND = FIRE
__all__ = ["FIRE_COMMAND", "BusEscapeDoors", "FireArgs"]


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
        args = FireArgs(active=active, reason=reason[:200])
        for door in door_ids:
            try:
                ack = self.commands.send(door, command(FIRE, args, self.timeout_s))
            except TimeoutError:
                failed.append(door)
                continue
            if not ack.ok:
                failed.append(door)
        if failed:
            raise ConnectionError(f"doors did not acknowledge fire command: {', '.join(failed)}")
