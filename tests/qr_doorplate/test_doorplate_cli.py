"""The `sc doorplate` commands through typer's CliRunner on a private data dir."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qr_doorplate import cli
from qr_doorplate.addresses import PlateAddress
from qr_doorplate.checkpoint_scan import checkpoint_scan
from qr_doorplate.config import DoorplateSettings
from qr_doorplate.keyring import Keyring, KeyringStore
from qr_doorplate.refusal import Reason, Refused
from qr_doorplate.revocation import RevocationList
from qr_doorplate.signing import Verifier, sign, token_url
from qr_doorplate.token import Kind
from tests.qr_doorplate.doorplate_support import HOST, NOW

runner = CliRunner()


@pytest.fixture
def address_file(tmp_path: Path, addresses: list[PlateAddress]) -> Path:
    rows = [
        {"code": a.code, "building": a.building, "full_name": a.full_name, "label": a.label}
        | ({"kind": "checkpoint"} if a.kind is Kind.CHECKPOINT else {})
        for a in addresses
    ]
    path = tmp_path / "addresses.json"
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return path


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(cli.app, list(args))
    return result.exit_code, result.output


def _issued(data_dir: Path) -> list[dict[str, object]]:
    lines = (data_dir / "doorplate" / "issued.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _token_for(data_dir: Path, code: str) -> str:
    """Sign like `print` does, with the stored keyring, for verify/revoke tests."""
    keyring = KeyringStore(data_dir / "doorplate" / "keyring.json").load()
    return sign(keyring, Kind.ADDRESS, code, NOW)


def _pages(pdf: Path) -> int:
    return len(re.findall(rb"/Type /Page[^s]", pdf.read_bytes()))


def test_print_writes_one_page_per_address_and_logs_the_codes(
    data_dir: Path, address_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "b03.pdf"
    dirs = ["--png-dir", str(tmp_path / "png"), "--svg-dir", str(tmp_path / "svg")]
    code, output = _run(
        "print",
        "--building",
        "C0001-B03",
        "--size",
        "中",
        "--out",
        str(out),
        "--addresses",
        str(address_file),
        *dirs,
    )
    assert code == 0, output
    assert "4/4" in output and "4 块门牌" in output
    assert _pages(out) == 4
    assert sorted(p.stem for p in (tmp_path / "png").iterdir()) == sorted(
        ["C0001-B03", "C0001-B03-U2", "C0001-B03-U2-F05-R0501", "CP-EAST-07"]
    )
    assert len(list((tmp_path / "svg").glob("*.svg"))) == 4
    issued = _issued(data_dir)
    assert [e["kind"] for e in issued].count("checkpoint") == 1
    assert {e["key_id"] for e in issued} == {1}
    keyring_file = data_dir / "doorplate" / "keyring.json"
    assert stat.S_IMODE(keyring_file.stat().st_mode) == 0o600


def test_print_reads_csv_too(data_dir: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "a.csv"
    csv_file.write_text(
        "\ufeffcode,building,full_name,label\nB9-R101,B9,幸福小区9栋101室,9栋101室\n", encoding="utf-8"
    )
    code, output = _run("print", "-b", "B9", "-o", str(tmp_path / "b9.pdf"), "--addresses", str(csv_file))
    assert code == 0, output
    assert _pages(tmp_path / "b9.pdf") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--building", "NOPE"], "没有地址"),
        (["--building", "C0001-B03", "--size", "特大"], "未知的门牌尺寸"),
    ],
)
def test_print_refuses_bad_input(
    data_dir: Path, address_file: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    code, output = _run("print", *args, "--out", str(tmp_path / "x.pdf"), "--addresses", str(address_file))
    assert code == 1 and message in output
    assert not (tmp_path / "x.pdf").exists()


def test_print_uses_the_pluggable_address_source(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class DatabaseLike:
        def building(self, building_code: str) -> list[PlateAddress]:
            return [PlateAddress(f"{building_code}-R1", "测试小区1栋101室", "101室", building_code)]

    monkeypatch.setattr(cli, "address_source_factory", lambda _path: DatabaseLike())
    code, output = _run(
        "print", "-b", "B1/U1", "-o", str(tmp_path / "b1.pdf"), "--png-dir", str(tmp_path / "png")
    )
    assert code == 0, output
    assert _issued(data_dir)[0]["code"] == "B1/U1-R1"
    assert [p.name for p in (tmp_path / "png").iterdir()] == ["B1_U1-R1.png"]


def test_print_refuses_a_missing_configured_font(
    data_dir: Path, address_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SC_DOORPLATE_FONT_PATH", str(tmp_path / "nope.ttf"))
    code, output = _run(
        "print", "-b", "C0001-B03", "-o", str(tmp_path / "x.pdf"), "--addresses", str(address_file)
    )
    assert code == 1 and "nope.ttf" in output


def test_keys_list_shows_ids_never_material(data_dir: Path) -> None:
    assert _run("keys", "list")[1].strip().startswith("尚无签名密钥")
    assert _run("keys", "rotate")[0] == 0
    assert _run("keys", "rotate")[0] == 0
    code, output = _run("keys", "list")
    assert code == 0
    raw = json.loads((data_dir / "doorplate" / "keyring.json").read_text())
    assert [k["id"] for k in raw["keys"]] == [1, 2]
    assert "verify" in output and "active" in output
    for key in raw["keys"]:
        assert key["secret"] not in output and key["secret"][:12] not in output


def test_rotate_then_retire_through_the_cli(data_dir: Path) -> None:
    _run("keys", "rotate")
    old = _token_for(data_dir, "C0001-B03")
    _run("keys", "rotate")
    code, output = _run("verify", old)
    assert code == 0 and "C0001-B03" in output and "key 1" in output
    assert _run("keys", "retire", "2")[0] == 1  # the active key cannot be retired
    assert _run("keys", "retire", "1")[0] == 0
    code, output = _run("verify", old)
    assert code == 1 and "retired_key" in output and "停用" in output


def test_revoke_by_printed_id_token_url_and_address(data_dir: Path) -> None:
    _run("keys", "rotate")
    tokens = [_token_for(data_dir, c) for c in ("A-1", "A-2", "A-3", "A-4", "A-5")]
    verifier = Verifier(KeyringStore(data_dir / "doorplate" / "keyring.json").load(), RevocationList())
    ids = [verifier.verify(t).code_id for t in tokens]
    assert _run("revoke", ids[0].lower(), "--reason", "丢失")[0] == 0
    assert _run("revoke", tokens[1])[0] == 0
    assert _run("revoke", token_url(HOST, tokens[2]))[0] == 0
    assert _run("revoke", "--address", "A-4", "--before", "2030-01-01T00:00:00+08:00")[0] == 0
    assert _run("revoke", "--address", "A-5", "--issued-at", str(int(NOW.timestamp())))[0] == 0
    for token in tokens:
        code, output = _run("verify", token)
        assert code == 1 and "revoked" in output and "已注销" in output
    assert _run("verify", _token_for(data_dir, "A-6"))[0] == 0  # other codes are untouched
    assert _run("revoke")[0] == 1  # nothing to revoke
    code, output = _run("revoke", "--address", "A-4", "--before", "2030-01-01T00:00:00")
    assert code != 0  # a time without a zone is ambiguous


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("HELLO", "truncated"),
        ("https://evil.example.com/d/AAAAAAAA", "foreign_host"),
        ("!!!!!!!!", "malformed"),
    ],
)
def test_verify_reports_reasons(data_dir: Path, text: str, reason: str) -> None:
    _run("keys", "rotate")
    code, output = _run("verify", text)
    assert code == 1 and f"[{reason}:" in output


def test_verify_kind_option(data_dir: Path) -> None:
    _run("keys", "rotate")
    keyring = KeyringStore(data_dir / "doorplate" / "keyring.json").load()
    checkpoint = sign(keyring, Kind.CHECKPOINT, "CP-1", NOW)
    assert _run("verify", checkpoint, "--kind", "checkpoint")[0] == 0
    code, output = _run("verify", checkpoint, "--kind", "address")
    assert code == 1 and "wrong_kind" in output
    assert _run("verify", checkpoint, "--kind", "door")[0] == 2


def test_checkpoint_scan_accepts_only_checkpoint_codes(keyring: Keyring) -> None:
    verifier = Verifier(keyring, RevocationList(), HOST)
    scan = checkpoint_scan(verifier, token_url(HOST, sign(keyring, Kind.CHECKPOINT, "CP-9", NOW)), "g1", NOW)
    assert (scan.checkpoint, scan.guard_id, scan.at) == ("CP-9", "g1", NOW)
    with pytest.raises(Refused) as err:
        checkpoint_scan(verifier, sign(keyring, Kind.ADDRESS, "C0001-B03", NOW), "g1", NOW)
    assert err.value.reason is Reason.WRONG_KIND


def test_settings_follow_the_console_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SC_DOORPLATE_DATA_DIR", raising=False)
    monkeypatch.setenv("SC_DATA_DIR", str(tmp_path))
    settings = DoorplateSettings()
    assert settings.keyring_path == tmp_path / "doorplate" / "keyring.json"
    monkeypatch.setenv("SC_DOORPLATE_HOST", "bad host/")
    with pytest.raises(ValueError):
        DoorplateSettings()
