"""Poll Modbus perimeter hosts and safety sensors through devices/, feed the state machine, run the linkage.

The poller is the only writer to the AlarmMachine: console/keypad commands are queued with `submit()` and
applied in the poll thread, so events stay in one order.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Protocol

from devices.modbus import ModbusAdapter, ModbusConfig, ModbusDeviceError, ModbusUnavailable
from devices.serial import AlarmHostClient
from perimeter import state_machine as sm
from perimeter.config import HostConfig, SiteConfig
from perimeter.linkage import Linkage
from perimeter.safety import Limits, SafetyMonitor, to_events
from perimeter.serial_host import SerialHostTracker
from perimeter.short_trip import HostSample, HostTracker

log = logging.getLogger(__name__)
LATCH, FAULT, STATUS, TAMPER_COUNT, CLEAR_ALL = 1000, 2000, 3000, 1000, 0


class Registers(Protocol):
    """What the poller needs from a Modbus device (devices.modbus.ModbusAdapter)."""

    def read_discrete_inputs(self, address: int, count: int = 1) -> list[bool]: ...

    def read_input_registers(self, address: int, count: int = 1) -> list[int]: ...

    def write_coil(self, address: int, value: bool) -> None: ...


def adapter_for(h: HostConfig, retries: int = 1) -> ModbusAdapter:
    """A devices/ Modbus adapter for a configured Modbus host; hosts (and siren outputs) on one RS-485 port
    or TCP endpoint share that line's client, each addressed by its unit id (devices.modbus.line)."""
    if h.protocol != "modbus" or h.transport == "serial":
        raise ValueError(f"host {h.id} is not a Modbus host")
    cfg = ModbusConfig(
        transport="tcp" if h.transport == "tcp" else "rtu",
        host=h.host,
        port=h.port,
        serial_port=h.serial_port,
        baudrate=h.baudrate,
        unit_id=h.unit_id,
        timeout=h.timeout,
        retries=retries,
    )
    return ModbusAdapter(cfg)


def read_host(dev: Registers, inputs: int, power: bool = False) -> HostSample:
    """One cycle in the order the short-trip contract needs: counters first, then live, latched, fault;
    with `power`, the status block also gives mains present / battery low (DI 3002, 3003)."""
    counters = dev.read_input_registers(0, inputs)
    live = dev.read_discrete_inputs(0, inputs)
    latched = dev.read_discrete_inputs(LATCH, inputs)
    fault = dev.read_discrete_inputs(FAULT, inputs)
    tamper_count = dev.read_input_registers(TAMPER_COUNT, 1)[0]
    status = dev.read_discrete_inputs(STATUS, 4 if power else 2)
    mains, battery_low = (status[2], status[3]) if power else (None, None)
    return HostSample(live, latched, fault, counters, status[0], status[1], tamper_count, mains, battery_low)


def connect_serial_hosts(site: SiteConfig, poller: Poller) -> list[AlarmHostClient]:
    """Open every SCAH/1 serial host of the site, delivering its reports to the poller."""
    clients = []
    for h in site.hosts:
        if h.protocol == "scah" and h.serial_port:
            deliver = partial(poller.on_serial_message, h.id)
            clients.append(AlarmHostClient(h.serial_port, deliver, baudrate=h.baudrate))
    return clients


