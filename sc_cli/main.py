"""`sc`: every deployable's own sub-app under one name, each imported only when its command runs.

`sc door run` loads the face door and devices/, never the console; `sc district ...` loads the district, never the
console; `sc serve` loads the console. The help lines of `sc --help` come from the table below, so listing the
commands imports none of them (tests/test_layering.py checks that every entry resolves).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup


@dataclass(frozen=True)
class Entry:
    """One `sc` command: `target` is "module:attr" of a Typer app (its group, or its only command), or of a
    Typer app one of whose commands (`command`) this entry is."""

    section: str
    target: str
    help: str
    command: str | None = None


CONSOLE, EDGE, DISTRICT, TOOLS = "物业平台 console", "边缘设备 edge", "区县平台 district", "工具 tools"
COMMANDS: dict[str, Entry] = {
    "init": Entry(
        CONSOLE,
        "property_console.cli:app",
        "创建数据库与首个管理员 create the database and first admin",
        "init",
    ),
    "serve": Entry(CONSOLE, "property_console.cli:app", "启动物业平台 the console API and web UI", "serve"),
    "demo": Entry(
        CONSOLE, "sc_cli.demo:app", "演示模式 everything on embedded defaults with a sample community"
    ),
    "users": Entry(CONSOLE, "property_console.cli:app", "用户管理 console users", "users"),
    "audit": Entry(CONSOLE, "property_console.cli:app", "审计 verify the audit trail's hash chain", "audit"),
    "template": Entry(
        CONSOLE, "property_console.cli:app", "导入模板 write an empty Excel import template", "template"
    ),
    "import": Entry(CONSOLE, "property_console.cli:app", "导入 import an Excel sheet", "import"),
    "export": Entry(CONSOLE, "property_console.cli:app", "导出 export records to Excel", "export"),
    "report": Entry(
        CONSOLE, "property_console.report_cli:app", "统计报表 statistics reports as PDF or Excel"
    ),
    "doorplate": Entry(CONSOLE, "sc_cli.doorplate:app", "二维码门牌 signed QR doorplates"),
    "door": Entry(EDGE, "access.door_cli:app", "门禁进程 one face door: run, sync"),
    "gate": Entry(EDGE, "plate_gate.gate_cli:app", "道闸 one barrier lane: run, sim"),
    "perimeter": Entry(EDGE, "perimeter.cli:app", "周界报警 the perimeter alarm service and site tools"),
    "faces": Entry(EDGE, "access.cli:app", "人脸 face enrolment, identification, comparison"),
    "plates": Entry(EDGE, "plate_gate.cli:app", "车牌识别 licence-plate reading and training"),
    "district": Entry(
        DISTRICT, "district_cloud.cli:app", "区县公安数据平台 the district receiver and police API"
    ),
    "sim": Entry(TOOLS, "devices.cli:app", "设备模拟器 device simulators speaking the real protocols"),
}


def load(entry: Entry) -> Any:
    """Import the entry's module and build its (typer) click command."""
    module, _, attr = entry.target.partition(":")
    built = typer.main.get_command(getattr(importlib.import_module(module), attr))
    if entry.command is None:
        return built
    found = built.commands.get(entry.command) if isinstance(built, TyperGroup) else None
    if found is None:
        raise LookupError(f"{entry.target} has no command {entry.command!r}")
    return found


# Typer vendors its own click since 0.2x: the overrides below take and return its objects (typed Any here).
class LazyGroup(TyperGroup):
    """A group whose sub-commands are imported on first use; its help lists them from `COMMANDS`."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        entry = COMMANDS.get(cmd_name)
        return None if entry is None else load(entry)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """Typer's help, drawn from stand-ins that carry each entry's help line (nothing is imported)."""
        stand_ins = [
            TyperCommand(name, help=e.help, rich_help_panel=e.section) for name, e in COMMANDS.items()
        ]
        listing = TyperGroup(name=self.name, help=self.help, commands=stand_ins)
        listing.format_help(ctx, formatter)


cli = LazyGroup(name="sc", help="智慧平安小区 smart safe community system", no_args_is_help=True)


def main() -> None:
    cli.main(prog_name="sc")
