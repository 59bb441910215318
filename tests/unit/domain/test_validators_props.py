"""Property-based tests (hypothesis) of every validator in ``zhzx_desktop.domain``: ID numbers, phones, names, dates,
money, code tables. Two kinds of property: valid input in any of the forms clerks type round-trips through the
normaliser; ANY input either passes or raises ``UserError`` naming the field in Chinese — never anything else."""

from __future__ import annotations

import datetime
import re

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from zhzx_desktop.domain import codes
from zhzx_desktop.domain.citizen_id import check_digit, normalize_id, parse_citizen_id
from zhzx_desktop.domain.masking import mask_id, mask_phone
from zhzx_desktop.domain.money import LIMIT_FEN, rmb_figures, rmb_upper
from zhzx_desktop.domain.validation import (
    FIELD_LABELS,
    MAX_LENGTHS,
    field_label,
    is_cjk_char,
    normalize_name,
    normalize_phone,
    parse_date,
    shown,
    validate_birth_date,
)
from zhzx_desktop.errors import UserError

TODAY = datetime.date(2026, 11, 23)
FAST = settings(max_examples=150, deadline=None)
_CJK = re.compile(r"[\u4e00-\u9fff]")

# Hostile text: anything unicode, plus the characters that break naive code (controls, surrogates excluded by
# hypothesis, full-width forms, RTL marks, emoji), plus very long strings.
nasty_chars = st.sampled_from(list("\x00\x07\t\r\n\u200b\u202e\ufeff\u3000０１２３ｘＸ—－·•😀𠀀\\'\"%_=+-@"))
any_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.one_of(nasty_chars, st.characters()), max_size=40),
    st.builds(lambda c, n: c * n, st.sampled_from(["1", "张", "a", " ", "😀", "="]), st.integers(100, 10_000)),
)


def assert_user_error(exc: UserError, field: str) -> None:
    """A clerk-facing error: the field named, a Chinese sentence of reasonable length."""
    assert isinstance(exc, UserError)
    assert exc.field == field, exc
    assert _CJK.search(exc.message), exc.message
    assert len(exc.message) < 300, len(exc.message)  # a 10,000-character input is never echoed back whole


# ----------------------------------------------------------------------------------------------------------------
# 公民身份号码
# ----------------------------------------------------------------------------------------------------------------

areas = st.sampled_from(["110101", "310104", "430223", "440305", "510107", "650102", "810000", "820000"])
births = st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY)


@st.composite
def valid_ids(draw: st.DrawFn) -> str:
    body = draw(areas) + draw(births).strftime("%Y%m%d") + f"{draw(st.integers(0, 999)):03d}"
    return body + check_digit(body)


def _fullwidth(text: str) -> str:
    return "".join(chr(0xFF10 + int(c)) if c.isdigit() else c for c in text)


@st.composite
def typed_forms(draw: st.DrawFn, number: str) -> str:
    """``number`` as a clerk might type or paste it: full-width digits, lower-case x, spaces, dashes."""
    text = number
    if draw(st.booleans()):
        text = _fullwidth(text)
    if text.endswith("X") and draw(st.booleans()):
        text = text[:-1] + draw(st.sampled_from(["x", "ｘ", "Ｘ"]))
    pieces = [text[:6], text[6:14], text[14:]] if draw(st.booleans()) else [text]
    joiner = draw(st.sampled_from(["", " ", "-", "\u3000", " - "]))
    return draw(st.sampled_from(["", " ", "\t"])) + joiner.join(pieces) + draw(st.sampled_from(["", " ", "\n"]))


@FAST
@given(st.data())
def test_valid_ids_validate_in_every_typed_form(data: st.DataObject) -> None:
    number = data.draw(valid_ids())
    typed = data.draw(typed_forms(number))
    parsed = parse_citizen_id(typed, today=TODAY)
    assert parsed.number == number == normalize_id(typed)
    assert parsed.birth_date.strftime("%Y%m%d") == number[6:14]
    assert parsed.sex == ("1" if int(number[16]) % 2 else "2")
    assert mask_id(parsed.number) == number[:6] + "*" * 8 + number[-4:]
    assert normalize_id(normalize_id(typed)) == normalize_id(typed)


