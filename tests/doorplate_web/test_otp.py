"""Phone + one-time code login: wrong codes, too many tries, expiry, rate limits, hashing at rest."""

from __future__ import annotations

from sqlalchemy import select

from property_console.doorplate import otp
from property_console.models.doorplate import OtpCode
from property_console.runtime import Runtime
from tests.doorplate_web.conftest import Doorplate

PHONE = "13812340000"


def _ask(dp: Doorplate, phone: str = PHONE) -> int:
    return dp.client.post("/api/doorplate/otp/request", json={"phone": phone}).status_code


def _try(dp: Doorplate, code: str, phone: str = PHONE) -> tuple[int, str]:
    r = dp.client.post("/api/doorplate/otp/verify", json={"phone": phone, "code": code})
    return r.status_code, (r.json().get("errors") or [{}])[0].get("code", "")


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_code_logs_in_once_and_is_hashed_at_rest(dp: Doorplate, runtime: Runtime) -> None:
    assert _ask(dp) == 202
    code = dp.sms.sent[PHONE]
    with runtime.sessions() as db:
        (row,) = db.execute(select(OtpCode)).scalars()
        assert code not in row.code_hash and row.code_hash == otp.code_hash(
            runtime.settings.secret_key, PHONE, code
        )
    r = dp.client.post("/api/doorplate/otp/verify", json={"phone": PHONE, "code": code})
    assert r.status_code == 200 and r.json()["role"] == "resident"
    assert "sc_session" in r.cookies or "sc_session" in r.headers.get("set-cookie", "")
    me = dp.client.get("/api/auth/me", headers={"Authorization": f"Bearer {r.json()['token']}"})
    assert me.json()["role"] == "resident"
    assert _try(dp, code) == (401, "otp.none")  # used up


def test_wrong_code_counts_and_fifth_try_kills_the_code(dp: Doorplate) -> None:
    assert _ask(dp) == 202
    code = dp.sms.sent[PHONE]
    for _ in range(otp.MAX_TRIES):
        assert _try(dp, _wrong(code)) == (401, "otp.wrong")
    assert _try(dp, code) == (401, "otp.none")  # even the right code no longer works


def test_expired_code_is_refused(dp: Doorplate) -> None:
    assert _ask(dp) == 202
    code = dp.sms.sent[PHONE]
    dp.clock.advance(seconds=otp.TTL.total_seconds() + 1)
    assert _try(dp, code) == (401, "otp.expired")
    assert _try(dp, code) == (401, "otp.expired")  # stays refused


def test_new_code_replaces_the_old_one(dp: Doorplate) -> None:
    assert _ask(dp) == 202
    first = dp.sms.sent[PHONE]
    dp.clock.advance(seconds=61)
    assert _ask(dp) == 202
    second = dp.sms.sent[PHONE]
    if first != second:
        assert _try(dp, first)[0] == 401
    assert _try(dp, second)[0] == 200


def test_rate_limits_per_phone_and_per_client(dp: Doorplate) -> None:
    assert _ask(dp) == 202
    r = dp.client.post("/api/doorplate/otp/request", json={"phone": PHONE})
    assert r.status_code == 429 and r.json()["errors"][0]["code"] == "otp.rate_limited"
    for _ in range(otp.PER_PHONE_HOUR - 1):
        dp.clock.advance(seconds=61)
        assert _ask(dp) == 202
    dp.clock.advance(seconds=61)
    assert _ask(dp) == 429  # five an hour per phone
    dp.clock.advance(hours=1)
    assert _ask(dp) == 202
    for i in range(otp.PER_CLIENT_HOUR - 1):
        assert _ask(dp, f"1370000{i:04d}") == 202
    assert _ask(dp, "13799999999") == 429  # twenty an hour per client address


def test_bad_phone_is_refused_by_the_validator(dp: Doorplate) -> None:
    r = dp.client.post("/api/doorplate/otp/request", json={"phone": "12345"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "phone"
    assert dp.sms.sent == {}
