"""Staff decisions on waiting vehicles reach the gate: console broadcast → bus command `barrier` → ack.

The confirm route (routes/gates.py) stores the decision and announces ``{"type": "gate_command"}`` after
commit. ``GateCommandForwarder`` listens to those announcements in its own thread and sends the gate, on
``sc/<community>/<gate serial>/cmd/barrier``, the action, the pending event, the confirmation event id (the
gate reports the pass under that id, so it is stored once) and who confirmed. Start it next to the bus bridge.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

from sqlalchemy import Engine, select

from devices.bus import Ack, Command, CommandClient, CommandTimeout, Transport
from property_console.db import make_sessionmaker
from property_console.events import broadcaster_for
from property_console.models import Event

log = logging.getLogger(__name__)
COMMAND = "barrier"
STAFF_DECISIONS = ("staff_open", "staff_refused")


class GateCommandForwarder:
    """Turns each committed gate_command into a bus command to that gate and waits for its ack."""

    def __init__(
        self, engine: Engine, transport: Transport, community: str, *, timeout_s: float = 5.0
    ) -> None:
        self.broadcaster = broadcaster_for(engine)
        self.sessions = make_sessionmaker(engine)
        self.commands = CommandClient(transport, community)
        self.timeout_s = timeout_s
        self.acks: list[Ack] = []
        self.failed = 0
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue[dict[str, Any] | None] | None = None
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._main()), name="gate-cmd", daemon=True
        )

    def start(self) -> GateCommandForwarder:
        """Subscribe and return once announcements are being received."""
        self._thread.start()
        self._ready.wait(5)
        return self

    async def _main(self) -> None:
        sub = self.broadcaster.subscribe()
        self._loop, self._queue = sub.loop, sub.queue
        self._ready.set()
        try:
            while (message := await sub.queue.get()) is not None:
                if message.get("type") == "gate_command":
                    await asyncio.to_thread(self.forward, dict(message.get("data") or {}))
        finally:
            self.broadcaster.unsubscribe(sub)

    def command_for(self, data: dict[str, Any]) -> tuple[str, Command] | None:
        """The barrier command for one announcement, completed from the stored confirmation event."""
        serial, plate, action = data.get("device_serial"), data.get("plate"), data.get("action")
        if not serial or action not in ("open", "refuse"):
            return None
        with self.sessions() as db:
            stmt = (
                select(Event)
                .where(Event.device_serial == serial, Event.decision.in_(STAFF_DECISIONS))
                .where(Event.subject == plate if plate else Event.subject.is_(None))
                .order_by(Event.received_at.desc())
                .limit(1)
            )
            done = db.execute(stmt).scalar_one_or_none()
            detail = dict(done.detail or {}) if done is not None else {}
            args = {
                "action": action,
                "plate": plate,
                "event_id": str(done.id) if done is not None else None,
                "pending_event_id": detail.get("pending_event_id"),
                "confirmed_by": detail.get("confirmed_by"),
            }
        return str(serial), Command(name=COMMAND, args=args, timeout_s=self.timeout_s)

    def forward(self, data: dict[str, Any]) -> Ack | None:
        """Send one command; a gate that does not answer is logged (staff see it did not open)."""
        found = self.command_for(data)
        if found is None:
            return None
        serial, command = found
        try:
            ack = self.commands.send(serial, command)
        except CommandTimeout:
            self.failed += 1
            log.warning("gate %s did not acknowledge %s / 道闸未确认指令", serial, command.args.get("action"))
            return None
        self.acks.append(ack)
        return ack

    def stop(self) -> None:
        """Stop listening."""
        if self._loop is not None and self._queue is not None and not self._loop.is_closed():
            queue = self._queue
            self._loop.call_soon_threadsafe(queue.put_nowait, None)
        self._thread.join(5)
