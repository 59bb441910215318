"""操作记录: the recent imports and merges, each with 撤销 (undo), which runs through the operation helper."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zhzx_desktop.errors import ZhzxError
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.errors import show_error
from zhzx_desktop.services import journal
from zhzx_desktop.services.changes import Changes

_KINDS = {"import": "导入", "merge": "合并", "status": "状态"}


class JournalDialog(QDialog):
    entry_undone = Signal(object)  # Changes

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("journal_dialog")
        self.setWindowTitle(self.tr("操作记录"))
        self.ctx = ctx
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("journal_table")
        self.table.setHorizontalHeaderLabels([self.tr("时间"), self.tr("类型"), self.tr("内容"), self.tr("状态")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.undo_button = QPushButton(self.tr("撤销所选操作"))
        self.undo_button.setObjectName("undo_button")
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.reject)
        self.status_label = QLabel()
        self.status_label.setObjectName("status_label")
        self.status_label.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.undo_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("最近的导入、合并和状态更改。撤销会把这次操作改动的记录恢复原样；之后又被修改过的记录不会被覆盖。")))
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.undo_button.clicked.connect(self._on_undo_button_clicked)
        self.table.itemSelectionChanged.connect(self._update_button)
        self.resize(760, 380)
        self.reload()

    def reload(self) -> None:
        entries = journal.recent(self.ctx.ledger)
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            state = self.tr("已撤销") if entry.undone_at else self.tr("可撤销")
            for col, text in enumerate((entry.created_at.replace("T", " ").removesuffix("Z") + " UTC",
                                        _KINDS.get(entry.kind, entry.kind), entry.label, state)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, entry.id if not entry.undone_at else None)
                self.table.setItem(row, col, item)
        if entries:
            self.table.selectRow(0)
        self._update_button()

    def _selected_entry(self) -> str | None:
        item = self.table.item(self.table.currentRow(), 0) if self.table.currentRow() >= 0 else None
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return str(value) if value else None

    def _update_button(self) -> None:
        self.undo_button.setEnabled(self._selected_entry() is not None)

    def _on_undo_button_clicked(self) -> None:
        entry_id = self._selected_entry()
        if entry_id is None:
            return
        self.undo_button.setEnabled(False)
        self.ctx.runner.run(lambda ledger, progress: journal.undo(ledger, entry_id, progress), on_success=self._on_undone,
                            on_failure=self._on_failed, label=self.tr("正在撤销…"), parent=self)

    def _on_undone(self, changes: Changes) -> None:
        self.status_label.setText(self.tr("已撤销。"))
        self.reload()
        self.entry_undone.emit(changes)

    def _on_failed(self, exc: BaseException) -> None:
        self._update_button()
        if not isinstance(exc, ZhzxError):
            show_error(self, exc)
            return
        self.status_label.setText(exc.message)
        self.status_label.setStyleSheet("color: #c0392b;")
