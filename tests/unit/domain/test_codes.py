"""Code tables: every shipped file loads, key tables hold the standard's rows, lookups and validation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zhzx_desktop import paths
from zhzx_desktop.domain.codes import TABLE_NAMES, CodeEntry, CodeTable, all_tables, code_table, has_table
from zhzx_desktop.errors import KnownError, UserError

CODES_DIR = paths.resource_dir() / "codes"


def test_every_file_is_a_listed_table() -> None:
    stems = {path.stem for path in CODES_DIR.glob("*.json")}
    assert stems == set(TABLE_NAMES)


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_table_loads(name: str) -> None:
    table = code_table(name)
    assert table.name == name
    assert table.title and table.standard and table.version
    assert len(table.entries) > 0
    assert len(set(table.codes())) == len(table.entries)
    for entry in table.entries:
        assert entry.code.strip() == entry.code != ""
        assert entry.label
        if entry.parent is not None:
            assert entry.parent in table, f"{name}: parent {entry.parent} of {entry.code} missing"
    assert code_table(name) is table  # cached


def test_all_tables() -> None:
    tables = all_tables()
    assert set(tables) == set(TABLE_NAMES)
    assert all(isinstance(t, CodeTable) for t in tables.values())


def test_sex_table() -> None:
    sex = code_table("sex")
    assert sex.codes() == ("0", "1", "2", "9")
    assert sex.label("1") == "男性"
    assert sex.get("2") == CodeEntry("2", "女性", "女", None, False)
    assert sex.standard == "GB/T 2261.1-2003"


def test_ethnicity_table() -> None:
    eth = code_table("ethnicity")
    assert len(eth) == 58
    assert eth.codes()[:56] == tuple(f"{i:02d}" for i in range(1, 57))
    assert eth.codes()[56:] == ("97", "98")
    assert eth.label("01") == "汉族"
    assert eth.label("56") == "基诺族"
    assert eth.label("98") == "外国血统中国籍人士"
    assert eth.label("05") == "维吾尔族"


def test_dispute_types() -> None:
    disputes = code_table("dispute_type")
    assert disputes.codes() == (*(f"{i:02d}" for i in range(1, 18)), "99")
    assert disputes.label("01") == "婚姻家庭纠纷"
    assert disputes.label("99") == "其他纠纷"


def test_resident_categories() -> None:
    categories = code_table("resident_category")
    special = categories.in_group("特殊人群")
    assert [e.label for e in special] == [
        "刑满释放人员",
        "社区矫正人员",
        "肇事肇祸等严重精神障碍患者",
        "吸毒人员",
        "艾滋病危险人员",
    ]
    assert all(e.sensitive for e in special)
    youth = categories.find("重点青少年")
    assert youth is not None and youth.sensitive
    care = categories.in_group("关怀对象")
    assert {"低保户", "残疾人", "留守儿童", "退役军人"} <= {e.label for e in care}
    assert not any(e.sensitive for e in care)


def test_relation_hierarchy() -> None:
    relation = code_table("relation")
    assert relation.label("02") == "户主"
    assert relation.label("11") == "夫"
    assert relation.label("12") == "妻"
    assert [e.code for e in relation.children("50")][:2] == ["51", "52"]
    assert relation.label("99") == "非亲属"


def test_case_source_sub_entries() -> None:
    sources = code_table("case_source")
    assert [e.label for e in sources.children("03")][:2] == ["法院委托移送调解", "检察院委托移送调解"]


def test_label_and_label_or() -> None:
    sex = code_table("sex")
    with pytest.raises(KeyError):
        sex.label("7")
    assert sex.label_or("7", "未知") == "未知"
    assert sex.label_or(None) == ""
    assert sex.label_or("2") == "女性"


def test_validate() -> None:
    eth = code_table("ethnicity")
    assert eth.validate("01", field="ethnicity") == "01"
    assert eth.validate(" 03 ", field="ethnicity") == "03"
    with pytest.raises(UserError) as caught:
        eth.validate("99", field="ethnicity")
    assert caught.value.field == "ethnicity"
    assert caught.value.code == "code_unknown"
    assert caught.value.message == "民族的代码 99 不在《中国各民族名称的罗马字母拼写法和代码》中"
    with pytest.raises(UserError) as caught:
        eth.validate("", field="ethnicity")
    assert caught.value.code == "code_empty"


@pytest.mark.parametrize(
    ("table", "label", "code"),
    [
        ("sex", "男", "1"),
        ("sex", "女性", "2"),
        ("ethnicity", "汉族", "01"),
        ("ethnicity", "汉", "01"),
        ("ethnicity", "蒙古", "02"),
        ("relation", "妻", "12"),
        ("team_type", "治保会", "01"),
        ("team_type", "治安保卫委员会", "01"),
        ("dispute_type", "邻里纠纷", "02"),
        ("resident_category", "社区矫正人员", "T02"),
        ("id_type", "居民身份证", "111"),
        ("activity_kind", " 巡 逻 ", "01"),
    ],
)
def test_find_by_label(table: str, label: str, code: str) -> None:
    entry = code_table(table).find(label)
    assert entry is not None and entry.code == code


def test_find_unknown() -> None:
    assert code_table("ethnicity").find("火星族") is None


def test_resolve_accepts_codes_labels_and_unpadded_numbers() -> None:
    eth = code_table("ethnicity")
    assert eth.resolve("汉族", field="ethnicity") == "01"
    assert eth.resolve("3", field="ethnicity") == "03"
    assert eth.resolve("05", field="ethnicity") == "05"
    with pytest.raises(UserError) as caught:
        eth.resolve("火星族", field="ethnicity")
    assert caught.value.code == "code_unknown" and "民族" in caught.value.message


def test_county_list() -> None:
    assert has_table("gbt2260_counties")
    counties = code_table("gbt2260_counties")
    assert counties.label("110105") == "朝阳区"
    assert "110103" in counties  # abolished 2010, still valid in ID numbers
    provinces = code_table("gbt2260_provinces")
    assert provinces.codes()[:3] == ("11", "12", "13")
    assert {c[:2] for c in counties.codes()} <= set(provinces.codes())


def _point_resources(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    monkeypatch.setattr(paths, "resource_dir", lambda: root)
    code_table.cache_clear()


def test_missing_file_is_known_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "codes").mkdir()
    _point_resources(monkeypatch, tmp_path)
    try:
        with pytest.raises(KnownError) as caught:
            code_table("sex")
        assert "sex.json" in caught.value.message and "缺少" in caught.value.message
        assert not has_table("sex")
    finally:
        code_table.cache_clear()


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[]",
        json.dumps({"table": "other", "title": "t", "standard": "s", "version": "1", "entries": [{"code": "1", "label": "a"}]}),
        json.dumps({"table": "sex", "title": "t", "standard": "s", "version": "1", "entries": []}),
        json.dumps({"table": "sex", "title": "t", "standard": "s", "version": "1", "entries": [{"code": "1"}]}),
        json.dumps(
            {"table": "sex", "title": "t", "standard": "s", "version": "1", "entries": [{"code": "1", "label": "a"}] * 2}
        ),
        json.dumps(
            {"table": "sex", "title": "t", "standard": "s", "version": "1", "entries": [{"code": "1", "label": "a", "sensitive": "yes"}]}
        ),
    ],
)
def test_malformed_file_is_known_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, content: str) -> None:
    (tmp_path / "codes").mkdir()
    (tmp_path / "codes" / "sex.json").write_text(content, encoding="utf-8")
    _point_resources(monkeypatch, tmp_path)
    try:
        with pytest.raises(KnownError) as caught:
            code_table("sex")
        assert "sex.json" in caught.value.message
    finally:
        code_table.cache_clear()


def test_bad_table_name() -> None:
    with pytest.raises(KnownError):
        code_table("../secrets")
