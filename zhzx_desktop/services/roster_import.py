"""Importing a resident roster (花名册) from an Excel file: read, map columns, check every row, import, undo.

Two steps, both Qt-free and run off the GUI thread:

``parse(ledger, path, mapping)``
    reads the sheet (the header row is found under up to a few title rows), turns each row into a
    ``ResidentInput`` and checks it exactly as the import would — inside a transaction that is rolled back, so
    nothing is written — and returns a ``Preview``: per row its problems (by Excel row number, in Chinese), the
    possible duplicates, the households the import would create.
``commit(ledger, preview, all_or_nothing=…)``
    imports the valid rows (or, with ``all_or_nothing``, refuses when any row has a problem) in one transaction,
    with one undo-journal entry; ``undo(ledger, journal_id)`` takes the whole import back.

Rows with the same 户号 form one household (created when the 户号 is new, joined when it exists). Empty rows are
skipped. ID numbers never appear in clear in a preview, a problem or a report.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from zhzx_desktop.domain.citizen_id import normalize_id, parse_citizen_id
from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.domain.masking import mask_id
from zhzx_desktop.domain.pinyin import name_readings
from zhzx_desktop.domain.roles import Permission
from zhzx_desktop.domain.validation import normalize_name, too_long, validate_birth_date
from zhzx_desktop.errors import KnownError, UserError
from zhzx_desktop.services import duplicates, households, journal, residents
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.fields import InvalidInput
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.services.progress import Progress, report

#: The roster fields a column can be mapped to, in display order, with their Chinese names.
FIELDS: Final[dict[str, str]] = {
    "name": "姓名",
    "id_number": "身份证号",
    "sex": "性别",
    "birth_date": "出生日期",
    "ethnicity": "民族",
    "phone": "联系电话",
    "household_no": "户号",
    "relation": "与户主关系",
    "grid": "网格",
    "address": "现住址",
    "occupation": "职业",
    "categories": "人员类别",
    "residence_type": "人口类型",
    "notes": "备注",
}
IGNORE: Final = ""  # a column mapped to this is not imported
REQUIRED: Final = ("name",)

# Header texts (normalised: NFKC, no spaces, no "*", no bracketed hints) → field.
_SYNONYMS: Final[dict[str, str]] = {
    **dict.fromkeys(("姓名", "名字", "居民姓名", "人员姓名", "成员姓名"), "name"),
    **dict.fromkeys(("身份证号", "身份证号码", "公民身份号码", "公民身份证号", "公民身份证号码", "身份证",
                     "证件号码", "身份证件号码", "证件号"), "id_number"),
    "性别": "sex",
    **dict.fromkeys(("出生日期", "出生年月", "出生年月日", "生日"), "birth_date"),
    "民族": "ethnicity",
    **dict.fromkeys(("联系电话", "手机号", "手机号码", "电话", "联系方式", "电话号码", "手机", "联系手机"), "phone"),
    **dict.fromkeys(("户号", "户编号", "户口号", "户籍号"), "household_no"),
    **dict.fromkeys(("与户主关系", "与户主的关系", "关系", "户主关系", "家庭关系"), "relation"),
    **dict.fromkeys(("网格", "所属网格", "网格名称", "网格编码", "所在网格"), "grid"),
    **dict.fromkeys(("现住址", "住址", "居住地址", "现居住地址", "家庭住址", "地址", "现住地详址", "详细地址",
                     "现居住地"), "address"),
    **dict.fromkeys(("职业", "工作", "工作单位及职业"), "occupation"),
    **dict.fromkeys(("人员类别", "人员类型", "重点人员类别", "类别", "特殊人群类别", "特殊人群"), "categories"),
    **dict.fromkeys(("人口类型", "户籍类型", "人口类别"), "residence_type"),
    **dict.fromkeys(("备注", "说明"), "notes"),
}
# When no synonym matches exactly: the first fragment found in the header decides (for fields not yet taken).
_FRAGMENTS: Final = (("身份证", "id_number"), ("证件号", "id_number"), ("姓名", "name"), ("性别", "sex"),
                     ("出生", "birth_date"), ("民族", "ethnicity"), ("电话", "phone"), ("手机", "phone"),
                     ("户号", "household_no"), ("关系", "relation"), ("网格", "grid"), ("住址", "address"),
                     ("地址", "address"), ("职业", "occupation"), ("人口类型", "residence_type"),
                     ("类别", "categories"), ("备注", "notes"))
# Relation words rosters use that are not labels of GB/T 4761.
_RELATION_WORDS: Final = {"儿子": "20", "女儿": "30", "妻子": "12", "丈夫": "11", "父": "51", "母": "52",
                          "孙": "41", "孙女儿": "42", "媳妇": "38", "女婿": "28", "户主本人": "02", "本人户主": "02",
                          "哥哥": "71", "弟弟": "73", "姐": "75", "妹": "77", "兄弟": "70", "姐妹": "70"}
_CATEGORY_SPLIT: Final = re.compile(r"[、,，;；/／|\s]+")
HEADER_SCAN_ROWS: Final = 20  # the header row is looked for in this many rows at the top of a sheet
MAX_CELL: Final = 4000  # longer cells are refused as such (a pasted document, not a value)
#: Limits that keep a huge, damaged or hostile file from exhausting the PC (refused with a Chinese message):
MAX_ROWS: Final = 50_000  # non-empty data rows in one import (a town's roster; split bigger files)
MAX_COLUMNS: Final = 200  # columns in the header row
MAX_UNCOMPRESSED: Final = 300 * 1024 * 1024  # bytes: all parts of the .xlsx (a zip) together, unpacked
MAX_SHARED_STRINGS: Final = 64 * 1024 * 1024  # bytes: the shared-string part, which openpyxl reads whole
MAX_PARTS: Final = 2000  # files inside the .xlsx
SAMPLE_ROWS: Final = 5
_REPORT_EVERY: Final = 200
_CHUNK: Final = 500


# ----------------------------------------------------------------------------------------------------------------
# What the steps return
# ----------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    """Why one row cannot be imported: ``row`` is the Excel row number, ``field`` a roster field (or "row")."""

    row: int
    field: str
    message: str

    @property
    def text(self) -> str:
        return f"第{self.row}行：{self.message}"


@dataclass(frozen=True)
class Duplicate:
    """A row that may be someone already registered (or another row of the same file); it still imports."""

    row: int
    name: str
    matches: tuple[str, ...]  # masked descriptions: 张三（430223********1234，枫桥村第1网格）/ 第12行 张三
    reason: str


@dataclass(frozen=True)
class SheetHead:
    """The top of a roster: where the header is, its column texts, the first data rows (as text)."""

    path: str
    sheet: str
    header_row: int  # Excel row number
    headers: tuple[str, ...]
    sample: tuple[tuple[str, ...], ...]
    mapping: dict[str, str]  # {header text: field or IGNORE}, guessed (and remembered choices applied)


@dataclass(eq=False)
class RosterRow:
    row: int  # Excel row number
    cells: dict[str, str]  # field → the cell as text (for the preview; the ID number masked)
    data: residents.ResidentInput
    household_no: str = ""
    grid_text: str = ""
    problems: list[Problem] = field(default_factory=list)
    warnings: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.problems


@dataclass
class Preview:
    path: str
    sheet: str
    header_row: int
    mapping: dict[str, str]
    rows: list[RosterRow]
    duplicates: list[Duplicate]
    new_households: dict[str, households.HouseholdInput]  # 户号 → the household the import would create
    joined_households: int = 0  # existing households (by 户号) rows would join

    @property
    def valid_rows(self) -> list[RosterRow]:
        return [r for r in self.rows if r.valid]

    @property
    def invalid_rows(self) -> list[RosterRow]:
        return [r for r in self.rows if not r.valid]

    @property
    def problems(self) -> list[Problem]:
        return [p for r in self.rows for p in r.problems]


@dataclass(frozen=True)
class ImportResult:
    imported: int
    rejected: tuple[Problem, ...]
    duplicates: tuple[Duplicate, ...]
    journal_id: str | None
    households_created: int
    changes: Changes
    warnings: tuple[Problem, ...] = ()
    valid: int = 0  # rows that passed the checks (= imported unless a dry run)
    dry_run: bool = False

    def report(self) -> dict[str, Any]:
        """The JSON report of the command line (no ID number in clear)."""
        return {
            "imported": self.imported,
            "valid": self.valid,
            "dry_run": self.dry_run,
            "rejected": [{"row": p.row, "field": p.field, "message": p.message} for p in self.rejected],
            "duplicates": [{"row": d.row, "name": d.name, "matches": list(d.matches), "reason": d.reason}
                           for d in self.duplicates],
            "warnings": [{"row": p.row, "field": p.field, "message": p.message} for p in self.warnings],
            "households_created": self.households_created,
            "journal_id": self.journal_id,
        }


# ----------------------------------------------------------------------------------------------------------------
# Headers and mapping
# ----------------------------------------------------------------------------------------------------------------

def normalize_header(text: str) -> str:
    """``" 身份证号码（18位）* "`` → ``"身份证号码"``: how headers are compared."""
    cleaned = "".join(unicodedata.normalize("NFKC", text).split())
    cleaned = re.sub(r"\([^)]*\)|\[[^\]]*\]", "", cleaned).strip("*:：")
    return cleaned


def guess_mapping(headers: Sequence[str], remembered: Mapping[str, str] | None = None) -> dict[str, str]:
    """{header: field or IGNORE} for the columns of a roster: remembered choices first (by normalised header),
    then exact synonyms, then fragments; a field goes to one column only (the first)."""
    remembered_by_key = {normalize_header(k): v for k, v in (remembered or {}).items()
                         if v in FIELDS or v == IGNORE}
    out: dict[str, str] = {}
    taken: set[str] = set()
    keys = [normalize_header(h) for h in headers]
    for header, key in zip(headers, keys):  # remembered and exact matches
        if not header.strip() or header in out:
            continue
        choice = remembered_by_key.get(key, _SYNONYMS.get(key))
        if choice and choice not in taken:
            out[header] = choice
            taken.add(choice)
        elif choice == IGNORE and key in remembered_by_key:
            out[header] = IGNORE
    for header, key in zip(headers, keys):  # fragments
        if not header.strip() or header in out:
            continue
        out[header] = IGNORE
        for fragment, choice in _FRAGMENTS:
            if fragment in key and choice not in taken:
                out[header] = choice
                taken.add(choice)
                break
    return {h: out[h] for h in headers if h in out}


def check_mapping(mapping: Mapping[str, str]) -> None:
    """A usable mapping: a name column, and no field taken by two columns; else a Chinese ``UserError``."""
    seen: dict[str, str] = {}
    for header, choice in mapping.items():
        if choice == IGNORE:
            continue
        if choice not in FIELDS:
            raise UserError("mapping", "mapping_unknown", f"列“{header}”对应的字段不正确")
        if choice in seen:
            raise UserError("mapping", "mapping_twice",
                            f"“{seen[choice]}”和“{header}”两列都对应了“{FIELDS[choice]}”，每个字段只能对应一列")
        seen[choice] = header
    if "name" not in seen:
        raise UserError("mapping", "mapping_no_name",
                        "没有找到“姓名”列：请在列对应中指定哪一列是姓名（花名册至少要有姓名列）")


def _score(headers: Sequence[str], remembered: Mapping[str, str] | None) -> int:
    mapped = guess_mapping(headers, remembered)
    if "name" not in mapped.values() and "id_number" not in mapped.values():
        return 0
    return sum(1 for v in mapped.values() if v)


# ----------------------------------------------------------------------------------------------------------------
# Reading the workbook
# ----------------------------------------------------------------------------------------------------------------

def _open_workbook(path: Path) -> Any:
    import openpyxl  # imported here: the GUI starts faster without it
    from openpyxl.utils.exceptions import InvalidFileException

    if path.suffix.lower() == ".xls":
        raise UserError("file", "xls_unsupported", "不支持旧版 .xls 文件：请在 Excel 或 WPS 中“另存为” .xlsx 格式后再导入")
    if not path.exists():
        raise UserError("file", "file_missing", f"找不到文件：{path}")
    _check_container(path)
    try:
        # read_only streams the sheet row by row; data_only: a formula cell gives the value Excel last calculated
        # and saved with it (what the clerk saw), never the formula — nothing in the file is ever evaluated.
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        if isinstance(exc, PermissionError):
            raise KnownError(f"无法打开 {path.name}：文件可能正在 Excel 中打开，请先关闭它再导入") from exc
        raise UserError("file", "file_unreadable",
                        f"无法读取 {path.name}：不是有效的 Excel（.xlsx）文件，或文件已损坏") from exc
    except Exception as exc:  # zipfile.BadZipFile and friends: a damaged or mislabelled file
        raise UserError("file", "file_unreadable",
                        f"无法读取 {path.name}：不是有效的 Excel（.xlsx）文件，或文件已损坏") from exc


_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MB: Final = 1024 * 1024


def _check_container(path: Path) -> None:
    """Refuse, with a Chinese message and before openpyxl unpacks anything, a file that is not an .xlsx (empty, a
    PDF, a renamed text file, a password-protected workbook, a truncated download) or would unpack to far more than
    a roster (a decompression bomb). The sizes checked are those the zip declares; Python's zipfile never unpacks
    more than the declared size of a part (a lying part fails its CRC check instead)."""
    import zipfile

    name = path.name
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except PermissionError as exc:
        raise KnownError(f"无法打开 {name}：文件可能正在 Excel 中打开，请先关闭它再导入") from exc
    except OSError as exc:
        raise UserError("file", "file_unreadable", f"无法读取 {name}：{exc.strerror or exc}") from exc
    if not head:
        raise UserError("file", "file_empty", f"无法读取 {name}：这是空文件（0字节），里面没有花名册")
    if head.startswith(_OLE_MAGIC):
        raise UserError("file", "file_protected",
                        f"无法读取 {name}：文件设置了打开密码（已加密），或其实是旧版 .xls 格式。请在 Excel 或 WPS 中打开，"
                        "取消密码后“另存为” .xlsx 格式再导入")
    if head.startswith(b"%PDF"):
        raise UserError("file", "file_not_xlsx", f"无法读取 {name}：这是 PDF 文件，不是 Excel 表格；请导入 .xlsx 格式的花名册")
    if not head.startswith(b"PK"):
        raise UserError("file", "file_not_xlsx",
                        f"无法读取 {name}：不是 Excel（.xlsx）文件（可能是改了扩展名的其他文件），请在 Excel 或 WPS 中"
                        "“另存为” .xlsx 格式后再导入")
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            _check_sizes(name, parts)
            for part in parts:
                if part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml"):
                    _check_row_count(name, _count_row_elements(archive, part.filename))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise UserError("file", "file_unreadable",
                        f"无法读取 {name}：文件不完整或已损坏（可能没有复制或下载完整），请重新获取该文件") from exc


def _count_row_elements(archive: Any, part: str) -> int:
    """How many ``<row>`` elements a sheet's XML holds, counted in the raw (decompressed) bytes: about 0.5 s for
    300,000 rows, where openpyxl needs seconds just to open a sheet without a ``<dimension>`` (it scans it whole)."""
    count, tail = 0, b""
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            data = tail + chunk
            count += data.count(b"<row ") + data.count(b"<row>") + data.count(b":row ")
            tail = data[-4:]  # too short to hold a whole "<row ": one cut by the chunk border is found next time
    return count


def _check_row_count(name: str, count: int) -> None:
    if count > MAX_ROWS + HEADER_SCAN_ROWS:
        raise UserError("file", "too_many_rows",
                        f"{name} 中有一张工作表有{count}行（包括带格式的空行），超过一次导入的上限{MAX_ROWS}行："
                        f"请把花名册分成每个不超过{MAX_ROWS}行的几个文件分别导入；如果实际数据没有这么多，"
                        "请删除表格下方多余的空行后另存再导入")


def _check_sizes(name: str, parts: list[Any]) -> None:
    unpacked = sum(part.file_size for part in parts)
    strings = sum(part.file_size for part in parts if part.filename.lower().endswith("sharedstrings.xml"))
    if len(parts) > MAX_PARTS or unpacked > MAX_UNCOMPRESSED or strings > MAX_SHARED_STRINGS:
        raise UserError("file", "file_too_large",
                        f"{name} 解压后有{unpacked // _MB} MB，超过花名册导入的上限（{MAX_UNCOMPRESSED // _MB} MB，"
                        f"其中文字部分最多{MAX_SHARED_STRINGS // _MB} MB）：可能是损坏或异常的文件。请只保留花名册"
                        f"这一张表、删除多余内容后另存为新文件，或分成每个不超过{MAX_ROWS}行的几个文件导入")


def cell_text(value: object) -> str:
    """A cell as the clerk sees it: dates as 2024-03-05, integral numbers without ``.0``, text trimmed."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _find_header(rows: Sequence[tuple[object, ...]], remembered: Mapping[str, str] | None) -> int | None:
    """Index (0-based) of the header among the first rows: the row naming the most known columns."""
    best, best_score = None, 0
    for index, values in enumerate(rows):
        score = _score([cell_text(v) for v in values], remembered)
        if score > best_score:
            best, best_score = index, score
    return best


