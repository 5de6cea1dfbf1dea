"""Report arithmetic: passes bucketed in local time (availability: tests/events/test_presence.py)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from property_console.events import ingest
from property_console.events.reports import passes
from property_console.runtime import Runtime
from tests.events.conftest import event_payload


def test_passes_bucket_by_local_day(runtime: Runtime) -> None:
    tz = ZoneInfo("Asia/Shanghai")
    now_local = dt.datetime.now(tz)
    local_midnight = now_local.replace(hour=0, minute=0, second=0, microsecond=0)
    just_after = (local_midnight + dt.timedelta(minutes=1)).astimezone(dt.UTC)  # yesterday in UTC terms
    just_before = (local_midnight - dt.timedelta(minutes=1)).astimezone(dt.UTC)
    with runtime.sessions.begin() as db:
        ingest(db, event_payload(device_time=just_after.isoformat()))
        ingest(db, event_payload(device_time=just_before.isoformat()))
    with runtime.sessions() as db:
        report = passes(db, tz, 2)
    assert [d["door_pass"] for d in report["days"]] == [1, 1]
    assert report["hours"][0]["door_pass"] == 1  # 00:01 local time
