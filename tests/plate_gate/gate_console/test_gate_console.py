"""Gate ↔ console: car parks, reservations, the sync endpoint, console-down operation, staff confirmation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from devices.bus import InProcessBus
from plate_gate.decision import Action
from plate_gate.process import VehicleRead
from plate_gate.sync import ConsoleSync
from property_console.api.routes.gates import confirmation_id
from property_console.api.services import services_of
from property_console.device_commands import DeviceCommands
from property_console.models import Event, Vehicle
from property_console.runtime import Runtime
from property_console.seed import DEMO_PASSWORD
from tests.plate_gate.gate_console.console_link import add_gate_user, ingest_from_bus
from tests.plate_gate.gate_helpers import make_lane, snapshot

Login = Callable[[str], TestClient]
NOW = dt.datetime.now(dt.UTC)


def _lists(runtime: Runtime, login: Login) -> dict[str, str]:
    """Car park P1 (10 spaces, one fixed), a blacklisted, a monthly and a resident vehicle, two reservations."""
    staff = login("staff")
    park = staff.post("/api/car-parks", json={"code": "P1", "name": "地面停车场", "capacity": 10})
    assert park.status_code == 201, park.text
    with runtime.sessions() as db:
        resident_plate, resident_id = db.execute(select(Vehicle.plate, Vehicle.id).limit(1)).one()
    space = staff.post(
        f"/api/car-parks/{park.json()['id']}/spaces", json={"code": "B-01", "vehicle_id": str(resident_id)}
    )
    assert space.status_code == 201, space.text
    today = NOW.date()
    for plate, kind, until in (
        ("皖C44444", "blacklist", None),
        ("皖E66666", "monthly", today + dt.timedelta(days=3)),
    ):
        body = {"plate": plate, "pass_type": kind, "valid_until": until.isoformat() if until else None}
        assert staff.post("/api/vehicles", json=body).status_code == 201
    window = {
        "start_at": (NOW - dt.timedelta(hours=1)).isoformat(),
        "end_at": (NOW + dt.timedelta(hours=5)).isoformat(),
    }
    mine = login("resident").post(
        "/api/vehicle-reservations", json={"plate": "皖F77777", "max_visits": 2, **window}
    )
    assert mine.status_code == 201, mine.text
    theirs = staff.post("/api/vehicle-reservations", json={"plate": "沪AMS087", **window})
    assert theirs.status_code == 201, theirs.text
    return {"resident": resident_plate, "visitor": "皖F77777", "house": mine.json()["house_id"]}


def test_reservations_are_scoped_and_sync_is_for_gates(runtime: Runtime, login: Login) -> None:
    made = _lists(runtime, login)
    resident = login("resident")
    assert [r["plate"] for r in resident.get("/api/vehicle-reservations").json()] == ["皖F77777"]
    assert len(login("staff").get("/api/vehicle-reservations").json()) == 2
    other_house = login("staff").get("/api/houses", params={"page_size": 50}).json()["items"]
    foreign = next(h["id"] for h in other_house if h["id"] != made["house"])
    window = {"start_at": NOW.isoformat(), "end_at": (NOW + dt.timedelta(hours=1)).isoformat()}
    denied = resident.post(
        "/api/vehicle-reservations", json={"plate": "皖F88888", "house_id": foreign, **window}
    )
    assert denied.status_code == 404
    too_long = {"start_at": NOW.isoformat(), "end_at": (NOW + dt.timedelta(days=40)).isoformat()}
    assert (
        resident.post("/api/vehicle-reservations", json={"plate": "皖F88888", **too_long}).status_code == 422
    )
    assert resident.get("/api/gate/sync", params={"car_park": "P1"}).status_code == 403
    assert login("staff").get("/api/gate/sync", params={"car_park": "P1"}).status_code == 403
    gate = login(add_gate_user(runtime))
    assert gate.get("/api/gate/sync", params={"car_park": "NOPE"}).status_code == 404
    snap = gate.get("/api/gate/sync", params={"car_park": "P1"}).json()
    assert snap["car_park"] == {"id": "P1", "name": "地面停车场", "capacity": 10, "fixed_spaces": 1}
    assert [b["plate"] for b in snap["blacklist"]] == ["皖C44444"]
    assert {m["plate"] for m in snap["monthly"]} == {"皖E66666"}
    fixed = [v for v in snap["vehicles"] if v["fixed_space"]]
    assert [v["plate"] for v in fixed] == [made["resident"]]
    assert {r["plate"]: r["max_visits"] for r in snap["reservations"]} == {"皖F77777": 2, "沪AMS087": 1}


def test_gate_decides_from_synced_lists_and_keeps_going_when_the_console_is_down(
    runtime: Runtime, login: Login, app_client: TestClient, tmp_path: Path
) -> None:
    made = _lists(runtime, login)
    user = add_gate_user(runtime)
    hub = InProcessBus()
    stored = ingest_from_bus(hub, runtime)
    lane = make_lane(tmp_path, hub=hub, capacity=1)
    lane.clock.now = NOW
    sync = ConsoleSync(app_client, lane.rt.store, "P1", username=user, password=DEMO_PASSWORD)
    assert sync.poll() and lane.rt.store.car_park("P1").capacity == 10
    visitor = lane.rt.process.handle(VehicleRead(made["visitor"]))
    assert visitor.decision.reason == "visitor" and visitor.opened
    lane.rt.stop()

    # Console and bus both down: restart the lane from its data dir, it still decides and buffers the passes.
    hub.up = False
    lane = make_lane(tmp_path, hub=hub, capacity=1)
    lane.clock.now = NOW + dt.timedelta(minutes=5)
    dead = ConsoleSync(httpx.Client(base_url="http://127.0.0.1:9", timeout=0.5), lane.rt.store, "P1",
                       username=user, password=DEMO_PASSWORD)  # fmt: skip
    assert dead.poll() is False and dead.ok is False
    assert lane.rt.process.handle(VehicleRead(made["resident"])).opened
    lane.clock.advance(minutes=1)
    black = lane.rt.process.handle(VehicleRead("皖C44444"))
    assert black.decision.action is Action.REFUSE and black.decision.alarm
    lane.clock.advance(minutes=1)
    again = lane.rt.process.handle(
        VehicleRead(made["visitor"])
    )  # second of two allowed visits (counted locally)
    assert again.decision.reason == "visitor"
    lane.clock.advance(minutes=2)
    third = lane.rt.process.handle(VehicleRead(made["visitor"]))  # visits used up; the car is still inside
    assert (third.decision.action, third.decision.reason) == (Action.STAFF, "temporary.inside")
    publisher = lane.rt.edge
    assert publisher is not None and publisher.pending() == 5
    assert stored == ["vehicle_pass"]

    hub.up = True  # the bus (and the console behind it) is back
    assert publisher.outbox.flush(10)
    assert stored[1:] == ["vehicle_pass", "vehicle_refused", "alarm", "vehicle_pass", "vehicle_pending"]
    with runtime.sessions() as db:
        kinds = db.execute(select(Event.kind).where(Event.device_serial == "GATE-N-0001")).scalars().all()
    assert sorted(kinds) == sorted(stored)
    gate = login(user)
    snap = gate.get("/api/gate/sync", params={"car_park": "P1"}).json()
    assert {r["plate"]: r["visits"] for r in snap["reservations"]}["皖F77777"] == 2  # counted from events
    lane.rt.stop()


def test_staff_confirmation_reaches_the_barrier(
    runtime: Runtime, app_client: TestClient, login: Login, tmp_path: Path
) -> None:
    """One command path: the confirm route sends `barrier` and answers with the gate's ack (delivered)."""
    hub = InProcessBus()
    ingest_from_bus(hub, runtime)
    services_of(app_client.app).commands = DeviceCommands(hub.connect(), "C0001")
    lane = make_lane(tmp_path, snapshot(), hub=hub, rules={"temporary_policy": "staff"})
    lane.clock.now = NOW
    waiting = lane.rt.process.handle(VehicleRead("皖D55555"))
    assert waiting.decision.action is Action.STAFF and lane.driver.switches == []
    assert waiting.event_id is not None
    staff = login("staff")
    pending = staff.get("/api/gates/pending").json()
    assert [p["id"] for p in pending] == [str(waiting.event_id)]
    done = staff.post(f"/api/gates/pending/{waiting.event_id}/confirm", json={"action": "open"})
    assert done.status_code == 201, done.text
    assert done.json()["delivered"] is True and "delivery" not in done.json()
    assert lane.driver.switches == [(1, True)]  # the ack came after the relay switched
    assert lane.rt.store.presence("皖D55555", "P1") is not None
    assert staff.get("/api/gates/pending").json() == []
    with runtime.sessions() as db:
        passes = db.execute(select(Event).where(Event.kind == "vehicle_pass")).scalars().all()
    assert [p.id for p in passes] == [confirmation_id(waiting.event_id)]  # the gate's report is the same pass
    assert passes[0].detail["confirmed_by"] == "staff"
    assert lane.rt.store.passes()[0]["confirmed_by"] == "staff"
    lane.rt.stop()