@dataclass
class _Sheet:
    name: str
    header_row: int
    headers: tuple[str, ...]
    rows: Iterator[tuple[int, tuple[object, ...]]]  # (Excel row number, values) after the header
    size_hint: int  # data rows, as the file's dimension says (0: unknown)


def _guarded(rows: Iterator[Any], before: int) -> Iterator[Any]:
    """``rows`` of a sheet; damaged XML inside the sheet (found only while streaming it) becomes a ``UserError``
    naming about where it is, instead of a parser's exception."""
    number = before
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # xml ParseError, a bad number or date in a cell, a broken zip stream …
            raise UserError("file", "sheet_damaged",
                            f"文件在第{number + 1}行附近已损坏，无法读取（没有导入任何一行）：请在 Excel 或 WPS 中打开，"
                            "确认内容后“另存为”新的 .xlsx 文件再导入") from exc
        number += 1
        yield values


def _sheet(workbook: Any, remembered: Mapping[str, str] | None) -> _Sheet:
    """The first sheet with a recognisable header row (known column names, or ones the clerk mapped before)."""
    for ws in workbook.worksheets:
        if getattr(ws, "sheet_state", "visible") != "visible":
            continue
        hint = ws.max_row or 0
        ws.reset_dimensions()  # some writers record a wrong dimension; read every row there is
        iterator = _guarded(ws.iter_rows(values_only=True), 0)
        top: list[tuple[object, ...]] = []
        for values in iterator:
            top.append(tuple(values))
            if len(top) >= HEADER_SCAN_ROWS:
                break
        index = _find_header(top, remembered)
        if index is None:
            continue
        texts = [cell_text(v) for v in top[index]]
        width = max((i + 1 for i, text in enumerate(texts) if text), default=0)
        if width > MAX_COLUMNS:
            raise UserError("file", "too_many_columns",
                            f"第{index + 1}行（表头）有{width}列，超过{MAX_COLUMNS}列：这不像是花名册；"
                            "请删除多余的列后再导入")
        headers = tuple(texts[:width])
        header_row = index + 1

        def data_rows(top: list[tuple[object, ...]] = top, iterator: Iterator[Any] = iterator,
                      header_row: int = header_row) -> Iterator[tuple[int, tuple[object, ...]]]:
            number = header_row
            for values in top[header_row:]:
                number += 1
                yield number, values
            for values in iterator:  # guarded: damaged XML is a UserError naming the row
                number += 1
                yield number, tuple(values)

        return _Sheet(ws.title, header_row, headers, data_rows(), max(0, hint - header_row))
    raise UserError("file", "no_header",
                    f"在文件前{HEADER_SCAN_ROWS}行中找不到表头：花名册应有一行列名，至少包括“姓名”或“身份证号”"
                    "（例如：姓名、身份证号、性别、户号、与户主关系、网格、现住址）")


