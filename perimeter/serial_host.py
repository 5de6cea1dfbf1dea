"""Serial alarm hosts (SCAH/1 with Contact ID, devices/serial): pushed reports → state-machine events.

These hosts push every edge and retransmit until acknowledged, so no trip falls between polls; the risk is a
host that stops talking, caught here by a heartbeat watchdog. RESTORE of a zone clears its alarm, tamper
and fault conditions (SCAH/1 has no separate restore for tamper/fault). Panel-level reports (zone 0) feed
the host's `tamper_zone`. Mains/battery reports are not mapped yet.
"""

from __future__ import annotations

from typing import Any

from perimeter import state_machine as sm

CID_ALARM = frozenset({100, 110, 120, 121, 122, 123, 130, 131, 132, 133, 134})
CID_TAMPER = frozenset({137, 144, 145, 383})
CID_FAULT = frozenset({380})
CID_MAINS = frozenset({301})
CID_BATTERY = frozenset({302, 309})
SCAH_POWER = {
    "AC_LOSS": {"mains_ok": False},
    "AC_RESTORE": {"mains_ok": True},
    "LOW_BATT": {"battery_low": True},
}


class SerialHostTracker:
    """Feed it every message from devices.serial.AlarmHostClient and a tick now and then."""

    def __init__(
        self,
        host_id: str,
        zones: dict[int, str],
        *,
        tamper_zone: str | None = None,
        silent_after: float = 90.0,
        started_at: float = 0.0,
    ) -> None:
        self.host_id, self.zones, self.tamper_zone = host_id, zones, tamper_zone
        self.silent_after = silent_after
        self.last_seen = started_at
        self.online = True
        self._tamper: set[int] = set()
        self._fault: set[int] = set()

    def tick(self, at: float) -> list[sm.Event]:
        """No report or heartbeat for `silent_after` seconds: the host is silent (a fault alarm)."""
        if self.online and at - self.last_seen >= self.silent_after:
            self.online = False
            return [sm.HostSilent(host_id=self.host_id, at=at)]
        return []

    def message(self, msg: Any, at: float) -> list[sm.Event]:
        """Events for one AlarmHostMessage (kind zone / contact_id / heartbeat)."""
        out: list[sm.Event] = []
        self.last_seen = at
        if not self.online:
            self.online = True
            out.append(sm.HostBack(host_id=self.host_id, at=at))
        if msg.kind == "zone":
            out += self._zone_event(int(msg.zone), str(msg.event), at)
        elif msg.kind == "contact_id" and msg.contact_id is not None:
            out += self._contact_id(msg.contact_id, at)
        return out

    def _zone_event(self, n: int, kind: str, at: float) -> list[sm.Event]:
        if kind in SCAH_POWER:
            return [sm.HostPower(host_id=self.host_id, at=at, **SCAH_POWER[kind])]
        if n == 0:
            if kind == "TAMPER" and self.tamper_zone:
                return [
                    sm.ZoneOpened(zone_id=self.tamper_zone, at=at),
                    sm.ZoneClosed(zone_id=self.tamper_zone, at=at),
                ]
            return []
        zid = self.zones.get(n)
        if zid is None:
            return []
        if kind == "ALARM":
            return [sm.ZoneOpened(zone_id=zid, at=at)]
        if kind == "TAMPER":
            return self._set(self._tamper, n, True, sm.Tamper, zid, at)
        if kind == "FAULT":
            return self._set(self._fault, n, True, sm.LineFault, zid, at)
        if kind == "RESTORE":
            out: list[sm.Event] = [sm.ZoneClosed(zone_id=zid, at=at)]
            out += self._set(self._tamper, n, False, sm.Tamper, zid, at)
            return out + self._set(self._fault, n, False, sm.LineFault, zid, at)
        return []

    @staticmethod
    def _set(active: set[int], n: int, on: bool, cls: Any, zid: str, at: float) -> list[sm.Event]:
        if (n in active) == on:
            return []
        (active.add if on else active.discard)(n)
        event: sm.Event = cls(zone_id=zid, at=at, active=on)
        return [event]

    def _contact_id(self, cid: Any, at: float) -> list[sm.Event]:
        qualifier, code, n = cid.event_qualifier, int(cid.code), int(cid.zone)
        if qualifier not in ("new", "restore"):
            return []
        new = qualifier == "new"
        if code in CID_MAINS:
            return [sm.HostPower(host_id=self.host_id, at=at, mains_ok=not new)]
        if code in CID_BATTERY:
            return [sm.HostPower(host_id=self.host_id, at=at, battery_low=new)]
        zid = self.zones.get(n)
        if code in CID_TAMPER and n == 0:
            return self._zone_event(0, "TAMPER", at) if new else []
        if zid is None:
            return []
        if code in CID_ALARM:
            return [sm.ZoneOpened(zone_id=zid, at=at) if new else sm.ZoneClosed(zone_id=zid, at=at)]
        if code in CID_TAMPER:
            return self._set(self._tamper, n, new, sm.Tamper, zid, at)
        if code in CID_FAULT:
            return self._set(self._fault, n, new, sm.LineFault, zid, at)
        return []
