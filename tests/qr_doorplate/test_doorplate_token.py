"""Binary token layout: packing, canonical base32, truncation and malformed input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qr_doorplate.refusal import Reason, Refused
from qr_doorplate.token import (
    MAC_BYTES,
    UPPER,
    Claims,
    Codec,
    Kind,
    choose_codec,
    from_text,
    pack_claims,
    parse,
    to_text,
    unpack,
)


def _roundtrip(claims: Claims) -> Claims:
    blob = pack_claims(claims) + bytes(MAC_BYTES)
    return parse(to_text(blob))[0]


@pytest.mark.parametrize(
    ("code", "codec"),
    [
        ("330106001002003004", Codec.DIGITS),
        ("007", Codec.DIGITS),
        ("C0001-B03-U2-F05-R0501", Codec.UPPER),
        ("c0001-b03", Codec.RAW),
        ("幸福小区-3", Codec.RAW),
    ],
)
def test_codes_round_trip_with_the_densest_codec(code: str, codec: Codec) -> None:
    assert choose_codec(code) is codec
    claims = Claims(Kind.ADDRESS, code, 7, 1_795_000_000)
    assert _roundtrip(claims) == claims


def test_packing_is_denser_than_the_text() -> None:
    code = "C0001-B03-U2-F05-R0501"
    assert len(pack_claims(Claims(Kind.ADDRESS, code, 1, 0))) < 7 + len(code)
    assert len(pack_claims(Claims(Kind.ADDRESS, "1" * 20, 1, 0))) == 7 + 9  # 20 digits in 67 bits


@given(
    code=st.one_of(
        st.text(alphabet="0123456789", min_size=1, max_size=64),
        st.text(alphabet=UPPER, min_size=1, max_size=64),
        st.text(
            alphabet=st.characters(min_codepoint=33, max_codepoint=0x9FFF), min_size=1, max_size=60
        ).filter(lambda s: all(c.isprintable() and not c.isspace() for c in s) and len(s.encode()) <= 255),
    ),
    kind=st.sampled_from(list(Kind)),
    key_id=st.integers(1, 255),
    issued_at=st.integers(0, 2**32 - 1),
)
def test_any_valid_claims_round_trip(code: str, kind: Kind, key_id: int, issued_at: int) -> None:
    claims = Claims(kind, code, key_id, issued_at)
    assert _roundtrip(claims) == claims


def test_text_is_the_qr_alphanumeric_set() -> None:
    text = to_text(pack_claims(Claims(Kind.CHECKPOINT, "cp-7", 3, 123)) + bytes(MAC_BYTES))
    assert set(text) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def test_every_truncation_is_refused_as_truncated() -> None:
    text = to_text(pack_claims(Claims(Kind.ADDRESS, "C0001-B03-U2-F05-R0501", 1, 5)) + bytes(MAC_BYTES))
    for n in range(1, len(text)):
        with pytest.raises(Refused) as err:
            parse(text[:n])
        assert err.value.reason is Reason.TRUNCATED, n


def test_trailing_bytes_and_bad_headers_are_malformed() -> None:
    blob = pack_claims(Claims(Kind.ADDRESS, "A1", 1, 5)) + bytes(MAC_BYTES)
    with pytest.raises(Refused) as err:
        unpack(blob + b"\0")
    assert err.value.reason is Reason.MALFORMED
    with pytest.raises(Refused) as err:
        unpack(bytes([2 << 5]) + blob[1:])
    assert err.value.reason is Reason.UNSUPPORTED_VERSION
    with pytest.raises(Refused) as err:
        unpack(bytes([blob[0] | 0b11]) + blob[1:])  # codec 3 does not exist
    assert err.value.reason is Reason.MALFORMED


@pytest.mark.parametrize("text", ["", "   ", "not base32!", "ABCDEFG1", "MFRGG==="])
def test_garbage_text_is_refused(text: str) -> None:
    with pytest.raises(Refused) as err:
        parse(text)
    assert err.value.reason in {Reason.MALFORMED, Reason.TRUNCATED}


def test_non_canonical_base32_is_refused() -> None:
    text = to_text(b"\x20\x01\x00\x00\x00\x05\x01\x01" + bytes(MAC_BYTES))  # 24 bytes -> unused low bits
    assert len(text) % 8 != 0
    last = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".index(text[-1])
    sibling = text[:-1] + "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[last ^ 1]
    assert from_text(sibling) == from_text(text)  # base32 itself accepts both spellings
    with pytest.raises(Refused) as err:
        parse(sibling)
    assert err.value.reason is Reason.MALFORMED
    assert parse(text.lower()) == parse(text)


@pytest.mark.parametrize("code", ["", "A" * 65, "has space", "tab\there"])
def test_invalid_codes_are_rejected_at_signing(code: str) -> None:
    with pytest.raises(ValueError):
        pack_claims(Claims(Kind.ADDRESS, code, 1, 0))


def test_code_id_depends_on_every_claim() -> None:
    base = Claims(Kind.ADDRESS, "A1", 1, 100)
    variants = [Claims(Kind.CHECKPOINT, "A1", 1, 100), Claims(Kind.ADDRESS, "A2", 1, 100)]
    variants += [Claims(Kind.ADDRESS, "A1", 2, 100), Claims(Kind.ADDRESS, "A1", 1, 101)]
    assert len({base.code_id, *(v.code_id for v in variants)}) == 5
    assert len(base.code_id) == 8
