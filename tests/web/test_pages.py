"""Page routes without a browser: login redirect, role-gated pages, safe redirects, language switch."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from property_console.web.pages import safe_next

SQLITE_ONLY = pytest.mark.parametrize(
    "seeded_url", ["sqlite"], indirect=True
)  # pages do not depend on the DB


def _cookie_client(app_client: TestClient, username: str) -> TestClient:
    """A browser-like client: the session travels as the HttpOnly cookie set at login."""
    client = TestClient(app_client.app, follow_redirects=False)
    assert (
        client.post("/api/auth/login", json={"username": username, "password": "Demo@2026"}).status_code
        == 200
    )
    return client


@SQLITE_ONLY
def test_pages_need_a_login(app_client: TestClient) -> None:
    r = TestClient(app_client.app, follow_redirects=False).get("/alarms")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/alarms"


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("username", "path", "status"),
    [
        ("staff", "/alarms", 200),
        ("grid", "/alarms", 403),
        ("grid", "/persons", 200),
        ("resident", "/reports", 403),
        ("district", "/reports", 200),
        ("police", "/import", 403),
    ],
)
def test_pages_follow_the_permission_table(
    app_client: TestClient, username: str, path: str, status: int
) -> None:
    assert _cookie_client(app_client, username).get(path).status_code == status


@SQLITE_ONLY
def test_home_sends_roles_without_a_dashboard_to_their_first_page(app_client: TestClient) -> None:
    assert _cookie_client(app_client, "grid").get("/").headers["location"] == "/persons"
    assert _cookie_client(app_client, "staff").get("/").status_code == 200


@SQLITE_ONLY
def test_menu_is_server_rendered_per_role(app_client: TestClient) -> None:
    html = _cookie_client(app_client, "grid").get("/persons").text
    assert "实有人口" in html and "告警处置" not in html and "Excel导入" not in html


@SQLITE_ONLY
def test_language_switch_and_safe_redirects(app_client: TestClient) -> None:
    client = _cookie_client(app_client, "staff")
    r = client.get("/lang/en", params={"next": "/alarms"})
    assert r.headers["location"] == "/alarms" and r.cookies.get("sc_lang") == "en"
    assert "<h1>Alarms</h1>" in client.get("/alarms").text
    assert client.get("/lang/en", params={"next": "//evil.example/"}).headers["location"] == "/"
    assert [safe_next(x) for x in ("/ok", "https://x", "//x", "/\\x", None)] == ["/ok", "/", "/", "/", "/"]


@SQLITE_ONLY
def test_vendored_chart_library_is_served_locally(app_client: TestClient) -> None:
    r = app_client.get("/static/vendor/chart.umd.min.js")
    assert r.status_code == 200 and b"Chart.js v4" in r.content[:200]


def test_no_page_or_script_loads_anything_from_another_host() -> None:
    from pathlib import Path

    web = Path(__file__).resolve().parents[2] / "property_console" / "web"
    for f in [*web.glob("templates/*.html"), *web.glob("static/*.js"), *web.glob("static/pages/*.js")]:
        text = f.read_text(encoding="utf-8")
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", "") and "https://" not in text, f
