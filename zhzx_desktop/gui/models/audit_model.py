"""The rows of the 审计 page: the audit log newest first, read a page at a time (keyset paging on ``seq`` through
``fetchMore``, so a log of years opens at once). Columns 时间, 用户, 操作, 对象, 结果 and the entry as a sentence;
a failure is red. ``UserRole``: the entry's seq (int)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from zhzx_desktop.security import audit

FAILED_COLOR = QColor("#c0392b")
PAGE_SIZE = 200

_Index = QModelIndex | QPersistentModelIndex


class AuditModel(QAbstractTableModel):
    COLUMNS = ("at", "who", "action", "object", "result", "sentence")

    def __init__(self, conn: Callable[[], sqlite3.Connection], parent: QObject | None = None,
                 page_size: int = PAGE_SIZE) -> None:
        super().__init__(parent)
        self._conn = conn
        self._page = page_size
        self._filter = audit.AuditFilter()
        self._rows: list[audit.AuditEntry] = []
        self._more = False
        self._failed = QBrush(FAILED_COLOR)

    # -------------------------------------------------------------------------------------------- loading

    @property
    def filter(self) -> audit.AuditFilter:
        return self._filter

    def reload(self, flt: audit.AuditFilter | None = None) -> None:
        """Show the first page of the entries matching ``flt`` (the current filter when None)."""
        if flt is not None:
            self._filter = flt
        self.beginResetModel()
        self._rows = audit.entries(self._conn(), self._filter, limit=self._page)
        self._more = len(self._rows) == self._page
        self.endResetModel()

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more or not self._rows:
            return
        more = audit.entries(self._conn(), self._filter, before_seq=self._rows[-1].seq, limit=self._page)
        self._more = len(more) == self._page
        if more:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
            self._rows.extend(more)
            self.endInsertRows()

    def entry_at(self, row: int) -> audit.AuditEntry | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    # -------------------------------------------------------------------------------------------- the table

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.COLUMNS):
            return (self.tr("时间"), self.tr("用户"), self.tr("操作"), self.tr("对象"), self.tr("结果"),
                    self.tr("记录"))[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entry = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(entry, column)
        if role == Qt.ItemDataRole.UserRole:
            return entry.seq
        if role == Qt.ItemDataRole.ToolTipRole:
            return audit.sentence(entry)
        if role == Qt.ItemDataRole.ForegroundRole and not entry.success and column in ("result", "action"):
            return self._failed
        return None

    def display(self, entry: audit.AuditEntry, column: str) -> str:
        if column == "at":
            return audit.when(entry.at)
        if column == "who":
            return audit.who(entry)
        if column == "action":
            return audit.action_text(entry)
        if column == "object":
            return audit.object_text(entry)
        if column == "result":
            return self.tr("成功") if entry.success else self.tr("失败")
        return audit.sentence(entry)
