"""Households as a table (户号, 户主, 地址, 网格, 人数): one row per ``HouseholdRow``; the household id under
``UserRole``. The page fills it with a bounded list (``LIMIT``), never the whole register."""

from __future__ import annotations

from zhzx_desktop.gui.models.row_list_model import RowListModel
from zhzx_desktop.services.households import HouseholdRow


class HouseholdTableModel(RowListModel[HouseholdRow]):
    COLUMNS = ("household_no", "head", "address", "grid", "members")
    RIGHT_ALIGNED = frozenset({"members"})

    def headers(self) -> tuple[str, ...]:
        return (self.tr("户号"), self.tr("户主"), self.tr("地址"), self.tr("网格"), self.tr("人数"))

    def display(self, row: HouseholdRow, column: str) -> str:
        if column == "head" and not row.head:
            return self.tr("（无户主）")
        return str(getattr(row, column))
