"""The members of one team: name, role, joined, left (former members greyed)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.services.teams import MemberRow

_FORMER = QColor("#888888")

_ROOT = QModelIndex()  # the parent of every row (a flat table)


class MemberTableModel(QAbstractTableModel):
    COLUMNS = ("name", "sex", "role", "joined_on", "left_on")

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[MemberRow] = []
        self._sexes = code_table("sex")
        self._headers = (self.tr("姓名"), self.tr("性别"), self.tr("职务"), self.tr("加入日期"),
                         self.tr("离队日期"))

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
            if column == "sex":
                entry = self._sexes.get(member.sex)
                return "" if entry is None or member.sex in ("0", "9") else entry.display
            if column == "left_on":
                return member.left_on or self.tr("在队")
            return str(getattr(member, column))
        if role == Qt.ItemDataRole.UserRole:
            return member.id
        if role == Qt.ItemDataRole.ForegroundRole and not member.current:
            return QBrush(_FORMER)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self._headers):
            return self._headers[section]
        return None
