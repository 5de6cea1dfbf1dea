"""The console's bus subscriber: device events and states from MQTT into `events.ingest`, one transaction each."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from devices.bus import DeviceState, Event, Transport, parse_topic, state_topic
from devices.bus.topics import event_topic
from property_console.errors import DomainError
from property_console.events import ingest
from property_console.presence_watch import PresenceWatch

log = logging.getLogger(__name__)


PERIMETER_RECORDS = frozenset({"partition_state", "bypass", "command_rejected", "notify"})
PERIMETER_ALARM_FIELDS = ("partition", "zone_name", "zone_type", "host", "location", "cameras", "siren")


def perimeter_alarm(event: Event) -> dict[str, Any]:
    """perimeter/bus_link's alarm record → EventIn: the alarm's lifelong UUID becomes the event id."""
    d = event.data
    detail = {k: d[k] for k in PERIMETER_ALARM_FIELDS if d.get(k) is not None}
    alarm = {
        "kind": f"perimeter_{d.get('kind', 'alarm')}",
        "severity": d.get("severity", "high"),
        "zone": d.get("zone"),
        "message_zh": d.get("message_zh"),
        "message_en": d.get("message_en"),
    }
    return {
        "id": d.get("alarm_uuid", str(event.id)),
        "kind": "alarm",
        "device_serial": event.device_id,
        "device_time": event.ts.isoformat(),
        "detail": detail,
        "alarm": alarm,
    }


def to_ingest_payload(event: Event) -> dict[str, Any] | None:
    """A bus Event as the console's EventIn (None: a perimeter lifecycle record kept by the perimeter service).

    The envelope maps 1:1 and `data` carries EventIn's fields; perimeter alarm records are translated.
    """
    if "alarm_uuid" in event.data:
        return perimeter_alarm(event) if event.kind == "alarm" else None
    if event.kind in PERIMETER_RECORDS:  # state log, bypass log, refusals, pushes: not console events
        return None
    return {
        **event.data,
        "id": str(event.id),
        "kind": event.kind,
        "device_serial": event.device_id,
        "device_time": event.ts.isoformat(),
    }


class BusBridge:
    """Subscribes `sc/<community>/+/event/+` and `.../state`; every message is stored once or kept as a reject."""

    def __init__(self, transport: Transport, community: str, sessions: sessionmaker[Session]) -> None:
        self.transport, self.community, self.sessions = transport, community, sessions
        self.stored = self.rejected = 0
        self.presence = PresenceWatch(sessions)

    def start(self) -> BusBridge:
        self.presence.start()
        self.transport.subscribe(event_topic(self.community, "+", "+"), self._on_event)
        self.transport.subscribe(state_topic(self.community, "+"), self._on_state)
        return self

    def _on_event(self, topic: str, payload: bytes) -> None:
        try:
            event = Event.model_validate_json(payload)
        except ValidationError:
            self._ingest(payload, topic)  # not even an envelope: ingest keeps it as a reject with the reason
            return
        self.presence.heard(event.device_id)
        if event.device_id != parse_topic(topic).device_id:
            log.warning("event %s claims device %s on topic %s", event.id, event.device_id, topic)
        mapped = to_ingest_payload(event)
        if mapped is None:
            self._perimeter_record(event, topic)
            return
        self._ingest(mapped, topic)

    def _perimeter_record(self, event: Event, topic: str) -> None:
        """Snapshots/clips go onto the stored alarm; other lifecycle records stay with the perimeter service."""
        from property_console import perimeter_records

        with self.sessions() as db:
            try:
                if perimeter_records.apply(db, event):
                    db.commit()
                    return
            except Exception:
                log.exception("perimeter record %s on %s not applied", event.kind, topic)
                db.rollback()
                return
        log.debug("perimeter record %s on %s stays with the perimeter service", event.kind, topic)

    def _on_state(self, topic: str, payload: bytes) -> None:
        if not payload:
            return
        try:
            state = DeviceState.model_validate_json(payload)
        except ValidationError:
            self._ingest(payload, topic)
            return
        self.presence.on_state(state)  # transitions only: presence intervals, status, timeline event

    def stop(self) -> None:
        self.presence.stop()

    def _ingest(self, payload: dict[str, Any] | bytes, topic: str) -> None:
        with self.sessions() as db:
            try:
                ingest(db, payload, source=f"bus {topic}"[:64])
                self.stored += 1
            except DomainError as exc:
                self.rejected += 1
                log.warning("rejected bus message on %s: %s", topic, exc)
            db.commit()  # a reject is kept too
