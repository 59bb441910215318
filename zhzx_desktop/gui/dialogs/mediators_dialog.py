"""指派调解员: tick people from the 调委会 / 和事佬 teams (``cases.mediator_options``) and give each a role (主持调解员,
调解员, 记录人). The list itself (``MediatorList``) is also in the 受理登记 form."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.case_intake_dialog import CaseForm, error_label
from zhzx_desktop.gui.widgets.party_editor import MediatorList
from zhzx_desktop.services import cases
from zhzx_desktop.services.cases import MediatorInput
from zhzx_desktop.services.changes import Changes


class MediatorsDialog(CaseForm):
    def __init__(self, ctx: GuiContext, case_id: str, parent: QWidget | None = None) -> None:
        detail = cases.get_case(ctx.ledger, case_id)
        super().__init__(ctx, self.tr("指派调解员 — %1").replace("%1", detail.case_no), parent)
        self.setObjectName("mediators_dialog")
        self.case_id = case_id
        self.mediator_list = MediatorList(ctx.ledger, self)
        intro = QLabel(self.tr("勾选本案的调解员，并选择各自的角色。当事人不能担任本案调解员。"))
        intro.setWordWrap(True)
        body = QVBoxLayout()
        body.addWidget(intro)
        body.addWidget(self.mediator_list, 1)
        body.addWidget(error_label("mediators"))
        self.finish(body)
        self.mediator_list.set_mediators([MediatorInput(m.resident_id, m.role, m.id)
                                          for m in detail.mediators if m.resident_id])
        self.resize(480, 360)

    def save(self) -> Changes:
        return cases.assign_mediators(self.ctx.ledger, self.case_id, self.mediator_list.mediators())
