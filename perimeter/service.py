"""`sc perimeter run`: one process wiring a site's hosts, state machine, bus, relays, cameras and escape doors.

The poll thread is the only writer to the state machine (commands from the bus are queued into it);
after every cycle it publishes what changed as retained partition/zone state and arms scheduled partitions.
Slow or remote calls that must not hold the poll thread (escape doors waiting for acks) run on a worker.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial

from devices.edge import EdgeBus
from devices.edge.fire import BusEscapeDoors
from perimeter import state_machine as sm
from perimeter.bus_link import BusAlarmSink, serve
from perimeter.cameras import CameraSnapshots, MediaStore
from perimeter.config import SiteConfig, build_machine
from perimeter.linkage import EscapeDoors, Linkage, RelayOutputs, SnapshotProvider
from perimeter.outputs import RelayBank
from perimeter.poller import Poller, Registers, adapter_for, connect_serial_hosts
from perimeter.schedule import due, rules_from_config
from perimeter.status import StatusPublisher, snapshot

log = logging.getLogger(__name__)


class BackgroundDoors:
    """EscapeDoors that hands the release to a worker: a door that never acks must not stall polling.

    A failure is pushed to the duty guard as a fault notification (the linkage cannot see it any more).
    """

    def __init__(self, doors: EscapeDoors, on_failure: Callable[[str], None]) -> None:
        self.doors, self.on_failure = doors, on_failure
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="escape-doors")

    def release(self, door_ids: Sequence[str], *, reason: str) -> None:
        """Queue the release and return at once."""
        self._pool.submit(self._send, self.doors.release, tuple(door_ids), reason)

    def restore(self, door_ids: Sequence[str], *, reason: str) -> None:
        """Queue the restore (after the release, in order: one worker) and return at once."""
        self._pool.submit(self._send, self.doors.restore, tuple(door_ids), reason)

    def _send(self, call: Callable[..., None], door_ids: tuple[str, ...], reason: str) -> None:
        try:
            call(door_ids, reason=reason)
        except Exception as exc:
            log.exception("escape door command failed / 疏散门指令失败")
            self.on_failure(str(exc))

    def close(self) -> None:
        """Finish queued releases."""
        self._pool.shutdown(wait=True)


@dataclass
class PerimeterService:
    """Start with `start()`, stop with `stop()`; devices/relays/cameras/doors may be injected (tests)."""

    site: SiteConfig
    edge: EdgeBus
    devices: dict[str, Registers] | None = None
    relays: RelayOutputs | None = None
    cameras: SnapshotProvider | None = None
    doors: EscapeDoors | None = None
    clock: Callable[[], float] = time.time
    poller: Poller = field(init=False)
    sink: BusAlarmSink = field(init=False)

    def __post_init__(self) -> None:
        site, community = self.site, self.site.community
        self.device_id, self.transport = self.edge.device_id, self.edge.transport
        self.bus = self.edge.events  # alarms and records: on disk before the first send, never lost
        self.media = MediaStore()
        self._owned: list[Callable[[], None]] = []
        if self.cameras is None:
            cams = CameraSnapshots(site.cameras, self.media).start()
            self.cameras = cams
            self._owned.append(cams.stop)
        if self.relays is None:
            bank = RelayBank(site.outputs)
            self.relays = bank
            self._owned.append(bank.close)
        if self.devices is None:
            self.devices = {h.id: adapter_for(h) for h in site.hosts if h.protocol == "modbus"}
        self.sink = BusAlarmSink(self.bus, site, self.device_id, self.media)
        doors = BackgroundDoors(self.doors or BusEscapeDoors(self.transport, community), self._door_failed)
        self._owned.append(doors.close)
        linkage = Linkage(
            snapshots=self.cameras,
            relays=self.relays,
            sink=self.sink,
            notifier=self.sink,
            doors=doors,
            siren_outputs={p.id: list(p.siren_outputs) for p in site.partitions},
            escape_doors=site.escape_doors,
        )
        self.machine = build_machine(site)
        self.poller = Poller(site, self.machine, self.devices, linkage, self.clock)
        self.status = StatusPublisher(self.transport, community, self.device_id)
        self.rules = rules_from_config(site.schedules)
        self._last_schedule = self.clock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="perimeter-service", daemon=True)

    def _door_failed(self, error: str) -> None:
        zh, en = f"疏散门未确认指令：{error}", f"escape doors did not confirm: {error}"
        self.sink.notify(sm.Notify("fault", zh, en, self.clock()))

    def start(self) -> PerimeterService:
        """Open serial hosts, answer bus commands, announce online, start polling."""
        self._serial = connect_serial_hosts(self.site, self.poller)
        serve(self.transport, self.site.community, self.poller, self.sink, applied=self.publish_state)
        self.transport.on_connected(self.status.forget)  # a restarted broker may have lost the retained state
        self.publish_state()
        self._thread.start()
        log.info("perimeter service running: %d zones / 周界服务已启动", len(self.site.zones))
        return self

    def _run(self) -> None:
        self.poller.run(self._stop, after=self._after_poll)

    def _after_poll(self, effects: list[sm.Effect]) -> None:
        now = self.clock()
        for arm in due(self.rules, self._last_schedule, now, self.site.timezone):
            done = self.poller.submit(arm)  # applied next cycle; a refusal is told to the duty guard
            done.add_done_callback(partial(self._scheduled, arm))
        self._last_schedule = now
        self.publish_state()

    def _scheduled(self, arm: sm.Arm, done: Future[list[sm.Effect]]) -> None:
        for e in done.result():
            if isinstance(e, sm.Rejected) and e.code != "already_armed":
                zh = f"定时布防失败（分区 {arm.partition_id}）：{e.message_zh}"
                en = f"scheduled arming of {arm.partition_id} failed: {e.message_en}"
                self.sink.notify(sm.Notify("alarm", zh, en, e.at, None, arm.partition_id))

    def publish_state(self) -> None:
        """Publish changed partition/zone state (retained); a bus outage is retried next cycle."""
        with self.poller.lock:
            state = snapshot(self.site, self.machine, self.sink.uuids)
        try:
            self.status.publish(state)
        except ConnectionError as exc:
            log.debug("state not published: %s", exc)

    def stop(self) -> None:
        """Stop polling and close devices (the caller closes the edge bus: offline, outbox flushed)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(10)
        for c in getattr(self, "_serial", []):
            c.close()
        for close in reversed(self._owned):
            close()
