"""Typed console → device commands (`sc/<c>/<device>/cmd/<name>`) and their ack results, contract v1.

Senders build a `devices.bus.Command` with `command(name, args)`; receivers read it with `parse(Model, command)`,
which answers a bad argument with an ack `ok: false` (zh-CN + English reason) instead of raising. Receivers ignore
fields they do not know, so a newer sender can add optional fields without breaking an older device.

| name | receiver | args | ack result |
|---|---|---|---|
| `open` | door (access/edge/commands.py) | `OpenArgs` | `OpenResult` |
| `fire` | door (access/edge/fire.py), sent by the perimeter | `FireArgs` | `FireResult` |
| `arm`, `disarm`, `bypass`, `unbypass`, `acknowledge`, `reset` | perimeter service (perimeter/bus_link.py) | `PERIMETER_ARGS[name]` | `PerimeterResult` |
| `barrier` | plate gate (plate_gate/process.py `confirm`) | `BarrierArgs` | `BarrierResult` |
"""

from __future__ import annotations

import uuid
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from devices.bus.models import Ack, Command

VERSION = 1
OPEN, FIRE, BARRIER = "open", "fire", "barrier"
Who = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Reason = Annotated[str, StringConstraints(max_length=200)]
Ident = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Source = Literal["console", "keypad", "host", "schedule"]


class CommandArgs(BaseModel):
    """Base of every command's arguments: unknown fields are ignored (newer senders), values are checked."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class OpenArgs(CommandArgs):
    """`cmd/open`: one remote opening by staff."""

    by: Who = "console"
    reason: Reason = ""


class OpenResult(CommandArgs):
    opened: bool


class FireArgs(CommandArgs):
    """`cmd/fire`: fire on (release the escape-route door) or off (restore), and why."""

    active: bool = True
    reason: str = Field(default="", max_length=200)

    @classmethod
    def of(cls, command: Command) -> FireArgs:
        """The arguments of a received command (over-long reasons are cut, not refused: a fire must pass)."""
        args = dict(command.args)
        args["reason"] = str(args.get("reason", ""))[:200]
        return cls.model_validate(args)


class FireResult(CommandArgs):
    fire: bool
    released: bool


class PerimeterArgs(CommandArgs):
    """Every perimeter command names who sent it and from where."""

    who: Who
    source: Source = "console"


class PartitionArgs(PerimeterArgs):
    """`cmd/arm`, `cmd/disarm`."""

    partition: Ident


class BypassArgs(PerimeterArgs):
    """`cmd/bypass`: the zone is ignored for `seconds`, then watched again by itself."""

    zone: Ident
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    seconds: int = Field(gt=0, le=7 * 24 * 3600)


class UnbypassArgs(PerimeterArgs):
    """`cmd/unbypass`."""

    zone: Ident


class AlarmTargetArgs(PerimeterArgs):
    """`cmd/acknowledge`, `cmd/reset`: one alarm by its UUID, or a partition's alarms."""

    partition: Ident | None = None
    alarm_uuid: Ident | None = None


PERIMETER_ARGS: dict[str, type[PerimeterArgs]] = {
    "arm": PartitionArgs,
    "disarm": PartitionArgs,
    "bypass": BypassArgs,
    "unbypass": UnbypassArgs,
    "acknowledge": AlarmTargetArgs,
    "reset": AlarmTargetArgs,
}


class PerimeterResult(CommandArgs):
    """A perimeter ack: the partitions' new states, or the state machine's refusal."""

    states: list[str] | None = None
    code: str | None = None
    problems: list[list[str]] | None = None
    message_zh: str | None = None
    message_en: str | None = None


class BarrierArgs(CommandArgs):
    """`cmd/barrier`: a staff decision on the vehicle waiting at a gate."""

    action: Literal["open", "refuse"]
    plate: Annotated[str, StringConstraints(max_length=32)] | None = None
    pending_event_id: uuid.UUID | None = None
    event_id: uuid.UUID | None = None
    """The console's confirmation event id: the gate reports the pass under it, so it is stored once."""
    confirmed_by: Annotated[str, StringConstraints(max_length=64)] | None = None


class BarrierResult(CommandArgs):
    opened: bool
    relay_ms: float | None = None
    event_id: uuid.UUID


A = TypeVar("A", bound=BaseModel)


def command(name: str, args: CommandArgs, timeout_s: float = 5.0) -> Command:
    """The bus command `name` with typed arguments (None fields left out)."""
    return Command(name=name, args=args.model_dump(mode="json", exclude_none=True), timeout_s=timeout_s)


def parse(model: type[A], received: Command) -> A | Ack:
    """The command's arguments, or the ack refusing them (ok false, zh-CN + English, naming the field)."""
    try:
        return model.model_validate(received.args)
    except ValidationError as exc:
        return Ack(command_id=received.id, ok=False, detail=bad_arguments(exc))


def bad_arguments(exc: ValidationError) -> str:
    """`参数错误 / bad arguments: field: reason; …` (at most 500 characters, an ack's limit)."""
    parts = [f"{'.'.join(str(p) for p in e['loc']) or 'args'}: {e['msg']}" for e in exc.errors()[:3]]
    return f"参数错误 / bad arguments: {'; '.join(parts)}"[:500]


def result(model: type[A], ack: Ack) -> A | None:
    """An ok ack's result as `model`, or None when the device sent something else."""
    try:
        return model.model_validate(ack.result)
    except ValidationError:
        return None
