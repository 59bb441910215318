"""Phone, name and date normalisation and validation."""

from __future__ import annotations

import datetime

import pytest

from zhzx_desktop.domain.validation import (
    FIELD_LABELS,
    field_label,
    normalize_name,
    normalize_phone,
    parse_date,
    phone_digits,
    validate_birth_date,
)
from zhzx_desktop.errors import UserError

TODAY = datetime.date(2025, 6, 1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+86-13812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("19912345678", "19912345678"),
        ("0731-88888888", "0731-88888888"),
        ("0731 88888888", "0731-88888888"),
        ("(0731)8888888", "0731-8888888"),
        ("（0731）88888888", "0731-88888888"),
        ("073188888888", "0731-88888888"),
        ("0731-8888-8888", "0731-88888888"),
        ("0731-88888888-123", "0731-88888888-123"),
        ("073188888888-123", "0731-88888888-123"),
        ("0731-88888888转123", "0731-88888888-123"),
        ("010-62345678", "010-62345678"),
        ("01062345678", "010-62345678"),
        ("02087654321", "020-87654321"),
        ("(020)87654321", "020-87654321"),
        ("+86 731 88888888", "0731-88888888"),
        ("０７３１－８８８８８８８８", "0731-88888888"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_normalize_phone(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "12812345678",  # 12x is not a mobile prefix
        "23812345678",
        "88888888",  # landline without area code
        "0731-888888",  # local part too short
        "0731-888888888",  # too long
        "0731-08888888",  # local numbers do not start with 0
        "073-188888888",  # 073 is not an area code
        "+1 202 555 0100",
        "138abc45678",
        "电话13812345678",
        "0731-88888888-1234567",
    ],
)
def test_normalize_phone_rejects(raw: str) -> None:
    with pytest.raises(UserError) as caught:
        normalize_phone(raw, field="guardian_phone")
    assert caught.value.code == "phone_invalid"
    assert caught.value.field == "guardian_phone"
    assert caught.value.message == "监护人联系电话格式不正确：应为11位手机号或带区号的固定电话"


def test_phone_error_default_field() -> None:
    with pytest.raises(UserError) as caught:
        normalize_phone("12345")
    assert (caught.value.field, caught.value.message) == (
        "phone",
        "联系电话格式不正确：应为11位手机号或带区号的固定电话",
    )


@pytest.mark.parametrize(
    ("normalized", "digits"),
    [("13812345678", "13812345678"), ("0731-88888888", "073188888888"), ("0731-8888888-12", "0731888888812"), ("", "")],
)
def test_phone_digits(normalized: str, digits: str) -> None:
    assert phone_digits(normalized) == digits


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("张三", "张三"),
        (" 张三 ", "张三"),
        ("张  三", "张三"),  # padding spaces in two-character names
        ("欧阳修", "欧阳修"),
        ("李〇", "李〇"),
        ("买买提·艾力", "买买提·艾力"),
        ("买买提•艾力", "买买提·艾力"),
        ("买买提・艾力", "买买提·艾力"),
        ("买买提.艾力", "买买提·艾力"),
        ("阿依古丽·买买提·吐尔逊", "阿依古丽·买买提·吐尔逊"),
        ("㐀㐁", "㐀㐁"),  # CJK Extension A
        ("John Smith", "John Smith"),
        ("  John    Smith ", "John Smith"),
        ("ＪＯＨＮ　ＳＭＩＴＨ", "JOHN SMITH"),
        ("O'Brien", "O'Brien"),
        ("Jean-Pierre Dupont", "Jean-Pierre Dupont"),
    ],
)
def test_normalize_name(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code", "fragment"),
    [
        ("", "name_empty", "不能为空"),
        ("  \u3000", "name_empty", "不能为空"),
        ("张", "name_length", "至少"),
        ("J", "name_length", "至少"),
        ("张" * 31, "name_length", "30"),
        ("a" * 61, "name_length", "60"),
        ("张3", "name_chars", "“3”"),
        ("张三A", "name_chars", "“A”"),
        ("张三!", "name_chars", "“!”"),
        ("·买买提", "name_chars", "间隔号"),
        ("买买提·", "name_chars", "间隔号"),
        ("买买提··艾力", "name_chars", "间隔号"),
        ("John3", "name_chars", "“3”"),
        ("John_Smith", "name_chars", "“_”"),
        ("--", "name_chars", "没有文字"),
    ],
)
def test_normalize_name_rejects(raw: str, code: str, fragment: str) -> None:
    with pytest.raises(UserError) as caught:
        normalize_name(raw)
    assert caught.value.code == code
    assert caught.value.field == "name"
    assert caught.value.message.startswith("姓名")
    assert fragment in caught.value.message


def test_name_error_names_other_field() -> None:
    with pytest.raises(UserError) as caught:
        normalize_name("王", field="guardian_name")
    assert caught.value.message.startswith("监护人姓名")


@pytest.mark.parametrize(
    "value",
    [
        "2024-03-05",
        "2024-3-5",
        "2024/3/5",
        "2024/03/05",
        "2024.3.5",
        "20240305",
        "2024年3月5日",
        "2024年03月05日",
        "2024年3月5",
        " 2024-03-05 ",
        "２０２４－０３－０５",
        datetime.date(2024, 3, 5),
        datetime.datetime(2024, 3, 5, 14, 30),
    ],
)
def test_parse_date(value: str | datetime.date) -> None:
    result = parse_date(value, field="activity_date")
    assert result == datetime.date(2024, 3, 5)
    assert type(result) is datetime.date


@pytest.mark.parametrize("value", ["", "2024", "2024-13-01", "2024-02-30", "03/05/2024", "2024-03", "昨天", "2024-03-05x"])
def test_parse_date_rejects(value: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_date(value, field="activity_date")
    assert caught.value.code == "date_invalid"
    assert caught.value.field == "activity_date"
    assert caught.value.message.startswith("活动日期")
    assert "2024-03-05" in caught.value.message


def test_validate_birth_date() -> None:
    assert validate_birth_date("1990-01-02", today=TODAY) == datetime.date(1990, 1, 2)
    assert validate_birth_date(TODAY, today=TODAY) == TODAY
    assert validate_birth_date("1900-01-01", today=TODAY) == datetime.date(1900, 1, 1)


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("2025-06-02", "date_future", "出生日期不能晚于今天"),
        ("1899-12-31", "date_too_early", "出生日期不能早于1900年1月1日"),
        ("1990-02-30", "date_invalid", None),
    ],
)
def test_validate_birth_date_rejects(value: str, code: str, message: str | None) -> None:
    with pytest.raises(UserError) as caught:
        validate_birth_date(value, today=TODAY)
    assert caught.value.code == code
    assert caught.value.field == "birth_date"
    if message is not None:
        assert caught.value.message == message


def test_field_labels() -> None:
    for field, label in {
        "id_number": "身份证号",
        "name": "姓名",
        "phone": "联系电话",
        "birth_date": "出生日期",
        "sex": "性别",
        "ethnicity": "民族",
        "relation": "与户主关系",
        "household_id": "户",
        "grid_id": "网格",
        "address": "住址",
        "category": "人员类别",
        "team_type": "队伍类型",
        "kind": "活动类型",
        "activity_date": "活动日期",
        "role": "职务/角色",
        "joined_on": "加入日期",
        "left_on": "离队日期",
    }.items():
        assert FIELD_LABELS[field] == label
    assert field_label("no_such_field") == "no_such_field"
    assert field_label("no_such_field", "默认") == "默认"
