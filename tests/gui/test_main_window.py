"""The main window: navigation opening on 今天要办, status bar, shortcuts to the current page, changes reaching every
page, remembered geometry, the 设置 menu, one click from a due item to its case."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence

from tests import casework
from tests.helpers import make_id
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.committee_dialog import CommitteeDialog
from zhzx_desktop.gui.dialogs.resident_dialog import ResidentDialog
from zhzx_desktop.gui.main_window import CASES, RESIDENTS, TODAY, MainWindow
from zhzx_desktop.gui.pages.today_page import TodayPage
from zhzx_desktop.gui.settings import Settings
from zhzx_desktop.services import committee, residents
from zhzx_desktop.services.residents import ResidentInput


def _window(qtbot, ctx: GuiContext) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    return window


def test_navigation_lists_the_pages_and_opens_on_today(qtbot, ctx: GuiContext) -> None:
    window = _window(qtbot, ctx)
    titles = [window.ui.nav_list.item(i).text() for i in range(window.ui.nav_list.count())]
    assert titles == ["统计", "今天要办", "居民", "户", "网格", "队伍", "调解", "同步", "账户", "审计", "备份"]
    assert window.ui.nav_list.currentRow() == TODAY and isinstance(window.current_page(), TodayPage)
    assert window._pages[RESIDENTS] is None  # the other pages are built when first opened
    window.ui.nav_list.setCurrentRow(5)
    assert window.current_page() is window.page(5) and window.ui.page_stack.currentWidget() is window.page(5)
    assert window.page(5).title == "队伍" and window.ui.page_stack.count() == len(titles)


def test_status_bar_counts_residents_and_unreported_changes(qtbot, ctx: GuiContext) -> None:
    residents.register_many(ctx.ledger, [ResidentInput(name="张三", id_number=make_id(seq=1)),
                                         ResidentInput(name="李四")])
    window = _window(qtbot, ctx)
    assert window.count_label.text() == "在册居民 2 人"
    pending = ctx.ledger.store.conn.execute("SELECT count(*) FROM sync_outbox WHERE state = 'pending'").fetchone()[0]
    assert pending > 0 and window.sync_label.text() == f"同步：{pending}条待上报"


def test_ctrl_n_and_ctrl_f_act_on_the_current_page(qtbot, ctx: GuiContext) -> None:
    window = _window(qtbot, ctx)
    assert window.new_shortcut.key() == QKeySequence(QKeySequence.StandardKey.New)
    assert window.find_shortcut.key() == QKeySequence(QKeySequence.StandardKey.Find)
    window.show()
    window.show_page(RESIDENTS)
    window.new_shortcut.activated.emit()  # offscreen windows never become active, so activate the binding
    page = window.residents_page
    assert isinstance(page.dialog, ResidentDialog) and page.dialog.isVisible()
    page.dialog.reject()
    window.find_shortcut.activated.emit()
    assert window.focusWidget() is page.search_edit  # focus goes there when the window is active


def test_a_save_on_one_page_refreshes_the_status_and_the_list(qtbot, ctx: GuiContext) -> None:
    window = _window(qtbot, ctx)
    dialog = window.residents_page.new_item()
    dialog.ui.name_edit.setText("王五")
    dialog.accept()
    assert window.count_label.text() == "在册居民 1 人"
    assert window.residents_page.model.rowCount() == 1
    changes = residents.set_status(ctx.ledger, dialog.changes.row_id, "moved_out")
    window.residents_page.changed.emit(changes)
    assert window.count_label.text() == "在册居民 0 人"  # moved out: no longer 在册, as on the 统计 page


def test_geometry_is_remembered_and_the_window_reopens_on_today(qtbot, ctx: GuiContext, settings: Settings) -> None:
    window = _window(qtbot, ctx)
    window.show()
    window.ui.nav_list.setCurrentRow(4)  # 网格 (wider than 今天要办): the window keeps what the clerk left
    window.resize(window.minimumSizeHint().width(), 480)  # the offscreen screen is 800 px wide
    saved = (window.width(), window.height())
    window.close()
    again = MainWindow(GuiContext(ctx.ledger, ctx.runner, Settings(settings.path)))
    qtbot.addWidget(again)
    assert again.current_page() is again.today_page and again.ui.nav_list.currentRow() == TODAY
    assert again.height() == saved[1] == 480 and abs(again.width() - saved[0]) <= 4  # offscreen frame margins


def test_status_bar_and_navigation_show_what_is_due(qtbot, ctx: GuiContext) -> None:
    window = _window(qtbot, ctx)
    assert window.due_label.text() == "今天要办：无"
    v = casework.village(ctx.ledger)
    casework.open_case(ctx.ledger, v, accepted_on="2026-10-01")  # its 30-day limit passed on 2026-10-31
    casework.agreed_case(ctx.ledger, v)  # an installment due 2026-11-30
    window.new_shortcut.activated.emit()  # no-op on 今天要办
    window.today_page.changed.emit(committee.save(ctx.ledger, casework.COMMITTEE))  # any change to cases
    assert window.due_label.text() == "今天要办：已逾期 1 项，7天内到期 1 项"
    item = window.ui.nav_list.item(TODAY)
    assert item.toolTip() == window.due_label.text() and item.foreground().color().name() == "#c0392b"


def test_settings_menu_opens_the_committee_dialog(qtbot, ctx: GuiContext) -> None:
    window = _window(qtbot, ctx)
    window.show()
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["设置(&S)", "账户(&A)"] and window.committee_action.text() == "调委会设置…"
    window.committee_action.trigger()
    dialog = window.dialog
    assert isinstance(dialog, CommitteeDialog) and dialog.isVisible()
    dialog.ui.name_edit.setText("青石村人民调解委员会")
    dialog.ui.prefix_edit.setText("青石村")
    dialog.accept()
    assert committee.load(ctx.ledger).prefix == "青石村" and not dialog.isVisible()


def test_a_due_item_opens_its_case_on_the_cases_page(qtbot, ctx: GuiContext) -> None:
    case_id = casework.agreed_case(ctx.ledger, casework.village(ctx.ledger))
    window = _window(qtbot, ctx)
    window.show()
    window.today_page.select_row("due_soon", 0)
    window.today_page.open_button.click()
    assert window.ui.nav_list.currentRow() == CASES and window.current_page() is window.cases_page
    assert window.cases_page.title == "调解"
    assert window.cases_page.case_id == case_id
