"""The door's side of the fire linkage: `cmd/fire` (devices/edge/fire.py) switches its perimeter fire source."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import ValidationError

from access.edge.inputs import FireSources
from devices.bus import Ack, Command
from devices.bus.commands import CommandHandler
from devices.contracts.commands import FireArgs, FireResult, bad_arguments


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
        try:
            args = FireArgs.of(command)
        except ValidationError as exc:
            return Ack(command_id=command.id, ok=False, detail=bad_arguments(exc))
        active = args.active
        fire.set("perimeter", active, args.reason)
        now_released = released() if released is not None else active
        state = "released" if now_released else "restored"
        result = FireResult(fire=active, released=now_released).model_dump()
        if lock_ok is not None and not lock_ok():
            return Ack(command_id=command.id, ok=False, detail="lock relay did not switch / 门锁继电器未动作")
        return Ack(command_id=command.id, ok=True, detail=state, result=result)

    return handle
