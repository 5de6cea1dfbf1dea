"""`sc gate` commands: run a lane from its config, or watch a simulated lane driven by a camera simulator."""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from devices.bus import Event, InProcessBus
from devices.camera import CameraSimulator, CameraSource, LatestFrameReader
from devices.lifecycle import exit_on_signals
from devices.lpr_push import ServerThread, create_lpr_app
from devices.modbus import ModbusAdapter, ModbusConfig
from devices.net import free_port
from devices.relay import ModbusCoilDriver
from devices.relay_sim import ModbusRelayBoardSimulator
from plate_gate.camera_loop import CameraLoop
from plate_gate.config import GateConfig, load_config
from plate_gate.decision import Direction, TemporaryPolicy
from plate_gate.loop_sensor import MemoryLoopSensor
from plate_gate.process import Outcome
from plate_gate.push import push_decider
from plate_gate.reader import PlateReader
from plate_gate.runtime import GateRuntime, build_gate
from plate_gate.snapshot import GateSnapshot, empty_snapshot

app = typer.Typer(help="道闸 barrier gate: decide, open, record", no_args_is_help=True)


def describe(outcome: Outcome) -> str:
    """One line per decision for people watching the lane."""
    d = outcome.decision
    relay = f" relay {outcome.relay_ms:.1f} ms" if outcome.relay_ms is not None else ""
    dup = " (重复 duplicate)" if d.duplicate else ""
    when = datetime.now().strftime("%H:%M:%S")
    return (
        f"[{when}] {d.plate} {d.direction.value} → {d.action.value} ({d.reason}) {d.message_zh}{relay}{dup}"
    )


def start_inputs(rt: GateRuntime, reader: PlateReader | None, camera: str | None) -> list[object]:
    """Camera loop and/or push receiver of a lane; returns what must be stopped."""
    running: list[object] = []
    if camera is not None and reader is not None:
        frames = LatestFrameReader(CameraSource.parse(camera)).start()
        loop = CameraLoop(frames, reader, rt.process, on_outcome=lambda o: typer.echo(describe(o))).start()
        running += [loop, frames]
    if rt.config.push is not None:
        push = create_lpr_app(push_decider(rt.process))
        running.append(ServerThread(push, rt.config.push.host, rt.config.push.port).start())
    return running


@app.callback()
def main() -> None:
    """道闸 barrier gate."""


@app.command("run")
def run(
    config: Annotated[Path, typer.Option("--config", help="gate.yaml")],
    seconds: Annotated[float, typer.Option(help="stop after this long (0: until Ctrl-C)")] = 0.0,
) -> None:
    """Run one lane: camera and/or LPR push → decision → barrier relay; lists synced from the console."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    exit_on_signals()  # SIGTERM runs the `finally` below too: offline announced, outbox flushed
    cfg = load_config(config)
    rt = build_gate(cfg)
    if rt.sync is not None:
        rt.sync.start()
    reader = PlateReader() if cfg.camera else None
    running = start_inputs(rt, reader, cfg.camera)
    typer.echo(f"道闸 {cfg.gate} ({cfg.direction.value}, {cfg.car_park}) 运行中 running; Ctrl-C 退出")
    try:
        _wait(seconds)
    finally:
        for item in running:
            item.stop()  # type: ignore[attr-defined]
        rt.stop()


def _wait(seconds: float) -> None:
    """Sleep until ``seconds`` passed (0: forever) or Ctrl-C."""
    deadline = time.monotonic() + seconds if seconds > 0 else None
    try:
        while deadline is None or time.monotonic() < deadline:
            time.sleep(0.1)
    except KeyboardInterrupt:
        pass


def _drive_through(loop: MemoryLoopSensor, seconds: float) -> None:
    """The simulated car rolls onto the loop after the arm rises and leaves it ``seconds`` later."""

    def go() -> None:
        time.sleep(0.3)
        loop.car = True
        time.sleep(seconds)
        loop.car = False

    threading.Thread(target=go, daemon=True).start()


@app.command("sim")
def sim(
    camera: Annotated[Path, typer.Option("--camera", help="folder of images (or a video) the camera plays")],
    lists: Annotated[
        Path | None, typer.Option("--lists", help="a sync snapshot JSON (GateSnapshot v1)")
    ] = None,
    resident: Annotated[
        list[str] | None, typer.Option("--resident", help="plate treated as resident")
    ] = None,
    direction: Direction = Direction.ENTRY,
    policy: TemporaryPolicy = TemporaryPolicy.OPEN_AND_CHARGE,
    capacity: int = 50,
    fps: float = 4.0,
    seconds: Annotated[float, typer.Option(help="stop after this long (0: until Ctrl-C)")] = 0.0,
    data_dir: Path = Path("var/gate-sim"),
) -> None:
    """A whole lane on simulators: MJPEG camera → reader → decision → Modbus relay board → bus events."""
    logging.basicConfig(level=logging.WARNING)
    cfg = GateConfig.model_validate(
        {
            "community": "SIM",
            "gate": "GATE-SIM-0001",
            "car_park": "P-SIM",
            "direction": direction,
            "capacity": capacity,
            "data_dir": data_dir,
            "camera": None,
            "auto_close_s": 5.0,
            "rules": {"temporary_policy": policy, "duplicate_window_s": 30},
        }
    )
    board = ModbusRelayBoardSimulator(channels=4).start_tcp("127.0.0.1", port := free_port())
    driver = ModbusCoilDriver(ModbusAdapter(ModbusConfig(transport="tcp", host="127.0.0.1", port=port)))
    loop = MemoryLoopSensor()
    hub = InProcessBus()
    hub.connect().subscribe("sc/SIM/+/event/#", lambda _t, p: _print_event(Event.from_bytes(p)))
    rt = build_gate(cfg, transport=hub.connect(), driver=driver, loop=loop)
    snap = _snapshot(lists, resident or [], cfg)
    rt.store.apply_snapshot(snap)
    cam = CameraSimulator(str(camera), fps=fps).start()
    frames = LatestFrameReader(CameraSource(kind="url", url=cam.url)).start()

    def shown(outcome: Outcome) -> None:
        typer.echo(describe(outcome))
        if outcome.opened and not outcome.decision.duplicate:
            _drive_through(loop, 1.0)

    lane = CameraLoop(frames, PlateReader(), rt.process, on_outcome=shown).start()
    typer.echo(f"模拟道闸 simulated lane: camera {cam.url}, relay board modbus://127.0.0.1:{port}")
    try:
        _wait(seconds)
    finally:
        lane.stop()
        frames.stop()
        cam.stop()
        rt.stop()
        board.stop()
        pulses = board.recorder.pulses
        typer.echo(f"继电器脉冲 relay pulses: {len(pulses)}; 识别帧 frames read: {lane.frames_read}")


def _snapshot(lists: Path | None, residents: list[str], cfg: GateConfig) -> GateSnapshot:
    if lists is not None:
        return GateSnapshot.model_validate_json(lists.read_text(encoding="utf-8"))
    snap = empty_snapshot(cfg.car_park, cfg.capacity, datetime.now(UTC))
    vehicles = [{"plate": p, "kind": "resident"} for p in residents]
    return GateSnapshot.model_validate({**snap.model_dump(), "vehicles": vehicles})


def _print_event(event: Event) -> None:
    detail = event.data.get("detail", {})
    shown = {k: detail.get(k) for k in ("action", "reason", "relay_ms") if k in detail}
    typer.echo(f"    bus ← {event.kind} {event.data.get('subject')} {json.dumps(shown, ensure_ascii=False)}")
