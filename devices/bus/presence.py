"""Online/offline presence: MQTT settings carrying an offline last will, and the matching online announcement."""

from __future__ import annotations

from devices.bus import topics
from devices.bus.client import BusClient
from devices.bus.models import DeviceState
from devices.bus.mqtt import MqttSettings
from devices.bus.transport import Transport


def with_last_will(settings: MqttSettings, community: str, device_id: str) -> MqttSettings:
    """A copy of `settings` whose last will marks `device_id` offline (retained) when the link dies."""
    will = DeviceState(device_id=device_id, online=False, info={"reason": "last_will"})
    return settings.model_copy(
        update={"will_topic": topics.state_topic(community, device_id), "will_payload": will.to_bytes()}
    )


def announce_online(bus: BusClient, device_id: str, **info: object) -> None:
    """Publish the retained online state (call after every (re)connect)."""
    bus.publish_state(DeviceState(device_id=device_id, online=True, info=dict(info)))


def announce_offline(bus: BusClient, device_id: str) -> None:
    """Publish the retained offline state on a clean shutdown (the broker sends no will then)."""
    bus.publish_state(DeviceState(device_id=device_id, online=False, info={"reason": "shutdown"}))


def keep_online(transport: Transport, bus: BusClient, device_id: str, **info: object) -> None:
    """Announce online now and after every reconnect: a dropped link leaves the last will's retained offline
    state behind, which only a fresh announcement replaces."""
    transport.on_connected(lambda: announce_online(bus, device_id, **info))
