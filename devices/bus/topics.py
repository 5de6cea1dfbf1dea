"""Topics: `sc/<community>/<device>/{state,event/<kind>,cmd/<name>[/ack]}`, `sc/<community>/config/<kind>`."""

from __future__ import annotations

import re
from dataclasses import dataclass

ROOT = "sc"
_SEGMENT = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
WILD = "+"


def _seg(value: str, *, wildcard: bool = False) -> str:
    if wildcard and value == WILD:
        return value
    if not _SEGMENT.match(value):
        raise ValueError(f"invalid topic segment / 非法主题段: {value!r}")
    return value


def state_topic(community: str, device_id: str) -> str:
    """Retained device state (online/offline, last will)."""
    return f"{ROOT}/{_seg(community)}/{_seg(device_id, wildcard=True)}/state"


def event_topic(community: str, device_id: str, kind: str) -> str:
    """Event of one kind from one device; pass `+` to subscribe across devices or kinds."""
    return f"{ROOT}/{_seg(community)}/{_seg(device_id, wildcard=True)}/event/{_seg(kind, wildcard=True)}"


def cmd_topic(community: str, device_id: str, name: str) -> str:
    """Command sent to a device."""
    return f"{ROOT}/{_seg(community)}/{_seg(device_id, wildcard=True)}/cmd/{_seg(name, wildcard=True)}"


def ack_topic(community: str, device_id: str, name: str) -> str:
    """Acknowledgement of a command."""
    return cmd_topic(community, device_id, name) + "/ack"


def config_topic(community: str, kind: str) -> str:
    """Retained configuration of one kind for a community (device id `config` is reserved)."""
    return f"{ROOT}/{_seg(community)}/config/{_seg(kind, wildcard=True)}"


@dataclass(frozen=True, slots=True)
class TopicParts:
    """A parsed topic: `kind` is state/event/cmd/ack/config; `name` the event kind or command name."""

    community: str
    kind: str
    device_id: str | None = None
    name: str | None = None


def parse_topic(topic: str) -> TopicParts:
    """Split a concrete topic into its parts; raises ValueError when it is not one of ours."""
    parts = topic.split("/")
    if len(parts) < 3 or parts[0] != ROOT:
        raise ValueError(f"not an sc topic: {topic!r}")
    community = parts[1]
    rest = parts[2:]
    if rest[0] == "config" and len(rest) == 2:
        return TopicParts(community, "config", name=rest[1])
    if len(rest) == 2 and rest[1] == "state":
        return TopicParts(community, "state", device_id=rest[0])
    if len(rest) == 3 and rest[1] in ("event", "cmd"):
        return TopicParts(community, rest[1], device_id=rest[0], name=rest[2])
    if len(rest) == 4 and rest[1] == "cmd" and rest[3] == "ack":
        return TopicParts(community, "ack", device_id=rest[0], name=rest[2])
    raise ValueError(f"unknown sc topic layout: {topic!r}")


def matches(topic_filter: str, topic: str) -> bool:
    """MQTT wildcard match (`+` one level, `#` the rest)."""
    f_parts, t_parts = topic_filter.split("/"), topic.split("/")
    for i, f in enumerate(f_parts):
        if f == "#":
            return True
        if i >= len(t_parts) or (f != "+" and f != t_parts[i]):
            return False
    return len(f_parts) == len(t_parts)
