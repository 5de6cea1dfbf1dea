"""End to end through the real receiver: everything arrives, captures go after ack, resync, report, status."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
import uuid
from collections.abc import Callable

from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import func, select

from district_cloud import models as dm
from district_cloud.db import District
from property_console.api.app import create_app
from property_console.api.services import services_of
from property_console.models import Alarm, Capture, OutboxEntry, Person, Residency, Vehicle, utcnow
from property_console.runtime import Runtime
from property_console.uplink import report
from property_console.uplink.delivery import UplinkWorker
from property_console.uplink.events import enqueue
from tests.district_cloud.conftest import UPLINK_PASSWORD
from tests.uplink.conftest import drain


def _count(sessions: object, model: type) -> int:
    with sessions() as db:  # type: ignore[operator]
        return int(db.execute(select(func.count()).select_from(model)).scalar_one())


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 40), (10, 200, 90)).save(buf, "JPEG")
    return buf.getvalue()


def _pass_with_capture(rt: Runtime, plate: str) -> str:
    data = _jpeg()
    sha = hashlib.sha256(data).hexdigest()
    with rt.sessions.begin() as db:
        db.add(Capture(sha256=sha, content_type="image/jpeg", size=len(data), data=data, created_at=utcnow()))
        enqueue(
            db,
            "vehicle_pass",
            {
                "device_id": "LPR-N-0001",
                "shot_time": dt.datetime.now(dt.UTC).isoformat(),
                "plate": plate,
                "capture_sha256": sha,
            },
            uuid.uuid4(),
        )
    return sha


def test_seeded_community_arrives_whole(runtime: Runtime, district: District, worker: UplinkWorker) -> None:
    with runtime.sessions.begin() as db:
        person = db.execute(select(Person).order_by(Person.id_number)).scalars().first()
        assert person is not None
        person.phone = "13900000000"
        plate = db.execute(select(Vehicle.plate)).scalars().first()
    sha = _pass_with_capture(runtime, plate or "皖A00000")
    settled = drain(worker)
    assert settled == _count(runtime.sessions, OutboxEntry)
    assert _count(district.sessions, dm.Person) == _count(runtime.sessions, Person)
    assert _count(district.sessions, dm.Residency) == _count(runtime.sessions, Residency)
    with district.sessions() as db:
        stored = db.execute(select(dm.Person).where(dm.Person.record_id == str(person.id))).scalar_one()
        assert (stored.phone, stored.version) == ("13900000000", person.version)
        vp = db.execute(select(dm.VehiclePass)).scalar_one()
        assert vp.plate == plate and vp.images == 1
        assert db.execute(select(dm.Image.image_id)).scalar_one() == sha
    with runtime.sessions() as db:
        assert db.get(Capture, sha) is None  # deleted locally once the district acknowledged it
        st = report.status(db, worker)
    assert st["backlog"] == 0 and st["acked"] == settled and st["lag_seconds"] == 0.0


def test_retention_keeps_acknowledged_captures(runtime: Runtime, worker: UplinkWorker) -> None:
    worker.settings = worker.settings.model_copy(update={"capture_retention_hours": 24.0})
    sha = _pass_with_capture(runtime, "皖A12345")
    drain(worker)
    with runtime.sessions() as db:
        assert db.get(Capture, sha) is not None
        row = db.execute(select(OutboxEntry).where(OutboxEntry.kind == "vehicle_pass")).scalar_one()
        assert row.status == "acked" and row.captures_purged_at is None


def test_rejected_object_is_reported_and_does_not_block(runtime: Runtime, worker: UplinkWorker) -> None:
    with runtime.sessions.begin() as db:
        enqueue(
            db,
            "vehicle_pass",
            {"device_id": "LPR-N-0001", "shot_time": "2026-11-21T10:00:00+00:00", "plate": "X"},
            "bad id with spaces",
        )
    drain(worker)
    with runtime.sessions() as db:
        rep = report.report(db)
        assert [r["record_id"] for r in rep["rejected"]] == ["bad id with spaces"]
        assert rep["rejected"][0]["error"].startswith("8:")
        assert rep["kinds"]["person"]["acked"] > 0 and rep["kinds"]["person"]["pending"] == 0


def test_district_requested_resync(runtime: Runtime, district: District, worker: UplinkWorker) -> None:
    drain(worker)
    with district.sessions.begin() as db:
        db.query(dm.Person).delete()  # the district lost its copy
        c = db.get(dm.Community, "C0001")
        assert c is not None
        c.resync_token = "want-all"
    worker.keepalive()  # sees the token, queues everything
    drain(worker)
    worker.keepalive()  # reports the resync done
    assert _count(district.sessions, dm.Person) == _count(runtime.sessions, Person)
    with district.sessions() as db:
        c = db.get(dm.Community, "C0001")
        assert c is not None and c.resync_token is None and c.resync_done_at is not None


def test_status_route(runtime: Runtime, login: Callable[[str], TestClient]) -> None:
    admin = login("admin")
    body = admin.get("/api/uplink/status").json()
    assert body["backlog"] == _count(runtime.sessions, OutboxEntry) and body["configured"] is False
    assert admin.get("/api/uplink/report").status_code == 200
    assert login("staff").get("/api/uplink/status").status_code == 403


def test_watchlist_webhook_raises_console_alarm(runtime: Runtime, worker: UplinkWorker) -> None:
    app = create_app(runtime.settings, runtime.engine)
    services_of(app).uplink = worker
    client = TestClient(app)
    body = json.dumps(
        {
            "kind": "plate",
            "value": "皖A12345",
            "device_id": "C0001-LPR-N-0001",
            "message_zh": "布控预警：车牌 皖A12345",
        },
        ensure_ascii=False,
    ).encode()
    good = hmac.new(UPLINK_PASSWORD.encode(), body, hashlib.sha256).hexdigest()
    assert (
        client.post("/api/uplink/warnings", content=body, headers={"X-SC-Signature": "0" * 64}).status_code
        == 401
    )
    assert (
        client.post("/api/uplink/warnings", content=body, headers={"X-SC-Signature": good}).status_code == 204
    )
    with runtime.sessions() as db:
        alarms = db.execute(select(Alarm).where(Alarm.kind == "watchlist_hit")).scalars().all()
    assert [a.message_zh for a in alarms] == ["布控预警：车牌 皖A12345"]
