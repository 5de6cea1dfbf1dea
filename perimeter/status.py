"""Retained live state on the bus: one message per partition and per zone, republished only when it changes.

Topics `sc/<community>/<device_id>/state/partition/<id>` and `.../state/zone/<id>` (retained, QoS 1): a
console that starts later, or reconnects, gets the whole picture at once. They sit one level below the
device's own `state` topic, so the console's online/offline subscription (`sc/<c>/+/state`) ignores them.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from typing import Any

from devices.bus import Transport, state_topic
from perimeter import state_machine as sm
from perimeter.config import SiteConfig


def status_topic(community: str, device_id: str, kind: str, item: str) -> str:
    """Retained state of one partition or zone (kind `partition` or `zone`)."""
    return f"{state_topic(community, device_id)}/{kind}/{item}"


def snapshot(site: SiteConfig, machine: sm.AlarmMachine, uuids: dict[int, Any]) -> dict[str, dict[str, Any]]:
    """Every partition's and zone's live state, keyed by its topic suffix (`partition/P1`, `zone/z1`)."""
    alarms = machine.alarms()
    out: dict[str, dict[str, Any]] = {}
    for p in site.partitions:
        mine = [a for a in alarms if a.partition_id == p.id]
        out[f"partition/{p.id}"] = {
            "id": p.id,
            "name": p.name or p.id,
            "state": machine.state(p.id).value,
            "siren": machine.siren_on(p.id),
            "alarms": [_alarm(a, uuids) for a in mine],
        }
    for z in site.zones:
        st = machine.zone_status(z.id)
        host = machine.zone(z.id).host_id
        out[f"zone/{z.id}"] = {
            "id": z.id,
            "name": z.name or z.id,
            "partition": z.partition,
            "type": z.type.value,
            "open": st.open,
            "tamper": st.tamper,
            "fault": st.fault,
            "host_online": machine.host_online(host) if host else True,
            "bypass": (
                {"until": st.bypass_until, "who": st.bypass_who, "reason": st.bypass_reason}
                if st.bypass_until is not None
                else None
            ),
            "alarm": sorted({a.kind.value for a in alarms if a.zone_id == z.id}),
            "location": z.location.model_dump() if z.location else None,
            "cameras": list(z.cameras),
        }
    return out


def _alarm(a: sm.Alarm, uuids: dict[int, Any]) -> dict[str, Any]:
    return {
        "alarm_uuid": str(uuids[a.id]) if a.id in uuids else None,
        "kind": a.kind.value,
        "zone": a.zone_id,
        "acknowledged": a.acked_at is not None,
    }


class StatusPublisher:
    """Publishes what changed since the last call (everything on the first call)."""

    def __init__(self, transport: Transport, community: str, device_id: str = "perimeter") -> None:
        self.transport, self.community, self.device_id = transport, community, device_id
        self._last: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()  # the poll thread and command acks both publish

    def publish(self, state: dict[str, dict[str, Any]]) -> int:
        """Publish changed items (retained); return how many were sent. A failed send is retried next time."""
        with self._lock:
            return self._publish(state)

    def _publish(self, state: dict[str, dict[str, Any]]) -> int:
        sent = 0
        ts = datetime.now(UTC).isoformat()
        for key, value in state.items():
            if self._last.get(key) == value:
                continue
            kind, item = key.split("/", 1)
            payload = json.dumps({"v": 1, "ts": ts, **value}, ensure_ascii=False).encode()
            self.transport.publish(
                status_topic(self.community, self.device_id, kind, item), payload, qos=1, retain=True
            )
            self._last[key] = value
            sent += 1
        return sent

    def forget(self) -> None:
        """Send everything again on the next call (after a reconnect the broker may have lost it)."""
        with self._lock:
            self._last.clear()

    def clear(self) -> None:
        """Remove every retained message published so far (decommissioning, tests)."""
        with self._lock:
            for key in list(self._last):
                kind, item = key.split("/", 1)
                topic = status_topic(self.community, self.device_id, kind, item)
                self.transport.publish(topic, b"", qos=1, retain=True)
            self._last.clear()
