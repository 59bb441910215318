"""A case's investigation and mediation sessions (调解记录 tab)."""

from __future__ import annotations

from zhzx_desktop.gui.models.row_list_model import RowListModel
from zhzx_desktop.services.cases import SessionRow


class CaseSessionModel(RowListModel[SessionRow]):
    COLUMNS = ("held_at", "kind_label", "place", "parties_present", "result")

    def headers(self) -> tuple[str, ...]:
        return (self.tr("时间"), self.tr("类型"), self.tr("地点"), self.tr("到场当事人"), self.tr("结果"))

    def display(self, row: SessionRow, column: str) -> str:
        if column == "result":
            return " ".join(row.result.split())
        return str(getattr(row, column))