@FAST
@given(valid_ids(), st.integers(0, 17), st.integers(1, 10))
def test_any_single_character_change_is_refused(number: str, position: int, shift: int) -> None:
    """MOD 11-2 catches every single substitution (the weights are non-zero modulo the prime 11)."""
    alphabet = "0123456789X" if position == 17 else "0123456789"
    old = alphabet.index(number[position])
    new = alphabet[(old + shift) % len(alphabet)]
    assume(new != number[position])
    changed = number[:position] + new + number[position + 1:]
    try:
        parse_citizen_id(changed, today=TODAY)
    except UserError as exc:
        assert_user_error(exc, "id_number")
        assert exc.code in ("id_check_digit", "id_birth_date", "id_chars")
    else:
        raise AssertionError(f"a changed digit at position {position} was accepted")


@FAST
@given(valid_ids(), st.integers(0, 16))
def test_swapped_neighbours_are_refused_or_identical(number: str, position: int) -> None:
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2:]
    assume(swapped != number and not swapped[:17].count("X"))
    try:
        parse_citizen_id(swapped, today=TODAY)
    except UserError as exc:
        assert_user_error(exc, "id_number")
    else:  # MOD 11-2 misses a transposition only when the two weighted digits happen to sum the same
        a, b = int(number[position]), int(number[position + 1])
        weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2, 1)
        if position < 16:
            assert (a - b) * (weights[position] - weights[position + 1]) % 11 == 0


@FAST
@given(any_text, st.sampled_from(["id_number", "party_id_number", "guardian_id_number"]))
@example("11010119900101123X\x00", "id_number")
@example("1" * 10_000, "id_number")
def test_any_text_as_an_id_number_is_a_user_error_or_valid(raw: str, field: str) -> None:
    try:
        parsed = parse_citizen_id(raw, today=TODAY, field=field)
    except UserError as exc:
        assert_user_error(exc, field)
        assert field_label(field) in exc.message
    else:
        assert len(parsed.number) == 18 and parsed.birth_date <= TODAY


# ----------------------------------------------------------------------------------------------------------------
# Phones
# ----------------------------------------------------------------------------------------------------------------

mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


@FAST
@given(mobiles, st.sampled_from(["", "+86", "+86 ", "0086", "86", "+86-"]), st.sampled_from(["", " ", "-"]),
       st.booleans())
def test_mobiles_normalise_in_every_typed_form(number: str, prefix: str, sep: str, wide: bool) -> None:
    typed = prefix + sep.join([number[:3], number[3:7], number[7:]])
    if wide:
        typed = _fullwidth(typed)
    assert normalize_phone(typed) == number
    assert mask_phone(number) == number[:3] + "****" + number[7:]


@FAST
@given(st.sampled_from(["010", "021", "0731", "0898"]), st.from_regex(r"[2-9][0-9]{6,7}", fullmatch=True),
       st.sampled_from(["", "123", "8"]), st.sampled_from(["{a}-{l}", "({a}){l}", "{a} {l}", "{a}{l}"]))
def test_landlines_normalise(area: str, local: str, ext: str, layout: str) -> None:
    typed = layout.format(a=area, l=local) + (f"转{ext}" if ext else "")
    expected = f"{area}-{local}" + (f"-{ext}" if ext else "")
    assert normalize_phone(typed) == expected
    assert normalize_phone(expected) == expected  # idempotent


@FAST
@given(any_text, st.sampled_from(["phone", "contact_phone", "party_phone", "guardian_phone"]))
@example("1" * 10_000, "phone")
@example("+86" + "9" * 40, "contact_phone")
def test_any_text_as_a_phone_is_a_user_error_or_stable(raw: str, field: str) -> None:
    try:
        value = normalize_phone(raw, field=field)
    except UserError as exc:
        assert_user_error(exc, field)
    else:
        assert value == normalize_phone(value, field=field)  # normalising twice changes nothing
        assert len(value) <= MAX_LENGTHS["phone"]
        assert value == "" or value.isascii()


