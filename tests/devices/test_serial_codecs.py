"""Sans-I/O codecs byte for byte: SCAH/1 text frames, Contact ID, relay board frames."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.serial import (
    ContactIdError,
    ContactIdEvent,
    FrameError,
    RelayDecoder,
    RelayFrame,
    TextDecoder,
    TextFrame,
    checksum_digit,
    crc16_ccitt,
    decode_contact_id,
    encode_contact_id,
    encode_frame,
    encode_relay,
    to_message,
)


def test_crc_check_value() -> None:
    assert crc16_ccitt(b"123456789") == 0x29B1


def test_encode_exact_bytes() -> None:
    body = b"007 EVT 012 ALARM"
    assert encode_frame(TextFrame(7, "EVT", ("012", "ALARM"))) == (
        b"@" + body + b"*" + f"{crc16_ccitt(body):04X}".encode() + b"\r\n"
    )
    with pytest.raises(ValueError):
        encode_frame(TextFrame(7, "EVT", ("a*b",)))
    with pytest.raises(ValueError):
        encode_frame(TextFrame(1000, "EVT"))


def test_partial_frames_byte_by_byte() -> None:
    wire = encode_frame(TextFrame(1, "HB", ("AH-1",))) + encode_frame(TextFrame(2, "EVT", ("003", "RESTORE")))
    dec = TextDecoder()
    out = []
    for i in range(len(wire)):
        out += dec.feed(wire[i : i + 1])
    assert out == [TextFrame(1, "HB", ("AH-1",)), TextFrame(2, "EVT", ("003", "RESTORE"))]
    assert dec.pending() == 0


def test_garbage_between_frames_is_reported_and_skipped() -> None:
    good = encode_frame(TextFrame(5, "ACK"))
    out = TextDecoder().feed(b"\x00\xffnoise" + good + b"\r\n" + b"junk" + good)
    assert [type(x) for x in out] == [FrameError, TextFrame, FrameError, TextFrame]
    assert out[0] == FrameError("garbage", b"\x00\xffnoise")


def test_crc_error_detected_and_next_frame_survives() -> None:
    bad = bytearray(encode_frame(TextFrame(9, "EVT", ("001", "ALARM"))))
    bad[6] ^= 0x01  # flip a bit inside the body
    good = encode_frame(TextFrame(10, "EVT", ("001", "RESTORE")))
    out = TextDecoder().feed(bytes(bad) + good)
    assert isinstance(out[0], FrameError) and out[0].reason == "crc"
    assert out[1] == TextFrame(10, "EVT", ("001", "RESTORE"))


def test_truncated_frame_followed_by_new_start_and_overflow() -> None:
    good = encode_frame(TextFrame(3, "STATUS"))
    out = TextDecoder().feed(b"@001 EVT 0" + good)
    assert out[0].reason == "syntax" and out[1] == TextFrame(3, "STATUS")  # type: ignore[union-attr]
    dec = TextDecoder()
    assert dec.feed(b"@" + b"9" * 300) == [FrameError("overflow", b"@" + b"9" * 300)]
    assert dec.feed(good) == [TextFrame(3, "STATUS")]


@pytest.mark.parametrize(
    "raw", [b"@01 EVT*0000\r\n", b"@001 FOO*0000\r\n", b"@001 EVT*ZZZZ\r\n", b"@001 EVT\r\n"]
)
def test_syntax_errors(raw: bytes) -> None:
    out = TextDecoder().feed(raw)
    assert len(out) == 1 and isinstance(out[0], FrameError) and out[0].reason in ("syntax", "crc")


@given(st.binary(max_size=300))
def test_decoder_never_raises_on_random_bytes(data: bytes) -> None:
    dec = TextDecoder()
    dec.feed(data)
    assert dec.feed(encode_frame(TextFrame(1, "ACK")))[-1] == TextFrame(1, "ACK")


def test_contact_id_known_message() -> None:
    # digits 1+2+3+4+1+8+1+1+3+1+10+1+10+1+5 = 52; 52 + 8 = 60 = 4 x 15
    event = decode_contact_id("1234 18 1 131 01 015 8")
    assert event == ContactIdEvent("1234", "18", "1", 131, 1, 15)
    assert event.name == "perimeter" and event.event_qualifier == "new"
    assert encode_contact_id(event) == "1234181131010158"


def test_contact_id_checksum_rules() -> None:
    assert checksum_digit("123418113101015") == "8"
    for body in ("000018160201000", "BCDE18160201000", "999998160201999"):
        msg = body + checksum_digit(body)
        assert decode_contact_id(msg).account == body[:4]
    with pytest.raises(ContactIdError):
        decode_contact_id("1234181131010159")
    with pytest.raises(ContactIdError):
        decode_contact_id("12341811310101")
    with pytest.raises(ContactIdError):
        decode_contact_id("123417113101015" + checksum_digit("123417113101015"))  # MT must be 18/98


def test_restore_qualifier_and_message_translation() -> None:
    cid = encode_contact_id(ContactIdEvent("0042", "18", "3", 302, 0, 0))
    msg = to_message(TextFrame(1, "CID", (cid,)))
    assert msg is not None and msg.kind == "contact_id" and msg.event == "low_battery"
    assert msg.contact_id is not None and msg.contact_id.event_qualifier == "restore"
    assert to_message(TextFrame(2, "EVT", ("007", "ALARM"))) == to_message(
        TextFrame(9, "EVT", ("7", "ALARM"))
    )
    assert to_message(TextFrame(3, "EVT", ("007", "EXPLODE"))) is None
    assert to_message(TextFrame(4, "CID", ("1234181131010159",))) is None


def test_relay_codec_bytes() -> None:
    assert encode_relay(RelayFrame(1, True)) == bytes.fromhex("A00101A2")
    assert encode_relay(RelayFrame(2, False)) == bytes.fromhex("A00200A2")
    dec = RelayDecoder()
    wire = b"\x13\x37" + bytes.fromhex("A00101A3") + bytes.fromhex("A00101A2") + bytes.fromhex("A002")
    assert dec.feed(wire) == [RelayFrame(1, True)]
    assert dec.errors == 2
    assert dec.feed(bytes.fromhex("00A2")) == [RelayFrame(2, False)]
