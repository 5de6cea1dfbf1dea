"""The scripted end-to-end run (bench/e2e_chaos.py), short: door, gate and perimeter edge processes, a private
Mosquitto, the console (`sc serve`: bus bridge + uplink) and the district (`sc district serve`) on PostgreSQL;
the broker restarted, the district restarted and the console SIGKILLed mid-sync once each. Every event produced
is at the console and at the district exactly once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import need_service
from tests.uplink.mosquitto import mosquitto_binary

ROOT = Path(__file__).resolve().parents[2]
COUNT = 60  # events per edge process


@pytest.mark.mosquitto
@pytest.mark.postgres
@pytest.mark.slow
def test_every_event_is_at_the_district_exactly_once_through_every_fault() -> None:
    need_service("PostgreSQL", "127.0.0.1", 5432)
    mosquitto_binary()  # skips (fails in CI) without Mosquitto
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "e2e_chaos.py"), "--count", str(COUNT), "--rate", "6"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    line = next(x for x in run.stdout.splitlines() if x.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    assert result["pending_at_kill"] > 0  # the console died with uplink rows not yet sent
    for kind in ("door", "gate", "perimeter"):
        figures = result[kind]
        assert figures == {
            "produced": COUNT,
            "console": COUNT,
            "district": COUNT,
            "missing_at_district": 0,
            "duplicates_console": 0,
            "duplicates_district": 0,
        }, (kind, run.stdout[-2000:])
