"""Roster (花名册) import: real .xlsx files written with openpyxl, a real ledger, no mocks."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.helpers import make_id
from tests.rosters import GRID, HEADERS, people, person_id, write_roster
from zhzx_desktop.errors import Cancelled, UserError
from zhzx_desktop.services import grids, households, journal, residents, roster_import
from zhzx_desktop.services.ledger import Ledger

GRID_CODE = "430223101201001"


@pytest.fixture
def grid_id(ledger: Ledger) -> str:
    return grids.create(ledger, grids.GridInput(name=GRID, code=GRID_CODE)).row_id or ""


def _count(ledger: Ledger, sql: str) -> int:
    return int(ledger.store.conn.execute(sql).fetchone()[0])


def _row(index: int, **changes: object) -> list[object]:
    values = people(1, start=index)[0]
    for name, value in changes.items():
        values[HEADERS.index(name)] = value
    return values


def _problems(preview: roster_import.Preview) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for p in preview.problems:
        out.setdefault(p.row, []).append(f"{p.field}:{p.message}")
    return out


def test_finds_header_under_merged_title_rows_and_imports_households(ledger: Ledger, grid_id: str,
                                                                     tmp_path: Path) -> None:
    path = write_roster(tmp_path / "r.xlsx", people(9), titles=("枫桥村实有人口花名册", "填报单位：枫桥村（盖章）"))
    head = roster_import.read_head(path)
    assert head.header_row == 3 and head.headers[:3] == ("序号", "姓名", "身份证号")
    assert head.mapping["身份证号"] == "id_number" and head.mapping["序号"] == roster_import.IGNORE
    assert all("*" in row[2] for row in head.sample)  # the ID number masked in the sample

    preview = roster_import.parse(ledger, path)
    assert [r.row for r in preview.rows] == list(range(4, 13))
    assert preview.problems == [] and len(preview.new_households) == 3
    result = roster_import.commit(ledger, preview)
    assert result.imported == 9 and result.households_created == 3 and result.journal_id
    heads = ledger.store.conn.execute(
        "SELECT h.household_no, r.name FROM residents r JOIN households h ON h.id = r.household_id "
        "WHERE r.relation = '02' ORDER BY h.household_no").fetchall()
    assert [h[0] for h in heads] == ["H00000", "H00003", "H00006"]
    assert _count(ledger, f"SELECT count(*) FROM residents WHERE grid_id = '{grid_id}'") == 9
    relations = {r[0] for r in ledger.store.conn.execute("SELECT relation FROM residents")}
    assert relations == {"02", "10", "22"}  # 户主, 配偶, 长子 resolved to GB/T 4761 codes


def test_messy_cells_full_width_15_digit_spaces_and_dates(ledger: Ledger, grid_id: str, tmp_path: Path) -> None:
    id18, born, _ = person_id(1)
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in id18)
    id15 = make_id(born="19680304", seq=451)[:6] + "680304451"  # an old 15-digit number (male)
    rows = [
        _row(1, 身份证号=full_width, 姓名=" 张  三 ", 性别=" 男 " if int(id18[16]) % 2 else "女 ",
             出生日期=datetime.datetime(born.year, born.month, born.day), 联系电话="１３８ ０７３１ ００１１"),
        _row(2, 身份证号=id15, 性别="男", 出生日期="1968.3.4", 户号="H09", 与户主关系="户主"),
        _row(3, 身份证号=int(id15[:-3] + "452"), 性别="女", 出生日期="1968年3月4日", 户号="H09",
             与户主关系="妻子"),  # a 15-digit number typed as a number: nothing lost
        [],  # an empty row: skipped silently
        [None, "  ", None],  # spaces only: skipped too
        _row(4, 身份证号="", 性别="女", 出生日期=19900102, 户号="H10", 与户主关系="户主"),
        _row(5, 身份证号="", 性别="男", 出生日期=datetime.datetime(2001, 5, 6), 户号=None, 与户主关系=None,
             民族="汉"),
    ]
    path = write_roster(tmp_path / "r.xlsx", rows)
    preview = roster_import.parse(ledger, path)
    assert _problems(preview) == {}
    assert [r.row for r in preview.rows] == [3, 4, 5, 8, 9]  # Excel row numbers, empty rows 6–7 skipped
    roster_import.commit(ledger, preview)
    stored = {r[0]: r[1:] for r in ledger.store.conn.execute(
        "SELECT name, birth_date, phone, sex, id_masked FROM residents")}
    assert stored["张三"][:2] == (born.isoformat(), "13807310011")
    assert {v[0] for k, v in stored.items() if k != "张三"} >= {"1968-03-04", "1990-01-02", "2001-05-06"}
    numbers = sorted(residents.reveal_id(ledger, rid, "核对测试数据") for (rid,) in ledger.store.conn.execute(
        "SELECT id FROM residents WHERE birth_date = '1968-03-04'"))
    assert len(numbers) == 2 and all(len(n) == 18 and n[6:14] == "19680304" for n in numbers)


def test_problems_are_listed_by_excel_row_in_chinese(ledger: Ledger, grid_id: str, tmp_path: Path) -> None:
    bad_check = person_id(3)[0][:-1] + ("0" if person_id(3)[0][-1] != "0" else "1")
    rows = [
        _row(1),
        _row(2, 身份证号=4.30223199001011e17),  # an ID saved as a number by Excel: digits lost
        _row(3, 身份证号=bad_check),
        _row(4, 网格="不存在的网格"),
        _row(5, 现住址="长" * 10000),  # a pasted document
        _row(1, 姓名="周复", 户号=None, 与户主关系=None),  # the ID of row 1 again
        _row(7, 性别="不详细"),
        _row(8, 户号=None),  # 与户主关系 without 户号
        _row(9, 出生日期="1990-13-45", 身份证号=""),
        _row(10, 姓名=""),
    ]
    path = write_roster(tmp_path / "r.xlsx", rows, titles=())
    preview = roster_import.parse(ledger, path)
    found = _problems(preview)
    assert sorted(found) == [3, 4, 5, 6, 7, 8, 9, 10, 11]  # row 2 (the first person) is fine
    assert "被存成了数字" in found[3][0] and found[3][0].startswith("id_number:")
    assert "校验码" in found[4][0]
    assert found[5] == ["grid:网格“不存在的网格”不存在：请先在“网格”中建立该网格，或改为已有网格的名称或编码"]
    assert found[6][0].startswith("address:") and "10000" in found[6][0]
    assert "已登记" in found[7][0]
    assert found[8][0].startswith("sex:") and "不详细" in found[8][0]
    assert found[9] == ["relation:填写了与户主关系，但没有填写户号（同一户的人应填写相同的户号）"]
    assert found[10][0].startswith("birth_date:")
    assert found[11][0].startswith("name:")
    assert all(p.text.startswith(f"第{p.row}行：") for p in preview.problems)
    # no ID number in clear anywhere in what the clerk (or a report) sees
    shown = json.dumps(roster_import.dry_run_result(preview).report(), ensure_ascii=False)
    assert person_id(1)[0] not in shown and bad_check not in shown


def test_parse_writes_nothing(ledger: Ledger, grid_id: str, tmp_path: Path) -> None:
    path = write_roster(tmp_path / "r.xlsx", people(6))
    before = [_count(ledger, f"SELECT count(*) FROM {t}") for t in ("residents", "households", "sync_outbox",
                                                                      "journal")]
    preview = roster_import.parse(ledger, path)
    assert len(preview.valid_rows) == 6 and len(preview.new_households) == 2
    after = [_count(ledger, f"SELECT count(*) FROM {t}") for t in ("residents", "households", "sync_outbox",
                                                                     "journal")]
    assert after == before


def test_all_or_nothing_refuses_and_valid_only_imports_then_undo(ledger: Ledger, grid_id: str,
                                                                  tmp_path: Path) -> None:
    rows = people(6)
    rows[4][HEADERS.index("身份证号")] = "123"
    path = write_roster(tmp_path / "r.xlsx", rows)
    preview = roster_import.parse(ledger, path)
    with pytest.raises(UserError, match="第7行") as refused:
        roster_import.commit(ledger, preview, all_or_nothing=True)
    assert refused.value.code == "import_has_errors" and residents.count(ledger) == 0
    result = roster_import.commit(ledger, preview)
    assert result.imported == 5 and [p.row for p in result.rejected] == [7]
    assert residents.count(ledger) == 5 and _count(ledger, "SELECT count(*) FROM households") == 2
    entry = journal.recent(ledger)[0]
    assert entry.id == result.journal_id and entry.kind == "import" and "r.xlsx" in entry.label
    changes = journal.undo(ledger, result.journal_id or "")
    assert changes.residents and changes.households
    assert residents.count(ledger) == 0
    assert _count(ledger, "SELECT count(*) FROM households WHERE status = 'active'") == 0
    again = roster_import.parse(ledger, path)  # after undo, the same file imports again
    assert len(again.valid_rows) == 5


def test_undo_refused_when_an_imported_household_got_another_member(ledger: Ledger, grid_id: str,
                                                                     tmp_path: Path) -> None:
    result = roster_import.commit(ledger, roster_import.parse(ledger, write_roster(tmp_path / "r.xlsx", people(3))))
    household_id = ledger.store.conn.execute("SELECT id FROM households").fetchone()[0]
    residents.register(ledger, residents.ResidentInput(name="李新来", id_number=make_id(seq=777),
                                                       household_id=household_id, relation="20"))
    with pytest.raises(UserError, match="其他成员"):
        journal.undo(ledger, result.journal_id or "")
    assert residents.count(ledger) == 4


def test_rows_join_an_existing_household_by_number(ledger: Ledger, grid_id: str, tmp_path: Path) -> None:
    existing = households.create(ledger, households.HouseholdInput(grid_id=grid_id, household_no="H00000")).row_id
    residents.register(ledger, residents.ResidentInput(name="王老大", id_number=make_id(seq=901),
                                                       household_id=existing, relation="02"))
    preview = roster_import.parse(ledger, write_roster(tmp_path / "r.xlsx", people(3)))
    assert preview.joined_households == 1 and preview.new_households == {}
    assert _problems(preview) == {3: ["relation:该户已有户主（王老大），一户只能有一位户主"]}
    result = roster_import.commit(ledger, preview)
    assert result.imported == 2 and result.households_created == 0
    assert _count(ledger, f"SELECT count(*) FROM residents WHERE household_id = '{existing}'") == 3


def test_new_household_without_grid_and_two_heads(ledger: Ledger, grid_id: str, tmp_path: Path) -> None:
    rows = people(3) + people(2, start=3, household_prefix="K")
    for values in rows[:3]:
        values[HEADERS.index("网格")] = None
    rows[4][HEADERS.index("与户主关系")] = "户主"  # a second head in household K00003
    preview = roster_import.parse(ledger, write_roster(tmp_path / "r.xlsx", rows))
    found = _problems(preview)
    assert sorted(found) == [3, 4, 5, 7]
    assert "新建的户必须属于一个网格" in found[3][0]
    assert found[7] == ["relation:该户已有户主（" + preview.rows[3].data.name.replace(" ", "") + "），一户只能有一位户主"]


def test_duplicates_with_registered_residents_and_within_the_file(ledger: Ledger, grid_id: str,
                                                                  tmp_path: Path) -> None:
    rows = people(4, household_size=1)
    _, born, _ = person_id(0)
    registered = residents.ResidentInput(name=str(rows[0][1]), birth_date=born, grid_id=grid_id)
    residents.register(ledger, registered)
    twin = list(rows[2])
    twin[HEADERS.index("身份证号")] = ""
    twin[HEADERS.index("户号")] = "X1"
    twin[HEADERS.index("出生日期")] = person_id(2)[1].strftime("%Y/%m/%d")
    path = write_roster(tmp_path / "r.xlsx", [*rows, twin])
    preview = roster_import.parse(ledger, path)
    assert _problems(preview) == {}
    dups = {d.row: d for d in preview.duplicates}
    assert sorted(dups) == [3, 7]
    assert "已登记" in dups[3].reason and dups[3].matches[0].startswith(str(rows[0][1]))
    assert dups[7].matches == (f"第5行 {rows[2][1]}",)
    result = roster_import.commit(ledger, preview)
    assert result.imported == 5  # duplicates are flagged, not refused
    report = result.report()
    assert [d["row"] for d in report["duplicates"]] == [3, 7]


def test_wrong_columns_and_files(ledger: Ledger, tmp_path: Path) -> None:
    no_name = write_roster(tmp_path / "a.xlsx", [["x", "y"]], headers=("编号", "金额"))
    with pytest.raises(UserError, match="找不到表头"):
        roster_import.parse(ledger, no_name)
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(UserError, match="另存为"):
        roster_import.read_head(tmp_path / "old.xls")
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    with pytest.raises(UserError, match="无法读取"):
        roster_import.read_head(tmp_path / "bad.xlsx")
    only_id = write_roster(tmp_path / "b.xlsx", [[make_id(), "男"]], headers=("身份证号", "性别"))
    with pytest.raises(UserError, match="姓名") as missing:
        roster_import.parse(ledger, only_id)
    assert missing.value.code == "mapping_no_name"
    with pytest.raises(UserError, match="两列都对应了“姓名”"):
        roster_import.check_mapping({"姓名": "name", "名字": "name"})


def test_mapping_synonyms_remembered_and_explicit(ledger: Ledger, grid_id: str, tmp_path: Path) -> None:
    assert roster_import.guess_mapping(["公民身份号码", "名字", "手机号", "住址 ", "人员类别*", "与户主的关系",
                                        "所属网格", "出生年月（如1990-01-02）"]) == {
        "公民身份号码": "id_number", "名字": "name", "手机号": "phone", "住址 ": "address",
        "人员类别*": "categories", "与户主的关系": "relation", "所属网格": "grid",
        "出生年月（如1990-01-02）": "birth_date"}
    headers = ("人员名称", "证件", "网格")
    path = write_roster(tmp_path / "r.xlsx", [["赵六", person_id(8)[0], GRID_CODE]], headers=headers)
    with pytest.raises(UserError, match="找不到表头"):  # neither a name nor an ID column is recognisable
        roster_import.read_head(path)
    remembered = {"人员名称": "name", "证件": "id_number"}
    head = roster_import.read_head(path, remembered)
    assert head.mapping == {"人员名称": "name", "证件": "id_number", "网格": "grid"}
    preview = roster_import.parse(ledger, path, head.mapping)
    assert _problems(preview) == {} and preview.rows[0].data.grid_id == grid_id  # grid found by its code


def test_categories_and_codes_by_label(ledger: Ledger, grid_id: str, tmp_path: Path) -> None:
    path = write_roster(tmp_path / "r.xlsx", [_row(0, 人员类别="低保户、残疾人", 民族="回族"),
                                              _row(1, 人员类别="退役军人,外星人")])
    preview = roster_import.parse(ledger, path)
    assert preview.rows[0].data.categories == ("G01", "G02") and preview.rows[0].data.ethnicity == "03"
    assert _problems(preview) == {4: ["categories:人员类别“外星人”不在《" +
                                      _problem_title("resident_category") + "》中"]}
    result = roster_import.commit(ledger, preview)
    assert _count(ledger, "SELECT count(*) FROM resident_categories") == 2
    journal.undo(ledger, result.journal_id or "")
    assert _count(ledger, "SELECT count(*) FROM resident_categories") == 0


def _problem_title(table: str) -> str:
    from zhzx_desktop.domain.codes import code_table

    return code_table(table).title


def test_progress_and_cancel(ledger: Ledger, grid_id: str, tmp_path: Path) -> None:
    path = write_roster(tmp_path / "r.xlsx", people(1200))
    seen: list[tuple[int, int]] = []
    preview = roster_import.parse(ledger, path, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1][0] == seen[-1][1] and len(seen) > 5
    calls = [0]

    def cancel_midway(done: int, total: int) -> None:
        calls[0] += 1
        if calls[0] == 2:
            raise Cancelled()

    with pytest.raises(Cancelled):
        roster_import.commit(ledger, preview, progress=cancel_midway)
    assert residents.count(ledger) == 0 and _count(ledger, "SELECT count(*) FROM households") == 0
    assert journal.recent(ledger) == []


def test_sheet_without_title_rows_and_header_not_in_first_sheet(ledger: Ledger, grid_id: str,
                                                               tmp_path: Path) -> None:
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    first.title = "说明"
    first.append(["本表由村委会填写"])
    second = workbook.create_sheet("人员")
    second.append(["姓名", "身份证号码", "网格"])
    second.append(["孙七", person_id(11)[0], GRID])
    path = tmp_path / "two.xlsx"
    workbook.save(path)
    preview = roster_import.parse(ledger, path)
    assert preview.sheet == "人员" and preview.header_row == 1 and [r.row for r in preview.valid_rows] == [2]


def test_numbers_in_the_birth_date_column_are_not_taken_for_excel_serials(ledger: Ledger, grid_id: str,
                                                                         tmp_path: Path) -> None:
    rows = [_row(0, 身份证号="", 出生日期=1990.01, 户号="", 与户主关系=""),
            _row(1, 身份证号="", 出生日期=1990, 户号="", 与户主关系=""),
            _row(2, 身份证号="", 出生日期=32874, 户号="", 与户主关系="")]  # serial 32874 = 1990-01-01
    preview = roster_import.parse(ledger, write_roster(tmp_path / "n.xlsx", rows))
    problems = _problems(preview)
    assert any("出生日期" in p for p in problems.get(3, [])) and any("出生日期" in p for p in problems.get(4, []))
    assert 5 not in problems  # one title row, the header on row 2: the data are rows 3-5
    assert [r.data.birth_date for r in preview.rows if r.row == 5] == [datetime.date(1990, 1, 1)]
