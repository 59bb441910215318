"""The 统计 page: tiles and bars open exactly the records behind them; a case there opens on the 调解 page."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from tests.unit.services.test_dashboard import add_activity, add_case, add_team
from zhzx_desktop.domain.roles import Role
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.drill_dialog import DrillDialog
from zhzx_desktop.gui.dialogs.monthly_report_dialog import MonthlyReportDialog
from zhzx_desktop.gui.models.drill_model import DrillModel
from zhzx_desktop.gui.pages.dashboard_page import DashboardPage
from zhzx_desktop.gui.widgets.bar_chart import BarChart
from zhzx_desktop.security.session import Actor
from zhzx_desktop.services import dashboard
from zhzx_desktop.services.changes import Changes


def make_page(qtbot: QtBot, ctx: GuiContext) -> DashboardPage:
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitExposed(page)
    return page


def bar_point(chart: BarChart, index: int) -> QPoint:
    return chart.bar_rect(index).center().toPoint()


def drill_dialog(page: DashboardPage) -> DrillDialog:
    dialog = page.dialog
    assert isinstance(dialog, DrillDialog) and dialog.isVisible()
    return dialog


def test_clicking_a_dispute_type_bar_lists_exactly_its_cases(qtbot: QtBot, ctx: GuiContext) -> None:
    ledger = ctx.ledger
    neighbours = {add_case(ledger, f"2026-0{m}-10", dispute_type="02") for m in (3, 4, 5)}
    family = add_case(ledger, "2026-06-10", dispute_type="01")
    add_case(ledger, "2025-06-10", dispute_type="02")  # last year: not in this year's chart
    page = make_page(qtbot, ctx)
    chart = page.type_chart
    assert [bar.label for bar in chart.bars] == ["邻里纠纷", "婚姻家庭纠纷"] and chart.bars[0].value == 3

    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=bar_point(chart, 0))
    dialog = drill_dialog(page)
    assert set(dialog.ids()) == neighbours and dialog.model.rowCount() == 3
    assert "邻里纠纷" in dialog.windowTitle() and "共 3 条" in dialog.heading.text()
    dialog.close()

    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=bar_point(chart, 1))
    assert drill_dialog(page).ids() == [family]


def test_tiles_show_the_figures_and_open_their_records(qtbot: QtBot, ctx: GuiContext) -> None:
    ledger = ctx.ledger
    opened = [add_case(ledger, "2026-11-02", result="success", closed_on="2026-11-20"),
              add_case(ledger, "2026-11-05"), add_case(ledger, "2026-11-06", result="failure")]
    add_case(ledger, "2026-10-02", result="success")
    page = make_page(qtbot, ctx)
    assert page.tiles["month_opened"].value_label.text() == "3"
    assert page.tiles["month_succeeded"].value_label.text() == "1"
    assert page.tiles["month_rate"].value_label.text() == "33.3%"
    assert page.tiles["year_rate"].value_label.text() == "50.0%"
    assert "2026年11月受理的案件" in page.tiles["month_opened"].toolTip()

    qtbot.mouseClick(page.tiles["month_opened"], Qt.MouseButton.LeftButton)
    assert set(drill_dialog(page).ids()) == set(opened)
    drill_dialog(page).close()
    qtbot.mouseClick(page.tiles["month_closed"], Qt.MouseButton.LeftButton)
    assert drill_dialog(page).ids() == [opened[0]]


def test_double_clicking_a_case_asks_the_window_to_open_it(qtbot: QtBot, ctx: GuiContext) -> None:
    case_id = add_case(ctx.ledger, "2026-11-02")
    page = make_page(qtbot, ctx)
    dialog = page.open_tile("month_opened")
    table = dialog.table
    rect = table.visualRect(dialog.model.index(0, 0))
    with qtbot.waitSignal(page.case_requested, timeout=2000) as blocker:
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [case_id]


def test_activity_bars_hover_and_drill(qtbot: QtBot, ctx: GuiContext) -> None:
    team = add_team(ctx.ledger, "治安巡防队")
    ids = {add_activity(ctx.ledger, team, "2026-11-03"), add_activity(ctx.ledger, team, "2026-11-20")}
    add_activity(ctx.ledger, team, "2026-10-31")
    page = make_page(qtbot, ctx)
    chart = page.activity_chart
    assert len(chart.bars) == 12 and chart.bars[-1].value == 2 and chart.bars[-2].value == 1

    qtbot.mouseMove(chart, bar_point(chart, 11))
    qtbot.waitUntil(lambda: chart.hovered == 11)
    assert chart.cursor().shape() == Qt.CursorShape.PointingHandCursor
    assert "2026年11月的队伍活动" in chart.bars[11].tooltip

    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=bar_point(chart, 11))
    dialog = drill_dialog(page)
    assert set(dialog.ids()) == ids and not dialog.open_button.isVisible()


def test_the_page_redraws_after_a_change(qtbot: QtBot, ctx: GuiContext) -> None:
    page = make_page(qtbot, ctx)
    assert page.tiles["year_opened"].value_label.text() == "0"
    assert page.tiles["month_rate"].value_label.text() == "–"
    add_case(ctx.ledger, "2026-11-02", result="success")
    page.apply(Changes(cases=True))
    assert page.tiles["year_opened"].value_label.text() == "1"
    assert page.tiles["month_rate"].value_label.text() == "100.0%"
    page.hide()  # the clerk is on another page: saves there do not recount here …
    add_case(ctx.ledger, "2026-11-03")
    page.apply(Changes(cases=True))
    assert page.tiles["year_opened"].value_label.text() == "1"
    page.show()  # … until the clerk comes back
    assert page.tiles["year_opened"].value_label.text() == "2"


def test_a_role_without_cases_view_sees_counts_but_no_case_records(qtbot: QtBot, ctx: GuiContext) -> None:
    add_case(ctx.ledger, "2026-11-02")
    page = make_page(qtbot, ctx)
    ctx.ledger.session.actor = Actor("a1", "luru", "录入员甲", Role.CLERK)
    dialog = page.open_tile("month_opened")
    assert dialog.model.rowCount() == 0 and "没有查看这类记录的权限" in dialog.note_label.text()


def test_report_button_opens_the_monthly_report(qtbot: QtBot, ctx: GuiContext) -> None:
    page = make_page(qtbot, ctx)
    dialog = page.open_report_dialog()
    assert isinstance(dialog, MonthlyReportDialog) and dialog.isVisible()
    dialog.close()


def test_drill_model(qtmodeltester, ledger) -> None:  # type: ignore[no-untyped-def]
    for day in ("2026-11-02", "2026-11-03"):
        add_case(ledger, day)
    drill = dashboard.figures(ledger).month.opened.drill
    model = DrillModel("cases")
    model.set_rows(dashboard.records(ledger, drill))
    assert model.rowCount() == 2 and model.headerData(0, Qt.Orientation.Horizontal) == "案号"
    assert model.index(0, 1).data() == "2026-11-03"
    qtmodeltester.check(model)


def test_main_window_lists_the_page_first_and_opens_a_drilled_case(qtbot: QtBot, ctx: GuiContext) -> None:
    from tests import casework
    from zhzx_desktop.gui.main_window import CASES, DASHBOARD, PAGES, MainWindow

    case_id = casework.open_case(ctx.ledger, casework.village(ctx.ledger), accepted_on="2026-11-02")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert PAGES[DASHBOARD][0] == "统计" and window.ui.nav_list.item(DASHBOARD).text() == "统计"
    page = window.show_page(DASHBOARD)
    assert isinstance(page, DashboardPage) and page.tiles["month_opened"].value_label.text() == "1"
    dialog = page.open_tile("month_opened")
    assert dialog.open_row(0)
    assert window.ui.nav_list.currentRow() == CASES and window.cases_page.case_id == case_id
    assert window.sync_worker.shutdown(5.0)
