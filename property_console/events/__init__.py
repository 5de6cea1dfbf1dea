"""Console side of device events: validate, store once, raise alarms, push live to browsers."""

from property_console.events.broadcast import Broadcaster, broadcaster_for, publish_after_commit
from property_console.events.ingest import EventRejected, Ingested, ingest
from property_console.events.relay import relay_for, stop_relay

__all__ = [
    "Broadcaster",
    "EventRejected",
    "Ingested",
    "broadcaster_for",
    "ingest",
    "publish_after_commit",
    "relay_for",
    "stop_relay",
]
