"""The door process: camera → recognise → decide → lock relay, lamps, voice; events on the bus; inputs; sync."""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime
from typing import Any

import httpx
import numpy as np

from access.config import AccessConfig
from access.controller import DoorConfig, DoorController
from access.edge.camera import CameraFrames
from access.edge.commands import open_handler
from access.edge.config import DoorProcessConfig, RelayConfig
from access.edge.events import BusEventSink
from access.edge.fire import fire_handler
from access.edge.inputs import AlarmHostDoorInputs, FireSources, ModbusDoorInputs
from access.edge.outputs import BusCommandSignals, CombinedSignals, EspeakVoice, RelayLock, RelaySignals
from access.edge.qr import QrReader
from access.edge.store import EdgeStore
from access.edge.sync import ConsoleSync
from access.engine import FaceEngine, FaceResult, create_engine
from access.event_buffer import EventBuffer
from access.liveness import LivenessConfig
from access.ports import DoorEvents, FrameSource
from devices.bus import config_topic
from devices.bus.transport import TrackedTransport
from devices.edge import EdgeBus
from devices.edge.faults import fault_reporter
from devices.modbus import ModbusAdapter
from devices.relay import ModbusCoilDriver, Relay, RelayDriver, SerialBoardDriver
from devices.serial import AlarmHostClient

log = logging.getLogger(__name__)


class NoBus:
    """EventSink when no bus is configured: every event stays in the local JSONL buffer."""

    def publish(self, event: dict[str, Any]) -> None:
        """Always unreachable."""
        raise ConnectionError("no bus configured")


def relay_driver(config: RelayConfig) -> RelayDriver:
    """The configured relay board."""
    if config.modbus is not None:
        return ModbusCoilDriver(ModbusAdapter(config.modbus), config.first_coil)
    if config.serial_port:
        return SerialBoardDriver(config.serial_port)
    raise ValueError("relay needs modbus or serial_port / 继电器需配置 modbus 或串口")


