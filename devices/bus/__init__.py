"""The event bus: versioned payloads, topics, transports (MQTT, in-process), buffering and an embedded broker.

Usage::

    from devices.bus import BusClient, Event, MqttSettings, MqttTransport, Outbox
    mqtt = MqttTransport(MqttSettings(host="127.0.0.1", port=1884)).start()
    bus = BusClient(Outbox(mqtt, "var/bus-buffer.db"), community="c001")
    bus.publish_event(Event(device_id="gate-1", kind="plate", data={"plate": "京A12345"}))
    bus.on_events(IdempotentConsumer(handle), kind="plate")

Tests use `InProcessBus().connect()` instead of MqttTransport. `start_embedded_broker()` runs amqtt on :1884
in this process; `start_broker_process()` runs it in a child process (better under load: no shared GIL).
"""

from devices.bus.broker import DEFAULT_PORT, BrokerHandle, start_embedded_broker
from devices.bus.broker_process import BrokerProcess, start_broker_process
from devices.bus.client import BusClient
from devices.bus.commands import CommandClient, CommandTimeout, serve_commands
from devices.bus.dedupe import IdempotentConsumer
from devices.bus.disk_buffer import DiskBuffer
from devices.bus.memory import InProcessBus, InProcessTransport
from devices.bus.models import Ack, Command, ConfigPayload, DeviceState, Event, utcnow
from devices.bus.mqtt import BusAuthError, MqttSettings, MqttTransport
from devices.bus.outbox import Outbox
from devices.bus.presence import announce_offline, announce_online, keep_online, with_last_will
from devices.bus.topics import (
    TopicParts,
    ack_topic,
    cmd_topic,
    config_topic,
    event_topic,
    parse_topic,
    state_topic,
)
from devices.bus.transport import BusUnavailable, MessageHandler, TrackedTransport, Transport

__all__ = [
    "DEFAULT_PORT",
    "Ack",
    "BrokerHandle",
    "BrokerProcess",
    "BusAuthError",
    "BusClient",
    "BusUnavailable",
    "Command",
    "CommandClient",
    "CommandTimeout",
    "ConfigPayload",
    "DeviceState",
    "DiskBuffer",
    "Event",
    "IdempotentConsumer",
    "InProcessBus",
    "InProcessTransport",
    "MessageHandler",
    "MqttSettings",
    "MqttTransport",
    "Outbox",
    "TopicParts",
    "TrackedTransport",
    "Transport",
    "ack_topic",
    "announce_offline",
    "announce_online",
    "cmd_topic",
    "config_topic",
    "event_topic",
    "keep_online",
    "parse_topic",
    "serve_commands",
    "start_broker_process",
    "start_embedded_broker",
    "state_topic",
    "utcnow",
    "with_last_will",
]
