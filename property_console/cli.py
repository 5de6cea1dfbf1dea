"""The console's own commands (init, serve, users, audit, import/export, template); sc_cli mounts them in `sc`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy import select

from property_console import audit
from property_console.api.errors import field_errors_from_pydantic
from property_console.config import Settings
from property_console.errors import DomainError
from property_console.excel import workbook
from property_console.excel.export import export_rows
from property_console.excel.importer import RowError, import_sheet
from property_console.models import User
from property_console.runtime import Runtime, open_runtime
from property_console.schemas.user import UserCreate
from property_console.security.roles import Role
from property_console.services.users import create_user, set_password

app = typer.Typer(help="物业平台 the property console", no_args_is_help=True)
users_app = typer.Typer(help="Console users (用户管理)", no_args_is_help=True)
audit_app = typer.Typer(help="Audit trail (审计)", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
console = Console()
KINDS = ("houses", "persons", "residencies", "vehicles")


def _settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        console.print(f"[red]配置错误 configuration error:[/red] {exc.errors()[0]['msg']}")
        raise typer.Exit(2) from None


def runtime(**overrides: object) -> Runtime:
    """The console's runtime (settings from the environment, migrated database); bad settings exit 2."""
    return open_runtime(_settings(**overrides))


def _fail(exc: DomainError | ValidationError) -> typer.Exit:
    errors = (
        field_errors_from_pydantic(list(exc.errors())) if isinstance(exc, ValidationError) else exc.errors
    )
    for e in errors:
        console.print(f"[red]{e.field or ''} {e.message_zh}[/red] ({e.message_en})")
    return typer.Exit(1)


@app.command()
def init(
    admin_username: Annotated[str, typer.Option(help="First administrator's username")] = "admin",
    admin_password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, envvar="SC_ADMIN_PASSWORD")
    ] = "",
) -> None:
    """Create the database, run migrations and create the first admin (初始化)."""
    rt = runtime()
    with rt.sessions.begin() as db:
        if db.execute(select(User.id).where(User.username == admin_username)).first():
            console.print(f"用户 {admin_username} 已存在；数据库已是最新版本。")
            return
        try:
            create_user(
                db,
                UserCreate(
                    username=admin_username,
                    display_name="系统管理员",
                    role=Role.PROPERTY_ADMIN,
                    password=admin_password,
                ),
            )
        except (DomainError, ValidationError) as exc:
            raise _fail(exc) from None
    console.print(
        f"[green]数据库已初始化[/green] {rt.settings.effective_database_url}; 管理员 {admin_username}"
    )


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address")] = None,
    port: Annotated[int | None, typer.Option(help="HTTP port")] = None,
) -> None:
    """Start the console API and web UI (启动服务)."""
    from property_console.server import run

    rt = runtime()
    run(rt, host or rt.settings.host, port or rt.settings.port)


@users_app.command("create")
def users_create(
    username: str,
    role: Annotated[Role, typer.Option(help="Role")],
    display_name: Annotated[str, typer.Option(help="Shown name")] = "",
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)] = "",
) -> None:
    """Create a user."""
    rt = runtime()
    with rt.sessions.begin() as db:
        try:
            create_user(
                db,
                UserCreate(
                    username=username, display_name=display_name or username, role=role, password=password
                ),
            )
        except (DomainError, ValidationError) as exc:
            raise _fail(exc) from None
        audit.record(
            db,
            actor=os.environ.get("USER", "cli"),
            role="system",
            action="create",
            entity="user",
            endpoint="sc users create",
            detail={"username": username},
        )
    console.print(f"[green]已创建用户[/green] {username} ({role.value})")


@users_app.command("list")
def users_list() -> None:
    """List users with their role and lock state."""
    rt = runtime()
    table = Table("用户名", "姓名", "角色", "状态")
    with rt.sessions() as db:
        for u in db.execute(select(User).order_by(User.username)).scalars():
            state = "停用" if not u.is_active else ("锁定" if u.locked_until else "正常")
            table.add_row(u.username, u.display_name, u.role, state)
    console.print(table)


