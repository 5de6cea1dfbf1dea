"""`sc district ...`: serve the district receiver, enrol communities and police users, request a resync."""

from __future__ import annotations

import secrets
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from district_cloud import admin
from district_cloud import models as m
from district_cloud.config import DistrictSettings
from district_cloud.db import District, open_district
from district_cloud.models.base import utcnow

app = typer.Typer(help="区县公安数据平台 district police cloud", no_args_is_help=True)
users_app = typer.Typer(help="Police users (民警账号)", no_args_is_help=True)
communities_app = typer.Typer(help="Communities allowed to upload (接入社区)", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(communities_app, name="communities")
console = Console()


def _district() -> District:
    return open_district(DistrictSettings())


@app.command()
def serve(
    host: Annotated[str | None, typer.Option()] = None, port: Annotated[int | None, typer.Option()] = None
) -> None:
    """Run the receiver, police API and web page (启动区县平台)."""
    import uvicorn

    from district_cloud.app import create_district_app
    from district_cloud.mqtt_intake import start_mqtt_intake

    d = _district()
    intake = start_mqtt_intake(d.sessions, d.settings)  # also take uploads over MQTT when SCD_MQTT_URL is set
    try:
        uvicorn.run(
            create_district_app(d.settings, d.engine),
            host=host or d.settings.host,
            port=port or d.settings.port,
        )
    finally:
        if intake is not None:
            intake.stop()


@users_app.command("create")
def users_create(
    username: str,
    role: Annotated[str, typer.Option(help="district_police | community_police")] = "district_police",
    community: Annotated[str | None, typer.Option(help="Community code (community police)")] = None,
    display_name: Annotated[str, typer.Option()] = "",
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)] = "",
) -> None:
    """Create or reset a police user."""
    d = _district()
    try:
        with d.sessions.begin() as db:
            admin.put_user(db, username, password, role, display_name, community)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    console.print(f"[green]已保存民警账号[/green] {username} ({role})")


@users_app.command("list")
def users_list() -> None:
    d = _district()
    table = Table("用户名", "姓名", "角色", "社区")
    with d.sessions() as db:
        for u in db.execute(select(m.User).order_by(m.User.username)).scalars():
            table.add_row(u.username, u.display_name, u.role, u.community or "")
    console.print(table)


@communities_app.command("add")
def communities_add(
    code: str,
    name: str,
    password: Annotated[str, typer.Option(help="Digest password (generated when empty)")] = "",
    webhook_url: Annotated[str | None, typer.Option(help="Where watch-list hits are POSTed")] = None,
) -> None:
    """Enrol a community; prints the digest password for its SC_UPLINK_PASSWORD."""
    d = _district()
    password = password or secrets.token_urlsafe(18)
    with d.sessions.begin() as db:
        admin.put_community(
            db, code, name, password, d.settings.realm, webhook_url=webhook_url, webhook_secret=password
        )
    console.print(
        f"[green]已接入社区[/green] {code} {name}; SC_UPLINK_USERNAME={code} SC_UPLINK_PASSWORD={password}"
    )


@communities_app.command("list")
def communities_list() -> None:
    d = _district()
    table = Table("代码", "名称", "在线", "最后数据", "对象数")
    with d.sessions() as db:
        for c in db.execute(select(m.Community).order_by(m.Community.code)).scalars():
            table.add_row(
                c.code,
                c.name,
                "是" if c.registered else "否",
                str(c.last_data_at or ""),
                str(c.objects_received),
            )
    console.print(table)


@communities_app.command("resync")
def communities_resync(code: str) -> None:
    """Ask a community for a full resync of its 一标三实 records."""
    d = _district()
    with d.sessions.begin() as db:
        c = db.get(m.Community, code)
        if c is None:
            console.print(f"[red]社区不存在[/red] {code}")
            raise typer.Exit(1)
        c.resync_token, c.resync_requested_at, c.resync_done_at = secrets.token_hex(8), utcnow(), None
    console.print(f"[green]已请求全量重传[/green] {code}")
