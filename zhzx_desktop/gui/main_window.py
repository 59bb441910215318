"""The first main window: the resident count and an as-you-type search over the register."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHeaderView, QLabel, QMainWindow

from sync import outbox
from zhzx_desktop import APP_DISPLAY_NAME
from zhzx_desktop.gui.forms.ui_main_window import Ui_MainWindow
from zhzx_desktop.gui.models.resident_search_model import ResidentSearchModel
from zhzx_desktop.services import residents
from zhzx_desktop.services.ledger import Ledger

SEARCH_DEBOUNCE_MS = 150
LIST_LIMIT = 200


class MainWindow(QMainWindow):
    def __init__(self, ledger: Ledger) -> None:
        super().__init__()
        self.ledger = ledger
        self.ui = Ui_MainWindow()
        self.ui.setupUi(self)
        self.setWindowTitle(APP_DISPLAY_NAME)
        self.count_label = self.ui.count_label
        self.search_edit = self.ui.search_edit
        self.result_label = self.ui.result_label
        self.table = self.ui.resident_table
        self.model = ResidentSearchModel()
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(ResidentSearchModel.COLUMNS.index("grid"), QHeaderView.ResizeMode.Stretch)
        self.sync_label = QLabel()
        self.sync_label.setObjectName("sync_label")
        self.statusBar().addPermanentWidget(self.sync_label)
        self.statusBar().showMessage(self.tr("数据库：%1").replace("%1", str(ledger.store.path)))
        for warning in ledger.warnings:
            self.statusBar().showMessage(warning)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self._run_search)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.find_shortcut = QShortcut(QKeySequence.StandardKey.Find, self)
        self.find_shortcut.activated.connect(self._focus_search)
        self.refresh()

    def refresh(self) -> None:
        total = residents.count(self.ledger)
        self.count_label.setText(self.tr("在册居民 %1 人").replace("%1", f"{total:,}"))
        pending = outbox.status(self.ledger.store.conn).pending
        self.sync_label.setText(self.tr("未上报变更 %1 条").replace("%1", f"{pending:,}"))
        self._run_search()

    def _focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def _on_search_edit_text_changed(self, _text: str) -> None:
        self._debounce.start()

    def _run_search(self) -> None:
        query = self.search_edit.text()
        if query.strip():
            found = residents.search(self.ledger, query, LIST_LIMIT)
            self.result_label.setText(self.tr("找到 %1 人").replace("%1", str(len(found)))
                                      if found else self.tr("没有找到匹配的居民"))
        else:
            found = residents.listing(self.ledger, LIST_LIMIT)
            self.result_label.setText(self.tr("按姓名排列的前 %1 人；输入关键字搜索").replace("%1", str(len(found))))
        self.model.set_rows(found)
