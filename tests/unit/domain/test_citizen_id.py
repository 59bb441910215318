"""GB 11643-1999 ID numbers: normalisation, check digit, 15→18, parsing and its errors."""

from __future__ import annotations

import datetime
import random

import pytest

from zhzx_desktop.domain.citizen_id import (
    CitizenId,
    check_digit,
    is_valid_id,
    normalize_id,
    parse_citizen_id,
    upgrade_15,
)
from zhzx_desktop.errors import UserError

TODAY = datetime.date(2025, 6, 1)

# Synthetic numbers: check digits computed independently of the code under test (weights 2^(17-i) mod 11).
# Only the two examples printed in the standard are "real" numbers.
STANDARD_EXAMPLE_1 = "11010519491231002X"
STANDARD_EXAMPLE_2 = "440524188001010014"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("11010519491231002", "X"),
        ("44052418800101001", "4"),
        ("43010219850312123", "X"),
        ("43010219900230123", "7"),
        ("81000019900101124", "9"),
        ("91184019900101123", "X"),
    ],
)
def test_check_digit(body: str, expected: str) -> None:
    assert check_digit(body) == expected


@pytest.mark.parametrize("bad", ["", "1101051949123100", "110105194912310021", "1101051949123100A"])
def test_check_digit_needs_17_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        check_digit(bad)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("11010519491231002x", STANDARD_EXAMPLE_1),
        ("１１０１０５１９４９１２３１００２Ｘ", STANDARD_EXAMPLE_1),
        ("１１０１０５１９４９１２３１００２ｘ", STANDARD_EXAMPLE_1),
        (" 110105 19491231 002X ", STANDARD_EXAMPLE_1),
        ("110105-19491231-002X", STANDARD_EXAMPLE_1),
        ("110105－19491231—002X", STANDARD_EXAMPLE_1),
        ("110105\u300019491231\u3000002X", STANDARD_EXAMPLE_1),
        ("abc", "abc"),  # normalisation does not validate
    ],
)
def test_normalize_id(raw: str, expected: str) -> None:
    assert normalize_id(raw) == expected


def test_standard_example_female() -> None:
    parsed = parse_citizen_id(STANDARD_EXAMPLE_1, today=TODAY)
    assert parsed == CitizenId(
        number=STANDARD_EXAMPLE_1,
        birth_date=datetime.date(1949, 12, 31),
        sex="2",
        area_code="110105",
        permanent_residence_card=False,
        upgraded_from_15=False,
        warnings=(),
    )


def test_standard_example_born_1880_parses_with_a_warning() -> None:
    parsed = parse_citizen_id(STANDARD_EXAMPLE_2, today=TODAY)
    assert parsed.birth_date == datetime.date(1880, 1, 1)
    assert parsed.sex == "1"
    assert parsed.area_code == "440524"
    assert any("1900" in w for w in parsed.warnings)
    assert not any("地址码" in w for w in parsed.warnings)


@pytest.mark.parametrize(
    "raw",
    [
        "11010519491231002x",
        "１１０１０５１９４９１２３１００２Ｘ",
        "110105 1949 1231 002X",
        "110105-19491231-002x",
    ],
)
def test_parse_accepts_messy_input(raw: str) -> None:
    assert parse_citizen_id(raw, today=TODAY).number == STANDARD_EXAMPLE_1


@pytest.mark.parametrize(
    ("id15", "id18", "born", "sex"),
    [
        ("430102850312123", "43010219850312123X", datetime.date(1985, 3, 12), "1"),
        ("110105491231002", STANDARD_EXAMPLE_1, datetime.date(1949, 12, 31), "2"),
    ],
)
def test_15_digit_upgrade(id15: str, id18: str, born: datetime.date, sex: str) -> None:
    assert upgrade_15(id15) == id18
    parsed = parse_citizen_id(id15, today=TODAY)
    assert parsed.number == id18
    assert parsed.upgraded_from_15 is True
    assert parsed.birth_date == born
    assert parsed.sex == sex


