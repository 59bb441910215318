"""The rows of the 今天要办 page: one dated duty of a case (``case_rules.Deadline``) per row — 事项, 案号, 纠纷, 到期日,
剩余/逾期天数, 说明. The case id is under ``UserRole``; overdue rows are drawn in red."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from zhzx_desktop.domain.case_rules import Deadline
from zhzx_desktop.gui.models.row_list_model import RowListModel

OVERDUE_COLOR = QColor("#c0392b")
TODAY_COLOR = QColor("#b35900")


class DeadlineModel(RowListModel[Deadline]):
    COLUMNS = ("kind", "case_no", "title", "due_on", "days", "detail")

    def __init__(self) -> None:
        super().__init__()
        self._today = date.today()
        self._red = QBrush(OVERDUE_COLOR)
        self._orange = QBrush(TODAY_COLOR)
        self._bold = QFont()
        self._bold.setBold(True)

    def headers(self) -> tuple[str, ...]:
        return (self.tr("事项"), self.tr("案号"), self.tr("纠纷"), self.tr("到期日"), self.tr("剩余/逾期"),
                self.tr("说明"))

    def set_items(self, items: Sequence[Deadline], today: date) -> None:
        self._today = today
        self.set_rows(items)

    def deadline_at(self, row: int) -> Deadline:
        return self.row_at(row)

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

    def display(self, row: Deadline, column: str) -> str:
        if column == "kind":
            return row.kind_label
        if column == "due_on":
            return row.due_on.isoformat()
        if column == "days":
            return self.days_text(row)
        return str(getattr(row, column))

    def role_data(self, row: Deadline, column: str, role: int) -> Any:
        days = row.days_left(self._today)
        if role == Qt.ItemDataRole.ForegroundRole:
            if days < 0:
                return self._red
            return self._orange if days == 0 and column == "days" else None
        if role == Qt.ItemDataRole.FontRole and column == "days" and days <= 0:
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole and column in ("title", "detail"):
            return self.display(row, column) or None
        return None
