"""The teams list of the 队伍 page: one row per ``TeamRow``; the contact phone masked."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.domain.masking import mask_phone
from zhzx_desktop.services.teams import TeamRow

_ROOT = QModelIndex()  # the parent of every row (a flat table)


class TeamTableModel(QAbstractTableModel):
    COLUMNS = ("name", "team_type", "leader", "contact_phone", "members")

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[TeamRow] = []
        self._types = code_table("team_type")
        self._headers = (self.tr("队伍名称"), self.tr("类型"), self.tr("负责人"), self.tr("联系电话"),
                         self.tr("在队人数"))

    def set_rows(self, rows: Sequence[TeamRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> TeamRow:
        return self._rows[row]

    def row_of(self, team_id: str) -> int:
        """The row showing ``team_id``, or -1."""
        return next((i for i, team in enumerate(self._rows) if team.id == team_id), -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        team = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "team_type":
                return self._types.label_or(team.team_type)
            if column == "contact_phone":
                return mask_phone(team.contact_phone)
            if column == "members":
                return self.tr("%1 人").replace("%1", str(team.members))
            return str(getattr(team, column))
        if role == Qt.ItemDataRole.UserRole:
            return team.id
        if role == Qt.ItemDataRole.TextAlignmentRole and column == "members":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self._headers):
            return self._headers[section]
        return None
