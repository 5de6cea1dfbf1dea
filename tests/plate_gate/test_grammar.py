"""Property-based and example tests for the GA 36 plate grammar."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plate_gate.grammar import (
    DIGITS,
    LETTERS,
    NEW_ENERGY_LETTERS,
    PROVINCES,
    SERIAL_CHARS,
    PlateError,
    is_valid_plate,
    parse_plate,
)

provinces = st.sampled_from(PROVINCES)
letters = st.sampled_from(LETTERS)
serial = st.text(alphabet=SERIAL_CHARS, min_size=5, max_size=5)
digits4 = st.text(alphabet=DIGITS, min_size=4, max_size=4)
standard = st.builds(lambda p, a, s: p + a + s, provinces, letters, serial)
ne_small = st.builds(
    lambda p, a, c, d, n: p + a + c + d + n,
    provinces,
    letters,
    st.sampled_from(NEW_ENERGY_LETTERS),
    st.sampled_from(SERIAL_CHARS),
    digits4,
)
ne_large = st.builds(
    lambda p, a, n, c: p + a + n + c,
    provinces,
    letters,
    st.text(alphabet=DIGITS, min_size=5, max_size=5),
    st.sampled_from(NEW_ENERGY_LETTERS),
)
FULL_WIDTH = {ch: chr(ord(ch) + 0xFEE0) for ch in LETTERS + DIGITS}


def test_provinces_are_31_distinct() -> None:
    assert len(PROVINCES) == 31
    assert len(set(PROVINCES)) == 31


@settings(database=None)
@given(standard)
def test_standard_plates_parse(text: str) -> None:
    plate = parse_plate(text)
    assert plate.text == text
    assert plate.kind == "standard"
    assert not plate.new_energy
    assert plate.default_color == "blue"


@settings(database=None)
@given(ne_small)
def test_small_new_energy(text: str) -> None:
    plate = parse_plate(text)
    assert (plate.kind, plate.new_energy, plate.default_color) == ("new_energy_small", True, "green")


@settings(database=None)
@given(ne_large)
def test_large_new_energy(text: str) -> None:
    assert parse_plate(text).kind == "new_energy_large"


@settings(database=None)
@given(st.one_of(standard, ne_small, ne_large), st.data())
def test_normalisation_round_trip(text: str, data: st.DataObject) -> None:
    """Separators, spaces, lower case and full-width forms all normalise to the same plate."""
    noisy = []
    for i, ch in enumerate(text):
        ch = FULL_WIDTH.get(ch, ch) if data.draw(st.booleans()) else ch
        ch = ch.lower() if data.draw(st.booleans()) else ch
        noisy.append(ch)
        if i == 1:
            noisy.append(data.draw(st.sampled_from(["", "·", " ", "-", " · "])))
    assert parse_plate("".join(noisy)).text == text


@settings(database=None)
@given(standard, st.sampled_from("IO"), st.integers(min_value=2, max_value=6))
def test_i_and_o_rejected_anywhere(text: str, bad: str, pos: int) -> None:
    broken = text[:pos] + bad + text[pos + 1 :]
    with pytest.raises(PlateError) as err:
        parse_plate(broken)
    assert err.value.code == ("plate.letter" if pos == 1 else "plate.serial")
    assert not is_valid_plate(broken)


@settings(database=None)
@given(
    standard, st.characters(blacklist_characters=PROVINCES + "使", min_codepoint=0x4E00, max_codepoint=0x9FFF)
)
def test_unknown_province(text: str, head: str) -> None:
    with pytest.raises(PlateError) as err:
        parse_plate(head + text[1:])
    assert err.value.code == "plate.province"
    assert err.value.message_zh and err.value.message_en


@settings(database=None)
@given(standard, st.integers(min_value=1, max_value=4))
def test_wrong_length(text: str, cut: int) -> None:
    with pytest.raises(PlateError) as err:
        parse_plate(text[: 7 - cut] if cut < 4 else text + "12")
    assert err.value.code == "plate.length"


@settings(database=None)
@given(provinces, letters, digits4, st.sampled_from("警学挂领"))
def test_special_suffixes(p: str, a: str, n: str, suffix: str) -> None:
    kind = {"警": "police", "学": "coach", "挂": "trailer", "领": "consulate"}[suffix]
    assert parse_plate(p + a + n + suffix).kind == kind
    with pytest.raises(PlateError):
        parse_plate(p + a + n + "9" + suffix)


@settings(database=None)
@given(digits4, st.sampled_from("港澳"))
def test_hk_macau_need_yue_z(n: str, suffix: str) -> None:
    assert parse_plate("粤Z" + n + suffix).kind == ("hk" if suffix == "港" else "macau")
    with pytest.raises(PlateError) as err:
        parse_plate("粤B" + n + suffix)
    assert err.value.code == "plate.suffix"


@settings(database=None)
@given(st.text(alphabet=DIGITS, min_size=6, max_size=6))
def test_embassy(n: str) -> None:
    assert parse_plate("使" + n).kind == "embassy"
    assert not is_valid_plate("使" + n[:5])


@settings(database=None)
@given(provinces, letters, digits4)
def test_emergency(p: str, a: str, n: str) -> None:
    plate = parse_plate(f"{p}{a}{n}应急")
    assert (plate.kind, plate.default_color) == ("emergency", "white")


@settings(database=None)
@given(provinces, letters, st.text(alphabet=DIGITS, min_size=6, max_size=6))
def test_eight_digits_is_not_new_energy(p: str, a: str, n: str) -> None:
    with pytest.raises(PlateError) as err:
        parse_plate(p + a + n)
    assert err.value.code == "plate.serial"


@settings(database=None)
@given(st.text(max_size=12))
def test_never_raises_anything_but_plate_error(text: str) -> None:
    try:
        plate = parse_plate(text)
    except PlateError as err:
        assert err.code.startswith("plate.")
        assert isinstance(err, ValueError)
    else:
        assert is_valid_plate(plate.text)
        assert parse_plate(plate.text) == plate


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "plate.length"),
        ("皖", "plate.length"),
        ("皖O12345", "plate.letter"),
        ("皖A1234X警", "plate.length"),
        ("京A12345使", "plate.suffix"),
        ("皖A12#45", "plate.serial"),
    ],
)
def test_error_codes(text: str, code: str) -> None:
    with pytest.raises(PlateError) as err:
        parse_plate(text)
    assert err.value.code == code


def test_real_dataset_names_are_valid() -> None:
    assert is_valid_plate("苏ED51712")
    assert parse_plate("藏DT5022").kind == "standard"
