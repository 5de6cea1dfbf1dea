"""The door decision in one place: resident, visitor pass, blacklist, unknown; and per-person debounce."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from access.gallery import Match
from access.passes import PassClaims

PROMPT_REGISTER_ZH = "您好，系统未识别到您的身份，请在门口扫码登记为访客或联系物业。"
PROMPT_BLACKLIST_ZH = "无法通行，请联系物业。"
PROMPT_PASS_REFUSED_ZH = "访客通行码无效或不在有效时间内，请联系邀请人。"


class Category(StrEnum):
    """Who the door thinks is in front of it (the `decision` field of `identify --json`)."""

    RESIDENT = "resident"
    VISITOR = "visitor"
    BLACKLIST = "blacklist"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Residency:
    """A person living in a house served by the door, valid in [valid_from, valid_to); None is open-ended."""

    person: str
    valid_from: datetime | None = None
    valid_to: datetime | None = None

    def valid_at(self, now: datetime) -> bool:
        """True if the residency covers this instant."""
        return (self.valid_from is None or self.valid_from <= now) and (
            self.valid_to is None or now < self.valid_to
        )


@dataclass(frozen=True)
class VisitorPass:
    """An invitation for a visitor through the listed doors in [valid_from, valid_to)."""

    pass_id: str
    person: str
    doors: frozenset[str]
    valid_from: datetime
    valid_to: datetime

    def valid_for(self, door: str, now: datetime) -> bool:
        """True if the pass opens this door at this instant."""
        return door in self.doors and self.valid_from <= now < self.valid_to


class LocalCache(Protocol):
    """What the door keeps locally so it decides while the console or network is down."""

    def is_blacklisted(self, person: str) -> bool:
        """True if the person is on the blacklist."""
        ...

    def residencies(self, person: str) -> list[Residency]:
        """All residencies of a person (current and past)."""
        ...

    def passes(self, person: str) -> list[VisitorPass]:
        """All visitor passes issued to a person."""
        ...


@dataclass
class MemoryCache:
    """A LocalCache held in memory (also the shape the synced cache is loaded into)."""

    blacklist: set[str] = field(default_factory=set)
    residency: dict[str, list[Residency]] = field(default_factory=dict)
    visitor_passes: dict[str, list[VisitorPass]] = field(default_factory=dict)

    def is_blacklisted(self, person: str) -> bool:
        """True if the person is on the blacklist."""
        return person in self.blacklist

    def residencies(self, person: str) -> list[Residency]:
        """All residencies of a person."""
        return self.residency.get(person, [])

    def passes(self, person: str) -> list[VisitorPass]:
        """All passes of a person."""
        return self.visitor_passes.get(person, [])


@dataclass(frozen=True)
class Decision:
    """What the door does for one face: open or not, light, alarm, spoken prompt, and why."""

    category: Category
    open: bool
    reason: str
    person: str | None = None
    score: float | None = None
    alarm: bool = False
    light: str = "red"
    prompt_zh: str | None = None
    pass_id: str | None = None


def decide(match: Match | None, threshold: float, door: str, now: datetime, cache: LocalCache) -> Decision:
    """Blacklist first, then valid residency, then a valid pass for this door and time; otherwise unknown."""
    if match is None or match.score < threshold:
        score = None if match is None else match.score
        return _unknown("not_recognised", None, score)
    person, score = match.person, match.score
    if cache.is_blacklisted(person):
        return Decision(
            Category.BLACKLIST,
            False,
            "blacklisted",
            person,
            score,
            alarm=True,
            light="red",
            prompt_zh=PROMPT_BLACKLIST_ZH,
        )
    residencies = cache.residencies(person)
    if any(r.valid_at(now) for r in residencies):
        return Decision(Category.RESIDENT, True, "resident", person, score, light="green")
    for visitor_pass in cache.passes(person):
        if visitor_pass.valid_for(door, now):
            return Decision(
                Category.VISITOR,
                True,
                "visitor_pass",
                person,
                score,
                light="green",
                pass_id=visitor_pass.pass_id,
            )
    reason = (
        "residency_expired" if residencies else "no_valid_pass" if cache.passes(person) else "not_entitled"
    )
    return _unknown(reason, person, score)


def decide_qr(claims: PassClaims | None, door: str, now: datetime, revoked: frozenset[str]) -> Decision:
    """A visitor-pass QR shown to the camera: genuine, not revoked, for this door, inside its window."""
    if claims is None:
        return _unknown("pass_invalid", None, None)
    person = f"pass:{claims.pass_id}"
    if claims.pass_id in revoked:
        reason = "pass_revoked"
    elif door not in claims.doors:
        reason = "pass_wrong_door"
    elif now < claims.valid_from:
        reason = "pass_not_yet_valid"
    elif now >= claims.valid_to:
        reason = "pass_expired"
    else:
        return Decision(
            Category.VISITOR, True, "visitor_pass_qr", person, light="green", pass_id=claims.pass_id
        )
    return Decision(Category.UNKNOWN, False, reason, person, light="red", prompt_zh=PROMPT_PASS_REFUSED_ZH)


def _unknown(reason: str, person: str | None, score: float | None) -> Decision:
    """Refuse, red light, and ask the person to register as a visitor."""
    return Decision(Category.UNKNOWN, False, reason, person, score, light="red", prompt_zh=PROMPT_REGISTER_ZH)


@dataclass
class Debouncer:
    """Act once per person while they stay at the door: a key re-triggers only after `window_s` unseen."""

    window_s: float = 5.0
    _last_seen: dict[str, float] = field(default_factory=dict)

    def would_admit(self, key: str, now_s: float) -> bool:
        """What admit would answer, without recording the sighting."""
        last = self._last_seen.get(key)
        return last is None or now_s - last > self.window_s

    def admit(self, key: str, now_s: float) -> bool:
        """True if this sighting should act (first sighting, or the key was away longer than the window)."""
        last = self._last_seen.get(key)
        self._last_seen[key] = now_s
        self._prune(now_s)
        return last is None or now_s - last > self.window_s

    def _prune(self, now_s: float) -> None:
        """Forget keys not seen for longer than the window."""
        stale = [k for k, t in self._last_seen.items() if now_s - t > self.window_s]
        for key in stale:
            del self._last_seen[key]


def debounce_key(decision: Decision) -> str:
    """Recognised persons debounce by id; all unrecognised faces at a door share one key (one prompt)."""
    return decision.person if decision.person is not None else "__unknown__"
