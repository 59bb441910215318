"""Shared drawing for the case documents: text flowing top-down on A4 pages, ruled tables, signature lines.

A ``Writer`` lays everything out first (each page a list of drawing operations) and draws only in
``to_pdf()``, so a page footer knows how many pages its copy has ("第 1 页 共 2 页"), and the copies of an
agreement reuse one layout. Text wraps per character as Chinese does, with a few line-breaking rules
(no ，。、；） at the start of a line, no （“《 at its end, numbers and Latin words kept whole) and full
lines justified to both margins. A line never crosses the bottom margin: a block that does not fit
moves to the next page; ``keep(height)`` moves a block that must stay together (the signatures).

Every character is measured before it is drawn: one the font lacks is collected in ``missing`` (the fields
were already checked by ``glyphs.check_glyphs``, so anything left is template text — see ``render``).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from zhzx_desktop.documents.fonts import CjkFont

PAGE_W: float = float(A4[0])
PAGE_H: float = float(A4[1])
mm = 72 / 25.4

TITLE = 22.0  # 二号
BODY = 14.0  # 四号
BODY_LEADING = 24.0  # ≈ 1.5 lines of 14 pt (line height ~1.15 em × 1.5)
FORM = 12.0  # 小四, inside ruled forms
FORM_LEADING = 19.0
SMALL = 10.5  # 五号: footers, labels in boxes
GREY = 0.45
GAP = "\u3000"  # ideographic space between fields on one line
BLANK = "＿＿＿＿"  # an empty value in running text: a line the clerk writes on

Op = Callable[[Canvas], None]


@dataclass(frozen=True)
class Margins:
    top: float
    bottom: float
    left: float
    right: float


GB9704 = Margins(top=37 * mm, bottom=35 * mm, left=28 * mm, right=26 * mm)  # GB/T 9704 公文 page margins
FORM_MARGINS = Margins(top=28 * mm, bottom=25 * mm, left=25 * mm, right=25 * mm)  # ruled forms and the cover


@dataclass
class _Section:
    corner: str  # printed in the top right corner of every page (甲方执 …), or empty
    footer: bool  # "第 x 页 共 y 页", counted within the section
    pages: list[list[Op]]


@dataclass(frozen=True)
class Cell:
    """One cell of a ruled table row. ``content`` is text (paragraphs split on newlines) or rows of fields
    (each row a sequence of "标签：值" segments, packed onto lines and wrapped only between segments)."""

    content: str | Sequence[Sequence[str]] = ""
    weight: float = 1.0  # share of the row's width
    align: str = "left"  # left | center | right | justify
    valign: str = "middle"  # top | middle | bottom
    min_lines: int = 1  # height in lines (room for handwriting)
    indent: float = 0.0  # first-line indent of each paragraph, in characters


@dataclass
class _Line:
    text: str
    last: bool  # the last line of its paragraph (never justified)
    indent: float = 0.0  # points


# Kept whole on a line: dates "2026年11月23日", amounts in figures with their brackets "（¥3,000.00）", numbers,
# Latin words.
_TOKEN = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|（¥[0-9,.]+）|[A-Za-z0-9¥$%.,:/@#&_+\-']+|\s|.", re.DOTALL)
NO_START = frozenset("，。、；：？！）》」』”’〉】…—·,.;:!?)]}%")
NO_END = frozenset("（《「『“‘〈【([{¥")
_ALIGNS = ("left", "center", "right", "justify")


@dataclass
class Writer:
    font: CjkFont
    margins: Margins = GB9704
    pdf_title: str = ""
    pdf_author: str = ""
    missing: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.left = self.margins.left
        self.right = PAGE_W - self.margins.right
        self.top = PAGE_H - self.margins.top
        self.bottom = self.margins.bottom
        self.width = self.right - self.left
        self.y = self.top
        self.sections: list[_Section] = []
        face = self.font.face.face
        self._cmap: dict[int, int] = face.charToGlyph
        self._advance: dict[int, float] = face.charWidths
        self._default = float(face.defaultWidth)
        self._em: dict[str, float] = {}

    # ---- pages and sections -------------------------------------------------------------------------------

    def section(self, corner: str = "", *, footer: bool = True) -> None:
        """Start a new section (a copy, a form) on a new page; its pages are numbered on their own."""
        self.sections.append(_Section(corner, footer, [[]]))
        self.y = self.top

    def repeat_section(self, corner: str) -> None:
        """Another copy of the last section, with the same pages and another corner label."""
        last = self.sections[-1]
        self.sections.append(_Section(corner, last.footer, last.pages))

    def page_break(self) -> None:
        if not self.sections:
            self.section()
            return
        self.sections[-1].pages.append([])
        self.y = self.top

    def op(self, operation: Op) -> None:
        if not self.sections:
            self.section()
        self.sections[-1].pages[-1].append(operation)

    @property
    def remaining(self) -> float:
        return self.y - self.bottom

    @property
    def at_top(self) -> bool:
        return self.y >= self.top - 0.01

    def keep(self, height: float) -> None:
        """Move to a new page unless ``height`` fits below the cursor (a block that must not be split)."""
        if height > self.remaining + 0.01 and not self.at_top:
            self.page_break()

    def skip(self, height: float) -> None:
        """Vertical space. Space that reaches the page's end is dropped, never carried over: a page that continues
        a section starts with text, not with a gap (the first page of a section keeps its space)."""
        if height >= self.remaining:
            self.page_break()
        elif not (self.at_top and self.sections and len(self.sections[-1].pages) > 1):
            self.y -= height

    # ---- measuring and wrapping ----------------------------------------------------------------------------

    def char_width(self, ch: str) -> float:
        """Advance width of ``ch`` at 1 pt."""
        known = self._em.get(ch)
        if known is not None:
            return known
        code = ord(ch)
        if code not in self._cmap and not ch.isspace():
            self.missing.add(ch)
        width = self._advance.get(code, self._default) / 1000.0
        self._em[ch] = width
        return width

    def text_width(self, text: str, size: float) -> float:
        return sum(self.char_width(ch) for ch in text) * size

    def wrap(self, text: str, size: float, width: float, first_indent: float = 0.0) -> list[_Line]:
        """One paragraph (no newlines) broken into lines of at most ``width`` points."""
        tokens = _TOKEN.findall(text)
        lines: list[_Line] = []
        current: list[str] = []
        used = 0.0
        avail = width - first_indent

        def close() -> None:
            nonlocal current, used, avail
            while current and current[-1].isspace():
                current.pop()
            lines.append(_Line("".join(current), False, 0.0 if lines else first_indent))
            current, used, avail = [], 0.0, width

        index = 0
        while index < len(tokens):
            token = tokens[index]
            index += 1
            token_width = self.text_width(token, size)
            if used + token_width <= avail + 0.01:
                if not (token.isspace() and not current and lines):  # no space at the start of a line
                    current.append(token)
                    used += token_width
                continue
            if token.isspace():
                continue  # a space at the break is dropped
            if token_width > width and len(token) > 1:  # a word longer than a line: split it by characters
                tokens[index:index] = list(token)
                continue
            carry: list[str] = []
            if token[0] in NO_START and len(current) > 1:
                carry.insert(0, current.pop())
            while len(current) > 1 and current[-1] and current[-1][-1] in NO_END:
                carry.insert(0, current.pop())
            close()
            current = [*carry, token]
            used = self.text_width("".join(current), size)
        close()
        lines[-1].last = True
        return lines

    def paragraphs(self, text: str, size: float, width: float, indent_chars: float = 0.0) -> list[_Line]:
        out: list[_Line] = []
        for para in text.split("\n"):
            para = para.strip(" \t\r\u3000")
            if para:
                out.extend(self.wrap(para, size, width, indent_chars * size))
        return out

    def pack(self, segments: Sequence[str], size: float, width: float) -> list[_Line]:
        """Fields ("姓名：张三", "性别：男" …) set on lines, separated by a space, wrapped between fields."""
        lines: list[_Line] = []
        current = ""
        for segment in (s for s in segments if s):
            candidate = current + GAP + segment if current else segment
            if self.text_width(candidate, size) <= width + 0.01:
                current = candidate
                continue
            if current:
                lines.append(_Line(current, True))
            if self.text_width(segment, size) <= width + 0.01:
                current = segment
            else:
                wrapped = self.wrap(segment, size, width)
                lines.extend(wrapped[:-1])
                current = wrapped[-1].text
        if current:
            lines.append(_Line(current, True))
        return lines

    def cell_lines(self, content: str | Sequence[Sequence[str]], size: float, width: float,
                   indent_chars: float = 0.0) -> list[_Line]:
        if isinstance(content, str):
            return self.paragraphs(content, size, width, indent_chars)
        out: list[_Line] = []
        for row in content:
            out.extend(self.pack(row, size, width))
        return out

    # ---- drawing primitives (recorded as operations) --------------------------------------------------------

    def draw_text(self, x: float, baseline: float, text: str, size: float, *, char_space: float = 0.0,
                  bold: bool = False, grey: bool = False) -> None:
        for ch in text:
            self.char_width(ch)  # records missing glyphs
        name = self.font.name

        def draw(canvas: Canvas) -> None:
            canvas.saveState()
            canvas.setFont(name, size)
            if grey:
                canvas.setFillGray(GREY)
            if bold:  # the CJK fonts have no bold face: stroke the outlines too
                canvas.setLineWidth(size / 30)
                canvas.drawString(x, baseline, text, mode=2, charSpace=char_space)
            else:
                canvas.drawString(x, baseline, text, charSpace=char_space)
            canvas.restoreState()

        self.op(draw)

    def draw_line_at(self, x: float, y: float, length: float, *, width: float = 0.6) -> None:
        def draw(canvas: Canvas) -> None:
            canvas.saveState()
            canvas.setLineWidth(width)
            canvas.line(x, y, x + length, y)
            canvas.restoreState()

        self.op(draw)

    def draw_rect(self, x: float, y: float, w: float, h: float, *, width: float = 0.6, dash: bool = False) -> None:
        def draw(canvas: Canvas) -> None:
            canvas.saveState()
            canvas.setLineWidth(width)
            if dash:
                canvas.setDash(2, 2)
            canvas.rect(x, y, w, h, stroke=1, fill=0)
            canvas.restoreState()

        self.op(draw)

    def draw_circle(self, cx: float, cy: float, radius: float) -> None:
        def draw(canvas: Canvas) -> None:
            canvas.saveState()
            canvas.setLineWidth(0.6)
            canvas.setStrokeGray(GREY)
            canvas.setDash(4, 3)
            canvas.circle(cx, cy, radius, stroke=1, fill=0)
            canvas.restoreState()

        self.op(draw)

    def place(self, line: _Line, x: float, baseline: float, width: float, size: float, align: str,
              *, bold: bool = False) -> None:
        """Draw one line inside [x, x + width] (the line's own indent applies to left/justify)."""
        if align not in _ALIGNS:
            raise ValueError(align)
        text_width = self.text_width(line.text, size)
        char_space = 0.0
        if align == "center":
            x += (width - text_width) / 2
        elif align == "right":
            x += width - text_width
        else:
            x += line.indent
            slack = width - line.indent - text_width
            if align == "justify" and not line.last and len(line.text) > 1 and slack > 0:
                char_space = slack / (len(line.text) - 1)
                if char_space > size * 0.3:  # a line broken early by a long word: spread it no more than this
                    char_space = 0.0
        self.draw_text(x, baseline, line.text, size, char_space=char_space, bold=bold)

    @staticmethod
    def baseline(top: float, leading: float, size: float) -> float:
        """The baseline that centres a CJK em box (−0.12…0.88 em) in a line box of ``leading`` from ``top``."""
        return top - leading / 2 - 0.38 * size

    # ---- flowing blocks ------------------------------------------------------------------------------------

    def lines(self, lines: Sequence[_Line], *, size: float = BODY, leading: float = BODY_LEADING, left: float = 0.0,
              align: str = "justify", bold: bool = False) -> None:
        for line in lines:
            self.keep(leading)
            self.place(line, self.left + left, self.baseline(self.y, leading, size), self.width - left, size, align,
                       bold=bold)
            self.y -= leading

    def paragraph(self, text: str, *, size: float = BODY, leading: float = BODY_LEADING, indent: float = 2.0,
                  left: float = 0.0, align: str = "justify", bold: bool = False) -> None:
        """Text with a first-line indent of ``indent`` characters; newlines start new paragraphs."""
        self.lines(self.paragraphs(text, size, self.width - left, indent), size=size, leading=leading, left=left,
                   align=align, bold=bold)

    def line(self, text: str, *, size: float = BODY, leading: float = BODY_LEADING, align: str = "left",
             bold: bool = False, char_space: float = 0.0) -> None:
        """A single line (titles, 编号); wrapped only if it is longer than the text width."""
        if char_space:
            self.keep(leading)
            width = self.text_width(text, size) + char_space * (len(text) - 1)
            x = self.left + (self.width - width) / 2 if align == "center" else self.left
            self.draw_text(x, self.baseline(self.y, leading, size), text, size, char_space=char_space, bold=bold)
            self.y -= leading
            return
        self.lines(self.wrap(text, size, self.width), size=size, leading=leading, align=align, bold=bold)

    def title(self, text: str, *, size: float = TITLE) -> None:
        self.line(text, size=size, leading=size * 2, align="center", bold=True, char_space=size * 0.15)

    def hanging(self, label: str, content: str | Sequence[Sequence[str]], *, label_chars: float = 5.0,
                size: float = BODY, leading: float = BODY_LEADING, together: bool = True) -> None:
        """A label in a column on the left and its content wrapped beside it (当事人 blocks, 时间：…)."""
        column = label_chars * size
        lines = self.cell_lines(content, size, self.width - column) or [_Line("", True)]
        if together:
            self.keep(len(lines) * leading)
        for index, line in enumerate(lines):
            self.keep(leading)
            baseline = self.baseline(self.y, leading, size)
            if index == 0:
                self.draw_text(self.left, baseline, label, size)
            self.place(line, self.left + column, baseline, self.width - column, size, "justify")
            self.y -= leading

    def table(self, rows: Sequence[Sequence[Cell]], *, size: float = FORM, leading: float = FORM_LEADING,
              pad_x: float = 5.0, pad_y: float = 5.0) -> None:
        """A ruled table, one row after the other. A row that does not fit moves to the next page; a row taller
        than a whole page (a very long 纠纷简要情况) is split between lines."""
        full_page = self.top - self.bottom
        for row in rows:
            total = sum(cell.weight for cell in row)
            widths = [self.width * cell.weight / total for cell in row]
            contents = [self.cell_lines(cell.content, size, w - 2 * pad_x, cell.indent)
                        for cell, w in zip(row, widths)]
            count = max(max(len(lines), cell.min_lines) for lines, cell in zip(contents, row))
            first_part = True
            while True:
                height = count * leading + 2 * pad_y
                if height <= self.remaining + 0.01:
                    self._row_part(row, widths, contents, count, size, leading, pad_x, pad_y, split=not first_part)
                    break
                fit = math.floor((self.remaining - 2 * pad_y) / leading)
                if height <= full_page or fit < 2:
                    self.page_break()
                    continue
                self._row_part(row, widths, [c[:fit] for c in contents], fit, size, leading, pad_x, pad_y, split=True)
                contents = [c[fit:] for c in contents]
                count -= fit
                first_part = False
                self.page_break()

    def _row_part(self, row: Sequence[Cell], widths: Sequence[float], contents: Sequence[Sequence[_Line]],
                  count: int, size: float, leading: float, pad_x: float, pad_y: float, *, split: bool) -> None:
        height = count * leading + 2 * pad_y
        x = self.left
        for cell, width, lines in zip(row, widths, contents):
            self.draw_rect(x, self.y - height, width, height)
            valign = "top" if split else cell.valign
            if valign == "top":
                top = self.y - pad_y
            elif valign == "bottom":
                top = self.y - height + pad_y + len(lines) * leading
            else:
                top = self.y - (height - len(lines) * leading) / 2
            for line in lines:
                self.place(line, x + pad_x, self.baseline(top, leading, size), width - 2 * pad_x, size, cell.align)
                top -= leading
            x += width
        self.y -= height

    # ---- signature lines ------------------------------------------------------------------------------------

    def sign_line(self, x: float, baseline: float, label: str, line_length: float, size: float = BODY) -> float:
        """"label" followed by a line to sign on; returns the x after the line."""
        self.draw_text(x, baseline, label, size)
        start = x + self.text_width(label, size)
        self.draw_line_at(start, baseline - 2, line_length)
        return start + line_length

    def fingerprint_box(self, x: float, top: float, side: float) -> None:
        self.draw_rect(x, top - side, side, side, dash=True)
        label_width = self.text_width("指印", SMALL)
        self.draw_text(x + (side - label_width) / 2, top - side / 2 - SMALL * 0.38, "指印", SMALL, grey=True)

    def sign_grid(self, labels: Sequence[str], *, columns: int = 2, size: float = BODY,
                  leading: float = BODY_LEADING * 1.6) -> None:
        """Signature lines in ``columns`` columns ("调解员（签名）：____"), kept together on one page."""
        rows = math.ceil(len(labels) / columns)
        self.keep(rows * leading)
        column_width = self.width / columns
        for row in range(rows):
            baseline = self.y - leading + size * 0.5
            for col, label in enumerate(labels[row * columns:(row + 1) * columns]):
                x = self.left + col * column_width
                line = column_width - self.text_width(label, size) - size
                self.sign_line(x, baseline, label, max(line, size * 3), size)
            self.y -= leading

    # ---- output ---------------------------------------------------------------------------------------------

    def to_pdf(self) -> bytes:
        """Draw every page; ``invariant`` makes the bytes depend only on the content (no timestamps, fixed ID)."""
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1, initialFontName=self.font.name,
                        initialFontSize=BODY)
        canvas.setTitle(self.pdf_title)
        canvas.setAuthor(self.pdf_author)
        canvas.setCreator("zhzx-desktop")
        canvas.setProducer("zhzx-desktop (ReportLab)")
        for section in self.sections:
            count = len(section.pages)
            for number, page in enumerate(section.pages, start=1):
                for operation in page:
                    operation(canvas)
                if section.corner:
                    self._corner(canvas, section.corner)
                if section.footer:
                    self._footer(canvas, f"第 {number} 页 共 {count} 页")
                canvas.showPage()
        canvas.save()
        return buffer.getvalue()

    def _corner(self, canvas: Canvas, label: str) -> None:
        size = 12.0
        width = self.text_width(label, size) + 12
        x = self.right - width
        top = PAGE_H - 18 * mm
        canvas.saveState()
        canvas.setLineWidth(0.6)
        canvas.rect(x, top - size - 8, width, size + 8, stroke=1, fill=0)
        canvas.setFont(self.font.name, size)
        canvas.drawString(x + 6, top - size - 8 + 4 + 0.12 * size, label)
        canvas.restoreState()

    def _footer(self, canvas: Canvas, text: str) -> None:
        canvas.saveState()
        canvas.setFont(self.font.name, SMALL)
        canvas.drawCentredString(PAGE_W / 2, self.bottom / 2, text)
        canvas.restoreState()