def _unique_headers(headers: Sequence[str]) -> tuple[str, ...]:
    """Column names as keys: empty ones become 第N列, repeated ones get （2）."""
    out: list[str] = []
    taken: set[str] = set()
    for index, header in enumerate(headers):
        name = header or f"第{index + 1}列"
        while name in taken:
            name += "（2）"
        out.append(name)
        taken.add(name)
    return tuple(out)


def read_head(path: Path | str, remembered: Mapping[str, str] | None = None,
              sample_rows: int = SAMPLE_ROWS) -> SheetHead:
    """The header and the first data rows of a roster, and a guessed mapping (for the wizard's mapping page)."""
    path = Path(path)
    workbook = _open_workbook(path)
    try:
        sheet = _sheet(workbook, remembered)
        headers = _unique_headers(sheet.headers)
        sample: list[tuple[str, ...]] = []
        for _, values in sheet.rows:
            texts = tuple(cell_text(v)[:60] for v in values[:len(headers)])
            if any(texts):
                sample.append(texts + ("",) * (len(headers) - len(texts)))
            if len(sample) >= sample_rows:
                break
    finally:
        workbook.close()
    mapping = guess_mapping(headers, remembered)
    masked = _masked_sample(headers, mapping, sample)
    return SheetHead(str(path), sheet.name, sheet.header_row, headers, masked, mapping)


