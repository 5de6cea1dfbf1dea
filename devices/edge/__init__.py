"""The edge runtime every edge service (face door, plate gate, perimeter) is built on: one bus configuration, the
durable outbox, presence with a last will, the command router with acks, and teardown.

    edge = EdgeBus.connect(BusConfig(url="mqtt://broker:1883"), community="C0001", device_id="gate-1",
                           data_dir=Path("var/gate"), kind="gate")
    edge.events.publish_event(Event(...))   # on disk first, deleted after the broker's PUBACK
    edge.serve({"barrier": handler})         # cmd/<name> → handler → ack
    edge.close()                             # offline announced, outbox flushed for a moment, link closed
"""

from devices.edge.bus import EdgeBus
from devices.edge.settings import BusConfig

__all__ = ["BusConfig", "EdgeBus"]
