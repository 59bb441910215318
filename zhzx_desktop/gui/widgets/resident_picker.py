"""Pick a registered resident by typing (name, pinyin, initials, ID last digits, phone), as in the main search."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from zhzx_desktop.services import residents
from zhzx_desktop.services.ledger import Ledger

DEBOUNCE_MS = 150
LIMIT = 30


class ResidentPicker(QWidget):
    picked = Signal(str)  # resident id, on double-click or Enter

    def __init__(self, ledger: Ledger, parent: QWidget | None = None, *, exclude: set[str] | None = None) -> None:
        super().__init__(parent)
        self._ledger = ledger
        self.exclude = exclude or set()
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("picker_search")
        self.search_edit.setPlaceholderText(self.tr("输入姓名、拼音、首字母、身份证后4位或电话查找居民"))
        self.results = QListWidget()
        self.results.setObjectName("picker_results")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.results)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.run_search)
        self.search_edit.textChanged.connect(lambda _text: self._debounce.start())
        self.results.itemActivated.connect(self._on_results_item_activated)
        self.search_edit.installEventFilter(self)
        self.results.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter in the picker picks (and goes no further: it must not press the dialog's default button)."""
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            if watched is self.search_edit:
                self.run_search()
            chosen = self.selected_id()
            if chosen is not None:
                self.picked.emit(chosen)
            return True
        return False

    def run_search(self) -> None:
        self._debounce.stop()
        self.results.clear()
        query = self.search_edit.text()
        if not query.strip():
            return
        for row in residents.search(self._ledger, query, LIMIT + len(self.exclude)):
            if row.id in self.exclude or row.status != "active":
                continue
            text = "  ".join(p for p in (row.name, row.sex, row.birth_date or "", row.id_masked, row.household_no
                                         and f"户号{row.household_no}", row.grid) if p)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def selected_id(self) -> str | None:
        item = self.results.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def _on_results_item_activated(self, item: QListWidgetItem) -> None:
        self.picked.emit(str(item.data(Qt.ItemDataRole.UserRole)))