def _masked_sample(headers: Sequence[str], mapping: Mapping[str, str],
                   sample: Sequence[tuple[str, ...]]) -> tuple[tuple[str, ...], ...]:
    id_columns = {i for i, h in enumerate(headers) if mapping.get(h) == "id_number"}
    phone_columns = {i for i, h in enumerate(headers) if mapping.get(h) == "phone"}
    return tuple(tuple(_mask_text(v) if i in id_columns else _mask_phone_text(v) if i in phone_columns else v
                       for i, v in enumerate(row)) for row in sample)


def _mask_phone_text(value: str) -> str:
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) >= 8 else value


def _mask_text(value: str) -> str:
    number = normalize_id(value)
    return mask_id(number) if len(number) in (15, 18) else ("*" * len(value) if value else "")


# ----------------------------------------------------------------------------------------------------------------
# Cells → ResidentInput
# ----------------------------------------------------------------------------------------------------------------

_NUMBER_ID: Final = ("在Excel中被存成了数字，超过15位的数字已被Excel改掉（末几位变成0），无法恢复；"
                     "请把这一列设为“文本”格式，重新填写身份证号后再导入")


def _id_cell(value: object, today: datetime.date) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        raise UserError("id_number", "id_number_cell", "身份证号" + _NUMBER_ID)
    if isinstance(value, int):
        text = str(value)
        if len(text) > 15:
            try:  # some programs write exact 18-digit integers; accept those that check out
                parse_citizen_id(text, today=today)
            except UserError:
                raise UserError("id_number", "id_number_cell", "身份证号" + _NUMBER_ID) from None
        return text
    return cell_text(value)


