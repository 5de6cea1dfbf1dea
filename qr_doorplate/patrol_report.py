"""Patrol reports: rounds aggregated per guard and per route."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from qr_doorplate.patrol import CheckStatus, RoundResult


@dataclass(frozen=True)
class PatrolSummary:
    """Counts over a set of rounds; rates are over checkpoints whose window has closed or been scanned."""

    key: str
    rounds: int
    checkpoints: int
    on_time: int
    late: int
    missed: int
    out_of_order: int
    pending: int

    @property
    def completion_rate(self) -> float:
        """Share of settled checkpoints that were scanned at all (on time or late)."""
        settled = self.checkpoints - self.pending
        return (self.on_time + self.late) / settled if settled else 1.0

    @property
    def punctuality_rate(self) -> float:
        """Share of settled checkpoints scanned on time."""
        settled = self.checkpoints - self.pending
        return self.on_time / settled if settled else 1.0


def _summarise(key: str, rounds: list[RoundResult]) -> PatrolSummary:
    checks = [c for r in rounds for c in r.checks]

    def count(status: CheckStatus) -> int:
        return sum(1 for c in checks if c.status is status)

    return PatrolSummary(
        key=key,
        rounds=len(rounds),
        checkpoints=len(checks),
        on_time=count(CheckStatus.ON_TIME),
        late=count(CheckStatus.LATE),
        missed=count(CheckStatus.MISSED),
        out_of_order=sum(1 for c in checks if c.out_of_order),
        pending=count(CheckStatus.PENDING),
    )


def _group(results: Iterable[RoundResult], key: Callable[[RoundResult], str]) -> list[PatrolSummary]:
    groups: dict[str, list[RoundResult]] = {}
    for result in results:
        groups.setdefault(key(result), []).append(result)
    return [_summarise(k, groups[k]) for k in sorted(groups)]


def report_by_guard(results: Iterable[RoundResult]) -> list[PatrolSummary]:
    """One summary per guard, sorted by guard id."""
    return _group(results, lambda r: r.schedule.guard_id)


def report_by_route(results: Iterable[RoundResult]) -> list[PatrolSummary]:
    """One summary per route, sorted by route id."""
    return _group(results, lambda r: r.schedule.route_id)
