"""The rows of the 今天要办 page: one dated duty of a case (``case_rules.Deadline``) per row — 事项, 案号, 纠纷, 到期日,
剩余/逾期天数, 说明. The case id is under ``UserRole``; overdue rows are drawn in red."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from zhzx_desktop.domain.case_rules import Deadline

_ROOT = QModelIndex()
OVERDUE_COLOR = QColor("#c0392b")
TODAY_COLOR = QColor("#b35900")


class DeadlineModel(QAbstractTableModel):
    COLUMNS = ("kind", "case_no", "title", "due_on", "days", "detail")

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[Deadline] = []
        self._today = date.today()
        self._headers = (self.tr("事项"), self.tr("案号"), self.tr("纠纷"), self.tr("到期日"), self.tr("剩余/逾期"),
                         self.tr("说明"))
        self._red = QBrush(OVERDUE_COLOR)
        self._orange = QBrush(TODAY_COLOR)

    def set_items(self, items: Sequence[Deadline], today: date) -> None:
        self.beginResetModel()
        self._rows = list(items)
        self._today = today
        self.endResetModel()

    def deadline_at(self, row: int) -> Deadline:
        return self._rows[row]

    def days_text(self, item: Deadline) -> str:
        """逾期3天 / 今天 / 明天 / 还有2天."""
        days = item.days_left(self._today)
        if days < 0:
            return self.tr("逾期%1天").replace("%1", str(-days))
        if days == 0:
            return self.tr("今天")
        if days == 1:
            return self.tr("明天")
        return self.tr("还有%1天").replace("%1", str(days))

    def display(self, item: Deadline, column: str) -> str:
        if column == "kind":
            return item.kind_label
        if column == "due_on":
            return item.due_on.isoformat()
        if column == "days":
            return self.days_text(item)
        return str(getattr(item, column))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(item, column)
        if role == Qt.ItemDataRole.UserRole:
            return item.case_id
        days = item.days_left(self._today)
        if role == Qt.ItemDataRole.ForegroundRole:
            if days < 0:
                return self._red
            if days == 0 and column == "days":
                return self._orange
            return None
        if role == Qt.ItemDataRole.FontRole and column == "days" and days <= 0:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and column in ("title", "detail"):
            return self.display(item, column) or None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self._headers):
            return self._headers[section]
        return None
