"""Address lists (JSON/CSV) and the CJK font choice for the PDF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import qr_doorplate.fonts as fonts
from qr_doorplate.addresses import ListAddressSource, PlateAddress
from qr_doorplate.token import Kind
from tests.conftest import need_tool


def test_json_and_csv_give_the_same_plates(tmp_path: Path) -> None:
    rows = [
        {"code": "B1-R101", "building": "B1", "full_name": "幸福小区1栋101室", "label": "1栋101室"},
        {"code": "CP-1", "building": "B1", "full_name": "1栋北侧巡更点", "kind": "checkpoint"},
        {"code": "B2-R101", "building": "B2", "full_name": "幸福小区2栋101室", "label": "2栋101室"},
    ]
    (tmp_path / "a.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    header = "code,building,full_name,label,kind\n"
    body = "".join(
        f"{r['code']},{r['building']},{r['full_name']},{r.get('label', '')},{r.get('kind', '')}\n"
        for r in rows
    )
    (tmp_path / "a.csv").write_text(header + body, encoding="utf-8")
    from_json = ListAddressSource.from_file(tmp_path / "a.json")
    from_csv = ListAddressSource.from_file(tmp_path / "a.csv")
    assert from_json.building("B1") == from_csv.building("B1")
    b1 = from_json.building("B1")
    assert [a.code for a in b1] == ["B1-R101", "CP-1"]
    assert b1[1].kind is Kind.CHECKPOINT and b1[1].label == "1栋北侧巡更点"  # label defaults to the full name
    assert from_json.building("B9") == []


@pytest.mark.parametrize(
    "content",
    [
        '{"code": "A"}',
        '[{"code": "A", "building": "B"}]',
        '[{"code": "has space", "building": "B", "full_name": "x"}]',
        '[{"code": "A", "building": "B", "full_name": "  "}]',
    ],
)
def test_bad_address_lists_are_rejected(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError):
        ListAddressSource.from_file(path)


def test_plate_address_validates_its_code_and_kind() -> None:
    with pytest.raises(ValueError):
        PlateAddress("", "x", "x", "B")
    with pytest.raises(ValueError):
        PlateAddress("A", "x", "x", "B", 7)  # type: ignore[arg-type]
    assert PlateAddress("A", "x", "x", "B", 1).kind is Kind.CHECKPOINT  # type: ignore[arg-type]


def test_font_falls_back_to_the_builtin_cid_font(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(fonts, "CANDIDATES", (str(tmp_path / "missing.ttc"),))
    font = fonts.load_font()
    assert (font.name, font.embedded) == ("STSong-Light", False)
    with pytest.raises(FileNotFoundError):
        fonts.load_font(tmp_path / "missing.ttf")


def test_an_installed_truetype_font_is_embedded() -> None:
    installed = [Path(p) for p in fonts.CANDIDATES if Path(p).is_file()]
    need_tool(None if installed else "no CJK TrueType font installed (apt-get install fonts-wqy-zenhei)")
    font = fonts.load_font(installed[0])
    assert font.embedded and font.source == str(installed[0])
