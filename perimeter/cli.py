"""`sc perimeter …`: check a site file, print its partitions and zones, replay an event script."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.console import Console
from rich.table import Table

from perimeter import state_machine as sm
from perimeter.config import ConfigError, SiteConfig, build_machine, load_site

app = typer.Typer(
    help="周界报警 / perimeter alarm: site file checks, zone table, event replay", no_args_is_help=True
)
console = Console(width=140)
SiteArg = Annotated[Path, typer.Argument(help="site file (.yaml/.yml/.json)", exists=True, dir_okay=False)]
EVENT_TYPES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        sm.ZoneOpened,
        sm.ZoneClosed,
        sm.Tamper,
        sm.LineFault,
        sm.HostSilent,
        sm.HostBack,
        sm.HostPower,
        sm.Arm,
        sm.Disarm,
        sm.Bypass,
        sm.Unbypass,
        sm.Ack,
        sm.Reset,
        sm.Tick,
    )
}


def _load(path: Path) -> SiteConfig:
    try:
        return load_site(path)
    except ConfigError as exc:
        console.print(f"[red]配置无效 / invalid site file[/red]\n{exc}", markup=True, highlight=False)
        raise typer.Exit(1) from exc


@app.command()
def check(site: SiteArg) -> None:
    """Validate a site file (fields, cross references, no auto-disarm)."""
    cfg = _load(site)
    console.print(
        f"OK: {len(cfg.partitions)} 分区/partitions, {len(cfg.zones)} 防区/zones, "
        f"{len(cfg.hosts)} 主机/hosts, {len(cfg.safety)} 传感器/sensors, "
        f"{len(cfg.schedules)} 定时布防/schedules"
    )


@app.command()
def state(site: SiteArg) -> None:
    """Print partitions and zones as configured (initial state: disarmed, all closed)."""
    cfg = _load(site)
    machine = build_machine(cfg)
    parts = Table("分区 partition", "名称 name", "状态 state", "退出延时 exit s", "进入延时 entry s")
    for p in cfg.partitions:
        parts.add_row(p.id, p.name, machine.state(p.id).value, f"{p.exit_delay:g}", f"{p.entry_delay:g}")
    console.print(parts)
    zones = Table(
        "防区 zone",
        "名称 name",
        "分区",
        "类型 type",
        "输入 input",
        "地图 map x,y",
        "摄像机 cameras",
        "输出 outputs",
    )
    for z in cfg.zones:
        where = f"{z.host}#{z.input}" if z.host else "-"
        loc = f"{z.location.x:g},{z.location.y:g}" if z.location else "-"
        zones.add_row(
            z.id, z.name, z.partition, z.type.value, where, loc, ",".join(z.cameras), ",".join(z.outputs)
        )
    console.print(zones)


def _when(at: object) -> str:
    """Script seconds as given; wall-clock seconds as local time."""
    if not isinstance(at, int | float):
        return " " * 8
    if at > 1e8:
        return datetime.fromtimestamp(at).strftime("%H:%M:%S.%f")[:12]
    return f"{at:>8g}"


def _effect_line(e: sm.Effect) -> str:
    if isinstance(e, sm.AlarmRaised):
        a = e.alarm
        return f"{_when(a.raised_at)}  AlarmRaised #{a.id} {a.kind.value} {a.message_zh}"
    fields = {f.name: getattr(e, f.name) for f in dataclasses.fields(e)}
    at = fields.pop("at", "")
    text = " ".join(
        f"{k}={v.value if hasattr(v, 'value') else v}" for k, v in fields.items() if v not in ("", ())
    )
    return f"{_when(at)}  {type(e).__name__} {text}"


@app.command()
def watch(
    site: SiteArg,
    arm: Annotated[list[str] | None, typer.Option(help="arm these partitions at start")] = None,
    cycles: Annotated[int, typer.Option(help="stop after this many poll cycles (0 = until Ctrl-C)")] = 0,
    who: Annotated[str, typer.Option(help="operator name for --arm")] = "console-cli",
) -> None:
    """Poll the site's hosts (e.g. `sc sim perimeter`) and print every effect as it happens."""
    import time

    from perimeter.poller import Poller, Registers, adapter_for, connect_serial_hosts

    cfg = _load(site)
    devices: dict[str, Registers] = {h.id: adapter_for(h) for h in cfg.hosts if h.protocol == "modbus"}
    poller = Poller(cfg, build_machine(cfg), devices)
    clients = connect_serial_hosts(cfg, poller)
    for pid in arm or []:
        poller.submit(sm.Arm(partition_id=pid, at=time.time(), who=who))
    interval = min((h.poll_interval for h in cfg.hosts), default=0.5)
    n = 0
    try:
        while cycles == 0 or n < cycles:
            for e in poller.poll_once():
                console.print(_effect_line(e), highlight=False, markup=False)
            n += 1
            time.sleep(interval)
    except KeyboardInterrupt:
        pass
    finally:
        poller.close()
        for c in clients:
            c.close()


