"""Exporting residents to Excel: the current filtered view (or everyone) as a roster (花名册) with a title row and a
header row. ID numbers and phones are masked; rows are read in chunks so a million residents never sit in memory.
The file is written beside the target and renamed when complete, so a cancelled export leaves nothing behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.domain.roles import Permission
from zhzx_desktop.errors import KnownError, UserError
from zhzx_desktop.services import residents
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.services.progress import Progress, report

HEADERS: Final = ("序号", "姓名", "身份证号", "性别", "出生日期", "民族", "联系电话", "户号", "与户主关系", "网格",
                  "现住址", "职业", "人员类别", "状态")
_WIDTHS: Final = (7, 10, 21, 6, 12, 8, 14, 12, 12, 18, 30, 12, 24, 8)
CHUNK: Final = 1000
#: A text cell starting with one of these would be a formula (``=``), or turn into one when the clerk edits the cell
#: or pastes the sheet into CSV (``+ - @``, tab, CR: "CSV/formula injection"); such texts are written as text cells
#: with Excel's quote prefix, exactly as stored, never as formulas.
FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportResult:
    path: str
    count: int


def _details(ledger: Ledger, ids: list[str]) -> dict[str, tuple[str, str, str, str, str]]:
    """resident id → (ethnicity, relation, address, occupation, categories) labels for one chunk."""
    if not ids:
        return {}
    conn = ledger.store.conn
    marks = ",".join("?" * len(ids))
    ethnicity, relation, category = code_table("ethnicity"), code_table("relation"), code_table("resident_category")
    cats: dict[str, list[str]] = {}
    hidden = residents.hidden_categories(ledger)
    for resident_id, code in conn.execute(
            f"SELECT resident_id, category FROM resident_categories WHERE resident_id IN ({marks}) "
            "ORDER BY resident_id, category", ids):
        if code in hidden:
            continue
        entry = category.get(code)
        cats.setdefault(resident_id, []).append(entry.display if entry is not None else code)
    out: dict[str, tuple[str, str, str, str, str]] = {}
    for resident_id, eth, rel, address, occupation in conn.execute(
            f"SELECT id, ethnicity, relation, address, occupation FROM residents WHERE id IN ({marks})", ids):
        out[resident_id] = (ethnicity.label_or(eth), relation.label_or(rel), address or "", occupation or "",
                            "、".join(cats.get(resident_id, [])))
    return out


def _safe(ws: Any, value: object) -> object:
    """``value`` as a cell Excel will show as the text it is (see ``FORMULA_START``); other values unchanged."""
    if not (isinstance(value, str) and value.startswith(FORMULA_START)):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
    cell.quotePrefix = True
    return cell


def export_residents(ledger: Ledger, path: Path | str, flt: residents.ResidentFilter | None = None,
                     progress: Progress | None = None, *, title: str | None = None) -> ExportResult:
    """Write the residents ``flt`` shows (everyone listed when None), in its order, to the .xlsx file ``path``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ledger.require(Permission.EXPORT, "导出居民花名册")
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise UserError("file", "export_suffix", "导出文件应以 .xlsx 结尾")
    if not target.parent.is_dir():
        raise UserError("file", "export_dir", f"文件夹不存在：{target.parent}")
    rids = residents.select_rids(ledger, flt or residents.ResidentFilter())
    total = len(rids)
    report(progress, 0, total)
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("花名册")
    for index, width in enumerate(_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    from openpyxl.cell import WriteOnlyCell

    heading = WriteOnlyCell(ws, value=title or f"实有人口花名册（共{total}人，导出于{ledger.today().isoformat()}）")
    heading.data_type = "s"  # a title typed by the clerk is text, also when it starts with "="
    heading.font = Font(bold=True, size=14)
    heading.alignment = Alignment(horizontal="center")
    ws.append([heading])
    ws.merged_cells.add(f"A1:{get_column_letter(len(HEADERS))}1")
    header_cells = []
    for text in HEADERS:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = Font(bold=True)
        header_cells.append(cell)
    ws.append(header_cells)
    ws.freeze_panes = "A3"
    number = 0
    try:
        for start in range(0, total, CHUNK):
            chunk = residents.rows_by_rid(ledger, rids[start:start + CHUNK])
            details = _details(ledger, [r.id for r in chunk])
            for row in chunk:
                number += 1
                eth, rel, address, occupation, cats = details.get(row.id, ("", "", "", "", ""))
                ws.append([_safe(ws, v) for v in (
                    number, row.name, row.id_masked, row.sex, row.birth_date or "", eth, row.phone_masked,
                    row.household_no, rel, row.grid, address, occupation, cats,
                    code_table("resident_status").label_or(row.status))])
            report(progress, min(start + CHUNK, total), total)
    except BaseException:
        _discard(ws)
        raise
    fd, temp_name = tempfile.mkstemp(suffix=".xlsx.part", dir=target.parent)
    os.close(fd)
    try:
        workbook.save(temp_name)
        os.replace(temp_name, target)
    except PermissionError as exc:
        raise KnownError(f"无法写入 {target.name}：文件可能正在 Excel 中打开，请先关闭它再导出") from exc
    except OSError as exc:
        raise KnownError(f"无法写入 {target.name}：{exc.strerror or exc}") from exc
    finally:
        if os.path.exists(temp_name):
            os.unlink(temp_name)
    ledger.audit("export", object_type="residents", object_label="居民花名册",
                 detail=f"{number} 人，导出到 {target.name}")
    return ExportResult(str(target), number)


def _discard(ws: Any) -> None:
    """Close a write-only sheet that will not be saved (cancelled) and remove its temporary file."""
    with contextlib.suppress(Exception):  # best effort: the export failed already
        ws.close()
    out = getattr(getattr(ws, "_writer", None), "out", None)
    if isinstance(out, str) and os.path.exists(out):
        os.unlink(out)
