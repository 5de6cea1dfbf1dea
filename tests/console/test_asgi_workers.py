"""A web worker from `property_console.asgi:create` with SC_MQTT_URL: its own broker client gives it the
perimeter's retained live state and lets staff send perimeter and door commands from any worker."""

from __future__ import annotations

import json
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from devices.bus import Ack, Command, MqttSettings, MqttTransport, serve_commands
from perimeter.status import status_topic
from property_console import asgi
from property_console.config import get_settings
from property_console.seed import DEMO_PASSWORD
from tests.conftest import need_service

pytestmark = pytest.mark.mosquitto


def wait_for(predicate: Callable[[], object], timeout: float = 10.0) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_worker_sees_perimeter_state_and_sends_commands(
    sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    need_service("Mosquitto", "127.0.0.1", 1883)
    community = "w" + uuid.uuid4().hex[:10]  # a shared broker: topics of this run only
    shutil.copy(sqlite_template, tmp_path / "sc.db")
    for key, value in {
        "SC_MODE": "test",
        "SC_DATA_DIR": str(tmp_path),
        "SC_DATABASE_URL": f"sqlite:///{tmp_path / 'sc.db'}",
        "SC_MQTT_URL": "mqtt://127.0.0.1:1883",
        "SC_COMMUNITY_CODE": community,
    }.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    service = MqttTransport(MqttSettings(host="127.0.0.1", port=1883, client_id=f"perim-{community}")).start()
    service.wait_connected(10)
    commands: list[Command] = []

    def perimeter_service(command: Command) -> Ack:
        commands.append(command)
        return Ack(command_id=command.id, ok=True, detail="ok", result={"states": ["armed"]})

    serve_commands(service, community, "perimeter", perimeter_service)
    topic = status_topic(community, "perimeter", "partition", "P1")
    state = {"id": "P1", "name": "一区", "state": "disarmed", "siren": False, "alarms": []}
    service.publish(topic, json.dumps(state).encode(), retain=True)
    try:
        with TestClient(asgi.create()) as web:
            token = web.post("/api/auth/login", json={"username": "staff", "password": DEMO_PASSWORD})
            web.headers["Authorization"] = f"Bearer {token.json()['token']}"
            view = wait_for(lambda: (v := web.get("/api/perimeter").json())["connected"] and v)
            assert view["partitions"] == [state]  # type: ignore[index]
            r = web.post("/api/perimeter/partitions/P1/arm")
            assert r.status_code == 200 and r.json()["states"] == ["armed"], r.text
            assert [(c.name, c.args["partition"], c.args["who"]) for c in commands] == [
                ("arm", "P1", "staff")
            ]
            r = web.post("/api/doors/DOOR-1-1-0001/open", json={"reason": "测试"})
            assert r.status_code == 504  # no door on this broker answers: a clear timeout, audited
    finally:
        service.publish(topic, b"", retain=True)  # leave the shared broker clean
        service.stop()
        get_settings.cache_clear()
