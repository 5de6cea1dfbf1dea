"""`sc sim ...`: start any device simulator (or the embedded broker) from the command line."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

import typer

app = typer.Typer(help="设备模拟器 / device simulators (real protocols, no hardware)", no_args_is_help=True)


def _run(duration: float, tick: Callable[[], None] | None = None, every: float = 1.0) -> None:
    """Block until Ctrl-C (or `duration` seconds when > 0), calling `tick` every `every` seconds."""
    end = time.monotonic() + duration if duration > 0 else float("inf")
    next_tick = time.monotonic() + every
    try:
        while time.monotonic() < end:
            time.sleep(min(0.05, max(end - time.monotonic(), 0)))
            if tick is not None and time.monotonic() >= next_tick:
                tick()
                next_tick += every
    except KeyboardInterrupt:
        typer.echo("stopping / 停止")


@app.command()
def perimeter(
    zones: int = typer.Option(16, help="number of zones"),
    host: str = "127.0.0.1",
    port: int = typer.Option(5020, help="Modbus TCP port"),
    rtu: bool = typer.Option(False, help="serve RTU on a pseudo-terminal instead of TCP"),
    baud: int = 9600,
    demo: float = typer.Option(0.0, help="trip/restore a random zone every N seconds (0 = off)"),
    duration: float = typer.Option(0.0, help="stop after N seconds (0 = until Ctrl-C)"),
) -> None:
    """Modbus perimeter alarm host (register map: devices/modbus/README.md)."""
    from devices.faults import PtyLink
    from devices.modbus import PerimeterHostSimulator

    sim = PerimeterHostSimulator(zones)
    link = PtyLink() if rtu else None
    if link is not None:
        sim.start_rtu(link.device_port, baud)
        typer.echo(f"perimeter host: Modbus RTU {baud} 8N1 on {link.host_port} (unit 1, {zones} zones)")
    else:
        sim.start_tcp(host, port)
        typer.echo(f"perimeter host: Modbus TCP {host}:{port} (unit 1, {zones} zones)")

    def tick() -> None:
        zone = random.randint(1, zones)
        if sim.model.live[zone - 1]:
            sim.restore(zone)
            typer.echo(f"zone {zone} restore / 恢复")
        else:
            sim.trip(zone)
            typer.echo(f"zone {zone} trip / 报警")

    _run(duration, tick if demo > 0 else None, demo or 1.0)
    sim.stop()
    if link is not None:
        link.close()


@app.command()
def relay(
    channels: int = 8,
    host: str = "127.0.0.1",
    port: int = typer.Option(5021, help="Modbus TCP port (coil n-1 = channel n)"),
    serial: bool = typer.Option(False, help="LCUS-style serial board on a pseudo-terminal instead"),
    duration: float = typer.Option(0.0, help="stop after N seconds (0 = until Ctrl-C)"),
) -> None:
    """Relay board that prints every switch and pulse."""
    from devices.faults import PtyLink
    from devices.relay_sim import ModbusRelayBoardSimulator, SerialRelayBoardSimulator

    link = PtyLink() if serial else None
    if link is not None:
        board_s = SerialRelayBoardSimulator(link.device_port, channels)
        recorder, stop = board_s.recorder, board_s.close
        typer.echo(f"relay board: serial (A0 ch state sum) on {link.host_port}, {channels} channels")
    else:
        board_m = ModbusRelayBoardSimulator(channels).start_tcp(host, port)
        recorder, stop = board_m.recorder, board_m.stop
        typer.echo(f"relay board: Modbus TCP {host}:{port}, coils 0..{channels - 1}")
    shown = [0]

    def tick() -> None:
        for at, ch, on in recorder.switches[shown[0] :]:
            typer.echo(f"{at:.3f} channel {ch} {'ON' if on else 'off'}")
        shown[0] = len(recorder.switches)

    _run(duration, tick, 0.2)
    stop()
    if link is not None:
        link.close()


@app.command("alarm-host")
def alarm_host(
    demo: float = typer.Option(5.0, help="send a random zone event every N seconds (0 = off)"),
    heartbeat: float = typer.Option(30.0, help="heartbeat period"),
    duration: float = typer.Option(0.0, help="stop after N seconds (0 = until Ctrl-C)"),
) -> None:
    """Serial alarm host speaking SCAH/1 (devices/serial/PROTOCOL.md) on a pseudo-terminal."""
    from devices.faults import PtyLink
    from devices.serial import AlarmHostSimulator

    link = PtyLink()
    sim = AlarmHostSimulator(link.device_port)
    typer.echo(f"alarm host: SCAH/1 9600 8N1 on {link.host_port}")
    sim.heartbeat()
    count = [0]

    def tick() -> None:
        count[0] += 1
        if demo > 0 and count[0] % max(int(demo), 1) == 0:
            zone = random.randint(1, 8)
            sim.trip(zone) if random.random() < 0.5 else sim.contact_id(131, zone)
            typer.echo(f"sent event for zone {zone}")
        if count[0] % max(int(heartbeat), 1) == 0:
            sim.heartbeat()

    _run(duration, tick, 1.0)
    sim.close()
    link.close()


@app.command()
def camera(
    source: str = typer.Option("", help="folder of images or a video file (default: test pattern)"),
    host: str = "127.0.0.1",
    port: int = 8554,
    fps: float = 15.0,
    duration: float = typer.Option(0.0, help="stop after N seconds (0 = until Ctrl-C)"),
) -> None:
    """Camera serving MJPEG over HTTP (/stream.mjpg, /snapshot.jpg)."""
    from devices.camera import CameraSimulator

    sim = CameraSimulator(source or None, fps=fps, host=host, port=port).start()
    typer.echo(f"camera: {sim.url}  ({len(sim.jpegs)} frames)")
    _run(duration)
    sim.stop()


@app.command()
def lpr(
    url: str = typer.Option("", help="receiver URL; empty = start a local receiver that opens for everyone"),
    plates: str = typer.Option("京A12345,沪B67890,粤C2468D", help="comma-separated plates to push in turn"),
    interval: float = 3.0,
    port: int = typer.Option(8089, help="port of the local receiver"),
    duration: float = typer.Option(0.0, help="stop after N seconds (0 = until Ctrl-C)"),
) -> None:
    """LPR camera pushing AlarmInfoPlate JSON over HTTP."""
    from devices.lpr_push import GateDecision, LprCameraSimulator, ServerThread, create_lpr_app

    server = None
    if not url:
        server = ServerThread(
            create_lpr_app(lambda r: GateDecision(True, display=r.plate)), port=port
        ).start()
        url = f"http://127.0.0.1:{port}/lpr/push"
        typer.echo(f"local receiver on {url} (opens for every plate)")
    camera_sim = LprCameraSimulator(url)
    cycle = [p.strip() for p in plates.split(",") if p.strip()]
    n = [0]

    def tick() -> None:
        plate = cycle[n[0] % len(cycle)]
        n[0] += 1
        try:
            result = camera_sim.push_plate(plate)
            typer.echo(f"{plate}: {'抬杆 open' if result.opened else '不开 closed'}")
        except ConnectionError as exc:
            typer.echo(f"{plate}: push failed ({exc})")

    _run(duration, tick, interval)
    camera_sim.close()
    if server is not None:
        server.stop()


@app.command()
def broker(
    host: str = "127.0.0.1",
    port: int = 1884,
    duration: float = typer.Option(0.0, help="stop after N seconds (0 = until Ctrl-C)"),
) -> None:
    """Embedded MQTT broker (amqtt) for playing without Mosquitto."""
    from devices.bus import start_embedded_broker

    handle = start_embedded_broker(host, port)
    typer.echo(f"MQTT broker on {handle.host}:{handle.port}")
    _run(duration)
    handle.stop()
