"""Typed helpers over a Transport: publish/subscribe events, state, config for one community."""

from __future__ import annotations

import logging
from collections.abc import Callable

from pydantic import ValidationError

from devices.bus import topics
from devices.bus.models import ConfigPayload, DeviceState, Event
from devices.bus.transport import Transport

log = logging.getLogger(__name__)


class BusClient:
    """Community-scoped bus access; invalid payloads are logged and dropped."""

    def __init__(self, transport: Transport, community: str) -> None:
        self.transport = transport
        self.community = community

    def publish_event(self, event: Event) -> None:
        """Publish an event (QoS 1, not retained)."""
        topic = topics.event_topic(self.community, event.device_id, event.kind)
        self.transport.publish(topic, event.to_bytes(), qos=1)

    def publish_state(self, state: DeviceState) -> None:
        """Publish retained device state."""
        topic = topics.state_topic(self.community, state.device_id)
        self.transport.publish(topic, state.to_bytes(), qos=1, retain=True)

    def publish_config(self, config: ConfigPayload) -> None:
        """Publish retained configuration."""
        topic = topics.config_topic(self.community, config.kind)
        self.transport.publish(topic, config.to_bytes(), qos=1, retain=True)

    def on_events(self, handler: Callable[[Event], object], *, device_id: str = "+", kind: str = "+") -> None:
        """Subscribe to events (wrap `handler` in IdempotentConsumer to drop redeliveries)."""
        self.transport.subscribe(topics.event_topic(self.community, device_id, kind), _typed(Event, handler))

    def on_state(self, handler: Callable[[DeviceState], object], *, device_id: str = "+") -> None:
        """Subscribe to device states (retained ones arrive at once)."""
        self.transport.subscribe(topics.state_topic(self.community, device_id), _typed(DeviceState, handler))

    def on_config(self, handler: Callable[[ConfigPayload], object], *, kind: str = "+") -> None:
        """Subscribe to retained configuration."""
        self.transport.subscribe(topics.config_topic(self.community, kind), _typed(ConfigPayload, handler))


def _typed(model: type, handler: Callable[..., object]) -> Callable[[str, bytes], None]:
    def deliver(topic: str, payload: bytes) -> None:
        if not payload:
            return
        try:
            message = model.model_validate_json(payload)  # type: ignore[attr-defined]
        except ValidationError as exc:
            log.warning("dropping invalid payload on %s: %s", topic, exc.errors()[:1])
            return
        handler(message)

    return deliver