class Poller:
    """One poll cycle = every host, every safety sensor, the queued commands, then a tick."""

    def __init__(
        self,
        site: SiteConfig,
        machine: sm.AlarmMachine,
        devices: dict[str, Registers],
        linkage: Linkage | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.site, self.machine, self.devices, self.linkage, self.clock = (
            site,
            machine,
            devices,
            linkage,
            clock,
        )
        now = clock()
        self.trackers = {
            h.id: HostTracker(
                h.id,
                {z.input: z.id for z in site.zones if z.host == h.id and z.input is not None},
                tamper_zone=h.tamper_zone,
                silent_after=h.silent_after,
            )
            for h in site.hosts
            if h.protocol == "modbus"
        }
        self.serial = {
            h.id: SerialHostTracker(
                h.id,
                {z.input: z.id for z in site.zones if z.host == h.id and z.input is not None},
                tamper_zone=h.tamper_zone,
                silent_after=h.silent_after,
                started_at=now,
            )
            for h in site.hosts
            if h.protocol == "scah"
        }
        self._pushed: queue.SimpleQueue[sm.Event] = queue.SimpleQueue()
        self._serial_lock = threading.Lock()
        self.monitors = {
            s.id: SafetyMonitor(s.id, Limits(s.low, s.high, s.hysteresis, s.min_duration, s.max_age), now)
            for s in site.safety
        }
        self._commands: queue.SimpleQueue[tuple[sm.Event, Future[list[sm.Effect]]]] = queue.SimpleQueue()
        self._failing: set[str] = set()
        lines: dict[tuple[str, object], list[HostConfig]] = {}
        for h in (h for h in site.hosts if h.protocol == "modbus"):  # one line/endpoint: one at a time
            lines.setdefault((h.transport, h.serial_port or (h.host, h.port)), []).append(h)
        self._lines = list(lines.values())
        self._pool = ThreadPoolExecutor(max(1, len(self._lines)), thread_name_prefix="perimeter-poll")
        self.lock = threading.Lock()  # held while the machine changes, for readers in other threads
        self._zone_hosts = {z.host_id for z in machine.zones() if z.host_id}

    def submit(self, event: sm.Event) -> Future[list[sm.Effect]]:
        """Queue a command (arm, disarm, bypass, ack, reset) from any thread; the future gets its effects."""
        done: Future[list[sm.Effect]] = Future()
        self._commands.put((event, done))
        return done

    def on_serial_message(self, host_id: str, message: object) -> None:
        """Callback for devices.serial.AlarmHostClient (its reader thread): queue the message's events."""
        with self._serial_lock:
            for e in self.serial[host_id].message(message, self.clock()):
                self._pushed.put(e)

    def poll_once(self) -> list[sm.Effect]:
        """Run one cycle and the linkage; return the effects."""
        reads = list(self._pool.map(self._read_line, self._lines)) if len(self._lines) > 1 else None
        results = {h: r for line in (reads or [self._read_line(x) for x in self._lines]) for h, r in line}
        events: list[sm.Event] = []
        for h in self.site.hosts:  # results are applied in configuration order: deterministic
            if h.id in self.trackers:
                events += self._apply_read(h, results.get(h.id))
        while not self._pushed.empty():
            events.append(self._pushed.get_nowait())
        with self._serial_lock:
            for tracker in self.serial.values():
                events += tracker.tick(self.clock())
        events += self._poll_sensors()
        commands = []
        while not self._commands.empty():
            commands.append(self._commands.get_nowait())
        effects: list[sm.Effect] = []
        with self.lock:
            for e in events:
                effects += self.machine.handle(e)
            for command, done in commands:
                out = self.machine.handle(command)
                effects += out
                done.set_result(out)
            effects += self.machine.handle(sm.Tick(at=self.clock()))
        if self.linkage is not None:
            self.linkage.apply(effects)
        self._clear_latches()  # only once the alarms were recorded (the counters make this safe anyway)
        return effects

    def _read_line(self, hosts: list[HostConfig]) -> list[tuple[str, HostSample | Exception | None]]:
        """Read the hosts sharing one link (one RS-485 line or one TCP endpoint), one after the other."""
        out: list[tuple[str, HostSample | Exception | None]] = []
        for h in hosts:
            dev = self.devices.get(h.id)
            if h.inputs == 0 or dev is None:
                out.append((h.id, None))
                continue
            try:
                out.append((h.id, read_host(dev, h.inputs, h.power_status)))
            except (ModbusUnavailable, ModbusDeviceError) as exc:
                out.append((h.id, exc))
        return out

    def _apply_read(self, h: HostConfig, result: HostSample | Exception | None) -> list[sm.Event]:
        tracker = self.trackers[h.id]
        if result is None:
            return []
        if isinstance(result, Exception):
            exc = result
            if h.id not in self._failing:
                log.warning("host %s: poll failed (%s) / 报警主机轮询失败", h.id, exc)
                self._failing.add(h.id)
            return tracker.failure(self.clock())
        if h.id in self._failing:
            log.info("host %s: polling again / 报警主机轮询恢复", h.id)
            self._failing.discard(h.id)
        events = tracker.sample(result, self.clock())
        if result.mains_ok is not None and h.id in self._zone_hosts:
            power = sm.HostPower(
                host_id=h.id, at=self.clock(), mains_ok=result.mains_ok, battery_low=result.battery_low
            )
            events.append(power)  # the machine acts on changes only
        return events

    def _clear_latches(self) -> None:
        """Latches only matter for the first sample, counter resets and hosts without counters."""
        for h in self.site.hosts:
            dev = self.devices.get(h.id)
            if dev is None or h.id not in self.trackers or not self.trackers[h.id].to_clear:
                continue
            try:
                dev.write_coil(CLEAR_ALL, True)
                self.trackers[h.id].to_clear = []
            except (ModbusUnavailable, ModbusDeviceError) as exc:
                log.debug("host %s: latch clear failed: %s", h.id, exc)

    def _poll_sensors(self) -> list[sm.Event]:
        events: list[sm.Event] = []
        for s in self.site.safety:
            value: float | None = None
            dev = self.devices.get(s.host)
            try:
                if dev is not None:
                    value = dev.read_input_registers(s.input_register, 1)[0] * s.scale
            except (ModbusUnavailable, ModbusDeviceError):
                value = None
            for change in self.monitors[s.id].reading(value, self.clock()):
                events += to_events(change, s.zone)
        return events

    def close(self) -> None:
        """Stop the read threads."""
        self._pool.shutdown(wait=True)

    def run(self, stop: threading.Event, after: Callable[[list[sm.Effect]], None] | None = None) -> None:
        """Poll until `stop` is set, one cycle per the shortest configured poll interval; `after` gets
        each cycle's effects (state publishing, schedules) in the poll thread."""
        interval = min((h.poll_interval for h in self.site.hosts), default=0.5)
        try:
            while not stop.is_set():
                started = time.monotonic()
                try:
                    effects = self.poll_once()
                    if after is not None:
                        after(effects)
                except Exception:  # the loop must survive anything a device does
                    log.exception("perimeter poll cycle failed")
                stop.wait(max(0.0, interval - (time.monotonic() - started)))
        finally:
            self.close()