def test_a_confirmation_the_gate_does_not_get_is_stored_and_says_why(
    runtime: Runtime, app_client: TestClient, login: Login, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No bus: delivered false (gate.offline); a bus nobody answers on: delivered false (gate.timeout). The
    decision is stored either way and a second click is refused (409), not sent again."""
    monkeypatch.setattr("property_console.api.routes.gates.TIMEOUT_S", 0.3)
    hub = InProcessBus()
    ingest_from_bus(hub, runtime)
    lane = make_lane(tmp_path, snapshot(), hub=hub, rules={"temporary_policy": "staff"})
    lane.clock.now = NOW
    first = lane.rt.process.handle(VehicleRead("皖D55555"))
    lane.clock.advance(minutes=1)
    second = lane.rt.process.handle(VehicleRead("皖D66666"))
    staff = login("staff")

    offline = staff.post(f"/api/gates/pending/{first.event_id}/confirm", json={"action": "open"})
    assert offline.status_code == 201, offline.text
    assert offline.json()["delivered"] is False
    assert offline.json()["delivery"]["code"] == "gate.offline"
    again = staff.post(f"/api/gates/pending/{first.event_id}/confirm", json={"action": "refuse"})
    assert again.status_code == 409

    services_of(app_client.app).commands = DeviceCommands(InProcessBus().connect(), "C0001")  # no gate there
    silent = staff.post(f"/api/gates/pending/{second.event_id}/confirm", json={"action": "refuse"})
    assert silent.status_code == 201, silent.text
    assert silent.json()["delivered"] is False
    assert silent.json()["delivery"]["code"] == "gate.timeout"
    assert lane.driver.switches == []  # neither barrier moved
    with runtime.sessions() as db:
        decided = db.execute(
            select(Event.id).where(Event.decision.in_(["staff_open", "staff_refused"]))
        ).all()
    assert sorted(str(i) for (i,) in decided) == sorted(
        str(confirmation_id(e)) for e in (first.event_id, second.event_id) if e is not None
    )
    lane.rt.stop()