# ----------------------------------------------------------------------------------------------------------------
# Names
# ----------------------------------------------------------------------------------------------------------------

@FAST
@given(any_text, st.sampled_from(["name", "party_name", "guardian_name", "helper_name"]))
@example("张" * 10_000, "name")
@example("a" * 10_000, "party_name")
@example("·张三", "name")
def test_any_text_as_a_name_is_a_user_error_or_clean(raw: str, field: str) -> None:
    try:
        name = normalize_name(raw, field=field)
    except UserError as exc:
        assert_user_error(exc, field)
        assert field_label(field) in exc.message
    else:
        assert 2 <= len(name) <= MAX_LENGTHS["name"]
        assert normalize_name(name, field=field) == name
        assert name == name.strip() and "  " not in name
        # no control or format characters; code points of the CJK blocks are kept even when this Python's Unicode
        # tables do not know them yet (Ext. H/I characters occur in real names)
        assert all(c.isprintable() or is_cjk_char(c) for c in name), ascii(name)


def test_a_pasted_paragraph_as_a_name_says_how_long_it_may_be() -> None:
    try:
        normalize_name("张" * 10_000)
    except UserError as exc:
        assert exc.message == "“姓名”最多30个字，现在是10000个字"
    else:
        raise AssertionError("accepted")


# ----------------------------------------------------------------------------------------------------------------
# Dates
# ----------------------------------------------------------------------------------------------------------------

date_layouts = st.sampled_from(["{y}-{m:02d}-{d:02d}", "{y}/{m}/{d}", "{y}.{m}.{d}", "{y}{m:02d}{d:02d}",
                                "{y}年{m}月{d}日", " {y} - {m} - {d} "])


@FAST
@given(st.dates(min_value=datetime.date(1000, 1, 1), max_value=datetime.date(9999, 12, 31)), date_layouts,
       st.booleans())
def test_dates_round_trip_in_every_layout(day: datetime.date, layout: str, wide: bool) -> None:
    typed = layout.format(y=day.year, m=day.month, d=day.day)
    if wide:
        typed = _fullwidth(typed)
    assert parse_date(typed, field="birth_date") == day
    assert parse_date(day, field="birth_date") == day


@FAST
@given(st.integers(1900, 2100), st.integers(1, 12), st.integers(29, 40), date_layouts)
@example(2025, 2, 29, "{y}-{m:02d}-{d:02d}")
@example(1900, 2, 29, "{y}年{m}月{d}日")
def test_impossible_dates_are_refused(year: int, month: int, day: int, layout: str) -> None:
    try:
        datetime.date(year, month, day)
    except ValueError:
        pass
    else:
        assume(False)
    try:
        parse_date(layout.format(y=year, m=month, d=day), field="accepted_on")
    except UserError as exc:
        assert_user_error(exc, "accepted_on")
        assert exc.code == "date_invalid" and "受理日期" in exc.message
    else:
        raise AssertionError("an impossible date was accepted")


@FAST
@given(st.integers(0, 99), st.integers(13, 99), date_layouts)
def test_month_13_and_later_is_refused(yy: int, month: int, layout: str) -> None:
    try:
        parse_date(layout.format(y=2000 + yy, m=month, d=1), field="held_on")
    except UserError as exc:
        assert_user_error(exc, "held_on")
    else:
        raise AssertionError("month > 12 accepted")


@FAST
@given(st.one_of(any_text, st.dates().map(str)), st.sampled_from(["birth_date", "since", "occurred_on"]))
@example("2024-02-30" + "0" * 10_000, "birth_date")
def test_any_text_as_a_birth_date_is_a_user_error_or_in_range(raw: str, field: str) -> None:
    try:
        born = validate_birth_date(raw, today=TODAY, field=field)
    except UserError as exc:
        assert_user_error(exc, field)
    else:
        assert datetime.date(1900, 1, 1) <= born <= TODAY


# ----------------------------------------------------------------------------------------------------------------
# Money: 大写 and figures
# ----------------------------------------------------------------------------------------------------------------

