"""The audit trail: every personal-data read and write is recorded; the chain detects tampering."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from property_console import audit
from property_console.models import AuditEntry
from property_console.runtime import Runtime


def _entries(runtime: Runtime) -> list[AuditEntry]:
    with runtime.sessions() as db:
        return list(db.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars())


def test_reads_and_writes_are_recorded(login: Callable[[str], TestClient], runtime: Runtime) -> None:
    police = login("police")
    page = police.get("/api/persons", params={"page_size": 3}).json()
    one = police.get(f"/api/persons/{page['items'][0]['id']}")
    assert one.status_code == 200
    created = (
        login("staff").post("/api/persons", json={"id_number": "11010519491231002X", "name": "张三"}).json()
    )
    entries = _entries(runtime)
    reads = [e for e in entries if e.action == "read" and e.entity == "person" and e.actor == "police"]
    assert [len(e.entity_ids) for e in reads] == [3, 1]
    assert reads[1].endpoint == f"GET /api/persons/{page['items'][0]['id']}"
    write = [e for e in entries if e.action == "create" and e.entity == "person"][-1]
    assert (write.actor, write.role, write.entity_ids) == ("staff", "property_staff", [created["id"]])


def test_chain_verifies_and_detects_tampering(login: Callable[[str], TestClient], runtime: Runtime) -> None:
    police = login("police")
    for _ in range(3):
        police.get("/api/persons")
    with runtime.sessions() as db:
        result = audit.verify(db)
    assert result.ok and result.checked == 4  # one login, three reads
    victim = _entries(runtime)[2]
    with runtime.engine.begin() as conn:
        _drop_guards(conn)
        conn.execute(
            text("UPDATE audit_entries SET actor = 'someone_else' WHERE seq = :s"), {"s": victim.seq}
        )
    with runtime.sessions() as db:
        broken = audit.verify(db)
    assert not broken.ok and broken.broken_at == victim.seq and "altered" in broken.reason


def test_deleted_entry_is_detected(login: Callable[[str], TestClient], runtime: Runtime) -> None:
    police = login("police")
    for _ in range(3):
        police.get("/api/persons")
    victim = _entries(runtime)[2]
    with runtime.engine.begin() as conn:
        _drop_guards(conn)
        conn.execute(text("DELETE FROM audit_entries WHERE seq = :s"), {"s": victim.seq})
    with runtime.sessions() as db:
        broken = audit.verify(db)
    assert not broken.ok and broken.broken_at is not None and broken.broken_at > victim.seq


def test_database_refuses_update_and_delete(login: Callable[[str], TestClient], runtime: Runtime) -> None:
    login("police").get("/api/persons")
    for stmt in ("UPDATE audit_entries SET actor = 'x'", "DELETE FROM audit_entries"):
        with pytest.raises(DBAPIError, match="append-only"), runtime.engine.begin() as conn:
            conn.execute(text(stmt))


def test_cli_verify(
    login: Callable[[str], TestClient], runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from property_console.cli import app

    login("police").get("/api/persons")
    monkeypatch.setenv("SC_MODE", "test")
    monkeypatch.setenv("SC_DATABASE_URL", str(runtime.engine.url.render_as_string(hide_password=False)))
    monkeypatch.setenv("SC_DATA_DIR", str(runtime.settings.data_dir))
    ok = CliRunner().invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0, ok.output
    with runtime.engine.begin() as conn:
        _drop_guards(conn)
        conn.execute(
            text("UPDATE audit_entries SET detail = '{}' WHERE seq = (SELECT MAX(seq) FROM audit_entries)")
        )
    bad = CliRunner().invoke(app, ["audit", "verify"])
    assert bad.exit_code == 1 and "broken" in bad.output


def _drop_guards(conn: object) -> None:
    """Simulate an attacker with database access: remove the append-only triggers first."""
    if conn.dialect.name == "postgresql":  # type: ignore[attr-defined]
        conn.execute(text("DROP TRIGGER audit_no_change ON audit_entries"))  # type: ignore[attr-defined]
    else:
        conn.execute(text("DROP TRIGGER audit_no_update"))  # type: ignore[attr-defined]
        conn.execute(text("DROP TRIGGER audit_no_delete"))  # type: ignore[attr-defined]
