"""The workers of one grid (姓名, 角色, 联系电话, 任职日期, 离任日期): role labels, phones masked; the worker id
under ``UserRole``. Workers who have left are shown grey."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from zhzx_desktop.gui.models.row_list_model import RowListModel
from zhzx_desktop.services.grids import WorkerRow

_ENDED = QColor("#808080")


class GridWorkerModel(RowListModel[WorkerRow]):
    COLUMNS = ("name", "role_label", "phone_masked", "since", "until")

    def headers(self) -> tuple[str, ...]:
        return (self.tr("姓名"), self.tr("角色"), self.tr("联系电话"), self.tr("任职日期"), self.tr("离任日期"))

    def role_data(self, row: WorkerRow, column: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and not row.active:
            return QBrush(_ENDED)
        return None
