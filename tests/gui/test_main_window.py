"""The main window: navigation, status bar, shortcuts to the current page, changes reaching every page,
remembered geometry and page."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence

from tests.helpers import make_id
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.resident_dialog import ResidentDialog
from zhzx_desktop.gui.main_window import MainWindow
from zhzx_desktop.gui.settings import Settings
from zhzx_desktop.services import residents
from zhzx_desktop.services.residents import ResidentInput


def _window(qtbot, ctx: GuiContext) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    return window


def test_navigation_lists_the_pages_and_switches(qtbot, ctx: GuiContext) -> None:
    window = _window(qtbot, ctx)
    titles = [window.ui.nav_list.item(i).text() for i in range(window.ui.nav_list.count())]
    assert titles == ["居民", "户", "网格", "队伍"]
    window.ui.nav_list.setCurrentRow(3)
    assert window.current_page() is window.page(3) and window.ui.page_stack.currentWidget() is window.page(3)
    assert window.page(3).title == "队伍" and window.ui.page_stack.count() == 4


def test_status_bar_counts_residents_and_unreported_changes(qtbot, ctx: GuiContext) -> None:
    residents.register_many(ctx.ledger, [ResidentInput(name="张三", id_number=make_id(seq=1)),
                                         ResidentInput(name="李四")])
    window = _window(qtbot, ctx)
    assert window.count_label.text() == "在册居民 2 人"
    pending = ctx.ledger.store.conn.execute("SELECT count(*) FROM sync_outbox WHERE state = 'pending'").fetchone()[0]
    assert pending > 0 and window.sync_label.text() == f"未上报变更 {pending} 条"


def test_ctrl_n_and_ctrl_f_act_on_the_current_page(qtbot, ctx: GuiContext) -> None:
    window = _window(qtbot, ctx)
    assert window.new_shortcut.key() == QKeySequence(QKeySequence.StandardKey.New)
    assert window.find_shortcut.key() == QKeySequence(QKeySequence.StandardKey.Find)
    window.show()
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


def test_geometry_and_page_are_remembered(qtbot, ctx: GuiContext, settings: Settings) -> None:
    window = _window(qtbot, ctx)
    window.show()
    window.resize(window.minimumSizeHint().width(), 480)  # the offscreen screen is 800 px wide
    saved = (window.width(), window.height())
    window.ui.nav_list.setCurrentRow(2)
    window.close()
    again = MainWindow(GuiContext(ctx.ledger, ctx.runner, Settings(settings.path)))
    qtbot.addWidget(again)
    assert again.current_page() is again.page(2) and again.page(2).title == "网格"
    assert again.height() == saved[1] == 480 and abs(again.width() - saved[0]) <= 4  # offscreen frame margins