class DoorProcess:
    """Assembles one door from its config; devices can be injected (tests, benchmarks)."""

    def __init__(
        self,
        config: DoorProcessConfig,
        *,
        engine: FaceEngine | None = None,
        transport: TrackedTransport | None = None,
        http: httpx.Client | None = None,
        source: FrameSource | None = None,
    ) -> None:
        self.config = config
        self.access = AccessConfig.load(config.access_config)
        config.data_dir.mkdir(parents=True, exist_ok=True)
        if self.access.engine.model_cache is None:  # the converted ONNX descriptor lives with the door's data
            self.access.engine.model_cache = config.data_dir / "models"
        self.engine = engine or create_engine(self.access.engine)
        self.store = EdgeStore(config.data_dir / "cache", self.engine, self.access.quality, config.timezone)
        self._stop = threading.Event()
        self.sync_requested = threading.Event()
        self._threads: list[threading.Thread] = []
        self._closers: list[Any] = []
        self.edge = self._edge(transport)
        self.sink = BusEventSink(self.edge.events) if self.edge else None
        backlog = EventBuffer(self.sink or NoBus(), config.data_dir / "events.jsonl")
        # With a bus the outbox is the door's one buffer (a JSONL backlog left by an older version is moved
        # into it once); without one the JSONL file keeps every event.
        events: DoorEvents = self.sink if self.sink is not None and backlog.flush() else backlog
        self.controller = self._controller(events)
        self.fire = FireSources(self.controller.on_fire_alarm)
        if self.edge is not None:
            fire = fire_handler(
                self.fire,
                escape_route=config.escape_route,
                released=lambda: self.controller.fire_mode,
                lock_ok=self._fire_lock_ok,
            )
            self.edge.serve({"fire": fire, "open": open_handler(self.controller, lambda: self.lock.switched)})
            self.edge.transport.subscribe(config_topic(config.community, "access"), self._on_config)
        self.sync = self._sync(http)
        self.source = source
        self.refresh()

    def _edge(self, transport: TrackedTransport | None) -> EdgeBus | None:
        c = self.config
        if transport is not None:
            return EdgeBus(transport, c.community, c.door_id, c.data_dir, kind="door")
        if c.bus is None:
            return None
        return EdgeBus.connect(
            c.bus, community=c.community, device_id=c.door_id, data_dir=c.data_dir, kind="door"
        )

    def _controller(self, events: DoorEvents) -> DoorController:
        c = self.config
        relays = c.relay or RelayConfig()
        driver = relay_driver(relays)
        lock = self.lock = RelayLock(Relay(driver, relays.lock_channel, name=f"{c.door_id}-lock"))
        lamp = {
            colour: Relay(driver, ch, name=f"{c.door_id}-{colour}") if ch else None
            for colour, ch in (("green", relays.green_channel), ("red", relays.red_channel))
        }
        voice = EspeakVoice() if c.espeak else None
        outputs: list[RelaySignals | BusCommandSignals] = [RelaySignals(lamp["green"], lamp["red"], voice)]
        if self.edge is not None and c.terminal_commands:
            outputs.append(
                BusCommandSignals(self.edge.transport, c.community, c.terminal_id or f"{c.door_id}.panel")
            )
        door = DoorConfig(
            c.door_id,
            self.access.gallery,
            unlock_s=c.unlock_s,
            debounce_s=c.debounce_s,
            held_open_s=c.held_open_s,
            escape_route=c.escape_route,
            liveness=LivenessConfig(enabled=c.liveness),
        )
        landmarks = _own_landmarks if self.access.engine.landmarks == 68 else None
        if c.liveness and landmarks is None:
            raise ValueError("liveness needs the 68-point engine (engine.landmarks: 68)")
        gallery = self.store.gallery(self.access.gallery.combine)
        cache = self.store.cache_for(c.door_id, c.address_code)
        controller = DoorController(
            door, self.engine, gallery, cache, lock, CombinedSignals(*outputs), events, landmarks
        )
        controller.qr_reader = QrReader() if c.qr_passes else None
        return controller

    def _sync(self, http: httpx.Client | None) -> ConsoleSync | None:
        console = self.config.console
        if console is None:
            return None
        return ConsoleSync(self.store, console.username, console.password, console.url, client=http)

    def _fire_lock_ok(self) -> bool:
        """True if the lock relay is where fire mode wants it; after a failed switch, try it again first."""
        with self.controller.lock:
            if not self.lock.switched:
                self.lock.hold_unlocked(self.controller.fire_mode)
            return self.lock.switched

    def _on_config(self, _topic: str, _payload: bytes) -> None:
        """The console bumped the retained `access` config: sync now."""
        self.sync_requested.set()

    def refresh(self) -> None:
        """Swap in the gallery and cache built from the store (between two frames)."""
        c = self.config
        gallery = self.store.gallery(self.access.gallery.combine)
        cache = self.store.cache_for(c.door_id, c.address_code or self.store.door_address(c.door_id))
        with self.controller.lock:
            self.controller.gallery, self.controller.cache = gallery, cache
            self.controller.pass_key = self.store.pass_key
            self.controller.revoked_passes = self.store.revoked()
            if self.sink is not None:
                self.sink.names.update(self.store.names())

    def sync_once(self) -> bool:
        """One console sync; True if it reached the console (the cache is then refreshed)."""
        if self.sync is None or self.sync.sync_once() is None:
            return False
        self.refresh()
        return True

    def start_inputs(self) -> None:
        """Start polling the door contact / fire input, or listening to the alarm host."""
        spec = self.config.inputs
        if spec is None:
            return
        if spec.modbus is not None:
            report = (
                fault_reporter(self.edge.events, self.config.door_id, "门磁输入模块", "door input module")
                if self.edge
                else (None, None)
            )
            poller = ModbusDoorInputs(
                ModbusAdapter(spec.modbus),
                self.controller.on_door_contact,
                spec.contact_address,
                self.fire,
                spec.fire_address,
                spec.interval_s,
                spec.contact_open_value,
                on_fault=report[0],
                on_restored=report[1],
            ).start()
            self._closers.append(poller.stop)
        elif spec.alarm_host_port:
            handler = AlarmHostDoorInputs(
                self.controller.on_door_contact, spec.contact_zone, self.fire, spec.fire_zone
            )
            self._closers.append(AlarmHostClient(spec.alarm_host_port, handler).close)

    def start_background(self) -> None:
        """Inputs plus the housekeeping thread (held-open checks, event flushes, console sync)."""
        self._stop.clear()
        self.start_inputs()
        house = threading.Thread(target=self._housekeeping, name="door-housekeeping", daemon=True)
        house.start()
        self._threads.append(house)

    def _housekeeping(self) -> None:
        """Held-open checks while no frames arrive, event buffer flushes, console sync on schedule or request."""
        interval = self.config.console.interval_s if self.config.console else 3600.0
        next_sync = 0.0
        while not self._stop.is_set():
            now = time.monotonic()
            self.controller.tick(now, datetime.now(UTC))
            self.controller.events.flush()
            if self.sync is not None and (self.sync_requested.is_set() or now >= next_sync):
                self.sync_requested.clear()
                self.sync_once()
                next_sync = now + interval
            self._stop.wait(0.2)

    def run(self, max_frames: int | None = None) -> int:
        """Run until stop() (or max_frames frames); returns the number of frames processed."""
        source = self.source or CameraFrames(self.config.camera).start()
        if isinstance(source, CameraFrames):
            self._closers.append(source.stop)
        self.start_background()
        count = 0
        try:
            while not self._stop.is_set() and (max_frames is None or count < max_frames):
                frame = source.read()
                if frame is None:
                    break
                self.controller.process(frame)
                count += 1
        finally:
            self.stop()
        return count

    def stop(self) -> None:
        """Stop the loop, inputs and camera (the bus stays up: call close() to end it)."""
        self._stop.set()
        for close in self._closers:
            close()
        self._closers.clear()
        for thread in self._threads:
            thread.join(5)
        self._threads.clear()

    def close(self) -> None:
        """stop(), then give the bus a moment to deliver and stop it (undelivered events stay on disk)."""
        self.stop()
        if self.edge is not None:
            self.edge.close()


def _own_landmarks(image: np.ndarray, face: FaceResult) -> np.ndarray:
    """The 68 points the engine already found (liveness reuses them)."""
    return face.landmarks
