"""Fire linkage over the bus: perimeter/ sends `cmd/fire {active, reason}` to each escape-route door."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from access.edge.inputs import FireSources
from devices.bus import Ack, Command, CommandClient, Transport
from devices.bus.commands import CommandHandler


def fire_handler(
    fire: FireSources,
    *,
    escape_route: bool = True,
    released: Callable[[], bool] | None = None,
    lock_ok: Callable[[], bool] | None = None,
) -> CommandHandler:
    """Handler of `cmd/fire {active, reason}`: switches the perimeter fire source of this door.

    The ack says what the door did: `result.released` is the door's fire mode afterwards (still released when
    the local fire input is on); a door that is not on an escape route refuses (ok false) and stays locked;
    `lock_ok()` false (the lock relay did not switch; it is re-tried on every command) makes the ack ok false,
    so the sender (BusEscapeDoors) reports the door.
    """

    def handle(command: Command) -> Ack:
        if not escape_route:
            return Ack(command_id=command.id, ok=False, detail="not an escape-route door / 非疏散通道门")
        active = bool(command.args.get("active", True))
        fire.set("perimeter", active, str(command.args.get("reason", ""))[:200])
        now_released = released() if released is not None else active
        state = "released" if now_released else "restored"
        result = {"fire": active, "released": now_released}
        if lock_ok is not None and not lock_ok():
            return Ack(command_id=command.id, ok=False, detail="lock relay did not switch / 门锁继电器未动作")
        return Ack(command_id=command.id, ok=True, detail=state, result=result)

    return handle


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
