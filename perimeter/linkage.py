"""Alarm linkage: turn state-machine effects into calls on small device/console interfaces.

One failing device never stops the others: every call is isolated, failures are logged, returned, and
pushed to the duty guard (a siren that did not sound is itself an alarm-worthy fact). Actuators and the
record come first; camera snapshots, the slowest, come last.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Protocol

from perimeter import state_machine as sm

log = logging.getLogger(__name__)

RECORDED = (
    sm.AlarmRaised,
    sm.AlarmRepeated,
    sm.AlarmResounded,
    sm.AlarmAcknowledged,
    sm.AlarmReset,
    sm.StateChanged,
    sm.BypassChanged,
    sm.Rejected,
)


class SnapshotProvider(Protocol):
    """Takes a picture (and a short clip where the camera allows) and returns a reference to it."""

    def snapshot(self, camera_id: str, *, alarm_id: int, at: float) -> str: ...


class RelayOutputs(Protocol):
    """Named relay outputs (siren, strobe, floodlight)."""

    def set(self, output_id: str, on: bool) -> None: ...


class AlarmSink(Protocol):
    """The console side: alarm records, state and bypass log, and the snapshots attached to an alarm."""

    def record(self, effect: sm.Effect) -> None: ...

    def attach_snapshot(self, alarm_id: int, camera_id: str, ref: str) -> None: ...


class Notifier(Protocol):
    """Pushes a message to the on-duty staff."""

    def notify(self, note: sm.Notify) -> None: ...


class EscapeDoors(Protocol):
    """access/: release (unlock and hold open) escape-route doors."""

    def release(self, door_ids: Sequence[str], *, reason: str) -> None: ...

    def restore(self, door_ids: Sequence[str], *, reason: str) -> None: ...


@dataclass(frozen=True, slots=True)
class LinkFailure:
    """One linkage call that raised."""

    what: str
    target: str
    error: str


class Linkage:
    """Dispatches effects; `siren_outputs` maps a partition to its siren/strobe relay outputs."""

    def __init__(
        self,
        *,
        snapshots: SnapshotProvider,
        relays: RelayOutputs,
        sink: AlarmSink,
        notifier: Notifier,
        doors: EscapeDoors,
        siren_outputs: dict[str, list[str]],
        escape_doors: Sequence[str] = (),
    ) -> None:
        self.snapshots, self.relays, self.sink = snapshots, relays, sink
        self.notifier, self.doors = notifier, doors
        self.siren_outputs = siren_outputs
        self.escape_doors = tuple(escape_doors)

    def apply(self, effects: Sequence[sm.Effect]) -> list[LinkFailure]:
        """Carry out the effects in order, snapshots last; return what failed."""
        failures: list[LinkFailure] = []
        for e in effects:
            if not isinstance(e, sm.SnapshotCameras):
                self._one(e, failures)
        for e in effects:
            if isinstance(e, sm.SnapshotCameras):
                for cam in e.cameras:
                    self._try(failures, "snapshot", cam, partial(self._snap, cam, e))
        at = max((getattr(e, "at", 0.0) for e in effects), default=0.0)
        for f in failures:
            zh, en = f"联动失败：{f.what} {f.target}", f"linkage failed: {f.what} {f.target}: {f.error}"
            try:
                self.notifier.notify(sm.Notify("fault", zh, en, at))
            except Exception:
                log.exception("notifier failed while reporting a linkage failure")
        return failures

    def _snap(self, camera_id: str, e: sm.SnapshotCameras) -> None:
        ref = self.snapshots.snapshot(camera_id, alarm_id=e.alarm_id, at=e.at)
        self.sink.attach_snapshot(e.alarm_id, camera_id, ref)

    def _one(self, e: sm.Effect, failures: list[LinkFailure]) -> None:
        if isinstance(e, RECORDED):
            self._try(failures, "record", type(e).__name__, lambda: self.sink.record(e))
        if isinstance(e, sm.StartSiren | sm.StopSiren):
            on = isinstance(e, sm.StartSiren)
            for out in self.siren_outputs.get(e.partition_id, []):
                self._try(failures, "siren", out, partial(self.relays.set, out, on))
        elif isinstance(e, sm.SetOutputs):
            for out in e.outputs:
                self._try(failures, "output", out, partial(self.relays.set, out, e.on))
        elif isinstance(e, sm.Notify):
            self._try(failures, "notify", e.level, lambda: self.notifier.notify(e))
        elif isinstance(e, sm.ReleaseEscapeDoors):
            why = f"fire alarm {e.alarm_id}"
            self._try(
                failures,
                "escape doors",
                ",".join(self.escape_doors),
                lambda: self.doors.release(self.escape_doors, reason=why),
            )
        elif isinstance(e, sm.RestoreEscapeDoors) and self.escape_doors:
            why = f"fire alarm {e.alarm_id} reset"
            self._try(
                failures,
                "escape doors",
                ",".join(self.escape_doors),
                lambda: self.doors.restore(self.escape_doors, reason=why),
            )

    @staticmethod
    def _try(failures: list[LinkFailure], what: str, target: str, call: Callable[[], None]) -> None:
        try:
            call()
        except Exception as exc:  # one broken device must not stop the rest
            log.exception("linkage %s %s failed", what, target)
            failures.append(LinkFailure(what, target, repr(exc)))
