"""`sc plates` commands: read plates from images (full scenes or plate crops)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from plate_gate.reader import PlateReader, ReadError

app = typer.Typer(help="车牌识别 licence-plate reading", no_args_is_help=True)


def read_one(reader: PlateReader, path: Path) -> dict[str, object]:
    """One image's result as the JSON object the CLI prints; never raises."""
    try:
        plates = reader.read_file(path)
    except ReadError as err:
        return {"image": str(path), "error": err.as_dict(), "plates": []}
    except Exception as err:  # one bad image must never stop the batch
        failed = ReadError("image.failed", "识别失败", f"reading failed: {type(err).__name__}: {err}")
        return {"image": str(path), "error": failed.as_dict(), "plates": []}
    return {"image": str(path), "plates": [p.as_dict() for p in plates]}


def _human(result: dict[str, object]) -> str:
    error = result.get("error")
    if isinstance(error, dict):
        return f"{result['image']}: 错误 error {error['code']}: {error['message_zh']} / {error['message_en']}"
    plates = result["plates"]
    assert isinstance(plates, list)
    if not plates:
        return f"{result['image']}: 未识别到车牌 no plate"
    found = ", ".join(f"{p['text']} ({p['color']}, {p['score']:.2f})" for p in plates)
    return f"{result['image']}: {found}"


@app.callback()
def main() -> None:
    """车牌识别 licence-plate reading."""


@app.command("read")
def read(
    images: Annotated[list[Path], typer.Argument(help="JPEG images: full scenes or plate crops")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per image per line")] = False,
) -> None:
    """Read the plates in each image, highest score first; a bad image is reported, not fatal."""
    reader = PlateReader()
    failed = False
    for path in images:
        result = read_one(reader, path)
        failed = failed or "error" in result
        typer.echo(json.dumps(result, ensure_ascii=False) if as_json else _human(result))
    if failed:
        raise typer.Exit(1)
