"""Households as a table (户号, 户主, 地址, 网格, 人数): one row per ``HouseholdRow``; the household id under
``UserRole``. The page fills it with a bounded list (``LIMIT``), never the whole register."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from zhzx_desktop.services.households import HouseholdRow

_ROOT = QModelIndex()  # the parent of every row (a flat table)


class HouseholdTableModel(QAbstractTableModel):
    COLUMNS = ("household_no", "head", "address", "grid", "members")

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[HouseholdRow] = []
        self._headers = (self.tr("户号"), self.tr("户主"), self.tr("地址"), self.tr("网格"), self.tr("人数"))

    def set_rows(self, rows: Sequence[HouseholdRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> HouseholdRow:
        return self._rows[row]

    def row_of(self, household_id: str) -> int:
        """The row showing ``household_id``, or -1."""
        return next((i for i, r in enumerate(self._rows) if r.id == household_id), -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        household = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "head" and not household.head:
                return self.tr("（无户主）")
            return str(getattr(household, column))
        if role == Qt.ItemDataRole.UserRole:
            return household.id
        if role == Qt.ItemDataRole.TextAlignmentRole and column == "members":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self._headers):
            return self._headers[section]
        return None
