"""月报 as documents: the 人民调解工作统计月报 as an A4 PDF (reportlab) and as an Excel sheet (openpyxl).

Both files (and the 月报 dialog's table) are drawn from one list of rows, ``report_rows(report)``, so the PDF, the
sheet and the screen always say the same thing. The layout is a 6-column grid: a title, 填报单位 / 统计月份 /
填报日期, then the sections 受理与调解 / 案件来源 / 纠纷类型 / 协议形式 / 排查与预防 / 防止…（N件M人）/ 环比同比, each with its
own column headings (件数 / 占比 …). 成功率 and shares are shown to 0.1 % (rounded half up, as the county's Excel
rounds), 金额 in 万元 to 2 decimals. An empty month is marked 零上报.

The report is taken by its shape (``ReportLike``): documents sit below services in the layers and cannot import
``services.reports``; its ``MonthlyReport`` dataclass satisfies these protocols.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Literal, Protocol

from zhzx_desktop.documents.fonts import find_cjk_font, missing_glyphs
from zhzx_desktop.errors import KnownError

COLUMNS = 6
DASH = "—"


class ShareLike(Protocol):
    @property
    def label(self) -> str: ...
    @property
    def count(self) -> int: ...
    @property
    def percent(self) -> float: ...


class PreventedLike(Protocol):
    @property
    def label(self) -> str: ...
    @property
    def cases(self) -> int: ...
    @property
    def people(self) -> int: ...


class ChangeLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def current(self) -> float: ...
    @property
    def last_month(self) -> float: ...
    @property
    def last_year(self) -> float: ...
    @property
    def month_on_month(self) -> float | None: ...
    @property
    def year_on_year(self) -> float | None: ...


class ReportLike(Protocol):
    """What the documents read of ``services.reports.MonthlyReport``."""

    @property
    def month(self) -> str: ...
    @property
    def village(self) -> str: ...
    @property
    def village_code(self) -> str: ...
    @property
    def committee(self) -> str: ...
    @property
    def accepted(self) -> int: ...
    @property
    def succeeded(self) -> int: ...
    @property
    def success_rate(self) -> float | None: ...
    @property
    def agreement_amount_fen(self) -> int: ...
    @property
    def performed(self) -> int: ...
    @property
    def judicially_confirmed(self) -> int: ...
    @property
    def sources(self) -> Sequence[ShareLike]: ...
    @property
    def dispute_types(self) -> Sequence[ShareLike]: ...
    @property
    def written_agreements(self) -> int: ...
    @property
    def oral_agreements(self) -> int: ...
    @property
    def parties(self) -> int: ...
    @property
    def difficult(self) -> int: ...
    @property
    def screenings(self) -> int: ...
    @property
    def disputes_found(self) -> int: ...
    @property
    def disputes_prevented(self) -> int: ...
    @property
    def prevented(self) -> Sequence[PreventedLike]: ...
    @property
    def changes(self) -> Sequence[ChangeLike]: ...
    @property
    def generated_at(self) -> str: ...
    @property
    def zero(self) -> bool: ...


# --- numbers as the county prints them -------------------------------------------------------------------------

COUNT_FORMAT = "0"
PERCENT_FORMAT = "0.0%"
MONEY_FORMAT = "0.00"
SIGNED_PERCENT_FORMAT = '+0.0%;-0.0%;0.0%'
POINTS_FORMAT = '+0.0"个百分点";-0.0"个百分点";0.0"个百分点"'


def _half_up(value: float, places: int) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percent_text(percent: float | None) -> str:
    """96.94 → "96.9%"; None → "—"."""
    return DASH if percent is None else f"{_half_up(percent, 1)}%"


def signed_percent_text(percent: float | None) -> str:
    if percent is None:
        return DASH
    rounded = _half_up(percent, 1)
    return f"{'+' if rounded > 0 else ''}{rounded}%"


def points_text(points: float | None) -> str:
    if points is None:
        return DASH
    rounded = _half_up(points, 1)
    return f"{'+' if rounded > 0 else ''}{rounded}个百分点"


def wan_yuan(fen: float) -> Decimal:
    """Fen → 万元 to 2 decimals (1 万元 = 1,000,000 fen)."""
    return (Decimal(repr(fen)) / Decimal(1_000_000)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _fraction(percent: float) -> float:
    """The percent rounded to 0.1 as the fraction Excel formats with 0.0% (96.94 → 0.969)."""
    return float(_half_up(percent, 1) / 100)


def month_text(month: str) -> str:
    year, mon = month.split("-")
    return f"{year}年{int(mon)}月"


def filled_on(report: ReportLike) -> str:
    """填报日期: the local calendar date of ``generated_at`` (a UTC timestamp)."""
    try:
        moment = datetime.fromisoformat(report.generated_at)
    except ValueError:
        return report.generated_at[:10]
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return f"{moment.year}年{moment.month}月{moment.day}日"


def place_name(report: ReportLike) -> str:
    """The village as the title names it: the village setting, else the committee's name without 人民调解委员会."""
    if report.village:
        return report.village
    for suffix in ("人民调解委员会", "调解委员会", "调委会"):
        if report.committee.endswith(suffix) and len(report.committee) > len(suffix):
            return report.committee[: -len(suffix)]
    return "××村"


