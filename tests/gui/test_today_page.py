"""今天要办: overdue and due-soon duties in two groups, the day counts in words, one click (double-click, Enter,
打开案件) to the case, a friendly empty page, a reload when cases change."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush

from tests import casework
from tests.conftest import TODAY
from zhzx_desktop.domain.case_rules import Deadline
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.models.deadline_model import OVERDUE_COLOR, DeadlineModel
from zhzx_desktop.gui.pages.today_page import TodayPage
from zhzx_desktop.services import deadlines
from zhzx_desktop.services.changes import Changes


def _page(qtbot, ctx: GuiContext) -> TodayPage:
    page = TodayPage(ctx)
    qtbot.addWidget(page)
    return page


def _cells(model: DeadlineModel, row: int) -> list[str]:
    return [model.index(row, c).data() for c in range(model.columnCount())]


def _cases(ctx: GuiContext) -> dict[str, str]:
    """An overdue mediation limit, a limit due in 2 days and an installment due in 7 days."""
    v = casework.village(ctx.ledger, people=6)
    return {"agreed": casework.agreed_case(ctx.ledger, v),
            "overdue": casework.open_case(ctx.ledger, v, accepted_on="2026-10-01"),
            "soon": casework.open_case(ctx.ledger, v, accepted_on="2026-10-26")}


def test_nothing_due_says_so(qtbot, ctx: GuiContext) -> None:
    page = _page(qtbot, ctx)
    page.show()
    assert page.title == "今天要办"
    assert page.empty_label.isVisible() and "今天没有到期或逾期的事项" in page.empty_label.text()
    assert not page.overdue_table.isVisible() and not page.soon_table.isVisible()
    assert page.counts() == (0, 0) and not page.open_button.isVisible() and not page.summary_label.isVisible()
    assert page.date_label.text() == "2026年11月23日 星期一"


def test_overdue_and_due_soon_in_two_groups(qtbot, ctx: GuiContext) -> None:
    ids = _cases(ctx)
    page = _page(qtbot, ctx)
    page.show()
    assert page.counts() == (1, 2) and not page.empty_label.isVisible()
    assert page.summary_label.text() == "已逾期 1 项，7天内到期 2 项"
    assert page.overdue_label.text() == "已逾期（1 项）" and page.soon_label.text() == "7天内到期（2 项）"
    overdue = _cells(page.overdue_model, 0)
    assert overdue[0] == "调解期限" and overdue[1] == "（2026）青石村人调字第002号"
    assert overdue[2] == "周建国、吴秀英 邻里纠纷" and overdue[3:5] == ["2026-10-31", "逾期23天"]
    assert page.overdue_model.index(0, 0).data(Qt.ItemDataRole.UserRole) == ids["overdue"]
    brush = page.overdue_model.index(0, 1).data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(brush, QBrush) and brush.color() == OVERDUE_COLOR
    assert _cells(page.soon_model, 0)[0::4] == ["调解期限", "还有2天"]
    assert _cells(page.soon_model, 1) == ["分期履行", "（2026）青石村人调字第001号", "周建国、吴秀英 邻里纠纷",
                                          "2026-11-30", "还有7天", "6,000.00 元"]
    assert page.soon_model.index(0, 1).data(Qt.ItemDataRole.ForegroundRole) is None
    headers = [page.soon_model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)]
    assert headers == ["事项", "案号", "纠纷", "到期日", "剩余/逾期", "说明"]


def test_today_and_tomorrow_in_words(qtbot) -> None:
    model = DeadlineModel()
    items = [Deadline("follow_up", date(2026, 11, 23), "a", "A", "t"), Deadline("follow_up", date(2026, 11, 24), "b",
                                                                                "B", "t")]
    model.set_items(items, TODAY)
    assert [model.index(r, 4).data() for r in range(2)] == ["今天", "明天"]
    assert model.index(0, 4).data(Qt.ItemDataRole.FontRole).bold()


def test_the_model_passes_the_model_tester(qtmodeltester, ctx: GuiContext) -> None:
    _cases(ctx)
    model = DeadlineModel()
    model.set_items(deadlines.due_items(ctx.ledger), TODAY)
    assert model.rowCount() == 3
    qtmodeltester.check(model)


def test_double_click_enter_and_button_ask_for_the_case(qtbot, ctx: GuiContext) -> None:
    ids = _cases(ctx)
    page = _page(qtbot, ctx)
    page.show()
    asked: list[str] = []
    page.case_requested.connect(asked.append)
    page.select_row("due_soon", 1)
    assert page.selected() is not None and page.open_button.isEnabled()
    page.open_button.click()
    assert asked == [ids["agreed"]]
    table = page.soon_table
    rect = table.visualRect(page.soon_model.index(0, 2))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # a real double-click
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # starts with a press
    assert asked == [ids["agreed"], ids["soon"]]  # once per double-click
    page.select_row("overdue", 0)
    assert not page.soon_table.selectionModel().hasSelection()  # one selection across both groups
    qtbot.keyClick(page.overdue_table, Qt.Key.Key_Return)
    assert asked[-1] == ids["overdue"] and len(asked) == 3


def test_reloads_when_cases_change(qtbot, ctx: GuiContext) -> None:
    page = _page(qtbot, ctx)
    counted: list[tuple[int, int]] = []
    page.due_counted.connect(lambda overdue, soon: counted.append((overdue, soon)))
    _cases(ctx)
    page.apply(Changes(residents=True))
    assert page.counts() == (0, 0) and not counted
    page.apply(Changes(cases=True))
    assert page.counts() == (1, 2) and counted == [(1, 2)]
    assert page.empty_label.isHidden() and not page.overdue_table.isHidden()


def test_reloads_when_shown_again(qtbot, ctx: GuiContext) -> None:
    page = _page(qtbot, ctx)
    page.show()
    _cases(ctx)  # e.g. received by sync: no change record reached the page
    page.hide()
    page.show()
    assert page.counts() == (1, 2)
