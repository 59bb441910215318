"""The teams list of the 队伍 page: one row per ``TeamRow``; the contact phone masked."""

from __future__ import annotations

from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.domain.masking import mask_phone
from zhzx_desktop.gui.models.row_list_model import RowListModel
from zhzx_desktop.services.teams import TeamRow


class TeamTableModel(RowListModel[TeamRow]):
    COLUMNS = ("name", "team_type", "leader", "contact_phone", "members")
    RIGHT_ALIGNED = frozenset({"members"})

    def __init__(self) -> None:
        super().__init__()
        self._types = code_table("team_type")

    def headers(self) -> tuple[str, ...]:
        return (self.tr("队伍名称"), self.tr("类型"), self.tr("负责人"), self.tr("联系电话"), self.tr("在队人数"))

    def display(self, row: TeamRow, column: str) -> str:
        if column == "team_type":
            return self._types.label_or(row.team_type)
        if column == "contact_phone":
            return mask_phone(row.contact_phone)
        if column == "members":
            return self.tr("%1 人").replace("%1", str(row.members))
        return str(getattr(row, column))
