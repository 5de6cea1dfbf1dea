"""`sc faces`: enrol a folder of people, identify faces in images, compare pairs of photos."""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.progress import track
from rich.table import Table

from access.config import AccessConfig
from access.decision import decide
from access.engine import FaceEngine, analyse, create_engine
from access.gallery import Gallery
from access.images import ImageLoadError, load_rgb
from access.people import KINDS, cache_from_dir, load_kinds, save_kinds
from access.quality import QualityReport, check_file

app = typer.Typer(
    help="人脸门禁：录入、识别、比对 (face enrolment, identification, comparison)", no_args_is_help=True
)
door_app = typer.Typer(help="门禁进程：运行、同步 (the door process: run, sync)", no_args_is_help=True)
app.add_typer(door_app, name="door")
console = Console(stderr=True)
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}

DataDir = Annotated[Path, typer.Option("--data-dir", help="Gallery folder (gallery.npz/json, people.json)")]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="JSON config file (default: shipped)")]


@lru_cache(maxsize=4)
def _engine(config_json: str) -> FaceEngine:
    """One engine per process and config (the model load is the slow part)."""
    return create_engine(AccessConfig.model_validate_json(config_json).engine)


def _setup(config_path: Path | None) -> tuple[AccessConfig, FaceEngine]:
    """Config and its cached engine."""
    config = AccessConfig.load(config_path)
    return config, _engine(config.model_dump_json())


def _open_gallery(data_dir: Path, config: AccessConfig, engine: FaceEngine) -> Gallery:
    """The saved gallery, or an empty one when none was saved yet."""
    if (data_dir / "gallery.json").exists():
        return Gallery.load(data_dir, config.gallery.combine)
    return Gallery(engine.dim, engine.name, config.gallery.combine)


@app.command()
def enroll(
    folder: Annotated[Path, typer.Argument(help="DIR/<person>/*.jpg, one folder per person")],
    data_dir: DataDir = Path("data/access"),
    kind: Annotated[str, typer.Option(help="resident | visitor | blacklist")] = "resident",
    config_path: ConfigOpt = None,
) -> None:
    """录入人员照片（每人 3–5 张）；不合格的照片列出原因。Enrol DIR/<person>/*.jpg into the gallery."""
    if kind not in KINDS:
        raise typer.BadParameter(f"kind must be one of {', '.join(KINDS)}")
    if not folder.is_dir():
        raise typer.BadParameter(f"目录不存在：{folder}")
    config, engine = _setup(config_path)
    gallery = _open_gallery(data_dir, config, engine)
    kinds = load_kinds(data_dir)
    photos = [
        (p.name, f)
        for p in sorted(folder.iterdir())
        if p.is_dir()
        for f in sorted(p.iterdir())
        if f.is_file()
    ]
    accepted: dict[str, list[np.ndarray]] = {}
    refused: list[QualityReport] = []
    for person, path in track(photos, description="录入 enrolling", console=console):
        report = check_file(engine, path, config.quality)
        if report.ok and report.embedding is not None:
            accepted.setdefault(person, []).append(report.embedding)
        else:
            refused.append(report)
    for person, embeddings in accepted.items():
        gallery.remove(person)  # re-enrolling replaces a person's templates
        for embedding in embeddings:
            gallery.add(person, embedding)
        kinds[person] = kind
    gallery.save(data_dir)
    save_kinds(data_dir, kinds)
    _print_summary(photos, accepted, refused)
    if not accepted and photos:
        raise typer.Exit(1)


def _print_summary(
    photos: list[tuple[str, Path]], accepted: dict[str, list[np.ndarray]], refused: list[QualityReport]
) -> None:
    """Counts, then a table of refused photos with zh-CN reason and code."""
    persons = {p for p, _ in photos}
    console.print(
        f"照片 {len(photos)} 张，录入 {sum(map(len, accepted.values()))} 张，人员 {len(accepted)}/"
        f"{len(persons)}；拒绝 {len(refused)} 张 (photos {len(photos)}, refused {len(refused)})"
    )
    if refused:
        table = Table("照片 photo", "原因 reason", "code")
        for report in refused:
            table.add_row(report.path, report.message_zh, report.code)
        console.print(table)
    missing = sorted(persons - set(accepted))
    if missing:
        console.print(f"[red]未录入任何照片的人员 (no usable photo): {', '.join(missing)}[/red]")


