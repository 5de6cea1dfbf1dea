"""Backoff grows exponentially, is jittered, never zero after a failure, and is capped."""

from __future__ import annotations

import random

from property_console.uplink.backoff import delay


def test_backoff_grows_with_jitter_and_cap() -> None:
    rng = random.Random(1)
    assert delay(0, 0.5, 60, rng) == 0.0
    first = [delay(1, 0.5, 60, rng) for _ in range(50)]
    assert all(0.25 <= d <= 0.5 for d in first) and len(set(first)) > 1
    assert all(2.0 <= delay(4, 0.5, 60, rng) <= 4.0 for _ in range(50))
    assert all(30 <= delay(40, 0.5, 60, rng) <= 60 for _ in range(50))
