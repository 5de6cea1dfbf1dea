"""Electronic patrol (电子巡更): checkpoint routes, timed schedules, evaluation of a round's scans."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class CheckStatus(StrEnum):
    """State of one checkpoint in a round."""

    PENDING = "pending"  # window still open (or not yet open), no valid scan
    ON_TIME = "on_time"  # scanned between opens and due
    LATE = "late"  # scanned after due but before closes: alarm
    MISSED = "missed"  # window closed without a valid scan: alarm


@dataclass(frozen=True)
class Route:
    """An ordered list of distinct checkpoint codes."""

    route_id: str
    name: str
    checkpoints: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.checkpoints:
            raise ValueError(f"route {self.route_id} has no checkpoints")
        if len(set(self.checkpoints)) != len(self.checkpoints):
            raise ValueError(f"route {self.route_id} lists a checkpoint twice")


@dataclass(frozen=True)
class Window:
    """When one checkpoint must be scanned: on time in [opens, due], late in (due, closes]."""

    opens: datetime
    due: datetime
    closes: datetime

    def __post_init__(self) -> None:
        if any(t.tzinfo is None for t in (self.opens, self.due, self.closes)):
            raise ValueError("patrol times must be timezone-aware")
        if not self.opens <= self.due <= self.closes:
            raise ValueError("a window needs opens <= due <= closes")


@dataclass(frozen=True)
class Schedule:
    """One round of a route by one guard: a window per checkpoint, in route order."""

    schedule_id: str
    route_id: str
    guard_id: str
    windows: tuple[Window, ...]

    @classmethod
    def evenly(
        cls,
        schedule_id: str,
        route: Route,
        guard_id: str,
        start: datetime,
        interval: timedelta,
        tolerance: timedelta = timedelta(minutes=5),
        grace: timedelta = timedelta(minutes=10),
    ) -> Schedule:
        """Checkpoint i is planned at start + i * interval: on time within ±tolerance, then late for grace."""
        windows = []
        for i in range(len(route.checkpoints)):
            planned = start + i * interval
            windows.append(Window(planned - tolerance, planned + tolerance, planned + tolerance + grace))
        return cls(schedule_id, route.route_id, guard_id, tuple(windows))


@dataclass(frozen=True)
class Scan:
    """A guard scanned a checkpoint code (already verified as a genuine checkpoint QR)."""

    checkpoint: str
    guard_id: str
    at: datetime


@dataclass(frozen=True)
class CheckResult:
    """Outcome for one checkpoint; out_of_order is set when its scan broke the route order."""

    checkpoint: str
    window: Window
    status: CheckStatus
    scanned_at: datetime | None = None
    out_of_order: bool = False

    @property
    def outcome(self) -> str:
        """One word for reports: missed > late > out_of_order > on_time > pending."""
        if self.status is CheckStatus.ON_TIME and self.out_of_order:
            return "out_of_order"
        return self.status.value

    @property
    def delay(self) -> timedelta | None:
        """How long after the due time the checkpoint was scanned (None if not scanned)."""
        return None if self.scanned_at is None else max(self.scanned_at - self.window.due, timedelta(0))


@dataclass(frozen=True)
class RoundResult:
    """Evaluation of one schedule at a given moment."""

    schedule: Schedule
    checks: tuple[CheckResult, ...]
    ignored_scans: int  # the guard's scans not counted: other checkpoints, outside every window, repeats

    @property
    def alarms(self) -> tuple[CheckResult, ...]:
        """Checkpoints that must raise an alarm in the console: missed or late."""
        return tuple(c for c in self.checks if c.status in (CheckStatus.MISSED, CheckStatus.LATE))

    @property
    def finished(self) -> bool:
        """No checkpoint is pending any more."""
        return all(c.status is not CheckStatus.PENDING for c in self.checks)


def _first_scan_in_window(scans: Sequence[Scan], checkpoint: str, window: Window) -> Scan | None:
    return next(
        (s for s in scans if s.checkpoint == checkpoint and window.opens <= s.at <= window.closes), None
    )


def _out_of_order(times: Sequence[datetime | None]) -> set[int]:
    """Indexes of scanned checkpoints outside the longest chain scanned in route order (fewest flagged)."""
    scanned = [(i, t) for i, t in enumerate(times) if t is not None]
    length: dict[int, int] = {}
    prev: dict[int, int | None] = {}
    for i, t in scanned:
        before = [j for j, u in scanned if j < i and u < t]
        best = max(before, key=lambda j: length[j], default=None)
        length[i], prev[i] = (1 if best is None else length[best] + 1), best
    end = max(length, key=lambda i: (length[i], -i), default=None)
    keep: set[int] = set()
    while end is not None:
        keep.add(end)
        end = prev[end]
    return {i for i, _ in scanned} - keep


def evaluate(route: Route, schedule: Schedule, scans: Iterable[Scan], now: datetime) -> RoundResult:
    """Deterministic evaluation of one round at `now`; only scans by the scheduled guard up to `now` count.

    Each checkpoint takes its first scan inside its window. A window whose `closes` has passed without
    such a scan is missed; a scan after `due` is late. Both raise alarms. Scanned checkpoints outside the
    longest chain scanned in route order are marked out of order (reported, no alarm by themselves).
    """
    if schedule.route_id != route.route_id or len(schedule.windows) != len(route.checkpoints):
        raise ValueError(f"schedule {schedule.schedule_id} does not match route {route.route_id}")
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    mine = sorted(
        (s for s in scans if s.guard_id == schedule.guard_id and s.at <= now),
        key=lambda s: (s.at, s.checkpoint),
    )
    matched = [
        _first_scan_in_window(mine, cp, w) for cp, w in zip(route.checkpoints, schedule.windows, strict=True)
    ]
    disorder = _out_of_order([m.at if m else None for m in matched])
    checks = []
    for i, (cp, window, scan) in enumerate(zip(route.checkpoints, schedule.windows, matched, strict=True)):
        if scan is None:
            status = CheckStatus.MISSED if now > window.closes else CheckStatus.PENDING
            checks.append(CheckResult(cp, window, status))
            continue
        status = CheckStatus.LATE if scan.at > window.due else CheckStatus.ON_TIME
        checks.append(CheckResult(cp, window, status, scan.at, i in disorder))
    used = sum(1 for m in matched if m is not None)
    return RoundResult(schedule, tuple(checks), len(mine) - used)
