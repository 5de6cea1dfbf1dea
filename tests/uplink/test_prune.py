"""Outbox pruning: old acknowledged rows go in batches, the report still answers what was sent."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update

from property_console.models import OutboxEntry, utcnow
from property_console.runtime import Runtime
from property_console.uplink import report
from property_console.uplink.delivery import UplinkWorker
from property_console.uplink.outbox import UplinkSentDaily
from tests.uplink.conftest import drain, uplink_settings
from tests.uplink.test_delivery import _pass_with_capture


def _by_status(rt: Runtime) -> dict[str, int]:
    with rt.sessions() as db:
        stmt = select(OutboxEntry.status, func.count()).group_by(OutboxEntry.status)
        return {s: int(n) for s, n in db.execute(stmt)}


def test_old_acknowledged_rows_are_pruned_in_batches(runtime: Runtime, worker: UplinkWorker) -> None:
    _pass_with_capture(runtime, "皖A12345")
    drain(worker)
    _pass_with_capture(runtime, "皖B22222")
    worker.settings = uplink_settings(capture_retention_hours=1000, prune_batch=7)
    drain(worker)  # acked, but its capture is kept (retention): this pass row must stay
    old = utcnow() - dt.timedelta(days=40)
    with runtime.sessions.begin() as db:
        seqs = list(db.execute(select(OutboxEntry.seq).order_by(OutboxEntry.seq)).scalars())
        db.execute(update(OutboxEntry).where(OutboxEntry.seq <= seqs[len(seqs) // 2]).values(acked_at=old))
        db.execute(update(OutboxEntry).where(OutboxEntry.kind == "vehicle_pass").values(acked_at=old))
        db.execute(update(OutboxEntry).where(OutboxEntry.seq == seqs[0]).values(status="rejected"))
    with runtime.sessions() as db:
        before = report.report(db)["kinds"]
        acked_before = report.status(db, None)["acked"]
        prunable = int(
            db.execute(
                select(func.count()).where(
                    OutboxEntry.status == "acked",
                    OutboxEntry.acked_at < utcnow() - dt.timedelta(days=30),
                    OutboxEntry.captures_purged_at.is_not(None) | (OutboxEntry.kind != "vehicle_pass"),
                )
            ).scalar_one()
        )
    assert prunable > 14
    assert worker.prune_outbox() == 7  # one batch per call while whole batches go
    total = 7
    while n := worker.prune_outbox():
        total += n
    assert total == prunable and worker.state.pruned == prunable
    assert worker.prune_outbox() == 0  # caught up: waits prune_interval_seconds
    with runtime.sessions() as db:
        left = db.execute(select(OutboxEntry.kind, OutboxEntry.status, OutboxEntry.acked_at)).all()
        assert ("vehicle_pass", "acked") in {(k, s) for k, s, _t in left}  # capture not purged yet
        assert sum(1 for _k, s, _t in left if s == "rejected") == 1  # rejects wait for an operator
        assert db.execute(select(func.sum(UplinkSentDaily.acked))).scalar_one() == prunable
        after = report.report(db)
        assert after["kinds"] == before  # totals, first and last send unchanged
        assert report.status(db, None)["acked"] == acked_before
        assert {d["day"] for d in after["pruned_daily"]} == {old.date().isoformat()}
    assert _by_status(runtime).get("acked", 0) == acked_before - prunable


def test_retention_zero_keeps_every_row(runtime: Runtime, worker: UplinkWorker) -> None:
    drain(worker)
    worker.settings = uplink_settings(outbox_retention_days=0)
    with runtime.sessions.begin() as db:
        db.execute(update(OutboxEntry).values(acked_at=utcnow() - dt.timedelta(days=400)))
    assert worker.prune_outbox() == 0 and _by_status(runtime)["acked"] > 0
