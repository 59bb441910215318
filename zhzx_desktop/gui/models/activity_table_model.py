"""A team's activity log: date, kind, place, who took part, what was found (newest first)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.services.teams import ActivityRow

NAMES_SHOWN = 3

_ROOT = QModelIndex()  # the parent of every row (a flat table)


class ActivityTableModel(QAbstractTableModel):
    COLUMNS = ("activity_date", "kind", "place", "participants", "summary", "findings")

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[ActivityRow] = []
        self._kinds = code_table("activity_kind")
        self._headers = (self.tr("日期"), self.tr("类型"), self.tr("地点"), self.tr("参加人员"),
                         self.tr("情况摘要"), self.tr("发现的问题"))

    def set_rows(self, rows: Sequence[ActivityRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> ActivityRow:
        return self._rows[row]

    def participants_text(self, activity: ActivityRow) -> str:
        names = activity.participant_names
        if not names:
            return ""
        shown = "、".join(names[:NAMES_SHOWN])
        if len(names) > NAMES_SHOWN:
            shown += self.tr("等")
        return self.tr("%1人：%2").replace("%1", str(len(names))).replace("%2", shown)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        activity = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "kind":
                return self._kinds.label_or(activity.kind)
            if column == "participants":
                return self.participants_text(activity)
            return " ".join(str(getattr(activity, column)).split())  # one line in the table
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == "participants" and activity.participant_names:
                return "、".join(activity.participant_names)
            if column in ("place", "summary", "findings") and getattr(activity, column):
                return str(getattr(activity, column))
            return None
        if role == Qt.ItemDataRole.UserRole:
            return activity.id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self._headers):
            return self._headers[section]
        return None
