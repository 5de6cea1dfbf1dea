"""The fire linkage contract (`cmd/fire`), shared by its sender (perimeter/) and its receiver (access/ doors).

GB 50396: on a fire alarm the escape-route doors are released. The perimeter service sends `cmd/fire` to each door
of the escape route and needs every door's ack; the door answers with what it did.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from devices.bus import Command, CommandClient, Transport

FIRE_COMMAND = "fire"


class FireArgs(BaseModel):
    """`cmd/fire` arguments: fire on (release) or off (restore), and why."""

    model_config = ConfigDict(extra="ignore")

    active: bool = True
    reason: str = Field(default="", max_length=200)

    @classmethod
    def of(cls, command: Command) -> FireArgs:
        """The arguments of a received command (over-long reasons are cut, not refused: a fire must pass)."""
        args = dict(command.args)
        args["reason"] = str(args.get("reason", ""))[:200]
        return cls.model_validate(args)


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
        args = FireArgs(active=active, reason=reason[:200]).model_dump()
        for door in door_ids:
            command = Command(name=FIRE_COMMAND, args=args, timeout_s=self.timeout_s)
            try:
                ack = self.commands.send(door, command)
            except TimeoutError:
                failed.append(door)
                continue
            if not ack.ok:
                failed.append(door)
        if failed:
            raise ConnectionError(f"doors did not acknowledge fire command: {', '.join(failed)}")
