"""The perimeter service on the bus: alarm records and notifications out, console commands in.

Events are published as `sc/<community>/<device_id>/event/<kind>` (devices.bus.Event):
alarm, alarm_repeat, alarm_resound, alarm_ack, alarm_reset, alarm_snapshot, partition_state, bypass,
command_rejected, notify. Every alarm gets a UUID (`data.alarm_uuid`) that stays the same for its whole
life, so the console can key its record on it. Commands (`cmd/<name>`): arm, disarm, bypass, unbypass,
acknowledge (not `ack`: devices.bus takes a topic ending in /ack for an answer), reset; each command's
ack says whether the state machine accepted it, with its code and messages.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from devices.bus import Ack, BusClient, Command, Event, Transport, serve_commands
from devices.contracts import MAX_CAPTURE_BYTES, MAX_CLIP_BYTES
from devices.contracts import perimeter as rec
from devices.contracts.commands import (
    PERIMETER_ARGS,
    AlarmTargetArgs,
    BypassArgs,
    PartitionArgs,
    PerimeterResult,
    UnbypassArgs,
    bad_arguments,
)
from perimeter import state_machine as sm
from perimeter.cameras import MediaStore
from perimeter.config import SiteConfig
from perimeter.poller import Poller


def _ts(at: float) -> datetime:
    return datetime.fromtimestamp(at, UTC)


class BusAlarmSink:
    """AlarmSink and Notifier for linkage.Linkage, publishing on the bus for the console."""

    def __init__(
        self,
        bus: BusClient,
        site: SiteConfig,
        device_id: str = "perimeter",
        media: MediaStore | None = None,
    ) -> None:
        self.bus, self.device_id, self.media = bus, device_id, media
        self.zones = {z.id: z for z in site.zones}
        self.uuids: dict[int, uuid.UUID] = {}  # state-machine alarm id -> alarm UUID

    def alarm_id(self, alarm_uuid: str) -> int | None:
        """The state-machine id of an alarm UUID (for console commands)."""
        return next((i for i, u in self.uuids.items() if str(u) == alarm_uuid), None)

    def _send(self, kind: str, at: float, record: rec.Record) -> None:
        self.bus.publish_event(Event(device_id=self.device_id, kind=kind, ts=_ts(at), data=record.wire()))

    def _ref(self, alarm_id: int) -> dict[str, Any]:
        return {"alarm_id": alarm_id, "alarm_uuid": self.uuids.setdefault(alarm_id, uuid.uuid4())}

    def record(self, effect: sm.Effect) -> None:
        """Publish one record-worthy effect."""
        match effect:
            case sm.AlarmRaised(alarm=a):
                self._send("alarm", a.raised_at, self._alarm(a))
            case sm.AlarmRepeated(alarm_id=i, at=at, count=n):
                self._send("alarm_repeat", at, rec.AlarmRepeat(**self._ref(i), count=n))
            case sm.AlarmResounded(alarm_id=i, at=at, resounds=n):
                self._send("alarm_resound", at, rec.AlarmResound(**self._ref(i), resounds=n))
            case sm.AlarmAcknowledged(alarm_id=i, at=at, who=who):
                self._send("alarm_ack", at, rec.AlarmAck(**self._ref(i), who=who))
            case sm.AlarmReset(alarm_id=i, at=at, who=who):
                self._send("alarm_reset", at, rec.AlarmReset(**self._ref(i), who=who))
            case sm.StateChanged(partition_id=p, old=old, new=new, at=at, reason=why, who=who):
                state = rec.PartitionStateRecord(
                    partition=p, old=old.value, new=new.value, reason=why, who=who
                )
                self._send("partition_state", at, state)
            case sm.BypassChanged(zone_id=z, at=at, active=on, who=who, reason=why, until=until):
                self._send(
                    "bypass", at, rec.BypassRecord(zone=z, active=on, who=who, reason=why, until=until)
                )
            case sm.Rejected(command=c, code=code, message_zh=zh, message_en=en, at=at, problems=pr):
                refusal = rec.CommandRejected(
                    command=c, code=code, message_zh=zh, message_en=en, problems=[tuple(x) for x in pr]
                )
                self._send("command_rejected", at, refusal)

    def _alarm(self, a: sm.Alarm) -> rec.PerimeterAlarm:
        z = self.zones.get(a.zone_id or "")
        return rec.PerimeterAlarm(
            **self._ref(a.id),
            kind=a.kind.value,
            severity="medium" if a.kind == sm.AlarmKind.FAULT else "high",
            partition=a.partition_id,
            zone=a.zone_id,
            zone_name=z.name if z else None,
            zone_type=z.type.value if z else None,
            host=a.host_id or (z.host if z else None),
            location=z.location.model_dump() if z and z.location else None,
            cameras=list(z.cameras) if z else [],
            siren=a.siren,
            message_zh=a.message_zh,
            message_en=a.message_en,
        )

    def attach_snapshot(self, alarm_id: int, camera_id: str, ref: str) -> None:
        """Publish a snapshot reference (content hash) for an alarm, with the JPEG and clip when kept."""
        media: dict[str, Any] = {}
        image = self.media.get(ref) if self.media else None
        if image is not None and len(image.data) <= MAX_CAPTURE_BYTES:
            media.update(image_b64=base64.b64encode(image.data).decode(), image_type=image.content_type)
        clip = self.media.clip_of(ref) if self.media else None
        if clip is not None and len(clip.data) <= MAX_CLIP_BYTES:
            media.update(clip_ref=clip.ref, clip_type=clip.content_type)
            media["clip_b64"] = base64.b64encode(clip.data).decode()
        snap = rec.AlarmSnapshot(**self._ref(alarm_id), camera=camera_id, ref=ref, **media)
        self._send("alarm_snapshot", datetime.now(UTC).timestamp(), snap)

    def notify(self, note: sm.Notify) -> None:
        """Publish a push message for the on-duty staff."""
        ref = self._ref(note.alarm_id) if note.alarm_id is not None else {}
        push = rec.Notify(
            level=note.level,
            message_zh=note.message_zh,
            message_en=note.message_en,
            partition=note.partition_id,
            **ref,
        )
        self._send("notify", note.at, push)


def command_event(c: Command, at: float, sink: BusAlarmSink) -> sm.Event:
    """A state-machine event from a console command (devices/contracts/commands.py PERIMETER_ARGS); raises
    pydantic's ValidationError (a ValueError) on bad arguments, ValueError on an unknown command."""
    model = PERIMETER_ARGS.get(c.name)
    if model is None:
        raise ValueError(f"unknown command {c.name}")
    a = model.model_validate(c.args)
    who, source = a.who, sm.Source(a.source)
    match a:
        case BypassArgs():
            return sm.Bypass(zone_id=a.zone, at=at, who=who, reason=a.reason, until=at + a.seconds)
        case UnbypassArgs():
            return sm.Unbypass(zone_id=a.zone, at=at, who=who)
        case PartitionArgs() if c.name == "arm":
            return sm.Arm(partition_id=a.partition, at=at, who=who, source=source)
        case PartitionArgs():
            return sm.Disarm(partition_id=a.partition, at=at, who=who, source=source)
        case AlarmTargetArgs():
            target: dict[str, Any] = {}
            if a.alarm_uuid is not None:
                found = sink.alarm_id(a.alarm_uuid)  # an unknown one: the machine answers unknown_alarm
                target = {"alarm_id": -1 if found is None else found}
            make = sm.Ack if c.name == "acknowledge" else sm.Reset
            return make(at=at, who=who, partition_id=a.partition, **target)
    raise ValueError(f"unknown command {c.name}")


