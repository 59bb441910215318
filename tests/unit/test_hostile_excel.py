"""Hostile and malformed Excel files (issue 6 §6): huge sheets, decompression bombs, files that are not .xlsx,
password-protected workbooks, formulas, 10,000-character cells, wrong types — and formula injection on export.

Every refusal is a ``UserError`` with a Chinese message, comes before anything is written (the database digest is
unchanged), and a huge file is refused from the zip's own bookkeeping and a byte count of the sheet XML — never by
loading it. Formulas are never evaluated: the importer reads the value Excel cached with the formula (what the clerk
saw), a formula without a cached value is an empty cell."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from tests.helpers import make_id
from tests.unit.services.test_oversized_fields_props import db_state
from zhzx_desktop.errors import UserError
from zhzx_desktop.services import grids, households, residents, roster_export, roster_import
from zhzx_desktop.services.ledger import Ledger

HEADER = ("姓名", "身份证号", "性别", "现住址", "备注")
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _template() -> zipfile.ZipFile:
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = "花名册"
    ws["A1"] = "x"
    buf = io.BytesIO()
    workbook.save(buf)
    return zipfile.ZipFile(buf)


def raw_xlsx(path: Path, sheet_xml: Iterable[bytes], *, shared_strings: bytes | None = None) -> Path:
    """An .xlsx whose sheet XML is streamed from ``sheet_xml`` (no <dimension> unless the caller writes one)."""
    src = _template()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                out.writestr(info, src.read(info.filename))
        if shared_strings is not None:
            out.writestr("xl/sharedStrings.xml", shared_strings)
        with out.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for chunk in sheet_xml:
                sheet.write(chunk)
    return path


def _cell(ref: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):  # ("formula", cached value or None)
        formula, cached = value
        cached_xml = f"<v>{escape(str(cached))}</v>" if cached is not None else ""
        return f'<c r="{ref}" t="str"><f>{escape(formula)}</f>{cached_xml}</c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def sheet_rows(rows: Iterable[Sequence[object]]) -> Iterator[bytes]:
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>'.encode()
    batch: list[str] = []
    for r, values in enumerate(rows, 1):
        cells = "".join(_cell(f"{get_column_letter(c)}{r}", v) for c, v in enumerate(values, 1))
        batch.append(f'<row r="{r}">{cells}</row>')
        if len(batch) >= 5000:
            yield "".join(batch).encode()
            batch = []
    yield ("".join(batch) + "</sheetData></worksheet>").encode()


def _people(count: int) -> Iterator[Sequence[object]]:
    yield HEADER
    for i in range(count):
        yield ("张" + "伟芳娜秀英"[i % 5] + "强磊军"[i % 3], "", "男", f"青石村{i % 40}组", "")


@pytest.fixture(scope="module")
def huge_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return raw_xlsx(tmp_path_factory.mktemp("huge") / "全镇花名册.xlsx", sheet_rows(_people(300_000)))


def _refused(ledger: Ledger, path: Path, code: str) -> UserError:
    before = db_state(ledger)
    with pytest.raises(UserError) as refused:
        roster_import.parse(ledger, path)
    assert refused.value.code == code, refused.value
    assert path.name in refused.value.message or code in ("too_many_columns", "sheet_damaged")
    assert db_state(ledger) == before
    return refused.value


# ----------------------------------------------------------------------------------------------------------------
# Huge files and bombs
# ----------------------------------------------------------------------------------------------------------------

def test_a_300k_row_sheet_is_refused_quickly_without_loading_it(ledger: Ledger, huge_file: Path) -> None:
    before = db_state(ledger)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(UserError) as refused:
            roster_import.parse(ledger, huge_file)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert refused.value.code == "too_many_rows"
    assert "300001行" in refused.value.message and "50000行" in refused.value.message
    assert seconds < 8, seconds  # ~0.5 s unloaded (1.3 s under tracemalloc); openpyxl alone would need a minute
    assert peak < 40 * 2**20, peak  # ~14 MB: the sheet is counted in 1 MB chunks, never held
    with pytest.raises(UserError, match="50000行"):
        roster_import.read_head(huge_file)  # the wizard's first step refuses it too
    assert db_state(ledger) == before


def test_rows_beyond_the_limit_are_refused_while_streaming(ledger: Ledger, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The byte count is a fast path; the reader itself also stops at MAX_ROWS non-empty rows."""
    monkeypatch.setattr(roster_import, "MAX_ROWS", 10)
    path = raw_xlsx(tmp_path / "r.xlsx", sheet_rows(_people(25)))  # 26 rows: under MAX_ROWS + HEADER_SCAN_ROWS
    error = _refused(ledger, path, "too_many_rows")
    assert "第12行" in error.message and "没有导入任何一行" in error.message


