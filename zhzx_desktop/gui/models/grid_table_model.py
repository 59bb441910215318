"""Grids as a table (编码, 名称, 户数, 人数, 网格员) from ``grids.summaries``; the grid id under ``UserRole``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from zhzx_desktop.services.grids import GridSummary

_ROOT = QModelIndex()  # the parent of every row (a flat table)


class GridTableModel(QAbstractTableModel):
    COLUMNS = ("code", "name", "households", "residents", "workers")

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[GridSummary] = []
        self._headers = (self.tr("编码"), self.tr("名称"), self.tr("户数"), self.tr("人数"), self.tr("网格员"))

    def set_rows(self, rows: Sequence[GridSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> GridSummary:
        return self._rows[row]

    def row_of(self, grid_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == grid_id), -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        grid = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "workers":
                return "、".join(grid.workers) if grid.workers else self.tr("（未配备）")
            if column in ("households", "residents"):
                return f"{getattr(grid, column):,}"
            return str(getattr(grid, column))
        if role == Qt.ItemDataRole.UserRole:
            return grid.id
        if role == Qt.ItemDataRole.TextAlignmentRole and column in ("households", "residents"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self._headers):
            return self._headers[section]
        return None