def test_upgrade_15_rejects_wrong_length() -> None:
    with pytest.raises(ValueError):
        upgrade_15("43010285031212")


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "id_empty"),
        ("  \u3000 ", "id_empty"),
        ("110105194912310021", "id_check_digit"),  # correct one is X
        ("440524188001010015", "id_check_digit"),
        ("430102199002301237", "id_birth_date"),  # 30 February, valid check digit
        ("430102200102290016", "id_birth_date"),  # 29 February of a common year
        ("430102203001011237", "id_birth_date"),  # in the future
        ("430102179901010013", "id_birth_date"),  # before any plausible birth
        ("43010219900230123", "id_length"),  # 17 digits
        ("4301021990023012377", "id_length"),  # 19 digits
        ("4301021990", "id_length"),
        ("43010219900A301237", "id_chars"),
        ("43010219900230123Y", "id_chars"),
        ("X30102199002301237", "id_chars"),
        ("43010285031212X", "id_chars"),  # 15-digit numbers have no check character
        ("张三", "id_chars"),
    ],
)
def test_parse_errors(raw: str, code: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_citizen_id(raw, today=TODAY)
    assert caught.value.code == code
    assert caught.value.field == "id_number"
    assert caught.value.message.startswith("身份证号")


def test_error_messages() -> None:
    with pytest.raises(UserError) as caught:
        parse_citizen_id("43010219900230123", today=TODAY)
    assert caught.value.message.startswith("身份证号应为18位（或旧版15位）")
    with pytest.raises(UserError) as caught:
        parse_citizen_id("110105194912310021", today=TODAY)
    assert caught.value.message == "身份证号校验码不正确，请核对最后一位"


def test_error_names_the_field() -> None:
    with pytest.raises(UserError) as caught:
        parse_citizen_id("110105194912310021", today=TODAY, field="guardian_id_number")
    assert caught.value.field == "guardian_id_number"
    assert caught.value.message.startswith("监护人身份证号")


def test_leap_day_is_a_valid_birth_date() -> None:
    assert parse_citizen_id("430102200002290019", today=TODAY).birth_date == datetime.date(2000, 2, 29)


def test_born_today_is_accepted_and_tomorrow_is_not() -> None:
    body = "430102" + TODAY.strftime("%Y%m%d") + "001"
    assert parse_citizen_id(body + check_digit(body), today=TODAY).birth_date == TODAY
    with pytest.raises(UserError) as caught:
        parse_citizen_id(body + check_digit(body), today=TODAY - datetime.timedelta(days=1))
    assert caught.value.code == "id_birth_date"


def test_permanent_residence_card() -> None:
    parsed = parse_citizen_id("91184019900101123x", today=TODAY)
    assert parsed.number == "91184019900101123X"
    assert parsed.permanent_residence_card is True
    assert parsed.birth_date == datetime.date(1990, 1, 1)
    assert parsed.sex == "1"
    assert parsed.warnings == ()


def test_permanent_residence_card_with_unknown_province_warns() -> None:
    parsed = parse_citizen_id("960840199001011238", today=TODAY)
    assert parsed.permanent_residence_card is True
    assert len(parsed.warnings) == 1
    assert "受理地代码 60" in parsed.warnings[0]


@pytest.mark.parametrize("number", ["810000199001011249", "830000198808082223"])
def test_hong_kong_macao_taiwan_residence_permits(number: str) -> None:
    parsed = parse_citizen_id(number, today=TODAY)
    assert parsed.residence_permit is True
    assert parsed.permanent_residence_card is False
    assert parsed.warnings == ()


@pytest.mark.parametrize("number", ["439999199001011239", "00000019900101123X"])
def test_unknown_area_code_is_a_warning_not_an_error(number: str) -> None:
    parsed = parse_citizen_id(number, today=TODAY)
    assert parsed.number == number
    assert parsed.warnings == (f"地址码 {number[:6]} 不在行政区划代码表中，请核对",)


def test_abolished_county_code_gives_no_warning() -> None:
    # 110103 崇文区 was merged away in 2010; numbers issued there stay valid.
    body = "11010319800101001"
    assert parse_citizen_id(body + check_digit(body), today=TODAY).warnings == ()


def test_age_on() -> None:
    parsed = parse_citizen_id(STANDARD_EXAMPLE_1, today=TODAY)
    assert parsed.age_on(datetime.date(2024, 12, 30)) == 74
    assert parsed.age_on(datetime.date(2024, 12, 31)) == 75


def test_is_valid_id() -> None:
    assert is_valid_id(STANDARD_EXAMPLE_1, today=TODAY)
    assert not is_valid_id("110105194912310021", today=TODAY)


def test_random_round_trip() -> None:
    rng = random.Random(11643)
    areas = ["110105", "430102", "440524", "320102", "510104"]
    start = datetime.date(1920, 1, 1)
    for _ in range(200):
        born = start + datetime.timedelta(days=rng.randrange((TODAY - start).days))
        body = rng.choice(areas) + born.strftime("%Y%m%d") + f"{rng.randrange(1000):03d}"
        number = body + check_digit(body)
        parsed = parse_citizen_id(number.lower(), today=TODAY)
        assert parsed.number == number
        assert parsed.birth_date == born
        assert parsed.sex == ("1" if int(body[16]) % 2 else "2")
        assert parsed.warnings == ()
        wrong = next(c for c in "0123456789X" if c != number[17])
        with pytest.raises(UserError) as caught:
            parse_citizen_id(body + wrong, today=TODAY)
        assert caught.value.code == "id_check_digit"
