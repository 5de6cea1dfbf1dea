"""MQTT transport to the district: the same GA/T 1400 bodies as HTTP, QoS 1, persistent session, signed frames.

Each request is one message on `viid/<community>/up/<Resource>` (Resource = `PersonInfos`, `System/Keepalive`…)
framed by `devices.bus.signed` with HMAC-SHA256 keyed by the digest HA1 = MD5(user:realm:password), which the
district already stores. The district answers on `viid/<community>/ack` with a frame signed the same way,
carrying the request's MessageID, an HTTP-like Status and the ResponseStatusObject list, one per object.
The console waits for that answer; no answer within `timeout_seconds` → TransientError and the delivery loop
resends the batch later (the district stores nothing twice). The client id is fixed per community and the session
persistent (clean_session False), so answers published while the console is reconnecting are not lost.
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from typing import Any

from devices.bus.mqtt import BusAuthError, MqttSettings, MqttTransport
from devices.bus.signed import FrameError, pack, split, verify
from devices.bus.transport import BusUnavailable, Transport
from property_console.uplink.settings import UplinkSettings
from property_console.uplink.transport import ConfigError, TransientError, item_statuses, local_time
from property_console.uplink.viid import ENDPOINTS, wrap


def up_topic(community: str, resource: str) -> str:
    return f"viid/{community}/up/{resource}"


def ack_topic(community: str) -> str:
    return f"viid/{community}/ack"


def frame_key(user: str, realm: str, password: str) -> bytes:
    """The signing key both sides know: the digest HA1 (the district stores only this)."""
    return hashlib.md5(f"{user}:{realm}:{password}".encode(), usedforsecurity=False).hexdigest().encode()


def broker_settings(settings: UplinkSettings, device_id: str) -> MqttSettings:
    """mqtt://host:port or mqtts://host:port (needs mqtt_tls_ca) → devices.bus settings, persistent session."""
    try:
        parsed = MqttSettings.from_url(
            settings.url,
            client_id=f"sc-uplink-{device_id}",
            username=settings.mqtt_username or settings.username or device_id,
            password=settings.mqtt_password or settings.password,
            clean_session=False,
        )
    except ValueError as exc:
        raise ConfigError(f"SC_UPLINK_URL: {exc}") from exc
    if parsed.tls_ca is not None and settings.mqtt_tls_ca:
        parsed = parsed.model_copy(update={"tls_ca": settings.mqtt_tls_ca})
    return parsed


class MqttUplinkTransport:
    """DistrictTransport over MQTT; `send` blocks until the district's signed answer for that message."""

    def __init__(self, settings: UplinkSettings, device_id: str, bus: Transport | None = None) -> None:
        self.device_id, self.timeout = device_id, settings.timeout_seconds
        self._key = frame_key(settings.username or device_id, settings.realm, settings.password)
        self._waiting: dict[str, tuple[threading.Event, list[tuple[int, dict[str, Any]]]]] = {}
        self._lock = threading.Lock()
        mqtt = MqttTransport(broker_settings(settings, device_id)) if bus is None else None
        self._bus: Transport = mqtt or bus  # type: ignore[assignment]
        self._bus.subscribe(ack_topic(device_id), self._on_ack, qos=1)
        if mqtt is not None:
            mqtt.start()

    def _on_ack(self, _topic: str, payload: bytes) -> None:
        try:
            header, body = split(payload)
        except FrameError:
            return
        if not verify(header, body, self._key):
            return  # not from the district: ignore (the request times out and is resent)
        with self._lock:
            waiter = self._waiting.get(str(header.get("MessageID")))
        if waiter is not None:
            waiter[1].append((int(header.get("Status", 0)), json.loads(body)))
            waiter[0].set()

    def _request(self, resource: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            if isinstance(self._bus, MqttTransport):
                self._bus.wait_connected(min(self.timeout, 5.0))
        except BusAuthError as exc:
            raise ConfigError(f"broker refused credentials: {exc}") from exc
        except BusUnavailable as exc:
            raise TransientError(str(exc)) from exc
        mid = uuid.uuid4().hex
        header = {"V": 1, "MessageID": mid, "DeviceID": self.device_id, "Resource": resource}
        header |= {"Time": local_time(), "ReplyTo": ack_topic(self.device_id)}
        raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        done, answers = threading.Event(), list[tuple[int, dict[str, Any]]]()
        with self._lock:
            self._waiting[mid] = (done, answers)
        try:
            self._bus.publish(up_topic(self.device_id, resource), pack(header, raw, self._key), qos=1)
            if not done.wait(self.timeout):
                raise TransientError(f"{resource}: no answer from the district within {self.timeout:g} s")
        except BusUnavailable as exc:
            raise TransientError(f"{resource}: {exc}") from exc
        finally:
            with self._lock:
                self._waiting.pop(mid, None)
        status, data = answers[0]
        if status in (401, 403, 404):
            raise ConfigError(f"{resource}: status {status} {json.dumps(data, ensure_ascii=False)[:200]}")
        if status >= 300:
            raise TransientError(f"{resource}: status {status} {json.dumps(data, ensure_ascii=False)[:200]}")
        return data

    def register(self) -> dict[str, Any]:
        return self._request("System/Register", {"RegisterObject": {"DeviceID": self.device_id}})

    def keepalive(self, resync_done: str | None = None) -> dict[str, Any]:
        obj = {"DeviceID": self.device_id, **({"ResyncDone": resync_done} if resync_done else {})}
        return self._request("System/Keepalive", {"KeepaliveObject": obj})

    def unregister(self) -> None:
        self._request("System/UnRegister", {"UnRegisterObject": {"DeviceID": self.device_id}})

    def send(self, key: str, objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Upload one list; returns the ResponseStatusObject of each object, in order."""
        resource = ENDPOINTS[key].path.removeprefix("/VIID/")
        return item_statuses(key, objects, self._request(resource, wrap(key, objects)))

    def close(self) -> None:
        self._bus.stop()
