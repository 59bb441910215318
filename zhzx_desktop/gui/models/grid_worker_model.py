"""The workers of one grid (姓名, 角色, 联系电话, 任职日期, 离任日期): role labels, phones masked; the worker id
under ``UserRole``. Workers who have left are shown grey."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from zhzx_desktop.services.grids import WorkerRow

_ROOT = QModelIndex()  # the parent of every row (a flat table)
_ENDED = QColor("#808080")


class GridWorkerModel(QAbstractTableModel):
    COLUMNS = ("name", "role_label", "phone_masked", "since", "until")

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[WorkerRow] = []
        self._headers = (self.tr("姓名"), self.tr("角色"), self.tr("联系电话"), self.tr("任职日期"),
                         self.tr("离任日期"))

    def set_rows(self, rows: Sequence[WorkerRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> WorkerRow:
        return self._rows[row]

    def row_of(self, worker_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == worker_id), -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        worker = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(getattr(worker, column))
        if role == Qt.ItemDataRole.UserRole:
            return worker.id
        if role == Qt.ItemDataRole.ForegroundRole and not worker.active:
            return QBrush(_ENDED)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self._headers):
            return self._headers[section]
        return None
