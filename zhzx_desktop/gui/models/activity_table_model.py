"""A team's activity log: date, kind, place, who took part, what was found (newest first)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.gui.models.row_list_model import RowListModel
from zhzx_desktop.services.teams import ActivityRow

NAMES_SHOWN = 3


class ActivityTableModel(RowListModel[ActivityRow]):
    COLUMNS = ("activity_date", "kind", "place", "participants", "summary", "findings")

    def __init__(self) -> None:
        super().__init__()
        self._kinds = code_table("activity_kind")

    def headers(self) -> tuple[str, ...]:
        return (self.tr("日期"), self.tr("类型"), self.tr("地点"), self.tr("参加人员"),
                self.tr("情况摘要"), self.tr("发现的问题"))

    def participants_text(self, activity: ActivityRow) -> str:
        names = activity.participant_names
        if not names:
            return ""
        shown = "、".join(names[:NAMES_SHOWN])
        if len(names) > NAMES_SHOWN:
            shown += self.tr("等")
        return self.tr("%1人：%2").replace("%1", str(len(names))).replace("%2", shown)

    def disputes_text(self, activity: ActivityRow) -> str:
        """排查发现纠纷数 / 预防纠纷数, when there are any (the 月报 counts them)."""
        parts = []
        if activity.disputes_found:
            parts.append(self.tr("发现纠纷%1起").replace("%1", str(activity.disputes_found)))
        if activity.disputes_prevented:
            parts.append(self.tr("预防纠纷%1起").replace("%1", str(activity.disputes_prevented)))
        return "，".join(parts)

    def display(self, row: ActivityRow, column: str) -> str:
        if column == "kind":
            return self._kinds.label_or(row.kind)
        if column == "participants":
            return self.participants_text(row)
        if column == "findings":
            return "；".join(part for part in (self.disputes_text(row), " ".join(row.findings.split())) if part)
        return " ".join(str(getattr(row, column)).split())  # one line in the table

    def role_data(self, row: ActivityRow, column: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == "participants" and row.participant_names:
                return "、".join(row.participant_names)
            if column in ("place", "summary", "findings") and getattr(row, column):
                return str(getattr(row, column))
        return None
