"""月报 documents: the PDF read back as text and the .xlsx read back with openpyxl show the report's figures."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pytest

from tests.unit.documents.pdftext import body_text, fonts, reader
from zhzx_desktop.documents import monthly_report as mr
from zhzx_desktop.errors import KnownError
from zhzx_desktop.services.reports import Change, MonthlyReport, Prevented, Share

SOURCES = [("01", "主动调解", 21), ("02", "申请调解", 17), ("03", "接受委托移送", 2)]
TYPES = [("01", "婚姻家庭纠纷", 9), ("02", "邻里纠纷", 14), ("03", "房屋宅基地纠纷", 8), ("04", "合同纠纷", 5),
         ("05", "损害赔偿纠纷", 4), ("06", "山林土地纠纷", 0)]


def shares(rows: list[tuple[str, str, int]]) -> tuple[Share, ...]:
    total = sum(n for _, _, n in rows)
    return tuple(Share(code, label, n, 100.0 * n / total if total else 0.0) for code, label, n in rows)


def make_report(**overrides: object) -> MonthlyReport:
    base = MonthlyReport(
        month="2026-10", village="桃源村", village_code="330102003004", committee="桃源村人民调解委员会",
        accepted=40, succeeded=37, success_rate=92.5, agreement_amount_fen=8_765_432, performed=33,
        judicially_confirmed=3, sources=shares(SOURCES), dispute_types=shares(TYPES), written_agreements=26,
        oral_agreements=11, parties=86, difficult=4, screenings=5, disputes_found=12, disputes_prevented=8,
        prevented=(Prevented("01", "防止民间纠纷转化为刑事案件", 2, 7), Prevented("02", "防止群体性上访", 1, 31),
                   Prevented("03", "防止群体性械斗", 0, 0), Prevented("04", "防止因纠纷引起自杀", 1, 1)),
        changes=(Change("受理数", 40, 32, 50, 25.0, -20.0), Change("调解成功数", 37, 30, 44, 23.333, -15.909),
                 Change("成功率", 92.5, 93.75, 88.0, -1.25, 4.5),
                 Change("协议涉及金额（万元）", 8.765432, 0, 5.0, None, 75.30864)),
        generated_at="2026-11-02T01:15:00+00:00",
    )
    return dataclasses.replace(base, **overrides)  # type: ignore[arg-type]


def empty_report() -> MonthlyReport:
    zeros = tuple(dataclasses.replace(s, count=0, percent=0.0) for s in shares(TYPES))
    return make_report(accepted=0, succeeded=0, success_rate=None, agreement_amount_fen=0, performed=0,
                       judicially_confirmed=0, sources=tuple(dataclasses.replace(s, count=0, percent=0.0)
                                                             for s in shares(SOURCES)),
                       dispute_types=zeros, written_agreements=0, oral_agreements=0, parties=0, difficult=0,
                       screenings=0, disputes_found=0, disputes_prevented=0,
                       prevented=tuple(dataclasses.replace(p, cases=0, people=0) for p in make_report().prevented),
                       changes=(Change("受理数", 0, 32, 50, -100.0, -100.0),))


def pdf_text(report: MonthlyReport, tmp_path: Path) -> str:
    path = mr.render_pdf(report, tmp_path / "月报.pdf")
    return body_text(path.read_bytes())


# --- the PDF -----------------------------------------------------------------------------------------------------

def test_pdf_shows_title_heading_and_every_figure(tmp_path: Path) -> None:
    report = make_report()
    text = pdf_text(report, tmp_path)
    assert "桃源村人民调解工作统计月报" in text
    assert "填报单位：桃源村人民调解委员会（区划代码330102003004）" in text
    assert "统计月份：2026年10月" in text
    assert "填报日期：2026年11月" in text
    for expected in ("受理纠纷数（件）40", "调解成功数（件）37", "调解成功率92.5%", "协议涉及金额（万元）8.77",
                     "履行数（件）33", "司法确认数（件）3", "涉及当事人数（人）86", "疑难案件数（件）4",
                     "书面协议2670.3%", "口头协议1129.7%", "排查次数（次）5", "排查发现纠纷数（件）12",
                     "预防纠纷数（件）8"):
        assert expected in text
    for share in (*report.sources, *report.dispute_types):
        assert f"{share.label}{share.count}{mr.percent_text(share.percent)}" in text
    for p in report.prevented:
        assert f"{p.label}{p.cases}{p.people}" in text
    assert "受理数4032+25.0%50-20.0%" in text
    assert "成功率92.5%93.8%-1.3个百分点88.0%+4.5个百分点" in text  # 93.75 and -1.25 rounded half up
    assert "协议涉及金额（万元）8.770.00—5.00+75.3%" in text
    for heading in ("受理与调解", "案件来源", "纠纷类型", "协议形式", "排查与预防", "N件M人", "环比与同比"):
        assert heading in text
    assert "零上报" not in text


def test_zero_month_is_marked_zero_report(tmp_path: Path) -> None:
    report = empty_report()
    assert report.zero
    text = pdf_text(report, tmp_path)
    assert "零上报" in text
    assert "调解成功率—" in text  # no rate of nothing
    assert "受理数032-100.0%50-100.0%" in text


def test_pdf_is_a4_portrait_with_embedded_cjk_font_and_deterministic(tmp_path: Path) -> None:
    report = make_report()
    first = mr.pdf_bytes(report)
    assert first == mr.pdf_bytes(report)
    box = reader(first).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert any("+" in str(f.get("/BaseFont", "")) for f in fonts(first))  # a subset, embedded
    assert reader(first).metadata is not None and "桃源村" in str(reader(first).metadata.title)


def test_missing_glyph_in_the_village_name_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KnownError, match="缺少月报中的文字"):
        mr.render_pdf(make_report(village="\ue000村"), tmp_path / "x.pdf")


@pytest.mark.parametrize(("percent", "text"), [(6.25, "6.3%"), (96.94, "96.9%"), (842 / 869 * 100, "96.9%"),
                                                (0.05, "0.1%"), (100.0, "100.0%"), (None, "—")])
def test_percent_to_one_decimal_rounded_half_up(percent: float | None, text: str) -> None:
    assert mr.percent_text(percent) == text


def test_money_in_wan_yuan_two_decimals() -> None:
    assert str(mr.wan_yuan(8_765_432)) == "8.77"
    assert str(mr.wan_yuan(5_000)) == "0.01"  # 50 元 rounds up
    assert str(mr.wan_yuan(0)) == "0.00"


# --- the Excel sheet ---------------------------------------------------------------------------------------------

def sheet_rows(path: Path, *, after: str = "") -> dict[str, list[object]]:
    """Each row's values by its first cell's text (the label; the first such row), from the row labelled
    ``after`` on."""
    ws = openpyxl.load_workbook(path).active
    out: dict[str, list[object]] = {}
    started = not after
    for row in ws.iter_rows():
        values = [c.value for c in row]
        started = started or values[0] == after
        if started and isinstance(values[0], str):
            out.setdefault(values[0], values[1:])
    return out


def test_xlsx_cells_hold_the_report_figures(tmp_path: Path) -> None:
    report = make_report()
    path = mr.render_xlsx(report, tmp_path / "月报.xlsx")
    rows = sheet_rows(path)
    assert rows["受理纠纷数（件）"][2] == report.accepted
    assert rows["调解成功数（件）"][2] == report.succeeded
    assert rows["调解成功率"][2] == pytest.approx(0.925)
    assert rows["协议涉及金额（万元）"][2] == pytest.approx(8.77)
    assert rows["履行数（件）"][2] == report.performed
    assert rows["司法确认数（件）"][2] == report.judicially_confirmed
    assert rows["涉及当事人数（人）"][2] == report.parties
    assert rows["疑难案件数（件）"][2] == report.difficult
    assert rows["排查次数（次）"][2] == report.screenings
    assert rows["排查发现纠纷数（件）"][2] == report.disputes_found
    assert rows["预防纠纷数（件）"][2] == report.disputes_prevented
    assert rows["书面协议"][2:4] == [26, pytest.approx(0.703)]
    for share in (*report.sources, *report.dispute_types):
        assert rows[share.label][2] == share.count
        assert rows[share.label][3] == pytest.approx(round(share.percent / 100, 3))
    for p in report.prevented:
        assert rows[p.label][2:4] == [p.cases, p.people]
    rows = sheet_rows(path, after="七、环比与同比")
    assert rows["受理数"] == [40, 32, pytest.approx(0.25), 50, pytest.approx(-0.2)]
    assert rows["成功率"] == [pytest.approx(0.925), pytest.approx(0.938), pytest.approx(-1.3), pytest.approx(0.88),
                           pytest.approx(4.5)]
    assert rows["协议涉及金额（万元）"] == [pytest.approx(8.77), 0, "—", 5, pytest.approx(0.753)]
    assert not any(k.startswith("零上报") for k in rows)


def test_xlsx_layout_formats_and_print_setup(tmp_path: Path) -> None:
    path = mr.render_xlsx(make_report(), tmp_path / "月报.xlsx")
    ws = openpyxl.load_workbook(path).active
    assert ws["A1"].value == "桃源村人民调解工作统计月报"
    assert "A1:F1" in {str(r) for r in ws.merged_cells.ranges}
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.orientation == "portrait"
    formats: dict[str, str] = {}
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f"  # formula-free
            if isinstance(row[0].value, str):
                formats.setdefault(f"{row[0].value}:{cell.column}", cell.number_format)
    assert formats["受理纠纷数（件）:4"] == "0"
    assert formats["调解成功率:4"] == "0.0%"
    assert formats["协议涉及金额（万元）:4"] == "0.00"
    assert formats["主动调解:5"] == "0.0%"
    label = next(c for c in ws["A"] if c.value == "受理纠纷数（件）")
    assert label.border.left.style == "thin"
    assert ws.cell(row=label.row, column=4).border.bottom.style == "thin"


def test_xlsx_zero_report_line(tmp_path: Path) -> None:
    path = mr.render_xlsx(empty_report(), tmp_path / "z.xlsx")
    rows = sheet_rows(path)
    assert any(k.startswith("零上报") for k in rows)
    assert rows["调解成功率"][2] == "—"


@pytest.mark.parametrize(("village", "committee", "expected"), [
    ("桃源村", "桃源村人民调解委员会", "桃源村人民调解工作统计月报"),
    ("", "枫桥村人民调解委员会", "枫桥村人民调解工作统计月报"),  # no village set yet: from the committee
    ("", "", "××村人民调解工作统计月报"),
])
def test_title_names_the_village(village: str, committee: str, expected: str) -> None:
    assert mr.title(make_report(village=village, committee=committee)) == expected


def test_rows_are_six_columns_wide() -> None:
    for row in mr.report_rows(make_report()):
        assert sum(cell.span for cell in row.cells) == mr.COLUMNS
