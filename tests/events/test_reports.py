"""Report arithmetic: device availability from online/offline changes, passes bucketed in local time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from property_console.events import ingest
from property_console.events.reports import _online_share, passes
from property_console.runtime import Runtime
from tests.events.conftest import event_payload

T0 = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)


def test_availability_from_changes() -> None:
    changes = [("device_offline", T0 + 2 * H), ("device_online", T0 + 3 * H)]
    assert _online_share(changes, "online", T0, T0 + 4 * H) == 0.75
    # the last change before the window decides the starting state
    before = [("device_offline", T0 - H), ("device_online", T0 + H)]
    assert _online_share(before, "online", T0, T0 + 4 * H) == 0.75


def test_availability_without_changes_follows_status_or_is_unknown() -> None:
    assert _online_share([], "online", T0, T0 + H) == 1.0
    assert _online_share([], "offline", T0, T0 + H) == 0.0
    assert _online_share([], "unknown", T0, T0 + H) is None


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
