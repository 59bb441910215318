"""The members of one household (姓名, 与户主关系, 性别, 出生日期, 身份证号): labels resolved, ID numbers masked;
the resident id under ``UserRole``."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from zhzx_desktop.gui.models.row_list_model import RowListModel
from zhzx_desktop.services.households import MemberRow


class HouseholdMemberModel(RowListModel[MemberRow]):
    COLUMNS = ("name", "relation_label", "sex", "birth_date", "id_masked")

    def headers(self) -> tuple[str, ...]:
        return (self.tr("姓名"), self.tr("与户主关系"), self.tr("性别"), self.tr("出生日期"), self.tr("身份证号"))

    def display(self, row: MemberRow, column: str) -> str:
        if column == "relation_label" and not row.relation_label:
            return self.tr("（未填）")
        return str(getattr(row, column))

    def role_data(self, row: MemberRow, column: str, role: int) -> Any:
        if role == Qt.ItemDataRole.FontRole and row.is_head:
            font = QFont()
            font.setBold(True)
            return font
        return None