@users_app.command("set-password")
def users_set_password(
    username: str,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)] = "",
) -> None:
    """Set a new password (also unlocks the account)."""
    rt = runtime()
    with rt.sessions.begin() as db:
        user = db.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if user is None:
            console.print(f"[red]用户不存在[/red] {username}")
            raise typer.Exit(1)
        try:
            set_password(user, password)
        except DomainError as exc:
            raise _fail(exc) from None
    console.print(f"[green]密码已更新[/green] {username}")


@users_app.command("unlock")
def users_unlock(username: str) -> None:
    """Unlock an account locked by wrong passwords."""
    rt = runtime()
    with rt.sessions.begin() as db:
        user = db.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if user is None:
            console.print(f"[red]用户不存在[/red] {username}")
            raise typer.Exit(1)
        user.failed_attempts, user.locked_until = 0, None
    console.print(f"[green]已解锁[/green] {username}")


@audit_app.command("verify")
def audit_verify() -> None:
    """Walk the hash chain of the audit trail and report the first tampered entry."""
    rt = runtime()
    with rt.sessions() as db:
        result = audit.verify(db)
    if result.ok:
        console.print(
            f"[green]审计链完整 audit chain intact[/green]: {result.checked} 条, head {result.head[:16]}…"
        )
        return
    console.print(f"[red]审计链被篡改 audit chain broken[/red] at seq {result.broken_at}: {result.reason}")
    raise typer.Exit(1)


@app.command("import")
def import_cmd(
    kind: Annotated[str, typer.Argument(help="houses | persons | residencies | vehicles")],
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    partial: Annotated[bool, typer.Option(help="Write the good rows even when some rows are bad")] = False,
) -> None:
    """Import an Excel sheet (导入); with any bad row nothing is written unless --partial."""
    if kind not in KINDS:
        console.print(f"[red]未知类型[/red] {kind}; 可选: {', '.join(KINDS)}")
        raise typer.Exit(2)
    rt = runtime()
    cols = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with rt.sessions() as db, Progress(*cols, console=console) as bar:
        task = bar.add_task(f"导入 {kind}", total=None)
        try:
            report = import_sheet(
                db,
                kind,
                file.read_bytes(),
                partial=partial,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
        except (DomainError, ValidationError) as exc:
            raise _fail(exc) from None
        if report.written:
            audit.record(
                db,
                actor=os.environ.get("USER", "cli"),
                role="system",
                action="import",
                entity=kind,
                endpoint="sc import",
                detail={"file": file.name, "created": report.created},
            )
            db.commit()
        else:
            db.rollback()
    _print_report(report.rows, report.created, report.written, report.errors)
    if report.errors and not report.written:
        raise typer.Exit(1)


def _print_report(rows: int, created: int, written: bool, errors: list[RowError]) -> None:
    console.print(f"共 {rows} 行，写入 {created} 行" + ("" if written else "（未写入任何数据）"))
    if errors:
        table = Table("行", "列", "原因", "reason", title="错误报告 error report")
        for e in errors[:200]:
            table.add_row(str(e.row), e.column, e.message_zh, e.message_en)
        console.print(table)


@app.command("export")
def export_cmd(kind: str, out: Path, role: Annotated[Role, typer.Option()] = Role.PROPERTY_ADMIN) -> None:
    """Export records to Excel with the given role's field view (导出)."""
    rt = runtime()
    with rt.sessions.begin() as db:
        rows = list(export_rows(db, kind, role.value))
        audit.record(
            db,
            actor=os.environ.get("USER", "cli"),
            role=role.value,
            action="export",
            entity=kind,
            endpoint="sc export",
            detail={"rows": len(rows)},
        )
    out.write_bytes(workbook.export(kind, rows))
    console.print(f"[green]已导出[/green] {len(rows)} 行 → {out}")


@app.command("template")
def template_cmd(kind: str, out: Path) -> None:
    """Write an empty import template (导入模板)."""
    out.write_bytes(workbook.template(kind))
    console.print(f"[green]已生成模板[/green] → {out}")
