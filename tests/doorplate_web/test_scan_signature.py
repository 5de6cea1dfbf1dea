"""Genuine, forged, altered, revoked and retired codes through the scan page and its JSON twin."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from property_console.runtime import Runtime
from qr_doorplate.keyring import KeyringStore
from qr_doorplate.revocation import Revocation, RevocationStore
from qr_doorplate.token import Kind, parse
from tests.doorplate_web.conftest import Doorplate
from tests.doorplate_web.support import audit_entries, household

ROOM = "C0001-1-1-1-101"


def _flip(token: str, i: int) -> str:
    c = token[i]
    return token[:i] + ("B" if c != "B" else "C") + token[i + 1 :]


def test_genuine_code_shows_address_and_contact_only(dp: Doorplate, runtime: Runtime) -> None:
    token = dp.token(ROOM)
    people = household(runtime, ROOM)
    assert people
    for prefix in ("/d/", "/D/"):
        r = dp.client.get(prefix + token)
        assert r.status_code == 200
        assert "示范小区1栋1单元101室" in r.text and "城东派出所" in r.text and "0551-62345678" in r.text
        assert 'name="viewport"' in r.text and 'lang="zh-CN"' in r.text
        assert r.headers["cache-control"] == "no-store"
        for p in people:  # no personal data for anonymous callers
            assert p["name"] not in r.text and p["id_number"] not in r.text and p["phone"] not in r.text


def test_altered_characters_are_refused_without_leaking(dp: Doorplate) -> None:
    token = dp.token(ROOM)
    for position in (0, 1, 5, 12, 30, len(token) - 1):
        bad = _flip(token, position)
        r = dp.client.get(f"/D/{bad}")
        assert r.status_code == 400, position
        assert "无法识别此门牌" in r.text
        assert "101室" not in r.text and ROOM not in r.text and "城东派出所" not in r.text
        j = dp.client.get(f"/api/doorplate/scan/{bad}")
        assert j.status_code == 400
        reasons = {"bad_signature", "malformed", "truncated", "unknown_key", "unsupported_version"}
        assert j.json()["errors"][0]["code"] in reasons


def test_forged_with_another_key_is_bad_signature(
    dp: Doorplate, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from qr_doorplate.signing import sign

    dp.token(ROOM)  # our keyring exists, key id 1
    foreign = KeyringStore(tmp_path_factory.mktemp("evil") / "k.json").load_or_create(dp.clock())
    forged = sign(foreign, Kind.ADDRESS, ROOM, dp.clock())
    r = dp.client.get(f"/api/doorplate/scan/{forged}")
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "bad_signature"
    page = dp.client.get(f"/d/{forged}")
    assert "签名无效" in page.text and "101室" not in page.text


def test_revoked_code_is_refused_at_once(dp: Doorplate) -> None:
    token = dp.token(ROOM)
    assert dp.client.get(f"/d/{token}").status_code == 200
    claims, _, _ = parse(token)
    store = RevocationStore(dp.settings.revocations_path)
    store.save(store.load().add(Revocation(revoked_at=dt.datetime.now(dt.UTC), code_id=claims.code_id)))
    r = dp.client.get(f"/D/{token}")
    assert r.status_code == 410 and "已注销" in r.text and "101室" not in r.text
    assert dp.client.get(f"/api/doorplate/scan/{token}").json()["errors"][0]["code"] == "revoked"
    dp.clock.advance(seconds=5)
    assert dp.client.get(f"/d/{dp.token(ROOM)}").status_code == 200  # a reprinted plate works


def test_rotation_keeps_old_codes_and_retirement_refuses_them(dp: Doorplate) -> None:
    old = dp.token(ROOM)
    store = KeyringStore(dp.settings.keyring_path)
    store.save(store.load().rotate(dp.clock()))
    assert dp.client.get(f"/d/{old}").status_code == 200
    store.save(store.load().retire(1, dp.clock()))
    r = dp.client.get(f"/api/doorplate/scan/{old}")
    assert r.status_code == 410 and r.json()["errors"][0]["code"] == "retired_key"


def test_genuine_code_of_unknown_address_is_404(dp: Doorplate) -> None:
    r = dp.client.get(f"/d/{dp.token('C0001-9-9-9-909')}")
    assert r.status_code == 404 and "已不存在" in r.text


def test_refused_scan_by_logged_in_role_is_audited(
    dp: Doorplate, runtime: Runtime, login: Callable[[str], TestClient]
) -> None:
    staff = login("staff")
    bad = _flip(dp.token(ROOM), 20)
    assert staff.get(f"/d/{bad}").status_code == 400

    assert [e.actor for e in audit_entries(runtime, "scan_refused")] == ["staff"]
