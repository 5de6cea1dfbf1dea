"""GB 11643 ID numbers, GB 32100 credit codes and phone numbers, with property-based tests."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from property_console.errors import DomainError
from property_console.validators.credit_code import CHARSET, check_credit_code, credit_check_char
from property_console.validators.id_number import (
    PROVINCE_CODES,
    check_digit,
    check_id_number,
    make_id_number,
    mask_id_number,
)
from property_console.validators.phone import mask_phone, normalise_phone

births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31))
regions = st.builds(
    lambda p, rest: p + rest,
    st.sampled_from(sorted(PROVINCE_CODES)),
    st.from_regex(r"[0-9]{4}", fullmatch=True),
)


def test_published_example_number() -> None:
    # GB 11643 annex example: 11010519491231002X, a woman born 1949-12-31 in Beijing Chaoyang.
    info = check_id_number("11010519491231002x")
    assert (info.number, info.birth_date, info.gender) == (
        "11010519491231002X",
        dt.date(1949, 12, 31),
        "female",
    )


@given(regions, births, st.integers(0, 999))
def test_generated_numbers_validate_and_decode(region: str, birth: dt.date, seq: int) -> None:
    info = check_id_number(make_id_number(region, birth, seq))
    assert info.birth_date == birth
    assert info.gender == ("male" if seq % 2 else "female")


@given(regions, births, st.integers(0, 999), st.integers(0, 16), st.integers(1, 9))
def test_any_single_digit_change_is_caught(
    region: str, birth: dt.date, seq: int, pos: int, delta: int
) -> None:
    number = make_id_number(region, birth, seq)
    changed = number[:pos] + str((int(number[pos]) + delta) % 10) + number[pos + 1 :]
    with pytest.raises(DomainError):
        check_id_number(changed)


@given(regions, births, st.integers(0, 999))
def test_wrong_check_character_is_refused_with_checksum_code(region: str, birth: dt.date, seq: int) -> None:
    number = make_id_number(region, birth, seq)
    wrong = next(c for c in "0123456789X" if c != number[17])
    with pytest.raises(DomainError) as err:
        check_id_number(number[:17] + wrong)
    assert err.value.errors[0].code == "id_number.checksum"
    assert err.value.errors[0].field == "id_number"


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("11010519491231002", "id_number.format"),
        ("1101051949123100211", "id_number.format"),
        ("11010519491231002Y", "id_number.format"),
        ("99010519491231002X", "id_number.region"),
        ("110105194902300020", "id_number.birth_date"),  # 30 February
        ("110105299901010020", "id_number.birth_date"),  # future
    ],
)
def test_malformed_numbers_name_the_problem(number: str, code: str) -> None:
    with pytest.raises(DomainError) as err:
        check_id_number(number, today=dt.date(2026, 11, 21))
    assert err.value.errors[0].code == code
    assert err.value.errors[0].message_zh


def test_check_digit_weights() -> None:
    assert check_digit("11010519491231002") == "X"
    assert mask_id_number("340104197608020749") == "3401**********0749"


credit_bodies = st.tuples(
    st.sampled_from(["91", "92", "93", "11", "12", "13", "19", "51", "52", "53", "Y1"]),
    st.from_regex(r"[0-9]{6}", fullmatch=True),
    st.text(alphabet=CHARSET, min_size=9, max_size=9),
).map("".join)


@given(credit_bodies)
def test_credit_codes_with_computed_check_validate(body: str) -> None:
    code = body + credit_check_char(body)
    assert check_credit_code(code.lower()) == code


@given(credit_bodies, st.integers(2, 16), st.sampled_from(CHARSET))
def test_credit_code_single_change_is_caught(body: str, pos: int, ch: str) -> None:
    code = body + credit_check_char(body)
    changed = code[:pos] + ch + code[pos + 1 :]
    if changed != code:
        with pytest.raises(DomainError):
            check_credit_code(changed)


def test_known_credit_code() -> None:
    assert check_credit_code("91110000600037341L") == "91110000600037341L"
    with pytest.raises(DomainError) as err:
        check_credit_code("91110000600037341M")
    assert err.value.errors[0].code == "credit_code.checksum"
    with pytest.raises(DomainError) as err:
        check_credit_code("9111000060003734IL")
    assert err.value.errors[0].code == "credit_code.format"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("010-62345678", "010-62345678"),
        ("0551 6234 5678", "0551-62345678"),
    ],
)
def test_phone_normalisation(raw: str, expected: str) -> None:
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12800138000", "1380013800", "62345678", "abc", "138001380001"])
def test_bad_phones_refused(raw: str) -> None:
    with pytest.raises(DomainError) as err:
        normalise_phone(raw)
    assert err.value.errors[0].code == "phone.format"


def test_phone_mask() -> None:
    assert mask_phone("13800138000") == "138****8000"
