"""The barrier decision: blacklist, whitelist/resident, monthly pass, visitor reservation, temporary rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from plate_gate.gate_cache import GateCache, PassRecord, Presence, Reservation


class Direction(StrEnum):
    """Which way the vehicle passes the gate."""

    ENTRY = "entry"
    EXIT = "exit"


class Action(StrEnum):
    """What the barrier does: open, stay closed, or wait for staff to confirm in the console."""

    OPEN = "open"
    REFUSE = "refuse"
    STAFF = "staff"


class TemporaryPolicy(StrEnum):
    """What happens to a vehicle on no list: open and charge on exit, or ask staff."""

    OPEN_AND_CHARGE = "open_and_charge"
    STAFF = "staff"


@dataclass(frozen=True)
class GateRules:
    """Configurable parts of the decision."""

    temporary_policy: TemporaryPolicy = TemporaryPolicy.OPEN_AND_CHARGE
    monthly_warn_days: int = 7
    monthly_grace_days: int = 0
    duplicate_window: timedelta = timedelta(seconds=60)
    fuzzy_max_mismatch: int = 1


@dataclass(frozen=True)
class Decision:
    """The barrier decision with its reason code, zh-CN/English message and what the caller must do."""

    action: Action
    reason: str
    plate: str
    direction: Direction
    gate: str
    car_park: str
    message_zh: str
    message_en: str
    category: str = "temporary"
    alarm: bool = False
    charge: bool = False
    duplicate: bool = False
    warnings: tuple[str, ...] = ()
    days_left: int | None = None
    reservation_id: str | None = None
    candidates: tuple[str, ...] = ()
    entered_at: datetime | None = None
    free_spaces: int | None = None
    fixed_space: bool = False


def mismatches(a: str, b: str) -> int:
    """Number of differing characters between two plates of the same length (len difference otherwise)."""
    if len(a) != len(b):
        return max(len(a), len(b))
    return sum(x != y for x, y in zip(a, b, strict=True))


def free_spaces(cache: GateCache, car_park: str) -> int:
    """Shared spaces left: capacity minus fixed spaces minus vehicles inside that have no fixed space."""
    park = cache.car_park(car_park)
    used = sum(1 for p in cache.on_site(car_park) if not p.fixed_space)
    return park.shared_spaces - used


def _usable(res: Reservation, now: datetime) -> bool:
    return res.start <= now <= res.end and res.visits < res.max_visits


class GateDecider:
    """Decides one read at one gate from the local cache; the clock is injected (pure, testable)."""

    def __init__(self, cache: GateCache, rules: GateRules, clock: Callable[[], datetime]) -> None:
        self.cache = cache
        self.rules = rules
        self.clock = clock

    def decide(self, plate: str, gate: str, car_park: str, direction: Direction) -> Decision:
        """The decision for ``plate`` at ``gate``; a repeat within the duplicate window is one pass."""
        now = self.clock()
        base = Decision(Action.STAFF, "", plate, direction, gate, car_park, "", "")
        last = self.cache.last_pass(plate, gate)
        if last is not None and timedelta(0) <= now - last.at <= self.rules.duplicate_window:
            return replace(
                base,
                action=Action(last.action),
                reason=last.reason,
                duplicate=True,
                message_zh="重复识别，视为同一次通行",
                message_en="repeat read: same pass",
            )
        decision = self._entry(base, now) if direction is Direction.ENTRY else self._exit(base, now)
        if decision.reason.startswith("temporary") and self._monthly_lapsed(plate, car_park, now):
            decision = replace(decision, warnings=(*decision.warnings, "monthly.expired"))
        return decision

    def pass_record(self, decision: Decision) -> PassRecord:
        """The record to store for duplicate suppression (store it only for non-duplicate decisions)."""
        return PassRecord(decision.plate, decision.gate, self.clock(), decision.action, decision.reason)

    def presence(self, decision: Decision) -> Presence | None:
        """The presence record an opened entry creates (None for exits, refusals and duplicates)."""
        if (
            decision.direction is not Direction.ENTRY
            or decision.action is not Action.OPEN
            or decision.duplicate
        ):
            return None
        return Presence(
            decision.plate, decision.car_park, self.clock(), decision.category, decision.fixed_space
        )

    def _monthly_lapsed(self, plate: str, car_park: str, now: datetime) -> bool:
        card = self.cache.monthly_pass(plate, car_park)
        return card is not None and card.valid_until < now.date()

    def _entry(self, d: Decision, now: datetime) -> Decision:
        listed = self._listed(d, now)
        if listed is not None:
            return listed
        inside = self.cache.presence(d.plate, d.car_park)
        if inside is not None:
            return replace(
                d,
                reason="temporary.inside",
                entered_at=inside.entered_at,
                message_zh="临时车辆已在场内，请值守人员确认",
                message_en="temporary vehicle already inside",
            )
        free = free_spaces(self.cache, d.car_park)
        if free <= 0:
            return replace(
                d,
                action=Action.REFUSE,
                reason="temporary.full",
                free_spaces=free,
                message_zh="车位已满，临时车辆禁止入场",
                message_en="car park full: no temporary vehicles",
            )
        if self.rules.temporary_policy is TemporaryPolicy.STAFF:
            return replace(
                d,
                reason="temporary.confirm",
                free_spaces=free,
                message_zh="临时车辆，请值守人员确认放行",
                message_en="temporary vehicle: staff to confirm",
            )
        return replace(
            d,
            action=Action.OPEN,
            reason="temporary.open",
            charge=True,
            free_spaces=free,
            message_zh="临时车辆，出场时收费",
            message_en="temporary vehicle: charged on exit",
        )

    def _exit(self, d: Decision, now: datetime) -> Decision:
        inside = self.cache.presence(d.plate, d.car_park)
        listed = self._listed(d, now)
        if listed is not None:
            if listed.action is Action.OPEN:
                return replace(listed, entered_at=inside.entered_at if inside else None)
            if listed.reason == "blacklist":
                return replace(
                    listed,
                    action=Action.STAFF,
                    entered_at=inside.entered_at if inside else None,
                    message_zh="黑名单车辆出场，请值守人员处置",
                    message_en="blacklisted vehicle leaving: staff to handle",
                )
        if inside is not None:
            return replace(
                d,
                action=Action.OPEN,
                reason="temporary.exit",
                charge=True,
                entered_at=inside.entered_at,
                message_zh="临时车辆出场，请缴费",
                message_en="temporary vehicle leaving: charge the stay",
            )
        near = tuple(
            sorted(
                p.plate
                for p in self.cache.on_site(d.car_park)
                if mismatches(p.plate, d.plate) <= self.rules.fuzzy_max_mismatch
            )
        )
        return replace(
            d,
            reason="exit.no_entry",
            candidates=near,
            message_zh="无入场记录，请值守人员核对",
            message_en="no entry record: staff to check",
        )

    def _listed(self, d: Decision, now: datetime) -> Decision | None:
        """Blacklist, resident/whitelist, monthly, reservation rules in that order (None: temporary)."""
        black = self.cache.blacklist_entry(d.plate)
        if black is not None:
            return replace(
                d,
                action=Action.REFUSE,
                reason="blacklist",
                category="blacklist",
                alarm=True,
                message_zh=f"黑名单车辆：{black.reason or '禁止通行'}",
                message_en=f"blacklisted vehicle: {black.reason or 'no entry'}",
            )
        vehicle = self.cache.vehicle(d.plate)
        if vehicle is not None:
            return replace(
                d,
                action=Action.OPEN,
                reason=vehicle.kind,
                category=vehicle.kind,
                fixed_space=vehicle.fixed_space,
                message_zh="业主车辆，欢迎回家" if vehicle.kind == "resident" else "白名单车辆",
                message_en=f"{vehicle.kind} vehicle",
            )
        monthly = self._monthly(d, now)
        if monthly is not None:
            return monthly
        booking = next((r for r in self.cache.reservations(d.plate) if _usable(r, now)), None)
        if booking is not None:
            return replace(
                d,
                action=Action.OPEN,
                reason="visitor",
                category="visitor",
                reservation_id=booking.id,
                message_zh="访客预约车辆",
                message_en="visitor with a reservation",
            )
        return None

    def _monthly(self, d: Decision, now: datetime) -> Decision | None:
        card = self.cache.monthly_pass(d.plate, d.car_park)
        if card is None:
            return None
        left = (card.valid_until - now.date()).days
        if left >= 0:
            warn = ("monthly.expiring",) if left < self.rules.monthly_warn_days else ()
            zh = f"月卡车辆，剩余 {left} 天" if warn else "月卡车辆"
            return replace(
                d,
                action=Action.OPEN,
                reason="monthly",
                category="monthly",
                days_left=left,
                warnings=warn,
                message_zh=zh,
                message_en=f"monthly pass, {left} days left",
            )
        if -left <= self.rules.monthly_grace_days:
            return replace(
                d,
                action=Action.OPEN,
                reason="monthly.grace",
                category="monthly",
                days_left=left,
                warnings=("monthly.expired",),
                message_zh=f"月卡已过期 {-left} 天（宽限期内），请续费",
                message_en=f"monthly pass expired {-left} days ago (grace period)",
            )
        return None
