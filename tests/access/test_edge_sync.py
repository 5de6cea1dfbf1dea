"""Gallery sync from a console database: templates computed at the edge, residency validity, blacklist."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from access.config import AccessConfig
from access.decision import Category, decide
from access.edge.store import EdgeStore
from access.edge.sync import ConsoleSync
from access.engine import FaceEngine, analyse
from access.images import load_rgb
from property_console.runtime import Runtime
from tests.access.console_fixtures import EDGE_PASSWORD, EDGE_USER, end_residency, prepare


def _decide(store: EdgeStore, engine: FaceEngine, door: str, code: str | None, photo: Path) -> Category:
    rule = AccessConfig().gallery
    face = analyse(engine, load_rgb(photo), max_faces=1)[0]
    match = store.gallery().identify(
        face.embedding, rule.margin, rule.runner_up_floor, rule.multi_template_offset
    )
    cache = store.cache_for(door, code)
    return decide(match, rule.visit_threshold, door, datetime.now(UTC), cache).category


def test_sync_builds_gallery_and_follows_residency(
    runtime: Runtime, app_client: TestClient, engine: FaceEngine, data_dir: Path, tmp_path: Path
) -> None:
    town = prepare(runtime, data_dir)
    store = EdgeStore(tmp_path / "cache", engine, AccessConfig().quality, "Asia/Shanghai")
    sync = ConsoleSync(store, EDGE_USER, EDGE_PASSWORD, client=app_client)
    stats = sync.sync_once()
    assert stats is not None and stats.embedded == 6 and stats.refused == 0
    assert store.door_address(town.own_door) == town.own_door_code
    gallery = store.gallery()
    assert str(town.resident) in gallery.persons() and str(town.blacklisted) in gallery.persons()
    probe_al, probe_amelia = data_dir / "probe/Al_Gore_0004.jpg", data_dir / "probe/Amelia_Vega_0004.jpg"
    own = (town.own_door, store.door_address(town.own_door))
    far = (town.other_door, store.door_address(town.other_door))
    assert _decide(store, engine, *own, probe_al) is Category.RESIDENT
    assert _decide(store, engine, *far, probe_al) is Category.UNKNOWN  # not this building's resident
    assert _decide(store, engine, *own, probe_amelia) is Category.BLACKLIST

    # incremental: only what changed comes back; the moved-out resident no longer opens the door
    end_residency(runtime, town.residency)
    again = sync.sync_once()
    assert again is not None and again.residents == 1 and again.embedded == 0
    assert _decide(store, engine, *own, probe_al) is Category.UNKNOWN

    # the console goes away: a restarted door still decides from its cached copy
    reopened = EdgeStore(tmp_path / "cache", engine, AccessConfig().quality, "Asia/Shanghai")
    assert _decide(reopened, engine, *own, probe_amelia) is Category.BLACKLIST
    offline = ConsoleSync(reopened, EDGE_USER, EDGE_PASSWORD, base_url="http://127.0.0.1:9")
    assert offline.sync_once() is None and offline.failing


def test_sync_is_for_the_system_role_only(login: Callable[[str], TestClient]) -> None:
    r = login("staff").get("/api/access/sync")
    assert r.status_code == 403


def test_demo_door_identity_syncs_and_reads_nothing_else(login: Callable[[str], TestClient]) -> None:
    door = login("door-demo")  # seeded by `sc demo` with the narrow `door` role
    answer = door.get("/api/access/sync")
    assert answer.status_code == 200 and answer.json()["full"]
    for path in ("/api/persons", "/api/houses", "/api/alarms", "/api/events", "/api/visitor-passes"):
        assert door.get(path).status_code == 403, path
