"""人民调解卷宗: the cover and the 卷内目录 with running page numbers (DOMAIN.md §1.3(a))."""

from __future__ import annotations

from collections.abc import Sequence

from zhzx_desktop.documents.formatting import cn_date, names
from zhzx_desktop.documents.layout import FORM, Cell, Writer
from zhzx_desktop.documents.model import CoverDoc, FileItem

COVER_SIZE = 16.0
COVER_LEADING = 40.0
DIRECTORY_ROWS = 15  # the 目录 is a ruled form with room for documents added by hand


def page_ranges(items: Sequence[FileItem]) -> list[tuple[FileItem, str]]:
    """The items in the file with their 页号: running from 1 ("1", "2-4", …); items not in the file are left out."""
    out: list[tuple[FileItem, str]] = []
    page = 1
    for item in items:
        if item.pages is None:
            continue
        if item.pages <= 0:
            out.append((item, ""))
            continue
        last = page + item.pages - 1
        out.append((item, str(page) if last == page else f"{page}-{last}"))
        page = last + 1
    return out


def _distributed(w: Writer, x: float, baseline: float, text: str, width: float, size: float) -> None:
    """A label spread over ``width`` (分散对齐), so labels of 2–5 characters line up at both ends."""
    spare = width - w.text_width(text, size)
    space = spare / (len(text) - 1) if len(text) > 1 else 0.0
    w.draw_text(x, baseline, text, size, char_space=space)


def _cover_field(w: Writer, x: float, label: str, text: str, label_width: float, line_width: float) -> None:
    size = COVER_SIZE
    value_x = x + label_width + size
    lines = w.wrap(text, size, line_width - size) if text else []
    for index in range(max(1, len(lines))):
        baseline = w.baseline(w.y, COVER_LEADING, size)
        if index == 0:
            _distributed(w, x, baseline, label, label_width, size)
            w.draw_text(x + label_width, baseline, "：", size)
        if index < len(lines):
            w.place(lines[index], value_x + size / 2, baseline, line_width - size, size, "left")
        w.draw_line_at(value_x, baseline - 5, line_width)
        w.y -= COVER_LEADING


def write_cover(w: Writer, doc: CoverDoc) -> None:
    w.section(footer=False)
    w.skip(40)
    w.line(doc.committee.name, size=26, leading=52, align="center", bold=True)
    w.skip(16)
    w.line("调解卷宗", size=44, leading=80, align="center", bold=True, char_space=22)
    w.skip(70)
    fields = [
        ("卷名", doc.title),
        ("卷号", doc.case_no),
        ("人民调解员", names(doc.mediators)),
        ("调解日期", f"自 {cn_date(doc.started_on)} 至 {cn_date(doc.ended_on)}"),
        ("立卷人", doc.filed_by),
        ("立卷日期", cn_date(doc.filed_on)),
        ("保管期限", doc.retention),
        ("备注", doc.notes),
    ]
    label_width = 5 * COVER_SIZE
    line_width = 300.0
    x = w.left + (w.width - label_width - COVER_SIZE - line_width) / 2
    for label, text in fields:
        w.keep(COVER_LEADING)
        _cover_field(w, x, label, text, label_width, line_width)

    w.section(footer=False)
    w.title("卷内目录")
    w.skip(8)
    head = [Cell("序号", 10, align="center"), Cell("文书名称", 50, align="center"), Cell("页号", 16, align="center"),
            Cell("备注", 24, align="center")]
    rows = [head]
    listed = page_ranges(doc.items)
    for number, (item, pages) in enumerate(listed, start=1):
        rows.append([Cell(str(number), 10, align="center"), Cell(item.title, 50), Cell(pages, 16, align="center"),
                     Cell(item.note, 24)])
    for _ in range(DIRECTORY_ROWS - len(listed)):
        rows.append([Cell("", 10), Cell("", 50), Cell("", 16), Cell("", 24)])
    w.table(rows, size=FORM, pad_y=6)
