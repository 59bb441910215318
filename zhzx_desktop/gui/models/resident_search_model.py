"""Search results as a table: one row per ``ResidentRow``; everything sensitive already masked."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from zhzx_desktop.services.residents import ResidentRow

_STATUS = {"active": "在册", "moved_out": "已迁出", "deceased": "已故", "merged": "已合并", "deleted": "已删除"}


class ResidentSearchModel(QAbstractTableModel):
    COLUMNS = ("name", "sex", "birth_date", "id_masked", "phone_masked", "household_no", "grid", "status")

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[ResidentRow] = []
        self._headers = (self.tr("姓名"), self.tr("性别"), self.tr("出生日期"), self.tr("身份证号"),
                         self.tr("联系电话"), self.tr("户号"), self.tr("网格"), self.tr("状态"))

    def set_rows(self, rows: Sequence[ResidentRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> ResidentRow:
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        resident = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = getattr(resident, self.COLUMNS[index.column()]) or ""
            return _STATUS.get(value, value) if self.COLUMNS[index.column()] == "status" else str(value)
        if role == Qt.ItemDataRole.UserRole:
            return resident.id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self._headers):
            return self._headers[section]
        return None
