"""Typed contracts of what goes on the bus as events, imported by the edges and the console alike.

- `events`: `EventData` / `AlarmData` (the `data` of every stored event, v1) and `to_ingest_payload`, the one
  mapping from a bus Event to the console's ingest JSON;
- `capture`: `Capture` with the one size limit and the JPEG/PNG check;
- `perimeter`: the perimeter service's alarm and lifecycle records.

Presence is `devices.bus.DeviceState`; the console → device commands (open, fire, perimeter, barrier) and their
acks are typed in `devices.contracts.commands`.
"""

from devices.contracts.capture import MAX_CAPTURE_BYTES, MAX_CLIP_BYTES, Capture, image_type
from devices.contracts.events import MAX_DETAIL_BYTES, AlarmData, EventData, EventKind, to_ingest_payload

__all__ = [
    "MAX_CAPTURE_BYTES",
    "MAX_CLIP_BYTES",
    "MAX_DETAIL_BYTES",
    "AlarmData",
    "Capture",
    "EventData",
    "EventKind",
    "image_type",
    "to_ingest_payload",
]
