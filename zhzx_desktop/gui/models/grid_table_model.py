"""Grids as a table (编码, 名称, 户数, 人数, 网格员) from ``grids.summaries``; the grid id under ``UserRole``."""

from __future__ import annotations

from zhzx_desktop.gui.models.row_list_model import RowListModel
from zhzx_desktop.services.grids import GridSummary


class GridTableModel(RowListModel[GridSummary]):
    COLUMNS = ("code", "name", "households", "residents", "workers")
    RIGHT_ALIGNED = frozenset({"households", "residents"})

    def headers(self) -> tuple[str, ...]:
        return (self.tr("编码"), self.tr("名称"), self.tr("户数"), self.tr("人数"), self.tr("网格员"))

    def display(self, row: GridSummary, column: str) -> str:
        if column == "workers":
            return "、".join(row.workers) if row.workers else self.tr("（未配备）")
        if column in self.RIGHT_ALIGNED:
            return f"{getattr(row, column):,}"
        return str(getattr(row, column))
