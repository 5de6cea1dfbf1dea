"""Electronic patrol over the database: daily rounds from stored schedules, alarms for late or missed
checkpoints (raised once each), reports per guard and per route. The rules are qr_doorplate.patrol's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from property_console.models import Alarm
from property_console.models.doorplate import (
    PatrolAlarmMark,
    PatrolCheckpoint,
    PatrolRoute,
    PatrolScan,
    PatrolSchedule,
)
from qr_doorplate.patrol import CheckStatus, RoundResult, Route, Scan, Schedule, evaluate
from qr_doorplate.patrol_report import PatrolSummary, report_by_guard, report_by_route

LOOKBACK_DAYS = 1  # the periodic check re-evaluates yesterday's and today's rounds


def _aware(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Round:
    """One day's round of a stored schedule and its evaluation."""

    schedule: PatrolSchedule
    route: PatrolRoute
    day: dt.date
    result: RoundResult


def local_date(now: dt.datetime, tz: str) -> dt.date:
    return now.astimezone(ZoneInfo(tz)).date()


def plan(schedule: PatrolSchedule, route: PatrolRoute, day: dt.date, tz: str) -> tuple[Route, Schedule]:
    """The pure route and schedule of one day's round (times in the community's time zone)."""
    pure_route = Route(route.code, route.name, tuple(route.checkpoints))
    start = dt.datetime.combine(day, schedule.start_time, tzinfo=ZoneInfo(tz))
    pure = Schedule.evenly(
        f"{schedule.id}:{day.isoformat()}",
        pure_route,
        schedule.guard,
        start,
        dt.timedelta(minutes=schedule.interval_minutes),
        dt.timedelta(minutes=schedule.tolerance_minutes),
        dt.timedelta(minutes=schedule.grace_minutes),
    )
    return pure_route, pure


def _scans(db: Session, guard: str, pure: Schedule) -> list[Scan]:
    opens = pure.windows[0].opens.astimezone(dt.UTC)
    closes = pure.windows[-1].closes.astimezone(dt.UTC)
    stmt = select(PatrolScan).where(
        PatrolScan.guard == guard, PatrolScan.scanned_at >= opens, PatrolScan.scanned_at <= closes
    )
    return [Scan(s.checkpoint, s.guard, _aware(s.scanned_at)) for s in db.execute(stmt).scalars()]


def rounds(db: Session, tz: str, now: dt.datetime, first: dt.date, last: dt.date) -> list[Round]:
    """Every round of every active schedule on days first..last that has begun by `now`."""
    out = []
    for sched in db.execute(select(PatrolSchedule).where(PatrolSchedule.active.is_(True))).scalars():
        route = db.get(PatrolRoute, sched.route_id)
        assert route is not None
        day = max(first, sched.valid_from)
        while day <= min(last, sched.valid_until or last):
            pure_route, pure = plan(sched, route, day, tz)
            if pure.windows[0].opens <= now:
                result = evaluate(pure_route, pure, _scans(db, sched.guard, pure), now)
                out.append(Round(sched, route, day, result))
            day += dt.timedelta(days=1)
    return out


def _names(db: Session) -> dict[str, str]:
    return {c.code: c.name for c in db.execute(select(PatrolCheckpoint)).scalars()}


def _raise(
    db: Session, rnd: Round, checkpoint: str, status: CheckStatus, name: str, now: dt.datetime
) -> Alarm | None:
    mark = select(PatrolAlarmMark.id).where(
        PatrolAlarmMark.schedule_id == rnd.schedule.id,
        PatrolAlarmMark.round_date == rnd.day,
        PatrolAlarmMark.checkpoint == checkpoint,
    )
    if db.execute(mark).first():
        return None
    late = status is CheckStatus.LATE
    what_zh, what_en = ("巡更迟到", "late at") if late else ("巡更漏检", "missed")
    alarm = Alarm(
        kind="patrol_late" if late else "patrol_missed",
        severity="medium",
        source=f"patrol:{rnd.route.code}",
        raised_at=now,
        message_zh=f"{what_zh}：{rnd.schedule.guard} 在 {rnd.route.name} 的巡更点 {name}（{rnd.day}）",
        message_en=f"Patrol {what_en} checkpoint {checkpoint} on route {rnd.route.code} by {rnd.schedule.guard}",
        detail={
            "route": rnd.route.code,
            "guard": rnd.schedule.guard,
            "checkpoint": checkpoint,
            "round_date": rnd.day.isoformat(),
            "schedule_id": str(rnd.schedule.id),
        },
    )
    try:
        with db.begin_nested():
            db.add(alarm)
            db.flush()
            db.add(
                PatrolAlarmMark(
                    schedule_id=rnd.schedule.id,
                    round_date=rnd.day,
                    checkpoint=checkpoint,
                    status=status.value,
                    alarm_id=alarm.id,
                )
            )
            db.flush()
    except IntegrityError:  # another checker raised it first
        return None
    return alarm


def check_patrols(db: Session, tz: str, now: dt.datetime) -> list[Alarm]:
    """Raise one alarm for each late or missed checkpoint of recent rounds (idempotent)."""
    today = local_date(now, tz)
    names = _names(db)
    raised = []
    for rnd in rounds(db, tz, now, today - dt.timedelta(days=LOOKBACK_DAYS), today):
        for check in rnd.result.alarms:
            alarm = _raise(
                db, rnd, check.checkpoint, check.status, names.get(check.checkpoint, check.checkpoint), now
            )
            if alarm is not None:
                raised.append(alarm)
    return raised


def summary_dict(s: PatrolSummary) -> dict[str, object]:
    return {
        "key": s.key,
        "rounds": s.rounds,
        "checkpoints": s.checkpoints,
        "on_time": s.on_time,
        "late": s.late,
        "missed": s.missed,
        "out_of_order": s.out_of_order,
        "pending": s.pending,
        "completion_rate": round(s.completion_rate, 4),
        "punctuality_rate": round(s.punctuality_rate, 4),
    }


def report(db: Session, tz: str, now: dt.datetime, first: dt.date, last: dt.date) -> dict[str, object]:
    """Per-guard and per-route summaries plus each round's checkpoints."""
    found = rounds(db, tz, now, first, last)
    results = [r.result for r in found]
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "by_guard": [summary_dict(s) for s in report_by_guard(results)],
        "by_route": [summary_dict(s) for s in report_by_route(results)],
        "rounds": [
            {
                "route": r.route.code,
                "guard": r.schedule.guard,
                "date": r.day.isoformat(),
                "checks": [
                    {
                        "checkpoint": c.checkpoint,
                        "outcome": c.outcome,
                        "due": c.window.due.isoformat(),
                        "scanned_at": c.scanned_at.isoformat() if c.scanned_at else None,
                    }
                    for c in r.result.checks
                ],
            }
            for r in found
        ],
    }
