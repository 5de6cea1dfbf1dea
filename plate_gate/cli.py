"""`sc plates` commands: read plates from images (full scenes or plate crops)."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from types import ModuleType
from typing import Annotated

import typer

from plate_gate.reader import RECOGNIZERS, PlateReader, ReadError

app = typer.Typer(help="车牌识别 licence-plate reading", no_args_is_help=True)
TRAIN_HINT = (
    "训练需要 PyTorch 与 onnx（可选依赖 train）：pip install torch==2.13.0 onnx / "
    "training needs PyTorch and onnx (the optional 'train' extra): pip install torch==2.13.0 onnx"
)


def default_data() -> Path:
    """The shared real data folder for plates (../shared/data/plates beside the repo)."""
    beside = Path(__file__).resolve().parents[2] / "shared" / "data" / "plates"
    return beside if beside.is_dir() else Path("/work/shared/data/plates")


def _training(module: str) -> ModuleType:
    """A training module; without the optional 'train' extra (torch, onnx) say so and exit 2."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as err:
        if err.name not in ("torch", "onnx"):
            raise
        typer.echo(TRAIN_HINT, err=True)
        raise typer.Exit(2) from err


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
    recognizer: Annotated[
        str | None, typer.Option(help=f"识别模型 recogniser: {' | '.join(RECOGNIZERS)} (default plate_rec)")
    ] = None,
) -> None:
    """Read the plates in each image, highest score first; a bad image is reported, not fatal."""
    if recognizer is not None and recognizer not in RECOGNIZERS:
        typer.echo(f"未知识别模型 unknown recogniser: {recognizer}", err=True)
        raise typer.Exit(2)
    reader = PlateReader(recognizer)
    failed = False
    for path in images:
        result = read_one(reader, path)
        failed = failed or "error" in result
        typer.echo(json.dumps(result, ensure_ascii=False) if as_json else _human(result))
    if failed:
        raise typer.Exit(1)


def _need_photos(photos: Path) -> None:
    """Exit 2 with a clear message when there are no background photos to compose scenes on."""
    if next(photos.rglob("*.jpg"), None) is None:
        typer.echo(f"没有背景照片 no background photos (*.jpg) under {photos}", err=True)
        raise typer.Exit(2)


@app.command("train")
def train_cmd(
    out: Annotated[Path, typer.Option(help="Work folder: synthetic cache, checkpoints, export")] = Path(
        "var/plate_train"
    ),
    data: Annotated[Path, typer.Option(help="Plate data: crops/ and synth_assets/")] = default_data(),
    minutes: Annotated[float, typer.Option(help="Training time budget (cosine schedule over it)")] = 50.0,
    steps: Annotated[int, typer.Option(help="Stop after this many steps instead (0 = use minutes)")] = 0,
    synth: Annotated[int, typer.Option(help="Synthetic plates to render")] = 40_000,
    real_per_image: Annotated[int, typer.Option(help="Augmented views per real training crop")] = 20,
    scene_views: Annotated[
        int, typer.Option(help="Scenes per real training crop read through the reader's own detectors")
    ] = 0,
    photos: Annotated[
        Path, typer.Option(help="Background photos for those scenes (not the bench's LFW singles)")
    ] = default_data().parent / "faces" / "lfw_dev" / "people",
    batch: Annotated[int, typer.Option(help="Batch size")] = 64,
    seed: Annotated[int, typer.Option(help="Random seed")] = 1,
    lr: Annotated[float, typer.Option(help="Peak learning rate")] = 2e-3,
    threads: Annotated[
        int, typer.Option(help="PyTorch threads (2 only pays on an idle box; see docs/plate-recogniser.md)")
    ] = 1,
    init: Annotated[
        Path | None, typer.Option(help="Fine-tune from these weights (plate_rec.pt, or an exported .onnx)")
    ] = None,
    install: Annotated[bool, typer.Option(help="Copy the result into plate_gate/models")] = False,
) -> None:
    """训练车牌识别模型 Train the plate recogniser: synthesis, CTC training, ONNX export, evaluation."""
    evaluate = _training("plate_gate.training.evaluate").evaluate
    if scene_views:
        _need_photos(photos)
    training = _training("plate_gate.training.train")
    cfg = training.TrainConfig(
        assets=data / "synth_assets",
        crops=data / "crops",
        out=out,
        synth=synth,
        real_per_image=real_per_image,
        scene_views=scene_views,
        photos=photos,
        minutes=minutes,
        max_steps=steps,
        batch=batch,
        seed=seed,
        lr=lr,
        threads=threads,
        init=init,
        log=typer.echo,
    )
    figures = training.train(cfg)
    held_out = evaluate(out / "plate_rec.onnx", cfg.crops)
    typer.echo(json.dumps({"training": figures, "held_out_pipeline": held_out}, ensure_ascii=False))
    if install:
        training.install_model(out, assets=cfg.assets)
        typer.echo("已安装到 plate_gate/models / installed into plate_gate/models")


@app.command("train-detector")
def train_detector_cmd(
    out: Annotated[Path, typer.Option(help="Work folder: checkpoints and export")] = Path("var/plate_det"),
    data: Annotated[Path, typer.Option(help="Plate data: crops/ and synth_assets/")] = default_data(),
    photos: Annotated[
        Path, typer.Option(help="Background photos (searched recursively; not the bench's LFW singles)")
    ] = default_data().parent / "faces" / "lfw_dev" / "people",
    minutes: Annotated[float, typer.Option(help="Training time budget (cosine schedule over it)")] = 40.0,
    steps: Annotated[int, typer.Option(help="Stop after this many steps instead (0 = use minutes)")] = 0,
    batch: Annotated[int, typer.Option(help="Tiles (256x256) per step")] = 16,
    seed: Annotated[int, typer.Option(help="Random seed")] = 7,
    threads: Annotated[int, typer.Option(help="PyTorch threads (scenes render in one more process)")] = 1,
    install: Annotated[bool, typer.Option(help="Copy the result into plate_gate/models")] = False,
) -> None:
    """训练车牌定位模型 Train the plate-mask detector: scene synthesis, training, ONNX export."""
    training = _training("plate_gate.training.det_train")
    _need_photos(photos)
    cfg = training.DetTrainConfig(
        assets=data / "synth_assets",
        crops=data / "crops",
        photos=photos,
        out=out,
        minutes=minutes,
        max_steps=steps,
        batch=batch,
        seed=seed,
        threads=threads,
        log=typer.echo,
    )
    figures = training.train_detector(cfg)
    typer.echo(json.dumps({"training": figures}, ensure_ascii=False))
    if install:
        training.install_detector(out)
        typer.echo("已安装到 plate_gate/models / installed into plate_gate/models")