@app.command()
def replay(
    site: SiteArg,
    script: Annotated[
        Path, typer.Argument(help="YAML list of events: {type: ZoneOpened, at: 5, zone_id: z1}")
    ],
) -> None:
    """Run an event script through the state machine and print every effect (training, config tests)."""
    machine = build_machine(_load(site))
    items: list[dict[str, Any]] = yaml.safe_load(script.read_text(encoding="utf-8")) or []
    for n, item in enumerate(items, 1):
        kind = item.pop("type", None)
        cls = EVENT_TYPES.get(str(kind))
        if cls is None:
            console.print(f"[red]第 {n} 项：未知事件类型 / item {n}: unknown event type {kind!r}[/red]")
            raise typer.Exit(2)
        if "source" in item:
            item["source"] = sm.Source(item["source"])
        try:
            event = cls(**item)
        except TypeError as exc:
            console.print(f"第 {n} 项字段错误 / item {n}: bad fields: {exc}", markup=False)
            raise typer.Exit(2) from exc
        for e in machine.handle(event):
            console.print(_effect_line(e), highlight=False, markup=False)
    for p in machine.partitions():
        console.print(f"{p.id}: {machine.state(p.id).value}", highlight=False)


@app.command()
def run(
    site: SiteArg,
    mqtt_url: Annotated[
        str, typer.Option(envvar="SC_MQTT_URL", help="broker, e.g. mqtt://127.0.0.1:1883")
    ] = "mqtt://127.0.0.1:1884",
    device_id: Annotated[str, typer.Option(help="bus device id of this service")] = "perimeter",
    data_dir: Annotated[
        Path, typer.Option(envvar="SC_PERIMETER_DATA", help="the outbox lives here (alarms kept until sent)")
    ] = Path("var/perimeter"),
    ca: Annotated[str | None, typer.Option(help="CA bundle for mqtts://")] = None,
    cert: Annotated[str | None, typer.Option(help="client certificate (PEM) for mqtts://")] = None,
    key: Annotated[str | None, typer.Option(help="client key (PEM) for mqtts://")] = None,
) -> None:
    """Run the perimeter service: poll hosts, alarm state machine, relays, cameras, bus (Ctrl-C stops).

    Starts even while the broker is unreachable: alarms wait in the outbox on disk and go out, in order, as
    soon as the broker is back."""
    import logging

    from devices.edge import BusConfig, EdgeBus
    from devices.lifecycle import run_until_stopped
    from perimeter.service import PerimeterService

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    cfg = _load(site)
    try:
        bus = BusConfig(url=mqtt_url, ca=ca, cert=cert, key=key)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--mqtt-url") from exc
    edge = EdgeBus.connect(
        bus, community=cfg.community, device_id=device_id, data_dir=data_dir, kind="perimeter"
    )
    service = PerimeterService(cfg, edge).start()
    console.print(f"周界服务运行中 / perimeter service running ({len(cfg.zones)} zones), Ctrl-C 停止")

    def stop() -> None:
        service.stop()
        edge.close()

    run_until_stopped(stop)