@app.command()
def identify(
    images: Annotated[list[Path], typer.Argument(help="Images to search")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per image per line")] = False,
    data_dir: DataDir = Path("data/access"),
    door: Annotated[str, typer.Option(help="Door id for visitor passes")] = "cli",
    config_path: ConfigOpt = None,
) -> None:
    """识别图片中的人脸并给出门禁判定。Identify every face in each image against the gallery."""
    config, engine = _setup(config_path)
    gallery = _open_gallery(data_dir, config, engine)
    cache = cache_from_dir(data_dir)
    failed = False
    for path in images:
        record: dict[str, object] = {"image": str(path), "faces": []}
        try:
            image = load_rgb(path)
        except ImageLoadError as exc:
            failed = True
            record["error"] = {"code": exc.code, "message": exc.message_zh}
            _emit(record, as_json)
            continue
        faces = []
        for face in analyse(engine, image, thorough=True):
            rule = config.gallery
            match = gallery.identify(
                face.embedding, rule.margin, rule.runner_up_floor, rule.multi_template_offset
            )
            decision = decide(match, rule.threshold, door, datetime.now(), cache)
            faces.append(
                {
                    "box": face.box.as_list(),
                    "person": decision.person,
                    "score": round(match.score, 4) if match else -1.0,
                    "decision": decision.category.value,
                }
            )
        record["faces"] = faces
        _emit(record, as_json)
    if failed:
        raise typer.Exit(1)


def _emit(record: dict[str, object], as_json: bool) -> None:
    """Print a record as one JSON line, or a short human line."""
    if as_json:
        typer.echo(json.dumps(record, ensure_ascii=False))
    elif "error" in record:
        typer.echo(f"{record['image']}: 错误 {record['error']}")
    else:
        typer.echo(f"{record['image']}: {record.get('faces') or record.get('similarity')}")


@app.command()
def compare(
    images: Annotated[list[Path] | None, typer.Argument(help="IMG1 IMG2")] = None,
    pairs: Annotated[Path | None, typer.Option("--pairs", help="File of tab-separated path pairs")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per pair per line")] = False,
    config_path: ConfigOpt = None,
) -> None:
    """比对两张照片中最大人脸的相似度 (cosine, -1…1)。Similarity of the largest face in each photo."""
    if pairs is not None:
        lines = [ln.split("\t") for ln in pairs.read_text(encoding="utf-8").splitlines() if ln.strip()]
        if any(len(parts) != 2 for parts in lines):
            raise typer.BadParameter("each line of --pairs must be two paths separated by a tab")
        todo = [(Path(a.strip()), Path(b.strip())) for a, b in lines]
    elif images is not None and len(images) == 2:
        todo = [(images[0], images[1])]
    else:
        raise typer.BadParameter("give IMG1 IMG2 or --pairs FILE")
    config, engine = _setup(config_path)
    threshold = config.gallery.verify_threshold
    cache: dict[Path, np.ndarray | dict[str, str]] = {}
    failed = False
    for a, b in todo:
        ea, eb = _embed_cached(engine, a, cache), _embed_cached(engine, b, cache)
        record: dict[str, object] = {"a": str(a), "b": str(b)}
        errors = {str(p): e for p, e in ((a, ea), (b, eb)) if isinstance(e, dict)}
        if errors or not isinstance(ea, np.ndarray) or not isinstance(eb, np.ndarray):
            failed = True
            record.update(similarity=None, same_person=None, errors=errors)
        else:
            similarity = float(np.dot(ea, eb))
            record.update(similarity=round(similarity, 4), same_person=similarity >= threshold)
        _emit(record, as_json)
    if failed:
        raise typer.Exit(1)


def _embed_cached(
    engine: FaceEngine, path: Path, cache: dict[Path, np.ndarray | dict[str, str]]
) -> np.ndarray | dict[str, str]:
    """Embedding of the largest face in a photo, or an error record; each path is embedded once."""
    if path not in cache:
        try:
            faces = analyse(engine, load_rgb(path), max_faces=1, thorough=True)
            cache[path] = faces[0].embedding if faces else {"code": "no_face", "message": "未检测到人脸"}
        except ImageLoadError as exc:
            cache[path] = {"code": exc.code, "message": exc.message_zh}
    return cache[path]


DoorConfigOpt = Annotated[Path, typer.Option("--config", help="door.yaml (see docs/face-recognition.md)")]


def _door(config_path: Path) -> Any:
    """Build the door process from its YAML (imported here: `sc faces` must not need the device stack)."""
    from access.edge.config import DoorProcessConfig
    from access.edge.process import DoorProcess

    try:
        config = DoorProcessConfig.load(config_path)
        engine = _engine(AccessConfig.load(config.access_config).model_dump_json())
        return DoorProcess(config, engine=engine)
    except (OSError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
        console.print(f"[red]配置错误 configuration error:[/red] {exc}")
        raise typer.Exit(2) from None


@door_app.command("run")
def door_run(config_path: DoorConfigOpt) -> None:
    """运行一个门禁：摄像头→识别→判定→门锁，事件上报，离线可用。Run one door until Ctrl-C."""
    import logging

    from devices.lifecycle import exit_on_signals

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    exit_on_signals()  # SIGTERM runs the `finally` below too: offline announced, outbox flushed
    door = _door(config_path)
    console.print(f"门禁 {door.config.door_id} 运行中 (Ctrl-C 退出) / door running")
    try:
        door.run()
    except KeyboardInterrupt:
        pass
    finally:
        door.close()


@door_app.command("sync")
def door_sync(config_path: DoorConfigOpt) -> None:
    """从平台同步一次人员库、黑名单、访客通行证。Sync the door's cache from the console once."""
    door = _door(config_path)
    try:
        if door.sync is None:
            console.print("[red]door.yaml 未配置 console / no console configured[/red]")
            raise typer.Exit(2)
        stats = door.sync.sync_once()
        if stats is None:
            console.print("[red]平台不可达，继续使用本地缓存 / console unreachable, cache kept[/red]")
            raise typer.Exit(1)
        door.refresh()
        typer.echo(json.dumps(stats.__dict__))
    finally:
        door.close()
