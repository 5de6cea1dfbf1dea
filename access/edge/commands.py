"""Commands a door answers on `sc/<community>/<door>/cmd/<name>`: `fire` (perimeter linkage) and `open` (staff)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from access.controller import DoorController
from devices.bus import Ack, Command
from devices.bus.commands import CommandHandler


def open_handler(controller: DoorController, lock_ok: Callable[[], bool] | None = None) -> CommandHandler:
    """Handler of `cmd/open {by, reason}`: a remote opening by staff, recorded as a door pass; the ack is not
    ok when the lock relay did not switch."""

    def handle(command: Command) -> Ack:
        by = str(command.args.get("by", ""))[:64] or "console"
        reason = str(command.args.get("reason", ""))[:200]
        opened = controller.remote_open(time.monotonic(), datetime.now(UTC), by, reason)
        if opened and lock_ok is not None and not lock_ok():
            return Ack(command_id=command.id, ok=False, detail="lock relay did not switch / 门锁继电器未动作")
        detail = "opened" if opened else "already released (fire) / 火警状态门已常开"
        return Ack(command_id=command.id, ok=True, detail=detail, result={"opened": opened})

    return handle
