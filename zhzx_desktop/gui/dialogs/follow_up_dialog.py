"""回访: plan one (a date ahead) or record one done — form, who was visited, how the agreement is being kept, their
satisfaction, who visited, notes. Opening a planned one records its result."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from zhzx_desktop.errors import UserError
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.case_intake_dialog import DATE_HINT, CaseForm, code_combo, line_edit, set_data, text_edit
from zhzx_desktop.gui.drafts import Drafts
from zhzx_desktop.services import cases
from zhzx_desktop.services.changes import Changes


class FollowUpDialog(CaseForm):
    def __init__(self, ctx: GuiContext, case_id: str, parent: QWidget | None = None, *,
                 follow_up_id: str | None = None) -> None:
        detail = cases.get_case(ctx.ledger, case_id)
        super().__init__(ctx, "", parent)
        self.setObjectName("follow_up_dialog")
        self.case_id = case_id
        self.follow_up_id = follow_up_id
        today = ctx.ledger.today().isoformat()
        self.due_edit = line_edit("due_edit", self.tr("计划哪天回访；%1").replace("%1", DATE_HINT))
        self.done_edit = line_edit("done_edit", self.tr("已经回访的，填回访那天；%1").replace("%1", DATE_HINT))
        self.form_combo = code_combo("form_combo", "follow_up_form")
        self.party_combo = QComboBox()
        self.party_combo.setObjectName("party_combo")
        self.party_combo.setEditable(True)
        self.party_combo.addItems([p.name for p in detail.parties])
        self.party_combo.setCurrentText("")
        self.performance_combo = code_combo("performance_combo", "performance_state")
        self.satisfaction_combo = code_combo("satisfaction_combo", "satisfaction")
        self.visitor_edit = line_edit("visitor_edit")
        self.notes_edit = text_edit("notes_edit", self.tr("回访了解到的情况"), 4)
        self.add_row(self.tr("计划回访日期"), self.due_edit, "follow_up_due_on")
        self.add_row(self.tr("实际回访日期"), self.done_edit, "follow_up_done_on")
        self.add_row(self.tr("回访形式"), self.form_combo, "follow_up_form")
        self.add_row(self.tr("受访当事人"), self.party_combo, "follow_up_party")
        self.add_row(self.tr("协议履行情况"), self.performance_combo, "performance_state")
        self.add_row(self.tr("当事人满意度"), self.satisfaction_combo, "satisfaction")
        self.add_row(self.tr("回访人"), self.visitor_edit, "follow_up_visitor")
        self.add_row(self.tr("回访情况"), self.notes_edit, "notes")
        self.form.setRowVisible(self.performance_combo.parentWidget(), detail.result == "success")
        self.finish()
        self.resize(560, 480)

        lead = next((m.name for m in detail.mediators if m.role == "lead"), "")
        if follow_up_id is None:
            self.setWindowTitle(self.tr("登记回访 — %1").replace("%1", detail.case_no))
            self.done_edit.setText(today)
            self.visitor_edit.setText(lead)
        else:
            self.setWindowTitle(self.tr("回访记录 — %1").replace("%1", detail.case_no))
            row = next((f for f in detail.follow_ups if f.id == follow_up_id), None)
            if row is None:
                raise UserError("follow_up", "not_found", self.tr("回访记录不存在，可能已被删除"))
            self.due_edit.setText(row.due_on or "")
            self.done_edit.setText(row.done_on or today)  # opened to record the result: it is done today
            set_data(self.form_combo, row.form)
            self.party_combo.setCurrentText(row.party)
            set_data(self.performance_combo, row.performance)
            set_data(self.satisfaction_combo, row.satisfaction)
            self.visitor_edit.setText(row.visitor or lead)
            self.notes_edit.setPlainText(row.notes)
        self.done_edit.setFocus()
        Drafts.attach(self, f"follow_up:{follow_up_id or case_id + ':new'}", ctx.ledger)

    def follow_up_input(self) -> cases.FollowUpInput:
        return cases.FollowUpInput(
            due_on=self.due_edit.text(), done_on=self.done_edit.text(),
            form=str(self.form_combo.currentData() or "") or None, party=self.party_combo.currentText(),
            performance=str(self.performance_combo.currentData() or "") or None,
            satisfaction=str(self.satisfaction_combo.currentData() or "") or None,
            visitor=self.visitor_edit.text(), notes=self.notes_edit.toPlainText())

    def save(self) -> Changes:
        if self.follow_up_id is None:
            return cases.add_follow_up(self.ctx.ledger, self.case_id, self.follow_up_input())
        return cases.update_follow_up(self.ctx.ledger, self.follow_up_id, self.follow_up_input())