def test_a_decompression_bomb_is_refused_from_the_zip_directory(ledger: Ledger, tmp_path: Path) -> None:
    blank = b" " * (1 << 20)

    def bomb() -> Iterator[bytes]:
        yield f'<?xml version="1.0"?><worksheet xmlns="{MAIN_NS}"><sheetData><row r="1">'.encode()
        yield _cell("A1", "姓名").encode()
        for _ in range(roster_import.MAX_UNCOMPRESSED // len(blank) + 2):
            yield blank
        yield b"</row></sheetData></worksheet>"

    path = raw_xlsx(tmp_path / "bomb.xlsx", bomb())
    assert path.stat().st_size < 2 * 2**20  # a few hundred KB on disk, over 300 MB unpacked
    started = time.perf_counter()
    error = _refused(ledger, path, "file_too_large")
    assert time.perf_counter() - started < 2
    assert "解压后" in error.message


def test_a_shared_strings_bomb_is_refused(ledger: Ledger, tmp_path: Path) -> None:
    strings = (f'<sst xmlns="{MAIN_NS}">'.encode() + b"<si><t>a</t></si>" * (roster_import.MAX_SHARED_STRINGS // 16 + 1)
               + b"</sst>")
    path = raw_xlsx(tmp_path / "strings.xlsx", sheet_rows(_people(3)), shared_strings=strings)
    _refused(ledger, path, "file_too_large")


def test_a_header_of_thousands_of_columns_is_refused(ledger: Ledger, tmp_path: Path) -> None:
    path = raw_xlsx(tmp_path / "wide.xlsx", sheet_rows([("姓名",) + ("姓名",) * 5000, ("张三",)]))
    started = time.perf_counter()
    error = _refused(ledger, path, "too_many_columns")
    assert time.perf_counter() - started < 5
    assert "5001列" in error.message


def test_damaged_xml_inside_a_sheet_is_a_row_numbered_refusal(ledger: Ledger, tmp_path: Path) -> None:
    """With a <dimension>, openpyxl opens the sheet lazily: the damage shows only while streaming the rows."""
    def rows() -> Iterator[bytes]:
        yield f'<?xml version="1.0"?><worksheet xmlns="{MAIN_NS}"><dimension ref="A1:A4"/><sheetData>'.encode()
        for r, name in enumerate(("姓名", "张三", "李四"), 1):
            yield f'<row r="{r}">{_cell(f"A{r}", name)}</row>'.encode()
        yield b'<row r="4"><c r="A4" t="inlineStr"><is><t>\x00\x01</t></is></c></row></sheetData></worksheet>'

    error = _refused(ledger, raw_xlsx(tmp_path / "d.xlsx", rows()), "sheet_damaged")
    assert "第4行附近" in error.message


# ----------------------------------------------------------------------------------------------------------------
# Not an .xlsx at all
# ----------------------------------------------------------------------------------------------------------------

def _valid_bytes() -> bytes:
    buf = io.BytesIO()
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.append(list(HEADER))
    ws.append(["张三", "", "男", "青石村", ""])
    workbook.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize(("content", "code", "words"), [
    (b"", "file_empty", "空文件"),
    ("姓名,身份证号\n张三,1\n".encode(), "file_not_xlsx", "改了扩展名"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", "file_not_xlsx", "PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + b"EncryptedPackage", "file_protected", "密码"),
    (b"PK\x03\x04" + b"\0" * 40, "file_unreadable", "不完整或已损坏"),
    ("truncated", "file_unreadable", "不完整或已损坏"),
    ("no-workbook", "file_unreadable", "无法读取"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "file_not_xlsx", "不是 Excel"),
])
def test_files_that_are_not_rosters_are_refused_in_chinese(ledger: Ledger, tmp_path: Path, content: bytes | str,
                                                           code: str, words: str) -> None:
    if content == "truncated":
        whole = _valid_bytes()
        content = whole[: len(whole) // 2]
    elif content == "no-workbook":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as archive:
            archive.writestr("hello.txt", "不是工作簿")
        content = buf.getvalue()
    assert isinstance(content, bytes)
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(content)
    error = _refused(ledger, path, code)
    assert words in error.message
    with pytest.raises(UserError):
        roster_import.read_head(path)


# ----------------------------------------------------------------------------------------------------------------
# Formulas, long cells, wrong types, merged cells
# ----------------------------------------------------------------------------------------------------------------

def test_formulas_are_never_evaluated_the_cached_value_is_read(ledger: Ledger, tmp_path: Path) -> None:
    rows = [
        HEADER,
        (("CONCATENATE(\"张\",\"三\")", "张三"), make_id(seq=11), "男", "青石村1组", ""),  # cached value: imported
        (("CONCATENATE(\"李\",\"四\")", None), make_id(seq=13), "男", "青石村2组", ""),  # never calculated: empty
        ("王五", make_id(seq=15), "男", '=HYPERLINK("http://example.invalid","点我")', "+cmd|' /C calc'!A0"),
        ("赵六", make_id(seq=17), "男", "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3"),
    ]
    path = raw_xlsx(tmp_path / "f.xlsx", sheet_rows(rows))
    preview = roster_import.parse(ledger, path)
    problems = {p.row: p for p in preview.problems}
    assert sorted(problems) == [3] and problems[3].field == "name" and "第3行" in problems[3].text
    result = roster_import.commit(ledger, preview)
    assert result.imported == 3
    stored = {r.name: residents.load(ledger, r.id)[0] for r in residents.listing(ledger)}
    assert set(stored) == {"张三", "王五", "赵六"}
    assert stored["王五"].address == '=HYPERLINK("http://example.invalid","点我")'  # text, as typed
    assert stored["王五"].notes == "+cmd|' /C calc'!A0"
    assert stored["赵六"].notes == "-2+3"


def test_ten_thousand_character_cells_and_wrong_types_are_row_problems(ledger: Ledger, tmp_path: Path) -> None:
    rows = [
        HEADER,
        ("张" * 10_000, "", "男", "", ""),  # 2: name far too long
        ("李四", "", "男", "址" * 10_000, ""),  # 3: address far too long
        ("王五", "", "男", "址" * 300, "注" * 3000),  # 4: under the cell cap, over the field limits
        (True, "", "男", "", ""),  # 5: a boolean as a name
        (12345, "", "男", "", ""),  # 6: a number as a name
        ("赵六", 110101199001011234.0, "男", "", ""),  # 7: an ID number Excel turned into a float
        ("钱七", "", 3.5, "", ""),  # 8: a float as 性别
        ("孙八", "", "男", 45000, False),  # 9: numbers and booleans in text columns: imported as text
        ("周九", "", "男_x0000__x0007_", "青石村\u202e组", "😀"),  # 10: control characters (as Excel escapes them)
    ]
    path = raw_xlsx(tmp_path / "t.xlsx", sheet_rows(rows))
    before = residents.count(ledger)
    preview = roster_import.parse(ledger, path)
    by_row: dict[int, set[str]] = {}
    for problem in preview.problems:
        assert problem.text.startswith(f"第{problem.row}行：")
        assert len(problem.message) < 300, problem.message
        by_row.setdefault(problem.row, set()).add(problem.field)
    assert by_row[2] == {"name"} and by_row[3] == {"address"}
    assert by_row[4] == {"address", "notes"}
    assert {5, 6, 7, 8, 10} <= set(by_row)
    assert 9 not in by_row
    messages = {p.row: p.message for p in preview.problems}
    assert "最多200个字，现在是300个字" in " ".join(p.message for p in preview.problems if p.row == 4)
    assert "身份证号" in messages[7]
    result = roster_import.commit(ledger, preview)
    assert result.imported == residents.count(ledger) - before == len(preview.valid_rows) == 1


def test_merged_cells_and_duplicate_or_missing_columns(ledger: Ledger, tmp_path: Path) -> None:
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.append(["花名册"])
    ws.merge_cells("A1:E1")
    ws.append(["姓名", "姓名", "性别", "", "备注"])
    ws.append(["张三", "张三丰", "男", "x", "a"])
    ws.append(["李四", None, "女", None, "b"])
    ws.merge_cells("C3:C4")  # a merged 性别: only the first row has the value
    path = tmp_path / "m.xlsx"
    workbook.save(path)
    preview = roster_import.parse(ledger, path)
    assert [r.row for r in preview.rows] == [3, 4]
    assert preview.rows[1].data.sex in ("", None)
    result = roster_import.commit(ledger, preview)
    assert result.imported == 2


# ----------------------------------------------------------------------------------------------------------------
# Export: text that looks like a formula stays text
# ----------------------------------------------------------------------------------------------------------------

INJECTIONS = ('=HYPERLINK("http://example.invalid","点我")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
              "@SUM(1+1)", "=1+1")


def test_export_writes_formula_like_text_as_text(ledger: Ledger, tmp_path: Path) -> None:
    grid_id = grids.create(ledger, grids.GridInput(name="青石村第1网格")).row_id
    household = households.create(ledger, households.HouseholdInput(grid_id=grid_id, household_no="=1+2")).row_id
    for index, text in enumerate(INJECTIONS):
        residents.register(ledger, residents.ResidentInput(
            name=f"张{'一二三四五'[index]}", id_number=make_id(seq=201 + 2 * index), address=text, occupation=text[:60],
            household_id=household if index == 0 else None, relation="02" if index == 0 else ""))
    out = tmp_path / "export.xlsx"
    result = roster_export.export_residents(ledger, out, title="=cmd|' /C calc'!A0")
    assert result.count == len(INJECTIONS)
    ws = load_workbook(out).active
    assert ws is not None
    assert ws["A1"].value == "=cmd|' /C calc'!A0" and ws["A1"].data_type == "s"
    address_col = roster_export.HEADERS.index("现住址") + 1
    household_col = roster_export.HEADERS.index("户号") + 1
    seen = set()
    formulas = [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    for row in ws.iter_rows(min_row=3):
        cell = row[address_col - 1]
        seen.add(cell.value)
        assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
    assert seen == set(INJECTIONS)
    assert any(row[household_col - 1].value == "=1+2" and row[household_col - 1].quotePrefix
               for row in ws.iter_rows(min_row=3))
    # and the exported file imports back as the same text (a round trip never turns text into a formula)
    xml = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
