"""`sc report`: the reports page as a PDF or Excel file from the command line, with a progress bar."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from property_console import audit
from property_console.config import Settings
from property_console.events import report_pdf
from property_console.runtime import open_runtime

app = typer.Typer(help="Statistics reports (统计报表)", no_args_is_help=True)
console = Console()


@app.callback()
def reports_group() -> None:
    """Statistics reports (统计报表)."""


@app.command("pdf")
def pdf(
    out: Path,
    days: Annotated[int, typer.Option(min=1, max=366, help="The last N days")] = 7,
    lang: Annotated[str, typer.Option(help="zh | en")] = "zh",
) -> None:
    """Write the statistics report (tables and charts) as a PDF."""
    language: Literal["zh", "en"] = "en" if lang == "en" else "zh"
    rt = open_runtime(Settings())
    cols = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with rt.sessions() as db, Progress(*cols, console=console) as bar:
        task = bar.add_task("生成报表 report", total=None)
        data = report_pdf.for_period(
            db, rt.settings, days, language, progress=lambda d, n: bar.update(task, completed=d, total=n)
        )
        audit.record(
            db,
            actor=os.environ.get("USER", "cli"),
            role="system",
            action="export",
            entity="report",
            endpoint="sc report pdf",
            detail={"days": days, "format": "pdf"},
        )
        db.commit()
    rt.engine.dispose()
    out.write_bytes(data)
    console.print(f"[green]已导出[/green] {len(data)} 字节 → {out}")
