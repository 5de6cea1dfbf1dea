"""The district's MQTT intake: the same validation and idempotent storage as the HTTP receiver, per-message answers.

Subscribes `viid/+/up/#` with QoS 1 under a fixed client id and a persistent session, so uploads published while
the district is down wait at the broker. Each frame must be signed with the sending community's digest HA1
(devices.bus.signed) and its DeviceID must equal the community in the topic; otherwise it is dropped, logged and
counted, and nothing is stored (no answer: the sender cannot be told apart from an impostor). Valid frames run
through `intake.system` / `intake.upload`, and the answer (HTTP-like Status + ResponseStatusObject per object)
is published signed to `viid/<community>/ack`. Messages are handled one at a time in arrival order by a worker
thread (the MQTT network thread only queues them).
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from devices.bus.mqtt import MqttSettings, MqttTransport
from devices.bus.signed import FrameError, pack, split, verify
from devices.bus.transport import Transport
from district_cloud import intake
from district_cloud import models as m
from district_cloud.config import DistrictSettings

log = logging.getLogger(__name__)
UP_FILTER = "viid/+/up/#"


@dataclass
class IntakeStats:
    handled: int = 0
    refused: int = 0
    failed: int = 0


def broker_settings(s: DistrictSettings) -> MqttSettings:
    parsed = MqttSettings.from_url(
        s.mqtt_url,
        client_id=s.mqtt_client_id,
        username=s.mqtt_username or None,
        password=s.mqtt_password or None,
        clean_session=False,
    )
    if parsed.tls_ca is not None and s.mqtt_tls_ca:
        parsed = parsed.model_copy(update={"tls_ca": s.mqtt_tls_ca})
    return parsed


class MqttIntake:
    """`start()` subscribes and runs the worker; `handle()` processes one message (tests call it directly)."""

    def __init__(
        self, sessions: sessionmaker[Session], settings: DistrictSettings, bus: Transport | None = None
    ) -> None:
        self.sessions, self.settings = sessions, settings
        self._mqtt = MqttTransport(broker_settings(settings)) if bus is None else None
        self.bus: Transport = self._mqtt or bus  # type: ignore[assignment]
        self.stats = IntakeStats()
        self._queue: queue.Queue[tuple[str, bytes] | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def start(self) -> MqttIntake:
        self._thread = threading.Thread(target=self._work, name="mqtt-intake", daemon=True)
        self._thread.start()
        self.bus.subscribe(UP_FILTER, lambda t, p: self._queue.put((t, p)), qos=1)
        if self._mqtt is not None:
            self._mqtt.start()
        return self

    def stop(self) -> None:
        self.bus.stop()
        self._queue.put(None)
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _work(self) -> None:
        while (msg := self._queue.get()) is not None:
            try:
                self.handle(*msg)
            except Exception:  # database down…: no answer, the community resends
                self.stats.failed += 1
                log.exception("MQTT intake failed on %s", msg[0])

    def _refuse(self, topic: str, why: str) -> None:
        self.stats.refused += 1
        log.warning("MQTT upload refused / 拒收 on %s: %s", topic, why)

    def handle(self, topic: str, payload: bytes) -> None:
        parts = topic.split("/", 3)
        if len(parts) != 4 or parts[0] != "viid" or parts[2] != "up":
            return self._refuse(topic, "unexpected topic")
        code, resource = parts[1], parts[3]
        try:
            header, body = split(payload)
        except FrameError as exc:
            return self._refuse(topic, str(exc))
        with self.sessions() as db:
            community = db.get(m.Community, code)
            key = community.ha1.encode() if community is not None else None
        if key is None or header.get("DeviceID") != code or header.get("Resource") != resource:
            return self._refuse(topic, "unknown community or header does not match the topic")
        if not verify(header, body, key):
            return self._refuse(topic, "bad signature")
        status, answer = self._answer(code, resource, body)
        ack = {"V": 1, "MessageID": str(header.get("MessageID", "")), "DeviceID": code, "Status": status}
        ack["Time"] = intake.local_time()
        raw = json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode()
        self.bus.publish(f"viid/{code}/ack", pack(ack, raw, key), qos=1)
        self.stats.handled += 1

    def _answer(self, code: str, resource: str, body: bytes) -> intake.Answer:
        url = f"/VIID/{resource}"
        if len(body) > self.settings.max_body_bytes:
            return intake.refusal(413, url, intake.INVALID_CONTENT, "请求过大 Payload too large")
        try:
            parsed: Any = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return intake.refusal(400, url, intake.INVALID_JSON, "JSON格式错误 Invalid JSON")
        if resource.startswith("System/"):
            return intake.system(self.sessions, code, resource.removeprefix("System/"), parsed, url)
        return intake.upload(self.sessions, code, resource, parsed, url, self.settings.webhook_timeout)


def start_mqtt_intake(sessions: sessionmaker[Session], settings: DistrictSettings) -> MqttIntake | None:
    """Run the intake next to the HTTP receiver when SCD_MQTT_URL is set."""
    if not settings.mqtt_url:
        return None
    return MqttIntake(sessions, settings).start()
