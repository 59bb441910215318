"""The line breaking of the shared layout: widths, Chinese line-breaking rules, page breaks, ruled tables."""

from __future__ import annotations

import pytest

from tests.unit.documents import samples
from zhzx_desktop.documents.fonts import find_cjk_font
from zhzx_desktop.documents.formatting import cn_date, cn_number, copy_labels
from zhzx_desktop.documents.layout import NO_END, NO_START, Cell, Writer


@pytest.fixture
def writer() -> Writer:
    return Writer(find_cjk_font())


def test_lines_never_exceed_the_width_and_keep_every_character(writer: Writer) -> None:
    text = samples.FACTS * 12 + "合同编号ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789完"
    for width in (120.0, 300.0, writer.width):
        lines = writer.wrap(text, 14, width, first_indent=28)
        assert "".join(line.text for line in lines) == text
        for line in lines:
            assert line.indent + writer.text_width(line.text, 14) <= width + 0.01, line
        assert [line.last for line in lines] == [False] * (len(lines) - 1) + [True]


def test_chinese_line_breaking_rules(writer: Writer) -> None:
    text = "申请人韩立新与被申请人毛春燕系前后邻居，（双方）“多次”协商未果。" * 20
    for width in (100.0, 137.0, 211.0, 298.0):
        lines = writer.wrap(text, 14, width)
        for line in lines[1:]:
            assert line.text[0] not in NO_START, line
        for line in lines[:-1]:
            assert line.text[-1] not in NO_END, line


def test_dates_and_amounts_are_never_split(writer: Writer) -> None:
    text = "被申请人应于2026年12月31日前支付叁仟元整（¥3,000.00）。" * 8
    for width in range(150, 400, 7):
        for line in writer.wrap(text, 14, float(width)):
            assert line.text.count("（¥") == line.text.count("00）")
            assert not line.text.startswith(("月", "日", "12月")), line
            assert not line.text.endswith(("2026年", "2026", "12月")), line


def test_paragraphs_break_pages_before_the_bottom_margin(writer: Writer) -> None:
    writer.section()
    writer.paragraph(samples.FACTS * 30)
    pages = writer.sections[0].pages
    assert len(pages) >= 3
    assert writer.y >= writer.bottom


def test_keep_moves_a_block_that_does_not_fit(writer: Writer) -> None:
    writer.section()
    writer.skip(writer.remaining - 50)
    writer.keep(100)
    assert len(writer.sections[0].pages) == 2 and writer.at_top
    writer.keep(100)  # fits now: no new page
    assert len(writer.sections[0].pages) == 2


def test_a_table_row_taller_than_a_page_is_split(writer: Writer) -> None:
    writer.section()
    writer.table([[Cell("纠纷简要情况", 20), Cell(samples.FACTS * 25, 80)]])
    assert len(writer.sections[0].pages) >= 3
    assert writer.y >= writer.bottom


def test_missing_template_characters_are_collected(writer: Writer) -> None:
    writer.section()
    writer.line("正常文字")
    assert writer.missing == set()
    writer.line("𠮷")
    assert writer.missing == ({"𠮷"} if not writer.font.has("𠮷") else set())


@pytest.mark.parametrize(("n", "text"), [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (30, "三十"),
                                         (99, "九十九"), (105, "一百零五"), (110, "一百一十")])
def test_chinese_numerals(n: int, text: str) -> None:
    assert cn_number(n) == text


def test_dates() -> None:
    assert cn_date("2026-11-23") == "2026年11月23日"
    assert cn_date("2026-01-05T09:30") == "2026年1月5日 9时30分"
    assert cn_date("2026-01-05 14:05:00") == "2026年1月5日 14时05分"
    assert cn_date("") == "\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日"
    assert cn_date("2026年冬") == "2026年冬"


def test_copy_labels() -> None:
    two = (samples.PARTY_A, samples.PARTY_B)
    assert copy_labels(two) == ["甲方执", "乙方执", "调委会存"]
    assert copy_labels((*two, samples.PARTY_C)) == ["甲方执", "乙方执", "丙方执", "调委会存"]
