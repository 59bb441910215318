"""记录调解 / 记录调查 (or correcting one): when and where, who was there, what was said, the result. The first
mediation session moves the case to 调解中."""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QRadioButton, QWidget

from zhzx_desktop.errors import UserError
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.case_intake_dialog import CaseForm, date_edit, error_label, line_edit, qdate, text_edit
from zhzx_desktop.gui.drafts import Drafts
from zhzx_desktop.services import cases
from zhzx_desktop.services.changes import Changes


class SessionDialog(CaseForm):
    def __init__(self, ctx: GuiContext, case_id: str, parent: QWidget | None = None, *,
                 session_id: str | None = None, kind: str = "mediation") -> None:
        detail = cases.get_case(ctx.ledger, case_id)
        super().__init__(ctx, "", parent)
        self.setObjectName("session_dialog")
        self.case_id = case_id
        self.session_id = session_id
        self.mediation_radio = QRadioButton(self.tr("调解（双方当事人到场协商）"))
        self.mediation_radio.setObjectName("mediation_radio")
        self.investigation_radio = QRadioButton(self.tr("调查（了解情况、走访、取证）"))
        self.investigation_radio.setObjectName("investigation_radio")
        self.kind_group = QButtonGroup(self)
        self.kind_group.addButton(self.mediation_radio)
        self.kind_group.addButton(self.investigation_radio)
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.mediation_radio)
        kind_row.addWidget(self.investigation_radio)
        kind_row.addStretch(1)
        self.held_edit = date_edit("held_edit", ctx.ledger.today())
        self.time_edit = line_edit("time_edit", self.tr("如 14:30，可不填"))
        self.time_edit.setMaximumWidth(140)
        when_row = QHBoxLayout()
        when_row.addWidget(self.held_edit)
        when_row.addWidget(self.time_edit)
        when_row.addStretch(1)
        self.place_edit = line_edit("place_edit", self.tr("如 村委会调解室"))
        self.present_edit = line_edit("present_edit", self.tr("到场的当事人姓名，用顿号分开"))
        self.participants_edit = line_edit("participants_edit", self.tr("其他参加人员，如 证人、亲属、村干部"))
        self.statements_edit = text_edit("statements_edit", self.tr("各方陈述、调查到的情况、调解员的工作"), 8)
        self.result_edit = text_edit("result_edit", self.tr("本次调解的结果，如 双方同意协商赔偿 / 未达成一致"), 3)
        self.recorder_edit = line_edit("recorder_edit")
        self.add_row(self.tr("记录类型"), kind_row, "session_kind")
        self.add_row(self.tr("日期和时间"), when_row, "held_on")
        self.form.addRow("", error_label("held_time"))
        self.add_row(self.tr("地点"), self.place_edit, "place")
        self.add_row(self.tr("到场当事人"), self.present_edit, "parties_present")
        self.add_row(self.tr("其他参加人员"), self.participants_edit, "participants")
        self.add_row(self.tr("记录内容"), self.statements_edit, "statements")
        self.add_row(self.tr("调解结果"), self.result_edit, "session_result")
        self.add_row(self.tr("记录人"), self.recorder_edit, "recorder")
        self.finish()
        self.resize(720, 640)

        if session_id is None:
            self.setWindowTitle(self.tr("记录调解或调查 — %1").replace("%1", detail.case_no))
            (self.mediation_radio if kind == "mediation" else self.investigation_radio).setChecked(True)
            last = detail.sessions[-1] if detail.sessions else None
            self.place_edit.setText(last.place if last else "")
            self.present_edit.setText("、".join(p.name for p in detail.parties))
            recorder = next((m.name for m in detail.mediators if m.role == "recorder"), "")
            self.recorder_edit.setText(last.recorder if last and last.recorder else recorder)
        else:
            self.setWindowTitle(self.tr("修改记录 — %1").replace("%1", detail.case_no))
            row = next((s for s in detail.sessions if s.id == session_id), None)
            if row is None:
                raise UserError("session", "not_found", self.tr("记录不存在，可能已被删除"))
            (self.mediation_radio if row.kind == "mediation" else self.investigation_radio).setChecked(True)
            day, _, time = row.held_at.partition(" ")
            self.held_edit.setDate(qdate(day))
            self.time_edit.setText(time)
            self.place_edit.setText(row.place)
            self.present_edit.setText(row.parties_present)
            self.participants_edit.setText(row.participants)
            self.statements_edit.setPlainText(row.statements)
            self.result_edit.setPlainText(row.result)
            self.recorder_edit.setText(row.recorder)
        self.held_edit.setFocus()
        Drafts.attach(self, f"session:{session_id or case_id + ':new'}", ctx.ledger)

    def session_input(self) -> cases.SessionInput:
        return cases.SessionInput(
            kind="mediation" if self.mediation_radio.isChecked() else "investigation",
            held_on=self.held_edit.date().toString("yyyy-MM-dd"), held_time=self.time_edit.text(),
            place=self.place_edit.text(), parties_present=self.present_edit.text(),
            participants=self.participants_edit.text(), statements=self.statements_edit.toPlainText(),
            result=self.result_edit.toPlainText(), recorder=self.recorder_edit.text())

    def save(self) -> Changes:
        if self.session_id is None:
            return cases.add_session(self.ctx.ledger, self.case_id, self.session_input())
        return cases.update_session(self.ctx.ledger, self.session_id, self.session_input())

