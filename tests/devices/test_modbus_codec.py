"""Word/byte order codecs, byte for byte."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.modbus import ModbusConfig, decode, decode_ascii, encode, encode_ascii


@pytest.mark.parametrize(
    ("word", "byte", "regs"),
    [
        ("big", "big", [0x1234, 0x5678]),
        ("little", "big", [0x5678, 0x1234]),
        ("big", "little", [0x3412, 0x7856]),
        ("little", "little", [0x7856, 0x3412]),
    ],
)
def test_u32_layouts(word: str, byte: str, regs: list[int]) -> None:
    assert encode(0x12345678, "u32", word_order=word, byte_order=byte) == regs  # type: ignore[arg-type]
    assert decode(regs, "u32", word_order=word, byte_order=byte) == 0x12345678  # type: ignore[arg-type]


def test_float_and_signed() -> None:
    assert encode(1.0, "f32") == [0x3F80, 0x0000]
    assert decode([0xFFFF], "i16") == -1
    assert decode([0xFFFF, 0xFFFE], "i32") == -2
    with pytest.raises(ValueError):
        decode([1], "u32")


@given(
    st.integers(-(2**31), 2**31 - 1), st.sampled_from(["big", "little"]), st.sampled_from(["big", "little"])
)
def test_i32_round_trip(value: int, word: str, byte: str) -> None:
    regs = encode(value, "i32", word_order=word, byte_order=byte)  # type: ignore[arg-type]
    assert decode(regs, "i32", word_order=word, byte_order=byte) == value  # type: ignore[arg-type]


def test_ascii_serial() -> None:
    regs = encode_ascii("PH-1", 4)
    assert regs == [0x5048, 0x2D31, 0, 0]
    assert decode_ascii(regs) == "PH-1"


def test_config_requires_link_details() -> None:
    with pytest.raises(ValueError):
        ModbusConfig(transport="tcp")
    with pytest.raises(ValueError):
        ModbusConfig(transport="rtu")
    assert ModbusConfig(transport="rtu", serial_port="/dev/ttyS0").baudrate == 9600