def _date_cell(value: object) -> str | datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and 19000101 <= value <= 29991231:
            return str(int(value))  # 19900102
        if float(value).is_integer() and 10_000 <= value < 100_000:
            # an Excel serial day number whose cell lost its date format (10000 = 1927-05-18); smaller numbers are
            # more likely a typed year or 年.月 (1990, 1990.01) and go to the date parser as text, which rejects them
            from openpyxl.utils.datetime import from_excel

            day = from_excel(value)
            return day.date() if isinstance(day, datetime.datetime) else None
        return str(value)
    return cell_text(value) or None


def _number_cell(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return cell_text(value)


def _resolve(table: str, text: str, field_name: str) -> str:
    if table == "relation":
        key = "".join(unicodedata.normalize("NFKC", text).split())
        if key in _RELATION_WORDS:
            return _RELATION_WORDS[key]
    return code_table(table).resolve(text, field=field_name)


@dataclass
class _Context:
    today: datetime.date
    grids: dict[str, str]  # name or code → grid id
    grid_names: dict[str, str]  # grid id → name


def _load_grids(ledger: Ledger) -> tuple[dict[str, str], dict[str, str]]:
    by_text: dict[str, str] = {}
    names: dict[str, str] = {}
    for grid_id, code, name in ledger.store.conn.execute(
            "SELECT id, code, name FROM grids WHERE status = 'active' ORDER BY created_at"):
        names[grid_id] = name
        for key in (code, name):
            key = "".join(unicodedata.normalize("NFKC", key or "").split())
            if key:
                by_text.setdefault(key, grid_id)
    return by_text, names


_ROSTER_FIELD: Final = {"household_id": "household_no", "grid_id": "grid", "category": "categories"}


def _to_row(number: int, values: tuple[object, ...], columns: dict[str, int], ctx: _Context) -> RosterRow | None:
    """One sheet row as a ``RosterRow`` (None for an empty row); cell-level problems recorded, bad values left out."""
    raw: dict[str, object] = {}
    for name, index in columns.items():
        raw[name] = values[index] if index < len(values) else None
    if all(cell_text(v) == "" for v in raw.values()):
        return None
    problems: list[Problem] = []
    cells: dict[str, str] = {}
    data = residents.ResidentInput(name="")

    def fail(field_name: str, message: str) -> None:
        problems.append(Problem(number, field_name, message))

    for name, value in raw.items():
        text = cell_text(value)
        cells[name] = (_mask_text(text) if name == "id_number" else _mask_phone_text(text) if name == "phone"
                       else text)[:200]
        if len(text) > MAX_CELL:
            fail(name, f"{FIELDS[name]}这一格内容太长（{len(text)}个字），不像是{FIELDS[name]}")
            continue
        try:
            if name == "name":
                data.name = text
            elif name == "id_number":
                data.id_number = _id_cell(value, ctx.today)
            elif name == "birth_date":
                data.birth_date = _date_cell(value)
            elif name == "phone":
                data.phone = _number_cell(value)
            elif name == "sex" and text:
                data.sex = _resolve("sex", text, "sex")
            elif name == "ethnicity" and text:
                data.ethnicity = _resolve("ethnicity", text, "ethnicity")
            elif name == "relation" and text:
                data.relation = _resolve("relation", text, "relation")
            elif name == "residence_type" and text:
                data.residence_type = _resolve("residence_type", text, "residence_type")
            elif name == "categories" and text:
                data.categories = tuple(_resolve("resident_category", part, "category")
                                        for part in _CATEGORY_SPLIT.split(unicodedata.normalize("NFKC", text))
                                        if part)
            elif name == "address":
                data.address = text
            elif name == "occupation":
                data.occupation = text
            elif name == "notes":
                data.notes = text
        except UserError as exc:
            fail(name, exc.message)
    row = RosterRow(number, cells, data, problems=problems)
    if "household_no" in raw:
        row.household_no = "".join(unicodedata.normalize("NFKC", _number_cell(raw["household_no"])).split())
        if len(row.household_no) > 30:
            fail("household_no", too_long("household_no", 30, len(row.household_no)).message)
            row.household_no = ""
    if data.relation and not row.household_no:
        fail("relation", "填写了与户主关系，但没有填写户号（同一户的人应填写相同的户号）")
        data.relation = ""
    grid_text = "".join(unicodedata.normalize("NFKC", cell_text(raw.get("grid"))).split())
    if grid_text:
        grid_id = ctx.grids.get(grid_text)
        if grid_id is None:
            fail("grid", f"网格“{grid_text[:30]}”不存在：请先在“网格”中建立该网格，或改为已有网格的名称或编码")
        data.grid_id = grid_id
        row.grid_text = grid_text
    return row


# ----------------------------------------------------------------------------------------------------------------
# parse: read and check, write nothing
# ----------------------------------------------------------------------------------------------------------------

class _TrialRunError(Exception):
    """Raised to undo the trial transaction of ``parse``."""


def _existing_households(ledger: Ledger, numbers: Iterable[str]) -> dict[str, tuple[str, str | None]]:
    """户号 → (household id, grid id) of the active households with those numbers."""
    wanted = sorted(set(numbers))
    found: dict[str, tuple[str, str | None]] = {}
    conn = ledger.store.conn
    for start in range(0, len(wanted), _CHUNK):
        part = wanted[start:start + _CHUNK]
        for number, household_id, grid_id in conn.execute(
                f"SELECT household_no, id, grid_id FROM households WHERE status = 'active' AND household_no IN "
                f"({','.join('?' * len(part))}) ORDER BY created_at", part):
            found.setdefault(number, (household_id, grid_id))
    return found


def _plan_households(rows: Sequence[RosterRow], existing: Mapping[str, tuple[str, str | None]]
                     ) -> dict[str, households.HouseholdInput]:
    """The households to create: one per new 户号, in the grid (and at the address) of its head — else of its
    first row that names one. Rows of a new household without any grid get a problem."""
    members: dict[str, list[RosterRow]] = {}
    for row in rows:
        if row.household_no and row.household_no not in existing:
            members.setdefault(row.household_no, []).append(row)
    planned: dict[str, households.HouseholdInput] = {}
    for number, group in members.items():
        ordered = sorted(group, key=lambda r: r.data.relation != residents.HEAD_RELATION)
        grid_id = next((r.data.grid_id for r in ordered if r.data.grid_id), None)
        address = next((r.data.address for r in ordered if r.data.address and len(r.data.address) <= 200), "")
        if grid_id is None:
            for row in group:
                if not any(p.field == "grid" for p in row.problems):
                    row.problems.append(Problem(row.row, "grid", f"户号 {number} 是新户，但这一户没有一行填写了网格；"
                                                "新建的户必须属于一个网格"))
            continue
        planned[number] = households.HouseholdInput(grid_id=grid_id, household_no=number, address=address)
    return planned


def _with_household(row: RosterRow, ids: Mapping[str, str]) -> residents.ResidentInput:
    household_id = ids.get(row.household_no) if row.household_no else None
    data = replace(row.data, household_id=household_id)
    if household_id is None:
        data.relation = ""
    return data


def _identity(data: residents.ResidentInput, today: datetime.date) -> tuple[str, str, str] | None:
    """(name, birth date, ID number or "") of a valid row, for duplicates within the file; None when unclear."""
    try:
        name = normalize_name(data.name)
    except UserError:
        return None
    number = normalize_id(data.id_number or "")
    if len(number) == 18:
        return name, number[6:14], number
    if len(number) == 15:
        return name, "19" + number[6:12], number
    if data.birth_date:
        try:
            return name, validate_birth_date(data.birth_date, today=today).strftime("%Y%m%d"), ""
        except UserError:
            return None
    return None


def _describe(row: residents.ResidentRow) -> str:
    details = "，".join(x for x in (row.id_masked or "无证件号", row.birth_date or "", row.grid) if x)
    return f"{row.name}（{details}）"


def parse(ledger: Ledger, path: Path | str, mapping: Mapping[str, str] | None = None,
          progress: Progress | None = None, *, remembered: Mapping[str, str] | None = None) -> Preview:
    """Read the roster and check every row as ``commit`` would; nothing is written. ``mapping`` is
    {header: field} (None: guessed, ``remembered`` choices first). Raises ``UserError`` for a file that cannot be
    used at all (not an .xlsx, no header row, no name column)."""
    path = Path(path)
    today = ledger.today()
    grid_map, grid_names = _load_grids(ledger)
    ctx = _Context(today, grid_map, grid_names)
    workbook = _open_workbook(path)
    try:
        sheet = _sheet(workbook, {**(remembered or {}), **(mapping or {})})
        headers = _unique_headers(sheet.headers)
        chosen = dict(mapping) if mapping is not None else guess_mapping(headers, remembered)
        chosen = {h: chosen.get(h, IGNORE) for h in headers}
        check_mapping(chosen)
        columns = {choice: headers.index(h) for h, choice in chosen.items() if choice}
        total = sheet.size_hint * 2
        rows: list[RosterRow] = []
        for count, (number, values) in enumerate(sheet.rows, 1):
            row = _to_row(number, values, columns, ctx)
            if row is not None:
                rows.append(row)
                if len(rows) > MAX_ROWS:
                    raise UserError("file", "too_many_rows",
                                    f"{path.name} 的数据超过{MAX_ROWS}行（读到第{number}行时停止，没有导入任何一行）："
                                    f"请把花名册分成每个不超过{MAX_ROWS}行的几个文件，分别导入")
            if count % _REPORT_EVERY == 0 and total:
                report(progress, min(count, total // 2), total)
    finally:
        workbook.close()
    total = len(rows) * 2
    report(progress, len(rows), total)
    existing = _existing_households(ledger, (r.household_no for r in rows if r.household_no))
    planned = _plan_households(rows, existing)
    found: list[Duplicate] = []
    try:
        with ledger.store.write():  # a trial run of the import, rolled back below
            created = households.create_many(ledger, list(planned.values()))
            ids = {number: household_id for number, (household_id, _) in existing.items()}
            ids.update({number: c.row_id or "" for number, c in zip(planned, created)})
            _check_rows(ledger, rows, ids, progress)
            found = _duplicates(ledger, rows, ids, today, progress)
            raise _TrialRunError
    except _TrialRunError:
        pass
    report(progress, total, total)
    return Preview(str(path), sheet.name, sheet.header_row, chosen, rows, found, planned,
                   joined_households=len({r.household_no for r in rows if r.household_no in existing}))


def _check_rows(ledger: Ledger, rows: Sequence[RosterRow], ids: Mapping[str, str],
                progress: Progress | None) -> None:
    """Validate as ``register_many`` will: the clean rows as one batch, in file order (an ID or a household head
    claimed by an earlier row counts); rows with cell problems alone (they claim nothing)."""
    total = len(rows) * 2
    clean = [r for r in rows if r.valid]
    dirty = [r for r in rows if not r.valid]
    items = [_with_household(r, ids) for r in clean]
    results = residents.check_many(ledger, items, lambda done, _n: report(progress, len(rows) + done, total))
    for row, result in zip(clean, results):
        _record(row, result)
    for row in dirty:
        try:
            warnings = residents.check(ledger, _with_household(row, ids))
        except InvalidInput as exc:
            _record(row, exc)
        else:
            _record(row, warnings)


def _record(row: RosterRow, result: tuple[str, ...] | InvalidInput) -> None:
    if isinstance(result, InvalidInput):
        have = {(p.field, p.message) for p in row.problems}
        for error in result.errors:
            name = _ROSTER_FIELD.get(error.field, error.field)
            message = error.message
            if error.code == "relation_without_household":
                continue  # reported with the 户号 already
            if error.code == "grid_not_households":
                message = f"网格与同户号其他成员（户）的网格不一致：户号 {row.household_no} 的户属于另一个网格"
            if (name, message) not in have:
                row.problems.append(Problem(row.row, name, message))
    else:
        row.warnings = result


def _duplicates(ledger: Ledger, rows: Sequence[RosterRow], ids: Mapping[str, str], today: datetime.date,
                progress: Progress | None) -> list[Duplicate]:
    """Possible duplicates of the valid rows: registered residents with the same name pinyin, birth year and grid
    (the rule of ``duplicates.candidates``, looked up for the whole file in a few queries instead of one per row;
    the same ID number is a validation error already), and other rows of the file with the same name and birth
    date."""
    conn = ledger.store.conn
    valid = [r for r in rows if r.valid]
    any_registered = residents.count(ledger) > 0
    keys_of: dict[int, list[str]] = {}
    births: dict[int, str] = {}
    for row in valid:
        identity = _identity(row.data, today)
        if identity is None:
            continue
        births[row.row] = identity[1][:4]
        if any_registered:
            keys_of[row.row] = sorted({"p" + "".join(r) for r in name_readings(identity[0])})
    household_grids: dict[str, str | None] = {}
    wanted = sorted({i for i in ids.values() if i})
    for start in range(0, len(wanted), _CHUNK):
        part = wanted[start:start + _CHUNK]
        household_grids.update(conn.execute(
            f"SELECT id, grid_id FROM households WHERE id IN ({','.join('?' * len(part))})", part).fetchall())
    registered: dict[str, list[tuple[int, str | None, str]]] = {}  # pinyin key → (rid, grid, birth year)
    all_keys = sorted({k for keys in keys_of.values() for k in keys})
    if any_registered:
        for start in range(0, len(all_keys), _CHUNK):
            part = all_keys[start:start + _CHUNK]
            for key, rid, grid_id, year in conn.execute(
                    f"SELECT k.key, r.rid, r.grid_id, substr(r.birth_date, 1, 4) FROM search_keys k "
                    f"JOIN residents r ON r.rid = k.rid WHERE k.key IN ({','.join('?' * len(part))}) "
                    "AND r.status NOT IN ('merged', 'deleted')", part):
                registered.setdefault(key, []).append((rid, grid_id, year or ""))
    matched: dict[int, list[int]] = {}
    for row in valid:
        if row.row not in keys_of:
            continue
        house = ids.get(row.household_no) if row.household_no else None
        grid_id = household_grids.get(house) if house else row.data.grid_id
        found = dict.fromkeys(rid for key in keys_of[row.row] for rid, grid, year in registered.get(key, ())
                              if grid == grid_id and year == births[row.row])
        if found:
            matched[row.row] = list(found)[:duplicates.MAX_CANDIDATES]
    ordered = sorted({rid for rids in matched.values() for rid in rids})
    by_rid: dict[str, residents.ResidentRow] = {}
    for start in range(0, len(ordered), _CHUNK):
        for resident in residents.rows_by_rid(ledger, ordered[start:start + _CHUNK]):
            by_rid[resident.id] = resident
    rid_to_id: dict[int, str] = {}
    for start in range(0, len(ordered), _CHUNK):
        rid_part = ordered[start:start + _CHUNK]
        rid_to_id.update(conn.execute(
            f"SELECT rid, id FROM residents WHERE rid IN ({','.join('?' * len(rid_part))})", rid_part).fetchall())
    found_rows: list[Duplicate] = []
    seen: dict[tuple[str, str], RosterRow] = {}
    seen_number: dict[tuple[str, str], str] = {}
    for row in valid:
        matches: list[str] = []
        reasons: list[str] = []
        for rid in matched.get(row.row, []):
            known = by_rid.get(rid_to_id.get(rid, ""))
            if known is not None:
                matches.append(_describe(known))
                reasons.append("已登记：姓名拼音、出生年份、网格相同")
        identity = _identity(row.data, today)
        if identity is not None:
            key = identity[:2]
            earlier = seen.get(key)
            if earlier is not None and (not identity[2] or identity[2] != seen_number.get(key)):
                matches.append(f"第{earlier.row}行 {identity[0]}")
                reasons.append("文件中有姓名、出生日期相同的另一行")
            elif earlier is None:
                seen[key] = row
                seen_number[key] = identity[2]
        if matches:
            found_rows.append(Duplicate(row.row, row.cells.get("name", ""), tuple(matches),
                                        "；".join(dict.fromkeys(reasons))))
    return found_rows


# ----------------------------------------------------------------------------------------------------------------
# commit and undo
# ----------------------------------------------------------------------------------------------------------------

def commit(ledger: Ledger, preview: Preview, *, all_or_nothing: bool = False,
           progress: Progress | None = None) -> ImportResult:
    """Import the checked rows in one transaction with one undo-journal entry: the valid rows, or (with
    ``all_or_nothing``) every row — refused when any row has a problem. Raises ``UserError`` when there is
    nothing to import or the data changed since the check so that a row no longer passes."""
    invalid = preview.invalid_rows
    if all_or_nothing and invalid:
        shown = "、".join(str(r.row) for r in invalid[:10]) + ("等" if len(invalid) > 10 else "")
        raise UserError("rows", "import_has_errors",
                        f"有{len(invalid)}行有问题（第{shown}行），按“全部无误才导入”没有导入任何一行；"
                        "请更正后重新导入，或选择“只导入无误的行”")
    valid = preview.valid_rows
    if not valid:
        raise UserError("rows", "import_nothing", "没有可以导入的行：每一行都有问题，请先更正花名册")
    ledger.require(Permission.REGISTER_EDIT, "导入花名册")
    total = len(valid)
    steps: list[journal.Step] = []
    with ledger.store.write() as conn:
        used = {r.household_no for r in valid if r.household_no}
        existing = _existing_households(ledger, used)
        to_create = [(n, h) for n, h in preview.new_households.items() if n in used and n not in existing]
        created = households.create_many(ledger, [h for _, h in to_create])
        ids = {number: household_id for number, (household_id, _) in existing.items()}
        for (number, _), change in zip(to_create, created):
            ids[number] = change.row_id or ""
            steps.append(journal.inserted("households", change.row_id or ""))
        resident_ids: list[str] = []
        for start in range(0, total, _CHUNK):
            part = valid[start:start + _CHUNK]
            try:
                changes = residents.register_many(ledger, [_with_household(r, ids) for r in part])
            except InvalidInput as exc:
                raise UserError("rows", "import_stale",
                                f"检查之后数据有了变化，有的行已不能导入（{exc.message}）；请重新检查后再导入") from exc
            resident_ids.extend(c.row_id or "" for c in changes)
            report(progress, start + len(part), total)
        steps.extend(journal.inserted("residents", rid) for rid in resident_ids)
        for start in range(0, len(resident_ids), _CHUNK):
            part_ids = resident_ids[start:start + _CHUNK]
            steps.extend(journal.inserted("resident_categories", cid) for (cid,) in conn.execute(
                f"SELECT id FROM resident_categories WHERE resident_id IN ({','.join('?' * len(part_ids))})",
                part_ids))
        label = f"导入花名册：{Path(preview.path).name}（{len(resident_ids)}人）"
        journal_id = journal.record(conn, "import", label, steps)
        ledger.audit("import", object_type="residents", object_label=Path(preview.path).name,
                     detail=f"导入 {len(resident_ids)} 人，新建 {len(created)} 户，"
                            f"{len(preview.invalid_rows)} 行有问题未导入")
    imported_rows = {r.row for r in valid}
    return ImportResult(
        imported=len(resident_ids), rejected=tuple(preview.problems),
        duplicates=tuple(d for d in preview.duplicates if d.row in imported_rows), journal_id=journal_id,
        households_created=len(created),
        changes=Changes(residents=True, households=bool(used), journal=True),
        warnings=_warnings(valid), valid=len(valid))


def _warnings(rows: Iterable[RosterRow]) -> tuple[Problem, ...]:
    return tuple(Problem(r.row, "id_number", w) for r in rows for w in r.warnings)


def dry_run_result(preview: Preview) -> ImportResult:
    """What ``commit`` would report, for a check without importing (``--dry-run``)."""
    valid = preview.valid_rows
    return ImportResult(imported=0, rejected=tuple(preview.problems), duplicates=tuple(preview.duplicates),
                        journal_id=None, households_created=0, changes=Changes(), warnings=_warnings(valid),
                        valid=len(valid), dry_run=True)


def import_file(ledger: Ledger, path: Path | str, *, mapping: Mapping[str, str] | None = None,
                all_or_nothing: bool = False, dry_run: bool = False,
                progress: Progress | None = None) -> ImportResult:
    """``parse`` then (unless ``dry_run``) ``commit``: the command line's import."""
    preview = parse(ledger, path, mapping, progress)
    if dry_run:
        return dry_run_result(preview)
    return commit(ledger, preview, all_or_nothing=all_or_nothing, progress=progress)

