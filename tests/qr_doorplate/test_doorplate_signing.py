"""Signature, key rotation, revocation and refusal reasons of doorplate codes."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest

from qr_doorplate.keyring import Keyring
from qr_doorplate.refusal import MESSAGES_EN, MESSAGES_ZH, Reason, Refused
from qr_doorplate.revocation import Revocation, RevocationList
from qr_doorplate.signing import Verifier, extract_token, sign, token_url
from qr_doorplate.token import MAC_BYTES, Claims, Kind, pack_claims, parse, to_text
from tests.qr_doorplate.doorplate_support import HOST, NOW

CODE = "C0001-B03-U2-F05-R0501"
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def _verifier(keyring: Keyring, revocations: RevocationList | None = None) -> Verifier:
    return Verifier(keyring, revocations or RevocationList(), HOST)


def _reason(verifier: Verifier, token: str, expect: Kind | None = None) -> Reason:
    with pytest.raises(Refused) as err:
        verifier.verify(token, expect)
    return err.value.reason


def test_genuine_code_verifies_as_token_and_as_url(keyring: Keyring) -> None:
    token = sign(keyring, Kind.ADDRESS, CODE, NOW)
    expected = Claims(Kind.ADDRESS, CODE, 1, int(NOW.timestamp()))
    verifier = _verifier(keyring)
    assert verifier.verify(token) == expected
    assert verifier.verify(token_url(HOST, token)) == expected
    assert verifier.verify(f"https://{HOST}/d/{token.lower()}") == expected


def test_token_carries_only_the_address_reference(keyring: Keyring) -> None:
    token = sign(keyring, Kind.ADDRESS, CODE, NOW)
    claims, signed, mac = parse(token)
    assert signed == pack_claims(claims)  # nothing else is encoded besides the claims and the MAC
    assert len(mac) == MAC_BYTES
    assert (claims.kind, claims.code, claims.key_id) == (Kind.ADDRESS, CODE, 1)
    assert len(token) <= 64


def test_every_single_character_change_is_refused(keyring: Keyring) -> None:
    token = sign(keyring, Kind.ADDRESS, CODE, NOW)
    verifier = _verifier(keyring)
    for i, ch in enumerate(token):
        for other in (ALPHABET[(ALPHABET.index(ch) + 1) % 32], ALPHABET[(ALPHABET.index(ch) + 17) % 32]):
            altered = token[:i] + other + token[i + 1 :]
            assert _reason(verifier, altered) in {
                Reason.BAD_SIGNATURE,
                Reason.MALFORMED,
                Reason.TRUNCATED,
                Reason.UNKNOWN_KEY,
                Reason.UNSUPPORTED_VERSION,
            }, (i, other)


def test_every_truncation_is_refused(keyring: Keyring) -> None:
    token = sign(keyring, Kind.ADDRESS, CODE, NOW)
    verifier = _verifier(keyring)
    for n in range(len(token)):
        assert _reason(verifier, token[:n]) in {Reason.TRUNCATED, Reason.MALFORMED}


def test_forged_code_with_a_guessed_or_foreign_key_is_bad_signature(keyring: Keyring) -> None:
    claims = Claims(Kind.ADDRESS, "C0001-B09", 1, int(NOW.timestamp()))
    forged = to_text(pack_claims(claims) + bytes(MAC_BYTES))
    other = Keyring().rotate(NOW)  # same key id 1, different secret
    assert _reason(_verifier(keyring), forged) is Reason.BAD_SIGNATURE
    assert _reason(_verifier(keyring), sign(other, Kind.ADDRESS, "C0001-B09", NOW)) is Reason.BAD_SIGNATURE


def test_swapping_the_address_keeps_the_mac_and_fails(keyring: Keyring) -> None:
    _, _, mac = parse(sign(keyring, Kind.ADDRESS, "C0001-B03", NOW))
    spliced = to_text(pack_claims(Claims(Kind.ADDRESS, "C0001-B04", 1, int(NOW.timestamp()))) + mac)
    assert _reason(_verifier(keyring), spliced) is Reason.BAD_SIGNATURE


def test_unknown_key_id_is_refused(keyring: Keyring) -> None:
    newer = keyring.rotate(NOW).rotate(NOW)
    token = sign(newer, Kind.ADDRESS, CODE, NOW)
    assert _reason(_verifier(keyring), token) is Reason.UNKNOWN_KEY


def test_rotation_keeps_old_codes_valid_until_the_key_is_retired(keyring: Keyring) -> None:
    old = sign(keyring, Kind.ADDRESS, CODE, NOW)
    rotated = keyring.rotate(NOW + timedelta(days=1))
    new = sign(rotated, Kind.ADDRESS, CODE, NOW + timedelta(days=1))
    assert parse(new)[0].key_id == 2
    assert _verifier(rotated).verify(old).key_id == 1
    retired = rotated.retire(1, NOW + timedelta(days=30))
    assert _reason(_verifier(retired), old) is Reason.RETIRED_KEY
    assert _verifier(retired).verify(new).key_id == 2


def test_forgery_under_a_retired_key_stays_bad_signature(keyring: Keyring) -> None:
    retired = keyring.rotate(NOW).retire(1, NOW)
    forged = to_text(pack_claims(Claims(Kind.ADDRESS, CODE, 1, 0)) + bytes(MAC_BYTES))
    assert _reason(_verifier(retired), forged) is Reason.BAD_SIGNATURE


def test_revocation_by_code_id(keyring: Keyring) -> None:
    first = sign(keyring, Kind.ADDRESS, CODE, NOW)
    second = sign(keyring, Kind.ADDRESS, CODE, NOW + timedelta(seconds=1))
    revocations = RevocationList().add(Revocation(NOW, "lost", code_id=parse(first)[0].code_id))
    verifier = _verifier(keyring, revocations)
    assert _reason(verifier, first) is Reason.REVOKED
    assert verifier.verify(second).code == CODE


def test_revocation_by_address_and_issue_time(keyring: Keyring) -> None:
    t0, t1 = NOW, NOW + timedelta(days=3)
    old, new = sign(keyring, Kind.ADDRESS, CODE, t0), sign(keyring, Kind.ADDRESS, CODE, t1)
    other = sign(keyring, Kind.ADDRESS, "C0001-B04", t0)
    exact = _verifier(
        keyring, RevocationList().add(Revocation(NOW, code=CODE, issued_at=int(t0.timestamp())))
    )
    assert _reason(exact, old) is Reason.REVOKED
    assert exact.verify(new).issued_at == int(t1.timestamp())
    assert exact.verify(other).code == "C0001-B04"
    before = _verifier(
        keyring, RevocationList().add(Revocation(NOW, code=CODE, issued_before=int(t1.timestamp())))
    )
    assert _reason(before, old) is Reason.REVOKED
    assert before.verify(new).code == CODE


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"code": "A"},
        {"code_id": "X", "code": "A", "issued_at": 1},
        {"code": "A", "issued_at": 1, "issued_before": 2},
    ],
)
def test_ambiguous_revocations_are_rejected(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Revocation(NOW, **kwargs)  # type: ignore[arg-type]


def test_kind_is_enforced_when_asked(keyring: Keyring) -> None:
    checkpoint = sign(keyring, Kind.CHECKPOINT, "CP-07", NOW)
    verifier = _verifier(keyring)
    assert verifier.verify(checkpoint, Kind.CHECKPOINT).kind is Kind.CHECKPOINT
    assert _reason(verifier, checkpoint, Kind.ADDRESS) is Reason.WRONG_KIND


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://evil.example.com/d/{t}", Reason.FOREIGN_HOST),
        ("http://{h}/d/{t}", Reason.MALFORMED),
        ("https://{h}/x/{t}", Reason.MALFORMED),
    ],
)
def test_urls_of_other_hosts_or_shapes_are_refused(keyring: Keyring, url: str, reason: Reason) -> None:
    token = sign(keyring, Kind.ADDRESS, CODE, NOW)
    assert _reason(_verifier(keyring), url.format(t=token, h=HOST)) is reason


def test_host_with_a_port_is_matched_exactly(keyring: Keyring) -> None:
    token = sign(keyring, Kind.ADDRESS, CODE, NOW)
    verifier = Verifier(keyring, RevocationList(), "sq.example.cn:8443")
    assert verifier.verify(token_url("sq.example.cn:8443", token)).code == CODE
    assert _reason(verifier, token_url("sq.example.cn", token)) is Reason.FOREIGN_HOST


def test_url_is_upper_case_for_the_alphanumeric_qr_mode(keyring: Keyring) -> None:
    token = sign(keyring, Kind.ADDRESS, CODE, NOW)
    url = token_url(HOST, token)
    assert url == f"HTTPS://{HOST.upper()}/D/{token}"
    assert extract_token(url, HOST) == token


def test_every_reason_has_both_messages() -> None:
    for reason in Reason:
        assert MESSAGES_ZH[reason] and MESSAGES_EN[reason]
        body = Refused(reason).as_dict()
        assert body["code"] == reason.value
        assert any("\u4e00" <= c <= "\u9fff" for c in body["message"])


def test_secret_never_appears_in_repr(keyring: Keyring) -> None:
    key = keyring.active()
    assert key.secret.hex() not in repr(keyring)
    assert base64.b64encode(key.secret).decode() not in repr(keyring)
