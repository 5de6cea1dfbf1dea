"""The gate process core: a read → decision → barrier → local record → bus event; staff confirmations."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from devices.bus import Ack, BusClient, Command
from devices.contracts.commands import BARRIER, BarrierArgs, BarrierResult, parse
from plate_gate.barrier import Barrier
from plate_gate.capture import capture_jpeg
from plate_gate.decision import Action, Decision, Direction, GateDecider, GateRules
from plate_gate.pass_events import GatePass, alarm_event
from plate_gate.store import LocalGateStore

log = logging.getLogger(__name__)
BARRIER_COMMAND = BARRIER


@dataclass(frozen=True)
class VehicleRead:
    """A plate agreed on for one vehicle: by our camera pipeline (voted over frames) or a pushing camera."""

    plate: str
    color: str = "unknown"
    score: float = 1.0
    frames: int = 1
    source: str = "camera"
    image_jpeg: bytes | None = None
    frame: np.ndarray | None = field(default=None, repr=False, compare=False)
    """The best frame, encoded to ``image_jpeg`` only after the barrier has been told to open."""

    def jpeg(self) -> bytes | None:
        """The capture image: the pushed JPEG, or the best frame encoded now."""
        if self.image_jpeg is None and self.frame is not None:
            return capture_jpeg(self.frame)
        return self.image_jpeg


@dataclass(frozen=True)
class Lane:
    """Where this process stands: the gate's device serial (its bus id), car park and direction."""

    gate: str
    car_park: str
    direction: Direction


@dataclass(frozen=True)
class Outcome:
    """What the process did with one read."""

    decision: Decision
    opened: bool
    relay_ms: float | None
    event_id: uuid.UUID | None


class GateProcess:
    """Decides from the local store, actuates, records and publishes; one read at a time."""

    def __init__(
        self,
        lane: Lane,
        store: LocalGateStore,
        barrier: Barrier,
        bus: BusClient | None,
        *,
        rules: GateRules | None = None,
        clock: Callable[[], datetime],
        captures: Path | None = None,
        capture_days: float = 0,
    ) -> None:
        self.lane = lane
        self.store = store
        self.barrier = barrier
        self.bus = bus
        self.clock = clock
        self.captures = captures
        self.capture_days = capture_days
        self._pruned_at: datetime | None = None
        self.decider = GateDecider(store, rules or GateRules(), clock)
        self.pending: dict[str, Decision] = {}
        self.outcomes: list[Outcome] = []
        self._lock = threading.Lock()

    def handle(self, read: VehicleRead) -> Outcome:
        """Decide one vehicle; a duplicate read re-opens for an open decision but records nothing new."""
        with self._lock:
            decided_at = time.perf_counter()
            decision = self.decider.decide(
                read.plate, self.lane.gate, self.lane.car_park, self.lane.direction
            )
            relay_ms = self._actuate(decision, decided_at)
            if decision.duplicate:
                outcome = Outcome(decision, decision.action is Action.OPEN, relay_ms, None)
            else:
                record = GatePass(
                    decision, self.clock(), read.color, read.score, read.frames, read.source,
                    read.jpeg(), relay_ms=relay_ms,
                )  # fmt: skip
                self._remember(decision)
                self._publish(record)
                outcome = Outcome(decision, decision.action is Action.OPEN, relay_ms, record.event_id)
            self.outcomes.append(outcome)
            return outcome

    def _actuate(self, decision: Decision, decided_at: float) -> float | None:
        if decision.action is not Action.OPEN:
            return None
        self.barrier.open()
        relay_ms = (time.perf_counter() - decided_at) * 1000
        log.info("%s %s: decision → relay %.1f ms / 决策到继电器", self.lane.gate, decision.plate, relay_ms)
        return relay_ms

    def _remember(self, decision: Decision) -> None:
        self.store.record_pass(self.decider.pass_record(decision))
        if decision.action is Action.OPEN:
            self._move(decision)

    def _move(self, decision: Decision) -> None:
        if decision.direction is Direction.EXIT:
            self.store.record_exit(decision.plate, decision.car_park)
            return
        presence = self.decider.presence(decision)
        if presence is not None:
            self.store.record_entry(presence, decision.reservation_id)

    def _publish(self, record: GatePass) -> None:
        self.store.log_pass(
            {
                "event_id": str(record.event_id),
                "at": record.at.isoformat(),
                "gate": self.lane.gate,
                "direction": record.decision.direction.value,
                "plate": record.decision.plate,
                "color": record.color,
                "action": record.decision.action.value,
                "reason": record.decision.reason,
                "confirmed_by": record.confirmed_by,
                "image": self._keep_image(record),
                "relay_ms": record.relay_ms,
            }
        )
        if record.decision.action is Action.STAFF and record.confirmed_by is None:
            self.pending[str(record.event_id)] = record.decision
        if self.bus is None:
            return
        self.bus.publish_event(record.event(self.lane.gate))
        if record.decision.alarm:
            self.bus.publish_event(alarm_event(record, self.lane.gate))

    def _keep_image(self, record: GatePass) -> str | None:
        """Write the capture next to the pass log (``captures/<event id>.jpg``); its path, or None."""
        if record.image_jpeg is None or self.captures is None:
            return None
        self.captures.mkdir(parents=True, exist_ok=True)
        path = self.captures / f"{record.event_id}.jpg"
        path.write_bytes(record.image_jpeg)
        self.prune_captures(record.at)
        return str(path)

    def prune_captures(self, now: datetime) -> None:
        """Delete the captures older than ``capture_days`` (at most once an hour; 0 days: keep them)."""
        if not self.capture_days or (self._pruned_at and now - self._pruned_at < timedelta(hours=1)):
            return
        self._pruned_at = now
        for path in self.store.forget_images((now - timedelta(days=self.capture_days)).isoformat()):
            Path(path).unlink(missing_ok=True)

    def confirm(self, command: Command) -> Ack:
        """A staff decision from the console (`cmd/barrier`, BarrierArgs): open or refuse the waiting vehicle."""
        args = parse(BarrierArgs, command)
        if isinstance(args, Ack):
            return args
        with self._lock:
            waiting = self.pending.pop(str(args.pending_event_id), None) if args.pending_event_id else None
            plate = args.plate or (waiting.plate if waiting else "")
            if waiting is None:
                lane = self.lane
                waiting = Decision(
                    Action.STAFF, "staff", plate, lane.direction, lane.gate, lane.car_park, "", ""
                )
            opened = args.action == "open"
            decided_at = time.perf_counter()
            decision = replace(
                waiting,
                action=Action.OPEN if opened else Action.REFUSE,
                charge=waiting.reason.startswith(("temporary", "exit")) and opened,
                message_zh="值守人员确认放行" if opened else "值守人员拒绝放行",
                message_en="opened by staff" if opened else "refused by staff",
            )
            relay_ms = self._actuate(decision, decided_at)
            event_id = args.event_id or uuid.uuid4()
            who = args.confirmed_by or "staff"
            record = GatePass(decision, self.clock(), confirmed_by=who, relay_ms=relay_ms, event_id=event_id)
            self._remember(decision)
            self._publish(record)
        result = BarrierResult(opened=opened, relay_ms=relay_ms, event_id=event_id).model_dump(mode="json")
        return Ack(command_id=command.id, ok=True, detail="已执行 done", result=result)
