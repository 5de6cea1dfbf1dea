"""Exponential backoff with jitter: sleep uniform(c/2, c) with c = min(cap, base·2^(n-1)); never zero."""

from __future__ import annotations

import random


def delay(failures: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Seconds to wait after `failures` consecutive failures (0 → no wait)."""
    if failures <= 0:
        return 0.0
    ceiling = min(cap, base * (2 ** min(failures - 1, 30)))
    return (rng or random).uniform(ceiling / 2, ceiling)