def serve(
    transport: Transport,
    community: str,
    poller: Poller,
    sink: BusAlarmSink,
    wait: float = 3.0,
    applied: Callable[[], None] | None = None,
) -> None:
    """Answer console commands addressed to the perimeter service; each ack carries the machine's verdict.

    `applied` runs after an accepted command and before its ack (the service publishes the new state, so
    the console's view is current when the ack arrives)."""

    def handle(c: Command) -> Ack:
        try:
            event = command_event(c, poller.clock(), sink)
        except ValidationError as exc:
            return Ack(command_id=c.id, ok=False, detail=bad_arguments(exc))
        except ValueError as exc:
            return Ack(command_id=c.id, ok=False, detail=f"未知指令 / {exc}")
        try:
            effects = poller.submit(event).result(timeout=min(wait, c.timeout_s))
        except FutureTimeout:
            return Ack(command_id=c.id, ok=False, detail="已排队，未及时执行 / queued, not applied in time")
        rejected = [e for e in effects if isinstance(e, sm.Rejected)]
        if rejected:
            r = rejected[0]
            result = PerimeterResult(
                code=r.code,
                problems=[[str(x) for x in p] for p in r.problems],
                message_zh=r.message_zh,
                message_en=r.message_en,
            ).model_dump(exclude_none=True)
            return Ack(
                command_id=c.id, ok=False, detail=f"{r.message_zh} / {r.message_en}"[:500], result=result
            )
        if applied is not None:
            applied()
        states = [e.new.value for e in effects if isinstance(e, sm.StateChanged)]
        return Ack(
            command_id=c.id,
            ok=True,
            detail="ok",
            result=PerimeterResult(states=states).model_dump(exclude_none=True),
        )

    serve_commands(transport, community, sink.device_id, handle)
