"""The `sc faces` commands on real photos through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from access.cli import app
from access.people import load_kinds

runner = CliRunner()


def enrol(data_dir: Path, target: Path) -> str:
    result = runner.invoke(app, ["enroll", str(data_dir / "people"), "--data-dir", str(target)])
    assert result.exit_code == 0, result.output
    return result.output


def test_enroll_then_identify_json(data_dir: Path, tmp_path: Path) -> None:
    out = enrol(data_dir, tmp_path)
    assert "拒绝 0 张" in out
    assert load_kinds(tmp_path) == {"Al_Gore": "resident", "Amelia_Vega": "resident"}
    images = [
        data_dir / "probe/Al_Gore_0004.jpg",
        data_dir / "probe/Amelia_Vega_0004.jpg",
        data_dir / "strangers/AJ_Lamas_0001.jpg",
        data_dir / "strangers/Abbas_Kiarostami_0001.jpg",
        data_dir / "no_face.jpg",
    ]
    result = runner.invoke(app, ["identify", *map(str, images), "--json", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["image"] for r in lines] == [str(p) for p in images]
    people = [[f["person"] for f in r["faces"]] for r in lines]
    decisions = [[f["decision"] for f in r["faces"]] for r in lines]
    assert people == [["Al_Gore"], ["Amelia_Vega"], [None], [None], []]
    assert decisions == [["resident"], ["resident"], ["unknown"], ["unknown"], []]
    face = lines[0]["faces"][0]
    assert len(face["box"]) == 4 and face["box"][0] < face["box"][2] and isinstance(face["score"], float)


def test_enroll_reports_refused_photos(data_dir: Path, tmp_path: Path) -> None:
    people = tmp_path / "in"
    (people / "Bad").mkdir(parents=True)
    for name in ("no_face.jpg", "two_faces.jpg", "corrupt.jpg"):
        (people / "Bad" / name).write_bytes((data_dir / name).read_bytes())
    (people / "Gore").mkdir()
    (people / "Gore" / "a.jpg").write_bytes((data_dir / "people/Al_Gore/Al_Gore_0001.jpg").read_bytes())
    result = runner.invoke(
        app, ["enroll", str(people), "--data-dir", str(tmp_path / "g"), "--kind", "blacklist"]
    )
    assert result.exit_code == 0, result.output
    for code in ("no_face", "multiple_faces", "not_an_image"):
        assert code in result.output
    assert "拒绝 3 张" in result.output and "Bad" in result.output
    assert load_kinds(tmp_path / "g") == {"Gore": "blacklist"}
    probe = data_dir / "probe/Al_Gore_0004.jpg"
    out = runner.invoke(app, ["identify", str(probe), "--json", "--data-dir", str(tmp_path / "g")])
    assert json.loads(out.stdout)["faces"][0]["decision"] == "blacklist"


def test_identify_corrupt_file_reports_error_and_continues(data_dir: Path, tmp_path: Path) -> None:
    images = [data_dir / "corrupt.jpg", data_dir / "probe/Al_Gore_0004.jpg"]
    result = runner.invoke(app, ["identify", *map(str, images), "--json", "--data-dir", str(tmp_path)])
    assert result.exit_code == 1
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["error"]["code"] == "not_an_image" and first["faces"] == []
    assert second["faces"][0]["person"] is None  # empty gallery: everyone is unknown


def test_compare_pair_and_pairs_file(data_dir: Path, tmp_path: Path) -> None:
    gore1, gore4 = data_dir / "people/Al_Gore/Al_Gore_0001.jpg", data_dir / "probe/Al_Gore_0004.jpg"
    vega = data_dir / "people/Amelia_Vega/Amelia_Vega_0001.jpg"
    one = runner.invoke(app, ["compare", str(gore1), str(gore4), "--json"])
    assert one.exit_code == 0, one.output
    same = json.loads(one.stdout)
    assert same["same_person"] is True
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(
        f"{gore1}\t{gore4}\n{gore1}\t{vega}\n{gore1}\t{data_dir / 'no_face.jpg'}\n", encoding="utf-8"
    )
    many = runner.invoke(app, ["compare", "--pairs", str(pairs), "--json"])
    assert many.exit_code == 1
    rows = [json.loads(line) for line in many.stdout.splitlines()]
    assert rows[0]["similarity"] == same["similarity"]
    assert rows[1]["similarity"] < rows[0]["similarity"] and rows[1]["same_person"] is False
    assert rows[2]["similarity"] is None and "no_face" in json.dumps(rows[2]["errors"])


def test_compare_needs_two_images() -> None:
    result = runner.invoke(app, ["compare", "only_one.jpg"])
    assert result.exit_code != 0
