"""司法确认: the application (jointly, within 30 days of the agreement taking effect, 人民调解法 §33), the court, and
later its decision."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QLabel, QWidget

from zhzx_desktop.errors import UserError
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.case_intake_dialog import DATE_HINT, CaseForm, code_combo, date_edit, line_edit, set_data
from zhzx_desktop.services import cases
from zhzx_desktop.services.changes import Changes


def deadline_text(deadline: str, today: date) -> str:
    """司法确认申请截止：2026-12-10（还有17天） / （今天截止） / （已过期）."""
    left = (date.fromisoformat(deadline) - today).days
    if left > 0:
        tail = f"还有{left}天"
    elif left == 0:
        tail = "今天截止"
    else:
        tail = "已过期"
    return f"司法确认申请截止：{deadline}（{tail}）"


class JudicialDialog(CaseForm):
    def __init__(self, ctx: GuiContext, agreement_id: str, case_id: str, parent: QWidget | None = None) -> None:
        detail = cases.get_case(ctx.ledger, case_id)
        agreement = next((a for a in detail.agreements if a.id == agreement_id), None)
        if agreement is None:
            raise UserError("agreement", "not_found", "协议不存在，可能已被删除")
        super().__init__(ctx, self.tr("司法确认 — %1").replace("%1", detail.case_no), parent)
        self.setObjectName("judicial_dialog")
        self.agreement_id = agreement_id
        today = ctx.ledger.today()
        self.deadline_label = QLabel(deadline_text(agreement.jc_deadline, today)
                                     if agreement.jc_deadline else "")
        self.deadline_label.setObjectName("deadline_label")
        self.deadline_label.setWordWrap(True)
        self.applied_edit = date_edit("applied_edit", agreement.jc_applied_on or today)
        self.court_edit = line_edit("court_edit", self.tr("如 某某县人民法院"))
        self.result_combo = code_combo("result_combo", "jc_result", self.tr("（法院尚未决定）"))
        self.result_on_edit = line_edit("result_on_edit", self.tr("法院作出决定的日期；%1").replace("%1", DATE_HINT))
        self.form.addRow("", self.deadline_label)
        self.add_row(self.tr("申请日期"), self.applied_edit, "jc_applied_on")
        self.add_row(self.tr("受理法院"), self.court_edit, "jc_court")
        self.add_row(self.tr("确认结果"), self.result_combo, "jc_result")
        self.add_row(self.tr("决定日期"), self.result_on_edit, "jc_result_on")
        self.finish()
        self.resize(560, 320)
        self.court_edit.setText(agreement.jc_court)
        set_data(self.result_combo, agreement.jc_result)
        self.result_on_edit.setText(agreement.jc_result_on or "")
        self.applied_edit.setFocus()

    def judicial_input(self) -> cases.JudicialInput:
        return cases.JudicialInput(applied_on=self.applied_edit.date().toString("yyyy-MM-dd"),
                                   court=self.court_edit.text(),
                                   result=str(self.result_combo.currentData() or "") or None,
                                   result_on=self.result_on_edit.text())

    def save(self) -> Changes:
        return cases.set_judicial(self.ctx.ledger, self.agreement_id, self.judicial_input())
