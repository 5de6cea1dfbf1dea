"""Commands a door answers on `sc/<community>/<door>/cmd/<name>`: `fire` (perimeter linkage) and `open` (staff)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from access.controller import DoorController
from devices.bus import Ack, Command
from devices.bus.commands import CommandHandler
from devices.contracts.commands import OpenArgs, OpenResult, parse


def open_handler(controller: DoorController, lock_ok: Callable[[], bool] | None = None) -> CommandHandler:
    """Handler of `cmd/open` (OpenArgs {by, reason}): a remote opening by staff, recorded as a door pass; the
    ack is not ok when the lock relay did not switch or the arguments are bad."""

    def handle(command: Command) -> Ack:
        args = parse(OpenArgs, command)
        if isinstance(args, Ack):
            return args
        opened = controller.remote_open(time.monotonic(), datetime.now(UTC), args.by, args.reason)
        if opened and lock_ok is not None and not lock_ok():
            return Ack(command_id=command.id, ok=False, detail="lock relay did not switch / 门锁继电器未动作")
        detail = "opened" if opened else "already released (fire) / 火警状态门已常开"
        return Ack(
            command_id=command.id, ok=True, detail=detail, result=OpenResult(opened=opened).model_dump()
        )

    return handle
