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


HELP_KEYS = "t N 触发/trip · r N 恢复/restore · p N 脉冲/pulse · tamper on|off · mains on|off · q 退出/quit"


def _perimeter_control(host: str, port: int, zones: int) -> Callable[[str, int, bool], None]:
    """Drive a simulator already listening at host:port (e.g. the one `sc demo` started) by its test coils."""
    from devices.modbus import ModbusAdapter, ModbusConfig
    from devices.modbus.perimeter_sim import SIM_INPUT_BASE, SIM_MAINS, SIM_TAMPER

    adapter = ModbusAdapter(ModbusConfig(transport="tcp", host=host, port=port, timeout=1.0))

    def act(what: str, zone: int, on: bool) -> None:
        address = {"zone": SIM_INPUT_BASE + zone - 1, "tamper": SIM_TAMPER, "mains": SIM_MAINS}[what]
        adapter.write_coil(address, on)

    return act


def _perimeter_local(sim: object) -> Callable[[str, int, bool], None]:
    def act(what: str, zone: int, on: bool) -> None:
        if what == "zone":
            sim.trip(zone) if on else sim.restore(zone)  # type: ignore[attr-defined]
        elif what == "tamper":
            sim.tamper(on)  # type: ignore[attr-defined]
        else:
            sim.power(mains_ok=on)  # type: ignore[attr-defined]

    return act


def _perimeter_repl(act: Callable[[str, int, bool], None], zones: int) -> None:
    """Read commands from stdin until EOF or `q`; bad input is explained, never fatal."""
    import sys

    typer.echo(HELP_KEYS)
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        cmd, arg = parts[0].lower(), parts[1] if len(parts) > 1 else ""
        try:
            if cmd in ("q", "quit", "exit"):
                return
            if cmd in ("t", "trip", "r", "restore", "p", "pulse"):
                zone = int(arg)
                if not 1 <= zone <= zones:
                    raise ValueError(f"zone 1..{zones}")
                if cmd[0] in "tp":
                    act("zone", zone, True)
                if cmd[0] in "rp":
                    act("zone", zone, False)
                typer.echo(f"zone {zone}: {dict(t='trip 报警', r='restore 恢复', p='pulse 脉冲')[cmd[0]]}")
            elif cmd in ("tamper", "mains") and arg in ("on", "off"):
                act(cmd, 0, arg == "on")
                typer.echo(f"{cmd} {arg}")
            else:
                typer.echo(f"? {HELP_KEYS}")
        except (ValueError, ConnectionError, RuntimeError) as exc:
            typer.echo(f"输入或通信错误 / error: {exc}")


@app.command()
def perimeter(
    zones: int = typer.Option(16, help="number of zones"),
    host: str = "127.0.0.1",
    port: int = typer.Option(5020, help="Modbus TCP port"),
    rtu: bool = typer.Option(False, help="serve RTU on a pseudo-terminal instead of TCP"),
    baud: int = 9600,
    demo: float = typer.Option(0.0, help="trip/restore a random zone every N seconds (0 = off)"),
    interactive: bool = typer.Option(
        True, help="read trip/restore commands from the keyboard (when stdin is a terminal)"
    ),
    duration: float = typer.Option(0.0, help="stop after N seconds (0 = until Ctrl-C)"),
) -> None:
    """Modbus perimeter alarm host (register map: devices/modbus/README.md); type `t 3` to trip zone 3.

    If a simulator already listens on the port (the one `sc demo` starts), this drives that one instead.
    """
    import socket
    import sys

    from devices.faults import PtyLink
    from devices.modbus import PerimeterHostSimulator

    keyboard = interactive and sys.stdin.isatty() and demo == 0
    if not rtu:
        with socket.socket() as probe:
            busy = probe.connect_ex((host, port)) == 0
        if busy:
            typer.echo(f"port {port} in use: driving the simulator there / 端口已占用，控制已运行的模拟器")
            _perimeter_repl(_perimeter_control(host, port, zones), zones)
            return
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

    try:
        if keyboard:
            _perimeter_repl(_perimeter_local(sim), zones)
        else:
            _run(duration, tick if demo > 0 else None, demo or 1.0)
    except KeyboardInterrupt:
        typer.echo("stopping / 停止")
    finally:
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
