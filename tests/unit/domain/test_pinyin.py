"""Pinyin readings of names: surnames read as surnames, heteronyms of given names, initials."""

from __future__ import annotations

import pytest

from zhzx_desktop.domain.pinyin import initials, name_readings, split_surname, surname_table


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("单雄信", ("shan", "xiong", "xin")),
        ("曾国藩", ("zeng", "guo", "fan")),
        ("解缙", ("xie", "jin")),
        ("仇英", ("qiu", "ying")),
        ("朴正", ("piao", "zheng")),
        ("区家麟", ("ou", "jia", "lin")),
        ("覃振", ("qin", "zhen")),
        ("查良镛", ("zha", "liang", "yong")),
        ("翟光", ("zhai", "guang")),
        ("缪明", ("miao", "ming")),
        ("尉迟恭", ("yu", "chi", "gong")),
        ("欧阳修", ("ou", "yang", "xiu")),
        ("万俟卨", ("mo", "qi", "xie")),
        ("长孙无忌", ("zhang", "sun", "wu", "ji")),
        ("单于军", ("chan", "yu", "jun")),
        ("张三", ("zhang", "san")),
        ("吕布", ("lv", "bu")),
        ("买买提·艾力", ("mai", "mai", "ti", "ai", "li")),
        ("John Smith", ("john", "smith")),
    ],
)
def test_preferred_reading(name: str, first: tuple[str, ...]) -> None:
    assert name_readings(name)[0] == first


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("尉迟恭", ("尉迟", "恭")),
        ("欧阳修", ("欧阳", "修")),
        ("司马光", ("司马", "光")),
        ("张三", ("张", "三")),
        ("单雄信", ("单", "雄信")),
        ("欧阳", ("欧", "阳")),  # a compound surname needs a given name after it
        ("John Smith", ("", "John Smith")),
        ("", ("", "")),
    ],
)
def test_split_surname(name: str, parts: tuple[str, str]) -> None:
    assert split_surname(name) == parts


def test_surname_is_never_varied() -> None:
    for name in ("单雄信", "曾国藩", "乐乐乐", "解缙"):
        readings = name_readings(name, limit=10)
        assert len({r[0] for r in readings}) == 1, name


def test_heteronym_given_name_yields_more_readings() -> None:
    readings = name_readings("张乐")
    assert readings[0] == ("zhang", "le")
    assert ("zhang", "yue") in readings
    assert len(readings) > 1


def test_readings_are_limited_distinct_and_deterministic() -> None:
    readings = name_readings("张行长乐", limit=4)
    assert len(readings) == 4
    assert len(set(readings)) == 4
    assert name_readings("张行长乐", limit=4) == readings
    assert name_readings("张行长乐", limit=2) == readings[:2]
    assert name_readings("张行长乐", limit=1) == readings[:1]
    assert all(len(r) == 4 for r in readings)


def test_readings_are_lowercase_toneless() -> None:
    for reading in name_readings("女娲绿"):
        for syllable in reading:
            assert syllable.isascii() and syllable.islower() and syllable.isalpha()


@pytest.mark.parametrize(
    ("reading", "expected"),
    [
        (("zhang", "san"), "zs"),
        (("zhu", "ge", "liang"), "zgl"),
        (("chen", "shi"), "cs"),
        (("ou", "yang", "xiu"), "oyx"),
        ((), ""),
    ],
)
def test_initials(reading: tuple[str, ...], expected: str) -> None:
    assert initials(reading) == expected


def test_initials_of_a_name() -> None:
    assert initials(name_readings("张三")[0]) == "zs"


def test_surname_table_holds_the_compound_surnames() -> None:
    table = surname_table()
    for surname, reading in {"尉迟": ("yu", "chi"), "诸葛": ("zhu", "ge"), "单": ("shan",), "第五": ("di", "wu")}.items():
        assert table[surname] == reading
    assert all(len(k) == len(v) for k, v in table.items())


def test_empty_and_punctuation_only_names() -> None:
    assert name_readings("") == ()
    assert name_readings("·") == ()
    assert name_readings("张三", limit=0) == ()
