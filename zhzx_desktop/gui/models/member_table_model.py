"""The members of one team: name, role, joined, left (former members greyed)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.gui.models.row_list_model import RowListModel
from zhzx_desktop.services.teams import MemberRow

_FORMER = QColor("#888888")


class MemberTableModel(RowListModel[MemberRow]):
    COLUMNS = ("name", "sex", "role", "joined_on", "left_on")

    def __init__(self) -> None:
        super().__init__()
        self._sexes = code_table("sex")

    def headers(self) -> tuple[str, ...]:
        return (self.tr("姓名"), self.tr("性别"), self.tr("职务"), self.tr("加入日期"), self.tr("离队日期"))

    def display(self, row: MemberRow, column: str) -> str:
        if column == "sex":
            entry = self._sexes.get(row.sex)
            return "" if entry is None or row.sex in ("0", "9") else entry.display
        if column == "left_on":
            return row.left_on or self.tr("在队")
        return str(getattr(row, column))

    def role_data(self, row: MemberRow, column: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and not row.current:
            return QBrush(_FORMER)
        return None
