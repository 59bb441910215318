"""The main window: navigation (居民、户、网格、队伍), one page per entry, a status bar with the register size and the
changes not yet reported to the county, remembered geometry, Ctrl+F / Ctrl+N for the current page."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

from sync import outbox
from zhzx_desktop import APP_DISPLAY_NAME
from zhzx_desktop.gui import settings as keys
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.errors import show_message
from zhzx_desktop.gui.forms.ui_main_window import Ui_MainWindow
from zhzx_desktop.gui.pages.page import Page
from zhzx_desktop.gui.pages.residents_page import ResidentsPage
from zhzx_desktop.services import residents
from zhzx_desktop.services.changes import Changes


def _households(ctx: GuiContext) -> Page:
    from zhzx_desktop.gui.pages.households_page import HouseholdsPage
    return HouseholdsPage(ctx)


def _grids(ctx: GuiContext) -> Page:
    from zhzx_desktop.gui.pages.grids_page import GridsPage
    return GridsPage(ctx)


def _teams(ctx: GuiContext) -> Page:
    from zhzx_desktop.gui.pages.teams_page import TeamsPage
    return TeamsPage(ctx)


# The navigation, in order. Pages other than 居民 are built (and their modules imported) when first opened, so
# start-up pays only for the page the clerk sees first.
PAGES: tuple[tuple[str, Callable[[GuiContext], Page]], ...] = (
    ("居民", ResidentsPage), ("户", _households), ("网格", _grids), ("队伍", _teams))


class MainWindow(QMainWindow):
    def __init__(self, ctx: GuiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.ui = Ui_MainWindow()
        self.ui.setupUi(self)
        self.setWindowTitle(APP_DISPLAY_NAME)
        self._pages: list[Page | None] = [None] * len(PAGES)
        for title, _factory in PAGES:
            self.ui.nav_list.addItem(self.tr(title))
            self.ui.page_stack.addWidget(QWidget())  # a placeholder until the page is first opened
        self.ui.nav_list.currentRowChanged.connect(self._on_nav_list_current_row_changed)
        self.page(0)
        self.count_label = QLabel()
        self.count_label.setObjectName("count_label")
        self.sync_label = QLabel()
        self.sync_label.setObjectName("sync_label")
        self.ui.status_bar.addPermanentWidget(self.count_label)
        self.ui.status_bar.addPermanentWidget(self.sync_label)
        self.ui.status_bar.showMessage(self.tr("数据库：%1").replace("%1", str(ctx.ledger.store.path)))
        for warning in ctx.ledger.warnings:
            self.ui.status_bar.showMessage(warning)
        self.find_shortcut = QShortcut(QKeySequence.StandardKey.Find, self)
        self.find_shortcut.activated.connect(lambda: self.current_page().focus_search())
        self.new_shortcut = QShortcut(QKeySequence.StandardKey.New, self)
        self.new_shortcut.activated.connect(lambda: self.current_page().new_item())
        self.restoreGeometry(ctx.settings.get(keys.WINDOW_GEOMETRY))
        self.ui.nav_list.setCurrentRow(min(max(ctx.settings.get(keys.LAST_PAGE), 0), len(PAGES) - 1))
        self.update_status()

    def page(self, index: int) -> Page:
        """The page at ``index`` of the navigation, built on first use."""
        page = self._pages[index]
        if page is None:
            page = PAGES[index][1](self.ctx)
            page.changed.connect(self.apply)
            placeholder = self.ui.page_stack.widget(index)
            self.ui.page_stack.insertWidget(index, page)
            self.ui.page_stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self._pages[index] = page
        return page

    @property
    def residents_page(self) -> ResidentsPage:
        page = self.page(0)
        assert isinstance(page, ResidentsPage)
        return page

    def current_page(self) -> Page:
        return self.page(self.ui.page_stack.currentIndex())

    def _on_nav_list_current_row_changed(self, row: int) -> None:
        if row >= 0:
            self.page(row)
            self.ui.page_stack.setCurrentIndex(row)

    def apply(self, changes: Changes) -> None:
        """A page saved something: every built page redraws what the change record says changed (a page built
        later reads everything fresh)."""
        for page in self._pages:
            if page is not None:
                page.apply(changes)
        self.update_status()

    def update_status(self) -> None:
        total = residents.count(self.ctx.ledger)
        self.count_label.setText(self.tr("在册居民 %1 人").replace("%1", f"{total:,}"))
        pending = outbox.status(self.ctx.ledger.store.conn).pending
        self.sync_label.setText(self.tr("未上报变更 %1 条").replace("%1", f"{pending:,}"))

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.ctx.runner.busy:  # closing would wait for it with a frozen window: say so instead
            event.ignore()
            show_message(self, self.tr("还有操作正在进行（如导入、导出）。请等它完成，或在进度窗口中点“取消”后再关闭。"))
            return
        self.ctx.settings.set(keys.WINDOW_GEOMETRY, self.saveGeometry())
        self.ctx.settings.set(keys.LAST_PAGE, self.ui.page_stack.currentIndex())
        self.ctx.settings.sync()
        super().closeEvent(event)
        if event.isAccepted():
            self.ctx.runner.shutdown()
