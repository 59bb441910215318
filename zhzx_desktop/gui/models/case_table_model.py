"""The case list of the 调解 page: 案号, 当事人, 纠纷类型, 受理日期, 状态, 调解期限 (an open case past its deadline in
red)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from zhzx_desktop.domain import case_rules
from zhzx_desktop.gui.models.row_list_model import RowListModel
from zhzx_desktop.services.cases import CaseRow

OVERDUE = QColor("#c0392b")
_DONE = QColor("#777777")


class CaseTableModel(RowListModel[CaseRow]):
    COLUMNS = ("case_no", "parties", "dispute_type", "accepted_on", "status_label", "deadline_on")

    def __init__(self, today: date) -> None:
        super().__init__()
        self.today = today

    def headers(self) -> tuple[str, ...]:
        return (self.tr("案号"), self.tr("当事人"), self.tr("纠纷类型"), self.tr("受理日期"), self.tr("状态"),
                self.tr("调解期限"))

    def overdue(self, row: CaseRow) -> bool:
        return (row.status in case_rules.OPEN and row.deadline_on is not None
                and row.deadline_on < self.today.isoformat())

    def display(self, row: CaseRow, column: str) -> str:
        if column == "deadline_on":
            return (row.deadline_on or "") if row.status in case_rules.OPEN else ""
        if column == "status_label" and row.status == "agreed" and "（" in row.status_label:
            return row.status_label.partition("（")[2].rstrip("）")  # 履行中 / 已履行: the column stays narrow
        return str(getattr(row, column))

    def role_data(self, row: CaseRow, column: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == "deadline_on" and self.overdue(row):
                return QBrush(OVERDUE)
            if row.status == "archived":
                return QBrush(_DONE)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == "deadline_on" and self.overdue(row):
                return self.tr("已超过一个月的调解期限")
            if column in ("parties", "status_label", "dispute_type", "case_no"):
                return str(getattr(row, column))
        return None
