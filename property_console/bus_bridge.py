"""The console's bus subscriber: device events and states from MQTT into `events.ingest`, stored in batches."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from devices.bus import DeviceState, Event, Transport, parse_topic, state_topic
from devices.bus.topics import event_topic
from devices.contracts import to_ingest_payload
from property_console.events.ingest import ingest_many
from property_console.presence_watch import PresenceWatch

log = logging.getLogger(__name__)


Message = tuple[str, bytes]  # (topic, payload)
Ack = Callable[[], None]
# Messages stored per transaction when the transport lets the bridge acknowledge later. A batch holds at most
# the broker's in-flight window for the console's client (Mosquitto `max_inflight_messages`, default 20: raise
# it to ≥ BATCH_MAX on the community broker, see docs/ingest.md).
BATCH_MAX = 500


class BusBridge:
    """Subscribes `sc/<community>/+/event/+` and `.../state`; every message is stored once or kept as a reject.

    On a transport with `subscribe_acked` (MqttTransport) messages are queued and stored in batches, up to
    BATCH_MAX per transaction, by a worker thread, and each is acknowledged to the broker only once its batch
    committed: a console that dies holding a batch has acknowledged none of it. On any other transport
    (InProcessBus) each message is stored before the handler returns.
    """

    def __init__(
        self,
        transport: Transport,
        community: str,
        sessions: sessionmaker[Session],
        *,
        batch_max: int = BATCH_MAX,
    ) -> None:
        self.transport, self.community, self.sessions = transport, community, sessions
        self.batch_max = batch_max
        self.stored = self.rejected = 0
        self.presence = PresenceWatch(sessions)
        self.received = 0  # messages handed to the batching worker
        self._queue: queue.Queue[tuple[Message, Ack] | None] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._stopping = threading.Event()

    def start(self) -> BusBridge:
        self.presence.start()
        topics = (event_topic(self.community, "+", "+"), state_topic(self.community, "+"))
        subscribe_acked = getattr(self.transport, "subscribe_acked", None)
        if subscribe_acked is None:
            for topic in topics:
                self.transport.subscribe(topic, lambda t, p: self.handle([(t, p)]))
            return self
        self._worker = threading.Thread(target=self._run, name="sc-bus-bridge", daemon=True)
        self._worker.start()
        for topic in topics:
            subscribe_acked(topic, self._enqueue)
        return self

    def _enqueue(self, topic: str, payload: bytes, ack: Ack) -> None:
        self.received += 1
        self._queue.put(((topic, payload), ack))

    def stop(self) -> None:
        """Store what is queued, then stop the worker and the presence watch."""
        if self._worker is not None:
            self._stopping.set()  # a batch the database refuses stays unacknowledged: the broker redelivers it
            self._queue.put(None)
            self._worker.join(30)
            self._worker = None
        self.presence.stop()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self.batch_max:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stopping = True
                    break
                batch.append(item)
            self._store_acking(batch)

    def _store_acking(self, batch: list[tuple[Message, Ack]]) -> None:
        """Store the batch (retrying while the database is away), then acknowledge every message of it."""
        delay = 0.5
        while True:
            try:
                self.handle([message for message, _ack in batch])
                break
            except Exception:
                log.exception("bus batch of %d not stored; retrying / 总线事件暂未保存，重试", len(batch))
                if self._stopping.wait(delay):
                    return
                delay = min(delay * 2, 10.0)
        for _message, ack in batch:
            ack()

    def handle(self, messages: list[Message]) -> None:
        """Store messages in one transaction (perimeter lifecycle records apart); rejects are kept."""
        payloads: list[dict[str, Any] | bytes] = []
        sources: list[str] = []
        for topic, payload in messages:
            mapped = self._map(topic, payload)
            if mapped is not None:
                payloads.append(mapped)
                sources.append(f"bus {topic}"[:64])
        if not payloads:
            return
        with self.sessions() as db:
            outcomes = ingest_many(db, payloads, sources=sources)
            db.commit()  # rejects are kept too
        for outcome, source in zip(outcomes, sources, strict=True):
            if outcome.status == "rejected":
                self.rejected += 1
                log.warning("rejected bus message on %s: %s", source, outcome.errors)
            else:
                self.stored += 1

    def _map(self, topic: str, payload: bytes) -> dict[str, Any] | bytes | None:
        """What to ingest for one message (None: nothing, e.g. a perimeter record applied on its own)."""
        if topic.count("/") == 3 and topic.endswith("/state"):  # sc/<community>/<device>/state
            return self._on_state(topic, payload)
        return self._on_event(topic, payload)

    def _on_event(self, topic: str, payload: bytes) -> dict[str, Any] | bytes | None:
        try:
            event = Event.model_validate_json(payload)
        except ValidationError:
            return payload  # not even an envelope: ingest keeps it as a reject with the reason
        self.presence.heard(event.device_id)
        if event.device_id != parse_topic(topic).device_id:
            log.warning("event %s claims device %s on topic %s", event.id, event.device_id, topic)
        mapped = to_ingest_payload(event)
        if mapped is None:
            self._perimeter_record(event, topic)
        return mapped

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

    def _on_state(self, topic: str, payload: bytes) -> dict[str, Any] | bytes | None:
        if not payload:
            return None
        try:
            state = DeviceState.model_validate_json(payload)
        except ValidationError:
            return payload
        self.presence.on_state(state)  # transitions only: presence intervals, status, timeline event
        return None
