"""FaultPlan semantics shared by the TCP proxy and the pty link."""

from __future__ import annotations

from devices.faults import FaultPlan


def test_default_passes_bytes_untouched() -> None:
    assert FaultPlan().apply(b"\x01\x02\x03") == [b"\x01\x02\x03"]


def test_drop_and_corrupt_counts() -> None:
    plan = FaultPlan(drop_next=1, corrupt_next=1)
    assert plan.apply(b"abc") == []
    assert plan.apply(b"abc") == [b"ab" + bytes([ord("c") ^ 0xFF])]
    assert plan.apply(b"abc") == [b"abc"]
    assert (plan.dropped, plan.corrupted) == (1, 1)


def test_corrupt_offset_and_mask() -> None:
    plan = FaultPlan(corrupt_next=1, corrupt_offset=0, corrupt_mask=0x20)
    assert plan.apply(b"ABC") == [b"aBC"]


def test_split_into_pieces() -> None:
    assert FaultPlan(split=2).apply(b"abcde") == [b"ab", b"cd", b"e"]


def test_drop_rate_is_reproducible_with_a_seed() -> None:
    plan_a, plan_b = FaultPlan(drop_rate=0.5, seed=7), FaultPlan(drop_rate=0.5, seed=7)
    seq_a = [bool(plan_a.apply(b"x")) for _ in range(50)]
    seq_b = [bool(plan_b.apply(b"x")) for _ in range(50)]
    assert seq_a == seq_b and 5 < seq_a.count(False) < 45
    plan_a.clear()
    assert plan_a.apply(b"x") == [b"x"]
