"""Stateless digest nonces: genuine, stale (old) or forged; responses bound to method and path."""

from __future__ import annotations

from district_cloud import digest


def test_nonce_states() -> None:
    n = digest.make_nonce("s" * 20, now=1_000_000)
    assert digest.nonce_state("s" * 20, n, 300, now=1_000_100) == "ok"
    assert digest.nonce_state("s" * 20, n, 300, now=1_000_400) == "stale"
    assert digest.nonce_state("t" * 20, n, 300, now=1_000_100) == "bad"
    assert digest.nonce_state("s" * 20, "12.nothex", 300) == "bad"


def test_response_is_bound_to_path_and_method() -> None:
    h = digest.ha1("C0001", "realm", "pw")
    params = {
        "username": "C0001",
        "nonce": "1.x",
        "uri": "/VIID/Faces",
        "qop": "auth",
        "nc": "00000001",
        "cnonce": "abc",
    }
    params["response"] = digest.expected_response(params, h, "POST")
    assert digest.check(params, h, "POST", "/VIID/Faces")
    assert not digest.check(params, h, "POST", "/VIID/MotorVehicles")
    assert not digest.check(params, h, "GET", "/VIID/Faces")
    assert not digest.check(params, digest.ha1("C0001", "realm", "other"), "POST", "/VIID/Faces")
    parsed = digest.parse('Digest username="C0001", nonce="1.x", uri="/VIID/Faces", qop=auth, nc=00000001')
    assert parsed is not None and parsed["qop"] == "auth" and parsed["uri"] == "/VIID/Faces"
