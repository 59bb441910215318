"""The main window: navigation (居民、户、网格、队伍), one page per entry, a status bar with the register size and the
changes not yet reported to the county, remembered geometry, Ctrl+F / Ctrl+N for the current page."""

from __future__ import annotations

from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMainWindow

from sync import outbox
from zhzx_desktop import APP_DISPLAY_NAME
from zhzx_desktop.gui import settings as keys
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.forms.ui_main_window import Ui_MainWindow
from zhzx_desktop.gui.pages.grids_page import GridsPage
from zhzx_desktop.gui.pages.households_page import HouseholdsPage
from zhzx_desktop.gui.pages.page import Page
from zhzx_desktop.gui.pages.residents_page import ResidentsPage
from zhzx_desktop.gui.pages.teams_page import TeamsPage
from zhzx_desktop.services import residents
from zhzx_desktop.services.changes import Changes


class MainWindow(QMainWindow):
    def __init__(self, ctx: GuiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.ui = Ui_MainWindow()
        self.ui.setupUi(self)
        self.setWindowTitle(APP_DISPLAY_NAME)
        self.pages: list[Page] = [ResidentsPage(ctx), HouseholdsPage(ctx), GridsPage(ctx), TeamsPage(ctx)]
        for page in self.pages:
            self.ui.nav_list.addItem(self.tr(page.title))
            self.ui.page_stack.addWidget(page)
            page.changed.connect(self.apply)
        self.ui.nav_list.currentRowChanged.connect(self.ui.page_stack.setCurrentIndex)
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
        self.ui.nav_list.setCurrentRow(min(max(ctx.settings.get(keys.LAST_PAGE), 0), len(self.pages) - 1))
        self.update_status()

    @property
    def residents_page(self) -> ResidentsPage:
        page = self.pages[0]
        assert isinstance(page, ResidentsPage)
        return page

    def current_page(self) -> Page:
        return self.pages[self.ui.page_stack.currentIndex()]

    def show_page(self, page: Page) -> None:
        self.ui.nav_list.setCurrentRow(self.pages.index(page))

    def apply(self, changes: Changes) -> None:
        """A page saved something: every page redraws what the change record says changed."""
        for page in self.pages:
            page.apply(changes)
        self.update_status()

    def update_status(self) -> None:
        total = residents.count(self.ctx.ledger)
        self.count_label.setText(self.tr("在册居民 %1 人").replace("%1", f"{total:,}"))
        pending = outbox.status(self.ctx.ledger.store.conn).pending
        self.sync_label.setText(self.tr("未上报变更 %1 条").replace("%1", f"{pending:,}"))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.ctx.settings.set(keys.WINDOW_GEOMETRY, self.saveGeometry())
        self.ctx.settings.set(keys.LAST_PAGE, self.ui.page_stack.currentIndex())
        self.ctx.settings.sync()
        super().closeEvent(event)
        if event.isAccepted():
            self.ctx.runner.shutdown()
