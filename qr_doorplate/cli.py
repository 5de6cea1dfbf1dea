"""`sc doorplate`: print plate sheets, manage signing keys, revoke and verify codes."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from qr_doorplate.addresses import AddressSource, ListAddressSource
from qr_doorplate.config import DoorplateSettings
from qr_doorplate.fonts import load_font
from qr_doorplate.issue import IssuedPlate, append_issue_log, issue
from qr_doorplate.keyring import KeyringError, KeyringStore
from qr_doorplate.plates import plate_spec
from qr_doorplate.refusal import Refused
from qr_doorplate.render import write_pdf, write_png, write_svg
from qr_doorplate.revocation import Revocation, RevocationStore
from qr_doorplate.signing import Verifier, extract_token
from qr_doorplate.token import Kind, parse

app = typer.Typer(help="二维码门牌：打印、密钥轮换、注销与校验 (signed QR doorplates)", no_args_is_help=True)
keys_app = typer.Typer(help="签名密钥：轮换、列出、停用 (signing keys; key material is never shown)")
app.add_typer(keys_app, name="keys")
console = Console()


def _file_source(path: Path | None) -> AddressSource:
    if path is None:
        raise typer.BadParameter("请用 --addresses 指定地址清单 (JSON/CSV)", param_hint="--addresses")
    return ListAddressSource.from_file(path)


# The console replaces this with a database-backed source when it mounts the app.
address_source_factory: Callable[[Path | None], AddressSource] = _file_source


def _settings() -> DoorplateSettings:
    return DoorplateSettings()


def _now() -> datetime:
    return datetime.now(UTC)


def _fail(message: str) -> typer.Exit:
    console.print(message, style="red", markup=False, highlight=False)
    return typer.Exit(1)


@app.command("print")
def print_sheet(
    building: Annotated[str, typer.Option("--building", "-b", help="楼栋编码 (building code)")],
    out: Annotated[Path, typer.Option("--out", "-o", help="输出 PDF 文件")],
    size: Annotated[str, typer.Option("--size", "-s", help="门牌尺寸 大|中|小")] = "小",
    addresses: Annotated[Path | None, typer.Option(help="地址清单 JSON/CSV (address list file)")] = None,
    png_dir: Annotated[Path | None, typer.Option(help="另存每个地址的 PNG")] = None,
    svg_dir: Annotated[Path | None, typer.Option(help="另存每个地址的 SVG")] = None,
) -> None:
    """Sign a code for every address of a building and lay the plates out in a PDF (one plate per page)."""
    settings = _settings()
    try:
        spec = plate_spec(size)
        chosen = address_source_factory(addresses).building(building)
        keyring = KeyringStore(settings.keyring_path).load_or_create(_now())
        font = load_font(settings.font_path)
    except (ValueError, KeyringError, OSError) as exc:
        raise _fail(str(exc)) from exc
    if not chosen:
        raise _fail(f"楼栋 {building} 没有地址 (no addresses for building {building})")
    if not font.embedded:
        console.print(
            "[yellow]未找到可嵌入的中文字体，使用未嵌入的 STSong-Light (install fonts-wqy-zenhei)[/yellow]"
        )
    plates = issue(chosen, keyring, settings.host, _now())
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console) as bar:
        task = bar.add_task(f"门牌 PDF {building} ({spec.name})", total=len(plates))
        try:
            write_pdf(plates, spec, out, font, progress=lambda done, _total: bar.update(task, completed=done))
        except ValueError as exc:
            raise _fail(str(exc)) from exc
        if png_dir is not None or svg_dir is not None:
            _write_images(plates, spec.code_mm, png_dir, svg_dir, bar)
    append_issue_log(settings.issue_log_path, plates)
    console.print(f"已生成 {len(plates)} 块门牌 → {out} (key {keyring.active().key_id})")


def _safe_name(code: str) -> str:
    """A file name for an address code (codes may contain '/')."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", code)


def _write_images(
    plates: list[IssuedPlate], size_mm: float, png_dir: Path | None, svg_dir: Path | None, bar: Progress
) -> None:
    task = bar.add_task("PNG/SVG", total=len(plates))
    for directory in (png_dir, svg_dir):
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
    for plate in plates:
        if png_dir is not None:
            write_png(plate, png_dir / f"{_safe_name(plate.address.code)}.png", size_mm)
        if svg_dir is not None:
            write_svg(plate, svg_dir / f"{_safe_name(plate.address.code)}.svg", size_mm)
        bar.advance(task)