def title(report: ReportLike) -> str:
    return f"{place_name(report)}人民调解工作统计月报"


# --- the grid --------------------------------------------------------------------------------------------------

Align = Literal["left", "center", "right"]
RowKind = Literal["section", "header", "data"]


@dataclass(frozen=True)
class Cell:
    text: str                               # as printed / shown
    value: int | float | str | None = None  # what the Excel cell holds (None: the text)
    span: int = 1
    number_format: str = "General"
    align: Align = "center"


@dataclass(frozen=True)
class Row:
    kind: RowKind
    cells: tuple[Cell, ...]


def _label(text: str, span: int = 3) -> Cell:
    return Cell(text, span=span, align="left")


def _count(n: int, span: int = 1) -> Cell:
    return Cell(str(n), n, span, COUNT_FORMAT)


def _share(percent: float, span: int = 2) -> Cell:
    return Cell(percent_text(percent), _fraction(percent), span, PERCENT_FORMAT)


def _section(text: str) -> Row:
    return Row("section", (Cell(text, span=COLUMNS, align="left"),))


def _header(*cells: tuple[str, int]) -> Row:
    return Row("header", tuple(Cell(text, span=span) for text, span in cells))


def _percent_of(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 0.0


def _change_cells(change: ChangeLike) -> tuple[Cell, ...]:
    if "率" in change.name:  # a rate: values are percents, the changes percentage points
        def level(v: float) -> Cell:
            return Cell(percent_text(v), _fraction(v), 1, PERCENT_FORMAT)

        def delta(v: float | None) -> Cell:
            return Cell(points_text(v), DASH if v is None else float(_half_up(v, 1)), 1, POINTS_FORMAT)
    elif "金额" in change.name:  # money, in 万元 (services.reports: 协议涉及金额（万元）)

        def level(v: float) -> Cell:
            amount = Decimal(repr(v)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            return Cell(f"{amount}", float(amount), 1, MONEY_FORMAT)

        def delta(v: float | None) -> Cell:
            return Cell(signed_percent_text(v), DASH if v is None else _fraction(v), 1, SIGNED_PERCENT_FORMAT)
    else:
        def level(v: float) -> Cell:
            n = round(v)
            return Cell(str(n), n, 1, COUNT_FORMAT)

        def delta(v: float | None) -> Cell:
            return Cell(signed_percent_text(v), DASH if v is None else _fraction(v), 1, SIGNED_PERCENT_FORMAT)

    name = change.name + ("（万元）" if "金额" in change.name and "万元" not in change.name else "")
    return (Cell(name, align="left"), level(change.current), level(change.last_month), delta(change.month_on_month),
            level(change.last_year), delta(change.year_on_year))


def report_rows(report: ReportLike) -> list[Row]:
    """The table of the 月报, section by section (every row spans ``COLUMNS`` columns)."""
    rows: list[Row] = []
    rows.append(_section("一、受理与调解"))
    rows.append(_header(("项目", 3), ("数量", 1), ("", 2)))
    rate = DASH if report.success_rate is None else _fraction(report.success_rate)
    amount = wan_yuan(report.agreement_amount_fen)
    rows += [
        Row("data", (_label("受理纠纷数（件）"), _count(report.accepted), Cell("", span=2))),
        Row("data", (_label("调解成功数（件）"), _count(report.succeeded), Cell("", span=2))),
        Row("data", (_label("调解成功率"), Cell(percent_text(report.success_rate), rate, 1, PERCENT_FORMAT),
                     Cell("", span=2))),
        Row("data", (_label("协议涉及金额（万元）"), Cell(f"{amount}", float(amount), 1, MONEY_FORMAT),
                     Cell("", span=2))),
        Row("data", (_label("履行数（件）"), _count(report.performed), Cell("", span=2))),
        Row("data", (_label("司法确认数（件）"), _count(report.judicially_confirmed), Cell("", span=2))),
        Row("data", (_label("涉及当事人数（人）"), _count(report.parties), Cell("", span=2))),
        Row("data", (_label("疑难案件数（件）"), _count(report.difficult), Cell("", span=2))),
    ]
    for heading, shares in (("二、案件来源", report.sources), ("三、纠纷类型", report.dispute_types)):
        rows.append(_section(heading))
        rows.append(_header(("项目", 3), ("件数", 1), ("占比", 2)))
        rows += [Row("data", (_label(s.label), _count(s.count), _share(s.percent))) for s in shares]
    agreements = report.written_agreements + report.oral_agreements
    rows.append(_section("四、协议形式"))
    rows.append(_header(("项目", 3), ("件数", 1), ("占比", 2)))
    rows += [
        Row("data", (_label("书面协议"), _count(report.written_agreements),
                     _share(_percent_of(report.written_agreements, agreements)))),
        Row("data", (_label("口头协议"), _count(report.oral_agreements),
                     _share(_percent_of(report.oral_agreements, agreements)))),
    ]
    rows.append(_section("五、排查与预防"))
    rows.append(_header(("项目", 3), ("数量", 1), ("", 2)))
    rows += [
        Row("data", (_label("排查次数（次）"), _count(report.screenings), Cell("", span=2))),
        Row("data", (_label("排查发现纠纷数（件）"), _count(report.disputes_found), Cell("", span=2))),
        Row("data", (_label("预防纠纷数（件）"), _count(report.disputes_prevented), Cell("", span=2))),
    ]
    rows.append(_section("六、通过调解防止的后果（N件M人）"))
    rows.append(_header(("项目", 3), ("件数", 1), ("人数", 2)))
    rows += [Row("data", (_label(p.label), _count(p.cases), _count(p.people, 2))) for p in report.prevented]
    rows.append(_section("七、环比与同比"))
    rows.append(_header(("指标", 1), ("本月", 1), ("上月", 1), ("环比", 1), ("去年同月", 1), ("同比", 1)))
    rows += [Row("data", _change_cells(c)) for c in report.changes]
    return rows


def _sections(rows: list[Row]) -> list[list[Row]]:
    out: list[list[Row]] = []
    for row in rows:
        if row.kind == "section" or not out:
            out.append([])
        out[-1].append(row)
    return out


def heading_lines(report: ReportLike) -> list[str]:
    """填报单位 / 统计月份 / 填报日期 (the line under the title)."""
    unit = report.committee or report.village or DASH
    code = f"（区划代码 {report.village_code}）" if report.village_code else ""
    return [f"填报单位：{unit}{code}", f"统计月份：{month_text(report.month)}", f"填报日期：{filled_on(report)}"]


ZERO_TEXT = "本月无受理、履行、司法确认和排查事项。"


def _all_text(report: ReportLike) -> str:
    parts = [title(report), *heading_lines(report), ZERO_TEXT]
    parts += [cell.text for row in report_rows(report) for cell in row.cells]
    return "".join(parts)


# --- PDF -------------------------------------------------------------------------------------------------------

def pdf_bytes(report: ReportLike, font_path: Path | None = None) -> bytes:
    """The 月报 as an A4 portrait PDF (deterministic: the same report gives the same bytes)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = find_cjk_font(font_path)
    missing = missing_glyphs(font, _all_text(report))
    if missing:
        raise KnownError(f"字体 {font.family} 缺少月报中的文字“{''.join(missing)}”，请在设置中换用其他中文字体（如宋体）")
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=f"{title(report)} {report.month}",
                            author=report.committee or report.village, invariant=1)
    title_style = ParagraphStyle("title", fontName=font.name, fontSize=18, leading=26, alignment=TA_CENTER)
    info_style = ParagraphStyle("info", fontName=font.name, fontSize=10.5, leading=15)
    zero_style = ParagraphStyle("zero", fontName=font.name, fontSize=14, leading=20, alignment=TA_CENTER,
                                textColor=colors.HexColor("#b00000"))
    story: list[object] = [Paragraph(title(report), title_style), Spacer(1, 4 * mm)]
    unit, month, day = heading_lines(report)
    width = A4[0] - 40 * mm
    info = Table([[Paragraph(unit, info_style), ""], [Paragraph(month, info_style), Paragraph(day, info_style)]],
                 colWidths=[width * 0.62, width * 0.38])
    info.setStyle(TableStyle([("SPAN", (0, 0), (1, 0)), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("FONTNAME", (0, 0), (-1, -1), font.name)]))
    story += [info, Spacer(1, 2 * mm)]
    if report.zero:
        zero = Table([[Paragraph("零　上　报", zero_style)], [Paragraph(ZERO_TEXT, info_style)]],
                     colWidths=[width])
        zero.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.5, colors.HexColor("#b00000")),
                                  ("ALIGN", (0, 0), (-1, -1), "CENTER")]))
        story += [zero, Spacer(1, 3 * mm)]

    first = width * 0.28
    rest = (width - first) / (COLUMNS - 1)
    for section in _sections(report_rows(report)):  # one table per section, kept on one page
        data: list[list[str]] = []
        style: list[tuple[object, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), font.name),
            ("FONTSIZE", (0, 0), (-1, -1), 10),
            ("LEADING", (0, 0), (-1, -1), 12),
            ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        ]
        for r, row in enumerate(section):
            line: list[str] = []
            c = 0
            for cell in row.cells:
                line += [cell.text] + [""] * (cell.span - 1)
                if cell.span > 1:
                    style.append(("SPAN", (c, r), (c + cell.span - 1, r)))
                style.append(("ALIGN", (c, r), (c, r), cell.align.upper()))
                c += cell.span
            data.append(line)
            if row.kind == "section":
                style += [("BACKGROUND", (0, r), (-1, r), colors.HexColor("#e4e4e4")),
                          ("FONTSIZE", (0, r), (-1, r), 11)]
            elif row.kind == "header":
                style.append(("BACKGROUND", (0, r), (-1, r), colors.HexColor("#f4f4f4")))
        if any(len(row.cells) == COLUMNS for row in section):  # 环比同比: six narrow columns
            style.append(("FONTSIZE", (1, 1), (-1, -1), 9))
        table = Table(data, colWidths=[first] + [rest] * (COLUMNS - 1))
        table.setStyle(TableStyle(style))
        story.append(KeepTogether([table]))
    story += [Spacer(1, 5 * mm), Paragraph("填报人：＿＿＿＿＿＿　　审核人：＿＿＿＿＿＿　　（盖章）", info_style)]

    def footer(canvas: object, document: object) -> None:
        canvas.saveState()  # type: ignore[attr-defined]
        canvas.setFont(font.name, 9)  # type: ignore[attr-defined]
        page = canvas.getPageNumber()  # type: ignore[attr-defined]
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"第{page}页")  # type: ignore[attr-defined]
        canvas.restoreState()  # type: ignore[attr-defined]

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def render_pdf(report: ReportLike, path: str | Path, font_path: Path | None = None) -> Path:
    """Write the 月报 PDF to ``path``; returns the path."""
    target = Path(path)
    data = pdf_bytes(report, font_path)
    target.write_bytes(data)
    return target


# --- Excel -----------------------------------------------------------------------------------------------------

def render_xlsx(report: ReportLike, path: str | Path) -> Path:
    """Write the 月报 as an .xlsx with the same rows: merged title, borders, number formats, A4 portrait print
    setup; values only (no formulas), so the county can copy them into its own template."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    target = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = f"月报{report.month}"
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    font = Font(name="宋体", size=11)
    bold = Font(name="宋体", size=11, bold=True)
    section_fill = PatternFill("solid", fgColor="E4E4E4")
    header_fill = PatternFill("solid", fgColor="F4F4F4")

    def put(row: int, col: int, value: object, span: int = 1) -> object:
        cell = ws.cell(row=row, column=col)
        if isinstance(value, str):
            cell.value = value
            cell.data_type = "s"  # never a formula, even for text starting with "="
        else:
            cell.value = value
        if span > 1:
            ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + span - 1)
        return cell

    t = put(1, 1, title(report), COLUMNS)
    t.font = Font(name="宋体", size=16, bold=True)  # type: ignore[attr-defined]
    t.alignment = Alignment(horizontal="center", vertical="center")  # type: ignore[attr-defined]
    ws.row_dimensions[1].height = 30
    unit, month, day = heading_lines(report)
    put(2, 1, unit, COLUMNS).font = font  # type: ignore[attr-defined]
    put(3, 1, month, 3).font = font  # type: ignore[attr-defined]
    put(3, 4, day, 3).font = font  # type: ignore[attr-defined]
    r = 4
    if report.zero:
        z = put(r, 1, "零上报　" + ZERO_TEXT, COLUMNS)
        z.font = Font(name="宋体", size=12, bold=True, color="B00000")  # type: ignore[attr-defined]
        z.alignment = Alignment(horizontal="center")  # type: ignore[attr-defined]
        r += 1
    r += 1
    for row in report_rows(report):
        c = 1
        for cell in row.cells:
            target_cell = put(r, c, cell.text if cell.value is None else cell.value, cell.span)
            target_cell.number_format = cell.number_format  # type: ignore[attr-defined]
            target_cell.font = bold if row.kind != "data" else font  # type: ignore[attr-defined]
            target_cell.alignment = Alignment(horizontal=cell.align, vertical="center")  # type: ignore[attr-defined]
            for k in range(c, c + cell.span):
                edge = ws.cell(row=r, column=k)
                edge.border = border
                if row.kind == "section":
                    edge.fill = section_fill
                elif row.kind == "header":
                    edge.fill = header_fill
            c += cell.span
        r += 1
    put(r + 1, 1, "填报人：", 2).font = font  # type: ignore[attr-defined]
    put(r + 1, 3, "审核人：", 2).font = font  # type: ignore[attr-defined]
    put(r + 1, 5, "（盖章）", 2).font = font  # type: ignore[attr-defined]
    widths = [26, 12, 12, 12, 12, 12]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.6
    wb.properties.title = f"{title(report)} {report.month}"
    wb.properties.creator = report.committee or report.village or "zhzx-desktop"
    wb.save(target)
    return target
