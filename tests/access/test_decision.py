"""The door decision table (every branch) and the debounce."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from access.decision import (
    PROMPT_REGISTER_ZH,
    Category,
    Debouncer,
    MemoryCache,
    Residency,
    VisitorPass,
    debounce_key,
    decide,
)
from access.gallery import Match

NOW = datetime(2026, 11, 21, 18, 0)
DAY = timedelta(days=1)
THR = 0.9


def cache() -> MemoryCache:
    c = MemoryCache()
    c.residency["res"] = [Residency("res", NOW - DAY, None)]
    c.residency["moved_out"] = [Residency("moved_out", NOW - 10 * DAY, NOW - DAY)]
    c.residency["future"] = [Residency("future", NOW + DAY, None)]
    c.visitor_passes["vis"] = [VisitorPass("P1", "vis", frozenset({"door-1"}), NOW - DAY, NOW + DAY)]
    c.visitor_passes["late"] = [VisitorPass("P2", "late", frozenset({"door-1"}), NOW - 2 * DAY, NOW - DAY)]
    c.blacklist.add("bad")
    c.residency["bad"] = [Residency("bad")]  # blacklist wins even over a valid residency
    return c


@pytest.mark.parametrize(
    ("person", "score", "door", "category", "opens", "reason", "alarm"),
    [
        ("res", 0.95, "door-1", Category.RESIDENT, True, "resident", False),
        ("vis", 0.95, "door-1", Category.VISITOR, True, "visitor_pass", False),
        ("vis", 0.95, "door-2", Category.UNKNOWN, False, "no_valid_pass", False),
        ("late", 0.95, "door-1", Category.UNKNOWN, False, "no_valid_pass", False),
        ("bad", 0.95, "door-1", Category.BLACKLIST, False, "blacklisted", True),
        ("moved_out", 0.95, "door-1", Category.UNKNOWN, False, "residency_expired", False),
        ("future", 0.95, "door-1", Category.UNKNOWN, False, "residency_expired", False),
        ("nobody", 0.95, "door-1", Category.UNKNOWN, False, "not_entitled", False),
        ("res", 0.85, "door-1", Category.UNKNOWN, False, "not_recognised", False),
        ("bad", 0.85, "door-1", Category.UNKNOWN, False, "not_recognised", False),
    ],
)
def test_decision_table(
    person: str, score: float, door: str, category: Category, opens: bool, reason: str, alarm: bool
) -> None:
    d = decide(Match(person, score), THR, door, NOW, cache())
    assert (d.category, d.open, d.reason, d.alarm) == (category, opens, reason, alarm)
    assert d.light == ("green" if opens else "red")
    if category is Category.UNKNOWN:
        assert d.prompt_zh == PROMPT_REGISTER_ZH
    if category is Category.VISITOR:
        assert d.pass_id == "P1"


def test_no_face_match_is_unknown_and_threshold_is_inclusive() -> None:
    d = decide(None, THR, "door-1", NOW, cache())
    assert (d.category, d.open, d.person, d.score) == (Category.UNKNOWN, False, None, None)
    assert decide(Match("res", THR), THR, "door-1", NOW, cache()).open


def test_pass_window_edges() -> None:
    c = MemoryCache(visitor_passes={"v": [VisitorPass("P", "v", frozenset({"d"}), NOW, NOW + DAY)]})
    assert decide(Match("v", 1.0), THR, "d", NOW, c).open
    assert not decide(Match("v", 1.0), THR, "d", NOW + DAY, c).open
    assert not decide(Match("v", 1.0), THR, "d", NOW - timedelta(seconds=1), c).open


def test_debounce_opens_once_while_person_stays() -> None:
    deb = Debouncer(window_s=3.0)
    # one person standing at the door, seen every 0.2 s for 10 s: acts exactly once
    acts = [deb.admit("res", t * 0.2) for t in range(50)]
    assert acts.count(True) == 1 and acts[0]
    # leaves for longer than the window, comes back: acts again
    assert deb.admit("res", 10.0 + 3.5)
    # a second person is independent
    assert deb.admit("other", 13.6) and not deb.admit("other", 14.0)


def test_debounce_key_groups_unrecognised_faces() -> None:
    unknown = decide(None, THR, "d", NOW, cache())
    known = decide(Match("res", 0.95), THR, "d", NOW, cache())
    assert debounce_key(unknown) == "__unknown__" and debounce_key(known) == "res"
