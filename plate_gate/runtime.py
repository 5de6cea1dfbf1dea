"""Assemble a running lane from its config: store, relay + loop (devices/), barrier, bus, process, sync."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx

from devices.bus.transport import TrackedTransport
from devices.edge import EdgeBus
from devices.edge.faults import fault_reporter
from devices.modbus import ModbusAdapter, ModbusConfig
from devices.relay import ModbusCoilDriver, Relay, RelayDriver, SerialBoardDriver
from plate_gate.barrier import Barrier
from plate_gate.config import GateConfig, LoopConfig, RelayConfig
from plate_gate.gate_cache import CarPark
from plate_gate.loop_sensor import LoopSensor, MemoryLoopSensor, ModbusLoopSensor
from plate_gate.process import BARRIER_COMMAND, GateProcess, Lane
from plate_gate.store import LocalGateStore
from plate_gate.sync import ConsoleSync

log = logging.getLogger(__name__)


def modbus(cfg: RelayConfig | LoopConfig) -> ModbusAdapter:
    """A Modbus adapter for a relay board or I/O module (TCP when a host is given, else RTU)."""
    if cfg.host:
        return ModbusAdapter(ModbusConfig(transport="tcp", host=cfg.host, port=cfg.port, unit_id=cfg.unit_id))
    return ModbusAdapter(ModbusConfig(transport="rtu", serial_port=cfg.serial_port, unit_id=cfg.unit_id))


class RecordingDriver:
    """The built-in relay simulator for ``kind: sim``: logs and remembers every switch."""

    def __init__(self) -> None:
        self.switches: list[tuple[int, bool]] = []

    def set(self, channel: int, on: bool) -> None:
        self.switches.append((channel, on))
        log.info("relay %d %s / 继电器%s", channel, "on" if on else "off", "吸合" if on else "释放")


def relay_driver(cfg: RelayConfig) -> RelayDriver:
    """The driver named by the config."""
    if cfg.kind == "modbus":
        return ModbusCoilDriver(modbus(cfg))
    if cfg.kind == "serial":
        return SerialBoardDriver(cfg.serial_port or "")
    return RecordingDriver()


def loop_sensor(cfg: LoopConfig, edge: EdgeBus | None = None, gate: str = "") -> LoopSensor:
    """The loop detector named by the config; with a bus its faults are reported as alarms of the gate."""
    if cfg.kind == "modbus":
        on_fault, on_restored = (
            fault_reporter(edge.events, gate, "地感检测器", "loop detector") if edge else (None, None)
        )
        return ModbusLoopSensor(
            modbus(cfg), cfg.address, active_high=cfg.active_high, on_fault=on_fault, on_restored=on_restored
        )
    return MemoryLoopSensor()


def edge_bus(cfg: GateConfig, transport: TrackedTransport | None = None) -> EdgeBus | None:
    """The lane's link to the bus (an injected transport, or MQTT to the configured broker); None without."""
    if transport is not None:
        return EdgeBus(transport, cfg.community, cfg.gate, cfg.data_dir, kind="gate")
    if cfg.bus is None:
        return None
    return EdgeBus.connect(
        cfg.bus, community=cfg.community, device_id=cfg.gate, data_dir=cfg.data_dir, kind="gate"
    )


@dataclass
class GateRuntime:
    """Everything a lane runs; ``stop()`` releases it."""

    config: GateConfig
    store: LocalGateStore
    barrier: Barrier
    process: GateProcess
    edge: EdgeBus | None
    sync: ConsoleSync | None
    stoppers: list[Callable[[], None]] = field(default_factory=list)

    def stop(self) -> None:
        for stop in reversed(self.stoppers):
            try:
                stop()
            except Exception:
                log.exception("stopping gate component failed")


def build_gate(
    cfg: GateConfig,
    *,
    transport: TrackedTransport | None = None,
    driver: RelayDriver | None = None,
    loop: LoopSensor | None = None,
    http: httpx.Client | None = None,
    clock: Callable[[], datetime] | None = None,
) -> GateRuntime:
    """Build a lane; the keyword arguments replace configured devices (tests and ``sc gate sim``)."""
    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    zone = ZoneInfo(cfg.timezone)
    now = clock or (lambda: datetime.now(zone))
    store = LocalGateStore(cfg.data_dir / "gate.db", CarPark(cfg.car_park, cfg.capacity))
    drv = driver or relay_driver(cfg.relay)
    open_relay = Relay(drv, cfg.relay.open_channel, name=f"{cfg.gate}-open")
    close_relay = (
        Relay(drv, cfg.relay.close_channel, name=f"{cfg.gate}-close") if cfg.relay.close_channel else None
    )
    stoppers: list[Callable[[], None]] = [store.close]
    edge = edge_bus(cfg, transport)
    sensor = loop or loop_sensor(cfg.loop, edge, cfg.gate)
    barrier = Barrier(open_relay, sensor, close_relay=close_relay, timing=cfg.timing())
    if edge is not None:
        stoppers.append(edge.close)  # runs last (stoppers run in reverse): offline, outbox flushed
    lane = Lane(cfg.gate, cfg.car_park, cfg.direction)
    keep = edge is None or cfg.capture_days > 0  # with a bus the console has the capture
    process = GateProcess(
        lane,
        store,
        barrier,
        edge.events if edge else None,
        rules=cfg.rules.rules(),
        clock=now,
        captures=cfg.data_dir / "captures" if keep else None,
        capture_days=cfg.capture_days,
    )
    process.prune_captures(now())
    if edge is not None:
        edge.serve({BARRIER_COMMAND: process.confirm})
    stoppers.append(barrier.start().stop)
    sync = None
    if cfg.console is not None:
        c = cfg.console
        client = http or httpx.Client(base_url=c.url, timeout=5.0)
        sync = ConsoleSync(
            client, store, cfg.car_park, username=c.username, password=c.password, interval_s=c.interval_s
        )
        stoppers.append(sync.stop)
    return GateRuntime(cfg, store, barrier, process, edge, sync, stoppers)
