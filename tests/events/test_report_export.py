"""Report exports: the PDF parses and carries the page's figures (tables) and charts; Excel has visitors."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from property_console.events import ingest
from property_console.runtime import Runtime
from tests.conftest import REQUIRED
from tests.events.conftest import event_payload


def pdf_text(data: bytes, tmp_path: Path) -> str:
    """pdftotext (poppler-utils, installed by CI) in layout mode."""
    if shutil.which("pdftotext") is None:
        if REQUIRED:
            pytest.fail("pdftotext (poppler-utils) is required (SC_REQUIRE_SERVICES=1)")
        pytest.skip("pdftotext not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def _activity(runtime: Runtime) -> str:
    """3 door passes, 2 visitor passes and one zone alarm now; returns today's local date."""
    now = dt.datetime.now(dt.UTC)
    with runtime.sessions.begin() as db:
        for _ in range(3):
            ingest(db, event_payload())
        for _ in range(2):
            ingest(db, event_payload("visitor_pass", subject="pass:x", decision="visitor"))
        ingest(db, event_payload("alarm"))
    return now.astimezone(dt.timezone(dt.timedelta(hours=8))).date().isoformat()


def test_pdf_has_every_section_with_the_figures(
    runtime: Runtime, login: Callable[[str], TestClient], tmp_path: Path
) -> None:
    day = _activity(runtime)
    r = login("staff").get("/api/reports/export/pdf?days=7")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    text = pdf_text(r.content, tmp_path)
    for title in (
        "示范小区 统计报表",
        "今日分时通行",
        "每日通行",
        "告警类型",
        "告警处置结果",
        "设备在线率",
        "访客统计",
    ):
        assert title in text, title
    # today's row of the daily table: door 3, refused 0, vehicle 0/0/0, visitor 2, total 5
    row = next(line.split() for line in text.splitlines() if line.strip().startswith(day))
    assert row[1:] == ["3", "0", "0", "0", "0", "2", "5"], row
    # the visitor table: today 2 visits, 0 invitations; and the alarm by kind
    assert any(line.split() == [day, "2", "0"] for line in text.splitlines())
    assert any(line.split() == ["周界入侵", "1"] for line in text.splitlines())
    assert "告警总数：1" in text
    # charts are drawn: their axis/legend labels are on the page besides the tables
    assert text.count("门禁通行") >= 4  # two legends + two table headers


@pytest.mark.parametrize("seeded_url", ["sqlite"], indirect=True)  # the database kind does not matter here
def test_pdf_follows_the_language_cookie(login: Callable[[str], TestClient], tmp_path: Path) -> None:
    client = login("staff")
    client.cookies.set("sc_lang", "en")
    text = pdf_text(client.get("/api/reports/export/pdf?days=1").content, tmp_path)
    assert "Passes per day" in text and "Device availability" in text and "每日通行" not in text


@pytest.mark.parametrize("seeded_url", ["sqlite"], indirect=True)  # the database kind does not matter here
def test_pdf_respects_roles(login: Callable[[str], TestClient]) -> None:
    assert login("grid").get("/api/reports/export/pdf").status_code == 403
    assert login("district").get("/api/reports/export/pdf").status_code == 200  # district police: reports
    assert login("staff").get("/api/reports/export/pdf?days=0").status_code == 422


@pytest.mark.parametrize("seeded_url", ["sqlite"], indirect=True)  # the database kind does not matter here
def test_excel_has_the_visitor_sheet(runtime: Runtime, login: Callable[[str], TestClient]) -> None:
    day = _activity(runtime)
    r = login("staff").get("/api/reports/export?days=3")
    sheet = load_workbook(io.BytesIO(r.content))["访客统计"]
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[day] == (2, 0)


@pytest.mark.parametrize("seeded_url", ["sqlite"], indirect=True)  # the database kind does not matter here
def test_cli_writes_the_pdf(runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from property_console.report_cli import app

    day = _activity(runtime)
    monkeypatch.setenv("SC_MODE", "test")
    monkeypatch.setenv("SC_DATABASE_URL", runtime.settings.effective_database_url)
    monkeypatch.setenv("SC_DATA_DIR", str(tmp_path))
    out = tmp_path / "r.pdf"
    run = CliRunner().invoke(app, ["pdf", str(out), "--days", "2", "--lang", "en"])
    assert run.exit_code == 0, run.output
    text = pdf_text(out.read_bytes(), tmp_path)
    assert "Visitor counts" in text
    assert any(line.split() == [day, "2", "0"] for line in text.splitlines())
