"""Property-based tests (hypothesis) of the roster importer: generated rows of anything a spreadsheet can hold —
random text with emoji and control characters, formula-like strings, 10,000-character strings, floats, Excel date
serials, dates, booleans, empty cells — written to real .xlsx files with openpyxl (so ``=…`` strings become real
formula cells, as when a clerk types them), under shuffled, duplicated or missing columns.

Properties: ``parse`` never raises for a file with a header (only ``UserError`` for a file it cannot use at all);
every non-empty row is either valid or carries row-numbered Chinese problems; ``commit`` imports exactly the valid
rows, and a refused commit (all-or-nothing with a bad row, or nothing valid) leaves the database unchanged."""

from __future__ import annotations

import datetime
import itertools
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tests.helpers import make_id
from tests.unit.services.test_oversized_fields_props import db_state
from zhzx_desktop.errors import UserError
from zhzx_desktop.services import grids, residents, roster_import
from zhzx_desktop.services.ledger import Ledger

_CJK = re.compile(r"[\u4e00-\u9fff]")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # openpyxl refuses these in cells; Excel escapes them
_counter = itertools.count(1)

NAMES = st.sampled_from(["张三", "李秀英", "欧阳娜娜", "买买提·艾力", "John Smith", "王", "", " 赵 六 "])
FORMULAS = st.sampled_from(['=HYPERLINK("http://example.invalid","点我")', "+cmd|' /C calc'!A0", "@SUM(1+1)",
                            "=1+1", "-2+3", "=CONCATENATE(A1,B1)"])
TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=30).map(lambda t: _ILLEGAL_XML.sub("", t))
CELL = st.one_of(
    st.none(), TEXT, NAMES, FORMULAS,
    st.just("长" * 10_000),
    st.floats(allow_nan=False, allow_infinity=False), st.integers(-10**16, 10**16),
    st.integers(1, 60_000).map(float),  # Excel date serials
    st.dates(min_value=datetime.date(1890, 1, 1), max_value=datetime.date(2030, 12, 31)),
    st.booleans(),
    st.sampled_from(["男", "女", "汉族", "户主", "配偶", "H001", "第1网格", "19900101", "1990-01-01", "13812345678"]),
)
COLUMNS = ["姓名", "身份证号", "性别", "出生日期", "民族", "联系电话", "户号", "与户主关系", "网格", "现住址", "人员类别",
           "人口类型", "备注", "职业", "其他"]


@st.composite
def rosters(draw: st.DrawFn) -> tuple[list[str], list[list[object]]]:
    headers = draw(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=8))
    if "姓名" not in headers:
        headers.insert(draw(st.integers(0, len(headers))), "姓名")  # a usable file; no-name files are tested apart
    name_col = headers.index("姓名")
    rows = []
    for _ in range(draw(st.integers(0, 8))):
        row = draw(st.lists(CELL, min_size=len(headers), max_size=len(headers)))
        if draw(st.booleans()):
            row[name_col] = draw(NAMES)
        if "身份证号" in headers and draw(st.booleans()):
            row[headers.index("身份证号")] = make_id(seq=next(_counter) % 1000)
        rows.append(row)
    return headers, rows


def _write(path: Path, headers: list[str], rows: list[list[object]]) -> Path:
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.append(["青石村花名册"])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    if rows and len(headers) > 1:
        ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=2)
    workbook.save(path)
    return path


@pytest.fixture
def village(ledger: Ledger) -> Ledger:
    grids.create(ledger, grids.GridInput(name="第1网格"))
    residents.register(ledger, residents.ResidentInput(name="张三", id_number=make_id(seq=1)))
    return ledger


PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                          HealthCheck.too_slow])


@PROPS
@given(rosters(), st.booleans())
def test_every_row_is_imported_or_reported_and_refusals_save_nothing(
        village: Ledger, tmp_path: Path, roster: tuple[list[str], list[list[object]]], all_or_nothing: bool) -> None:
    ledger = village
    headers, rows = roster
    path = _write(tmp_path / f"r{next(_counter)}.xlsx", headers, rows)
    preview = roster_import.parse(ledger, path)
    data_rows = range(3, 3 + len(rows))
    assert {r.row for r in preview.rows} <= set(data_rows)
    for row in preview.rows:
        for problem in row.problems:
            assert problem.row == row.row and problem.text.startswith(f"第{row.row}行：")
            assert _CJK.search(problem.message) and len(problem.message) < 400, problem.message
            assert problem.field in roster_import.FIELDS or problem.field == "row", problem.field
    before_state, before_count = db_state(ledger), residents.count(ledger)
    valid = len(preview.valid_rows)
    if valid == 0 or (all_or_nothing and preview.invalid_rows):
        with pytest.raises(UserError) as refused:
            roster_import.commit(ledger, preview, all_or_nothing=all_or_nothing)
        assert refused.value.code in ("import_nothing", "import_has_errors")
        assert _CJK.search(refused.value.message)
        assert db_state(ledger) == before_state
        return
    result = roster_import.commit(ledger, preview, all_or_nothing=all_or_nothing)
    assert result.imported == valid == residents.count(ledger) - before_count
    assert {p.row for p in result.rejected} == {r.row for r in preview.invalid_rows}


@PROPS
@given(st.lists(st.sampled_from([*COLUMNS, "", "姓名", "姓名"]), min_size=0, max_size=10),
       st.lists(CELL, max_size=10))
def test_any_header_row_is_usable_or_refused_in_chinese(village: Ledger, tmp_path: Path, headers: list[str],
                                                         first: list[object]) -> None:
    path = _write(tmp_path / f"h{next(_counter)}.xlsx", headers, [first])
    before = db_state(village)
    for step in (lambda: roster_import.read_head(path), lambda: roster_import.parse(village, path)):
        try:
            step()
        except UserError as exc:
            assert exc.code in ("no_header", "mapping_no_name", "mapping_twice"), exc
            assert _CJK.search(exc.message)
    assert db_state(village) == before


@settings(max_examples=200, deadline=None)
@given(CELL)
def test_cell_text_never_fails(value: object) -> None:
    text = roster_import.cell_text(value)
    assert isinstance(text, str)
    assert roster_import.normalize_header(text) is not None
