"""The parties of a case as the 概况 tab lists them: phone and ID number masked."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from zhzx_desktop.gui.models.row_list_model import RowListModel
from zhzx_desktop.services.cases import PARTY_KINDS, PartyRow


class CasePartyModel(RowListModel[PartyRow]):
    COLUMNS = ("role_label", "name", "kind", "sex", "phone_masked", "id_masked", "address")

    def headers(self) -> tuple[str, ...]:
        return (self.tr("类别"), self.tr("姓名或名称"), self.tr("身份"), self.tr("性别"), self.tr("联系电话"),
                self.tr("身份证号"), self.tr("住址"))

    def display(self, row: PartyRow, column: str) -> str:
        if column == "kind":
            if row.resident_id:
                return self.tr("本村居民")
            return self.tr("外来人员") if row.party_kind == "person" else PARTY_KINDS[row.party_kind]
        if column == "id_masked" and row.party_kind != "person":
            return row.credit_code
        if column == "sex":
            return row.sex.removesuffix("性") if row.party_kind == "person" else ""
        return str(getattr(row, column))

    def role_data(self, row: PartyRow, column: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and column == "name" and row.party_kind != "person":
            return self.tr("法定代表人（负责人）：%1").replace("%1", row.legal_rep or "—")
        return None
