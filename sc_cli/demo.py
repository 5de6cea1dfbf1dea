"""`sc demo`: the console, the district receiver and a perimeter on simulators in one process, on embedded defaults.

This wiring lives at the top because it joins deployables that never import each other (docs/layering.md).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

if TYPE_CHECKING:
    from property_console.bus_service import ConsoleBus
    from property_console.runtime import Runtime
    from property_console.uplink.settings import UplinkSettings

app = typer.Typer()
DEMO_UPLINK_PASSWORD = "Demo-Uplink@2026"


@app.command()
def demo(
    port: Annotated[int, typer.Option(help="HTTP port")] = 8000,
    data_dir: Annotated[Path, typer.Option(help="Where the demo keeps its data")] = Path("var/demo"),
) -> None:
    """Everything on embedded defaults with a seeded sample community (演示模式)."""
    from property_console.cli import console, runtime
    from property_console.seed import DEMO_DOOR_USER, DEMO_PASSWORD, DEMO_USERS, seed_demo
    from property_console.server import run

    rt = runtime(mode="demo", data_dir=data_dir)
    with rt.sessions.begin() as db:
        seeded = seed_demo(db, rt.settings.community_code, rt.settings.community_name)
    console.print(("[green]已生成示范小区数据[/green]" if seeded else "使用已有演示数据") + f"  ({data_dir})")
    table = Table(title=f"演示账号 demo logins — 密码 password: {DEMO_PASSWORD}")
    table.add_column("用户名")
    table.add_column("角色")
    for username, display, role in DEMO_USERS:
        table.add_row(username, f"{display} ({role.value})")
    table.add_row(DEMO_DOOR_USER[0], f"{DEMO_DOOR_USER[1]} (door: sc door run)")
    console.print(table)
    console.print(
        f"[bold]打开 open[/bold] http://127.0.0.1:{port}/  ·  API: http://127.0.0.1:{port}/api/docs"
    )
    uplink = start_demo_district(rt, port + 1, port)
    console.print(
        f"[bold]区县平台 district[/bold] http://127.0.0.1:{port + 1}/  (district / police, 密码 {DEMO_PASSWORD})"
    )
    run(rt, "127.0.0.1", port, uplink, services=[perimeter_demo(rt.settings.community_code)])


def start_demo_district(rt: Runtime, port: int, console_port: int) -> UplinkSettings:
    """Start the district on `port`, queue the demo passes, and return the uplink settings pointing at it."""
    from district_cloud.demo import serve_in_thread
    from property_console.uplink.demo import demo_passes
    from property_console.uplink.settings import UplinkSettings

    s = rt.settings
    serve_in_thread(
        s.data_dir / "district",
        port,
        s.community_code,
        s.community_name,
        DEMO_UPLINK_PASSWORD,
        webhook_url=f"http://127.0.0.1:{console_port}/api/uplink/warnings",
    )
    with rt.sessions.begin() as db:
        demo_passes(db, random.Random(2026))
    return UplinkSettings(
        url=f"http://127.0.0.1:{port}",
        username=s.community_code,
        password=DEMO_UPLINK_PASSWORD,
        idle_seconds=1.0,
        keepalive_seconds=10.0,
    )


def perimeter_demo(community: str) -> Callable[[ConsoleBus], Callable[[], None]]:
    """The demo's perimeter service on simulated hosts; a failure is reported, never stops the console."""
    from property_console.cli import console

    def start(bus: ConsoleBus) -> Callable[[], None]:
        try:
            from perimeter.demo import start_demo

            stop = start_demo(bus.transport, community)
        except Exception as exc:
            console.print(f"[yellow]周界演示未启动 perimeter demo not started:[/yellow] {exc}")
            return lambda: None
        console.print(
            "[bold]周界 perimeter[/bold] 模拟主机 127.0.0.1:5020 · 手动触发防区: ./sc sim perimeter"
        )
        return stop

    return start
