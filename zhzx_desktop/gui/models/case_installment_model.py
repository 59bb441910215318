"""The installments of an agreement: 期次, 到期日期, 金额, 付款人, 收款人, 履行情况 (an unpaid one past due in red)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from zhzx_desktop.gui.models.row_list_model import RowListModel
from zhzx_desktop.services.cases import InstallmentRow
from zhzx_desktop.services.fields import yuan

_LATE = QColor("#c0392b")
_PAID = QColor("#1e7d32")


class CaseInstallmentModel(RowListModel[InstallmentRow]):
    COLUMNS = ("number", "due_on", "amount", "payer", "payee", "state")
    RIGHT_ALIGNED = frozenset({"amount"})

    def __init__(self, today: date) -> None:
        super().__init__()
        self.today = today

    def headers(self) -> tuple[str, ...]:
        return (self.tr("期次"), self.tr("到期日期"), self.tr("金额（元）"), self.tr("付款人"), self.tr("收款人"),
                self.tr("履行情况"))

    def late(self, row: InstallmentRow) -> bool:
        return row.paid_on is None and row.due_on < self.today.isoformat()

    def display(self, row: InstallmentRow, column: str) -> str:
        if column == "number":
            return self.tr("第%1期").replace("%1", str(self.row_of(row.id) + 1))
        if column == "amount":
            return yuan(row.amount_fen)
        if column == "state":
            if row.paid_on:
                return self.tr("已付（%1）").replace("%1", row.paid_on)
            return self.tr("逾期未付") if self.late(row) else self.tr("未付")
        return str(getattr(row, column))

    def role_data(self, row: InstallmentRow, column: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column == "state":
            if row.paid_on:
                return QBrush(_PAID)
            if self.late(row):
                return QBrush(_LATE)
        return None
