"""A case's 回访: planned date, date done, form, who was visited, performance, satisfaction, visitor."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.gui.models.row_list_model import RowListModel
from zhzx_desktop.services.cases import FollowUpRow

_LATE = QColor("#c0392b")


class CaseFollowUpModel(RowListModel[FollowUpRow]):
    COLUMNS = ("due_on", "done_on", "form", "party", "performance", "satisfaction", "visitor")

    def __init__(self, today: date) -> None:
        super().__init__()
        self.today = today
        self._tables = {c: code_table(t) for c, t in (("form", "follow_up_form"), ("performance", "performance_state"),
                                                      ("satisfaction", "satisfaction"))}

    def headers(self) -> tuple[str, ...]:
        return (self.tr("计划日期"), self.tr("回访日期"), self.tr("回访形式"), self.tr("受访当事人"),
                self.tr("履行情况"), self.tr("满意度"), self.tr("回访人"))

    def late(self, row: FollowUpRow) -> bool:
        return row.done_on is None and row.due_on is not None and row.due_on < self.today.isoformat()

    def display(self, row: FollowUpRow, column: str) -> str:
        if column == "done_on":
            return row.done_on or self.tr("尚未回访")
        if column in self._tables:
            value = str(getattr(row, column))
            return self._tables[column].label_or(value, value) if value else ""
        return str(getattr(row, column) or "")

    def role_data(self, row: FollowUpRow, column: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column in ("due_on", "done_on") and self.late(row):
            return QBrush(_LATE)
        return None
