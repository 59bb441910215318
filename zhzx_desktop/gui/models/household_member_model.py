"""The members of one household (姓名, 与户主关系, 性别, 出生日期, 身份证号): labels resolved, ID numbers masked;
the resident id under ``UserRole``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from zhzx_desktop.services.households import MemberRow

_ROOT = QModelIndex()  # the parent of every row (a flat table)


class HouseholdMemberModel(QAbstractTableModel):
    COLUMNS = ("name", "relation_label", "sex", "birth_date", "id_masked")

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[MemberRow] = []
        self._headers = (self.tr("姓名"), self.tr("与户主关系"), self.tr("性别"), self.tr("出生日期"),
                         self.tr("身份证号"))

    def set_rows(self, rows: Sequence[MemberRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> MemberRow:
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        member = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "relation_label" and not member.relation_label:
                return self.tr("（未填）")
            return str(getattr(member, column))
        if role == Qt.ItemDataRole.UserRole:
            return member.id
        if role == Qt.ItemDataRole.FontRole and member.is_head:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self._headers):
            return self._headers[section]
        return None
