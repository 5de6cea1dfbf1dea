"""MQTT transport on paho-mqtt 2.x: auto-reconnect, resubscribe, last will, optional auth and TLS."""

from __future__ import annotations

import logging
import ssl
import threading
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from pydantic import BaseModel, ConfigDict, Field

from devices.bus.topics import matches
from devices.bus.transport import BusUnavailable, MessageHandler

log = logging.getLogger(__name__)
SYSTEM_CA = "/etc/ssl/certs/ca-certificates.crt"


class BusAuthError(PermissionError):
    """The broker refused our credentials (configuration error: do not retry)."""


class MqttSettings(BaseModel):
    """Where and how to connect; password is never logged."""

    model_config = ConfigDict(extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=1884, ge=1, le=65535)
    client_id: str = Field(default_factory=lambda: f"sc-{uuid.uuid4().hex[:12]}")
    username: str | None = None
    password: str | None = Field(default=None, repr=False)
    tls_ca: str | None = Field(default=None, description="CA bundle: TLS on (mqtts)")
    tls_cert: str | None = Field(default=None, description="client certificate (PEM), with tls_key")
    tls_key: str | None = Field(default=None, repr=False)
    tls_insecure: bool = False
    keepalive: int = 15
    will_topic: str | None = None
    will_payload: bytes = b""
    clean_session: bool = Field(
        default=True,
        description="False: persistent session (subscriptions and QoS 1 queue kept by the broker)",
    )

    @classmethod
    def from_url(cls, url: str, **overrides: Any) -> MqttSettings:
        """The one parser of broker URLs: `mqtt://[user:pass@]host[:1883]` or
        `mqtts://[user:pass@]host[:8883][?ca=/ca.pem&cert=/client.pem&key=/client.key]` (TLS; the system CA
        bundle when no `ca` is given). Keyword overrides that are not None win over the URL (e.g. a password
        from a secret file); ValueError names what is wrong, in Chinese and English."""
        parts = urlsplit(url.strip())
        if parts.scheme not in ("mqtt", "mqtts") or not parts.hostname:
            raise ValueError(
                f"消息总线地址应为 mqtt://主机:端口 或 mqtts://主机:端口 / "
                f"broker URL must be mqtt://host:port or mqtts://host:port, got {url!r}"
            )
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        unknown = set(query) - {"ca", "cert", "key"}
        if unknown:
            raise ValueError(f"未知参数 / unknown broker URL parameters: {', '.join(sorted(unknown))}")
        tls = parts.scheme == "mqtts"
        if not tls and query:
            raise ValueError("ca/cert/key 仅用于 mqtts:// / ca, cert and key need mqtts://")
        try:
            port = parts.port
        except ValueError as exc:
            raise ValueError(f"端口无效 / invalid port in {url!r}") from exc
        values: dict[str, Any] = {
            "host": parts.hostname,
            "port": port or (8883 if tls else 1883),
            "username": unquote(parts.username) if parts.username else None,
            "password": unquote(parts.password) if parts.password else None,
            "tls_ca": query.get("ca", SYSTEM_CA) if tls else None,
            "tls_cert": query.get("cert"),
            "tls_key": query.get("key"),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @property
    def url(self) -> str:
        """Where this connects, without credentials (for logs and status pages)."""
        return f"{'mqtts' if self.tls_ca else 'mqtt'}://{self.host}:{self.port}"


AckedHandler = Callable[[str, bytes, Callable[[], None]], None]  # (topic, payload, ack)


class _OneAck:
    """Acknowledges one received message to the broker once every acked handler called it (QoS 0: nothing)."""

    def __init__(self, client: mqtt.Client, mid: int, qos: int, waiting: int) -> None:
        self.client, self.mid, self.qos = client, mid, qos
        self._left = waiting
        self._lock = threading.Lock()
        if waiting == 0:
            self._send()

    def __call__(self) -> None:
        with self._lock:
            self._left -= 1
            due = self._left == 0
        if due:
            self._send()

    def _send(self) -> None:
        if self.qos > 0:
            self.client.ack(self.mid, self.qos)


class MqttTransport:
    """Transport over a broker; call `start()` then `wait_connected()`; delivery on paho's network thread."""

    def __init__(self, settings: MqttSettings) -> None:
        self.settings = settings
        self._client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=settings.client_id,
            clean_session=settings.clean_session,
            manual_ack=True,  # _on_message acknowledges; an acked subscriber's message once it says so
        )
        self._subs: list[tuple[str, int, MessageHandler]] = []
        self._acked_subs: list[tuple[str, int, AckedHandler]] = []
        self._lock = threading.Lock()
        self._connected = threading.Event()
        self.auth_error: str | None = None
        self._stopping = False
        self._connect_hooks: list[Callable[[], None]] = []
        self._published: list[Callable[[int], None]] = []
        self._configure()

    def _configure(self) -> None:
        s, c = self.settings, self._client
        if s.username is not None:
            c.username_pw_set(s.username, s.password)
        if s.tls_ca is not None:
            c.tls_set(ca_certs=s.tls_ca, certfile=s.tls_cert, keyfile=s.tls_key, cert_reqs=ssl.CERT_REQUIRED)
            c.tls_insecure_set(s.tls_insecure)
        if s.will_topic is not None:
            c.will_set(s.will_topic, s.will_payload, qos=1, retain=True)
        c.reconnect_delay_set(min_delay=1, max_delay=2)  # a returning broker is used within 2 s
        c.max_queued_messages_set(0)
        c.max_inflight_messages_set(200)
        c.on_connect = self._on_connect
        c.on_disconnect = self._on_disconnect
        c.on_message = self._on_message
        c.on_publish = self._on_publish

    def start(self) -> MqttTransport:
        """Connect in the background (keeps retrying until stopped)."""
        self._client.connect_async(self.settings.host, self.settings.port, keepalive=self.settings.keepalive)
        self._client.loop_start()
        return self

    def wait_connected(self, timeout: float = 10.0) -> None:
        """Block until connected; BusAuthError on refused credentials, BusUnavailable on timeout."""
        if not self._connected.wait(timeout):
            if self.auth_error:
                raise BusAuthError(self.auth_error)
            raise BusUnavailable(f"no broker at {self.settings.host}:{self.settings.port}")

    @property
    def connected(self) -> bool:
        """True while the session is up."""
        return self._connected.is_set()

    def _on_connect(self, client: mqtt.Client, _u: object, _f: object, rc: object, _p: object) -> None:
        if getattr(rc, "is_failure", False):
            self.auth_error = str(rc)
            log.error("MQTT broker refused connection / 连接被拒绝: %s", rc)
            if getattr(rc, "value", 0) in (4, 5, 134, 135):
                client.disconnect()
            return
        self.auth_error = None
        with self._lock:
            filters = [(f, q) for f, q, _h in self._subs] + [(f, q) for f, q, _h in self._acked_subs]
        for topic_filter, qos in filters:
            client.subscribe(topic_filter, qos)
        self._connected.set()
        log.info("MQTT connected to %s:%s", self.settings.host, self.settings.port)
        for hook in list(self._connect_hooks):
            try:
                hook()
            except Exception:
                log.exception("MQTT on-connect hook failed")

    def on_connected(self, hook: Callable[[], None]) -> None:
        """Run `hook` after every (re)connect, and now if connected (e.g. re-announce presence)."""
        self._connect_hooks.append(hook)
        if self._connected.is_set():
            hook()

    def _on_disconnect(self, _c: mqtt.Client, _u: object, _f: object, rc: object, _p: object) -> None:
        if self._connected.is_set() and not self._stopping:
            log.warning("MQTT disconnected / 连接断开: %s", rc)
        self._connected.clear()

    def _on_message(self, client: mqtt.Client, _u: object, msg: mqtt.MQTTMessage) -> None:
        with self._lock:
            handlers = [h for f, _q, h in self._subs if matches(f, msg.topic)]
            acked = [h for f, _q, h in self._acked_subs if matches(f, msg.topic)]
        for handler in handlers:
            try:
                handler(msg.topic, bytes(msg.payload))
            except Exception:
                log.exception("bus handler failed for %s", msg.topic)
        ack = _OneAck(client, msg.mid, msg.qos, len(acked))
        for acked_handler in acked:
            try:
                acked_handler(msg.topic, bytes(msg.payload), ack)
            except Exception:
                log.exception("bus handler failed for %s", msg.topic)
                ack()

    def subscribe_acked(self, topic_filter: str, handler: AckedHandler, *, qos: int = 1) -> None:
        """Like `subscribe`, but the broker gets the PUBACK only once `handler` called the `ack` it was given
        (from any thread), e.g. after a batch committed; until then a lost session means redelivery."""
        with self._lock:
            self._acked_subs.append((topic_filter, qos, handler))
        if self._connected.is_set():
            self._client.subscribe(topic_filter, qos)

    def publish(self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False) -> None:
        """Queue to the broker; BusUnavailable if the session is down (the caller buffers)."""
        self.publish_tracked(topic, payload, qos=qos, retain=retain)

    def publish_tracked(self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False) -> int:
        """Queue to the broker and return the message id `on_published` reports on its PUBACK."""
        if not self._connected.is_set():
            raise BusUnavailable("MQTT not connected")
        info = self._client.publish(topic, payload, qos=qos, retain=retain)
        if info.rc != mqtt.MQTT_ERR_SUCCESS:
            raise BusUnavailable(f"MQTT publish failed: {mqtt.error_string(info.rc)}")
        return int(info.mid)

    def on_published(self, callback: Callable[[int], None]) -> None:
        """Call `callback(mid)` on the network thread when the broker acknowledged a message."""
        self._published.append(callback)

    def _on_publish(self, _c: mqtt.Client, _u: object, mid: int, _rc: object, _p: object) -> None:
        for callback in self._published:
            callback(mid)

    def subscribe(self, topic_filter: str, handler: MessageHandler, *, qos: int = 1) -> None:
        """Register and subscribe now (and again after every reconnect)."""
        with self._lock:
            self._subs.append((topic_filter, qos, handler))
        if self._connected.is_set():
            self._client.subscribe(topic_filter, qos)

    def stop(self) -> None:
        """Disconnect cleanly (no last will) and stop the network thread."""
        self._stopping = True
        self._client.disconnect()
        self._client.loop_stop()
        self._connected.clear()