_UPPER_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACE = {"拾": 10, "佰": 100, "仟": 1000}


def _parse_upper(text: str) -> int:
    """大写 back to 分 (the inverse the documents' readers apply)."""
    text = text.removesuffix("整")
    integer, _, fraction = text.partition("元") if "元" in text else ("", "", text)
    total = section = digit = 0
    for char in integer:
        if char in _UPPER_DIGITS:
            digit = _UPPER_DIGITS.index(char)
        elif char in _PLACE:
            section += digit * _PLACE[char]
            digit = 0
        elif char == "万":
            total += (section + digit) * 10_000
            section = digit = 0
        elif char == "亿":
            total = (total + section + digit) * 100_000_000
            section = digit = 0
        else:
            raise AssertionError(char)
    fen = (total + section + digit) * 100
    jiao = re.search(r"(.)角", fraction)
    cents = re.search(r"(.)分", fraction)
    fen += (_UPPER_DIGITS.index(jiao[1]) * 10 if jiao else 0) + (_UPPER_DIGITS.index(cents[1]) if cents else 0)
    return fen


money = st.one_of(st.integers(0, 10_000_000), st.integers(0, LIMIT_FEN - 1))


@FAST
@given(money)
@example(0)
@example(LIMIT_FEN - 1)
@example(10_000_000_100)
def test_upper_case_amounts_read_back_as_the_same_amount(fen: int) -> None:
    upper = rmb_upper(fen)
    assert set(upper) <= set(_UPPER_DIGITS + "拾佰仟万亿元角分整")
    assert _parse_upper(upper) == fen
    figures = rmb_figures(fen)
    assert int(figures.lstrip("¥").replace(",", "").replace(".", "")) == fen


@FAST
@given(st.one_of(st.integers(max_value=-1), st.integers(min_value=LIMIT_FEN)))
def test_amounts_out_of_range_are_user_errors(fen: int) -> None:
    for write in (rmb_upper, rmb_figures):
        try:
            write(fen)
        except UserError as exc:
            assert_user_error(exc, "amount")
        else:
            raise AssertionError("accepted")


# ----------------------------------------------------------------------------------------------------------------
# Code tables
# ----------------------------------------------------------------------------------------------------------------

_TABLES = [name for name in codes.TABLE_NAMES if name != "gbt2260_counties" or codes.has_table(name)]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(_TABLES), st.data())
def test_every_code_and_label_resolves(name: str, data: st.DataObject) -> None:
    table = codes.code_table(name)
    entry = data.draw(st.sampled_from(table.entries))
    assert table.validate(f" {entry.code} ", field="sex") == entry.code
    assert table.resolve(entry.code, field="sex") == entry.code
    found = table.resolve(" " + _fullwidth(entry.label) + "\u3000", field="sex")
    assert table.label(found) == entry.label or table.get(found) is not None


@FAST
@given(st.sampled_from(_TABLES), any_text, st.sampled_from(["sex", "ethnicity", "relation", "dispute_type"]))
@example("sex", "男" * 10_000, "sex")
@example("relation", "=HYPERLINK(\"http://x\")", "relation")
def test_any_text_as_a_code_is_a_user_error_or_a_code(name: str, raw: str, field: str) -> None:
    table = codes.code_table(name)
    for lookup in (table.validate, table.resolve):
        try:
            found = lookup(raw, field=field)
        except UserError as exc:
            assert_user_error(exc, field)
            assert field_label(field) in exc.message
        else:
            assert found in table


# ----------------------------------------------------------------------------------------------------------------
# The limits table itself
# ----------------------------------------------------------------------------------------------------------------

def test_every_limited_field_has_a_chinese_label() -> None:
    for field, limit in MAX_LENGTHS.items():
        assert field in FIELD_LABELS, field
        assert _CJK.search(FIELD_LABELS[field]) and 0 < limit <= 20_000


@FAST
@given(any_text)
def test_shown_is_short_and_printable(text: str) -> None:
    out = shown(text)
    assert len(out) <= 21 and out.isprintable()