@keys_app.command("rotate")
def keys_rotate() -> None:
    """Create a new active signing key; the previous one keeps verifying old plates."""
    store = KeyringStore(_settings().keyring_path)
    try:
        keyring = store.load().rotate(_now())
    except KeyringError as exc:
        raise _fail(str(exc)) from exc
    store.save(keyring)
    console.print(f"新签名密钥 {keyring.active().key_id} 已启用 (new active key)")


@keys_app.command("list")
def keys_list() -> None:
    """Key ids, status and dates (never key material)."""
    try:
        keyring = KeyringStore(_settings().keyring_path).load()
    except KeyringError as exc:
        raise _fail(str(exc)) from exc
    table = Table("id", "状态 status", "创建 created (UTC)", "停用 retired (UTC)")
    for key in keyring.keys:
        retired = key.retired_at.isoformat(timespec="seconds") if key.retired_at else ""
        table.add_row(
            str(key.key_id), key.status.value, key.created_at.isoformat(timespec="seconds"), retired
        )
    console.print(table if keyring.keys else "尚无签名密钥 (no keys yet)")


@keys_app.command("retire")
def keys_retire(key_id: Annotated[int, typer.Argument(help="要停用的密钥 id")]) -> None:
    """Stop accepting plates signed by this key (they must be reprinted)."""
    store = KeyringStore(_settings().keyring_path)
    try:
        keyring = store.load().retire(key_id, _now())
    except KeyringError as exc:
        raise _fail(str(exc)) from exc
    store.save(keyring)
    console.print(f"密钥 {key_id} 已停用 (retired)")


def _parse_time(text: str) -> int:
    if text.strip().isdigit():
        return int(text)  # Unix seconds, as in issued.jsonl
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise typer.BadParameter("time needs a zone, e.g. 2026-11-21T10:00:00+08:00")
    return int(moment.timestamp())


@app.command("revoke")
def revoke(
    code: Annotated[str | None, typer.Argument(help="门牌编号 (code id), token or URL")] = None,
    address: Annotated[str | None, typer.Option(help="地址编码: revoke by address and time")] = None,
    issued_at: Annotated[str | None, typer.Option(help="签发时间 ISO, with --address")] = None,
    before: Annotated[str | None, typer.Option(help="该时间之前签发的全部, with --address")] = None,
    reason: Annotated[str, typer.Option(help="注销原因")] = "",
) -> None:
    """Revoke one code (by its printed id, token or URL) or an address's codes by issue time."""
    settings = _settings()
    try:
        if code is not None and address is None:
            code_id = code.strip().upper()
            if len(code_id) != 8:
                code_id = parse(extract_token(code))[0].code_id
            entry = Revocation(_now(), reason, code_id=code_id)
        else:
            stamp = _parse_time(issued_at) if issued_at else None
            cutoff = _parse_time(before) if before else None
            entry = Revocation(_now(), reason, code=address, issued_at=stamp, issued_before=cutoff)
    except (ValueError, Refused) as exc:
        raise _fail(f"无法注销 (cannot revoke): {exc}") from exc
    store = RevocationStore(settings.revocations_path)
    try:
        store.save(store.load().add(entry))
    except (ValueError, KeyError) as exc:
        raise _fail(f"注销清单无法读取 (revocation list unreadable): {exc}") from exc
    console.print(f"已注销 (revoked): {entry.code_id or entry.code}")


@app.command("verify")
def verify(
    token: Annotated[str, typer.Argument(help="token 或门牌 URL")],
    kind: Annotated[str | None, typer.Option(help="address | checkpoint")] = None,
) -> None:
    """Check a code: genuine, current key, not revoked; exit 1 with the reason otherwise."""
    if kind is not None and kind.upper() not in Kind.__members__:
        raise typer.BadParameter("address | checkpoint", param_hint="--kind")
    expect = Kind[kind.upper()] if kind else None
    settings = _settings()
    try:
        keyring = KeyringStore(settings.keyring_path).load()
        verifier = Verifier(keyring, RevocationStore(settings.revocations_path).load(), settings.host)
        claims = verifier.verify(token, expect)
    except Refused as exc:
        raise _fail(f"拒绝 {exc.message_zh} [{exc.reason.value}: {exc.message_en}]") from exc
    except (KeyringError, ValueError) as exc:
        raise _fail(str(exc)) from exc
    issued = datetime.fromtimestamp(claims.issued_at, UTC).isoformat()
    console.print(f"有效 (valid) {claims.kind.name.lower()} {claims.code} 编号 {claims.code_id}")
    console.print(f"key {claims.key_id}, issued {issued}")
