"""终止调解 (调解不成, 人民调解法 §26): why, and which other ways to resolve the dispute the parties were told of."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLabel, QVBoxLayout, QWidget

from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.case_intake_dialog import CaseForm, text_edit
from zhzx_desktop.services import cases
from zhzx_desktop.services.changes import Changes


class TerminationDialog(CaseForm):
    def __init__(self, ctx: GuiContext, case_id: str, parent: QWidget | None = None) -> None:
        detail = cases.get_case(ctx.ledger, case_id)
        super().__init__(ctx, self.tr("终止调解 — %1").replace("%1", detail.case_no), parent)
        self.setObjectName("termination_dialog")
        self.case_id = case_id
        self.reason_edit = text_edit("reason_edit", self.tr("如 双方对赔偿金额分歧较大，经多次调解仍不能达成一致"), 4)
        self.channel_checks: list[QCheckBox] = []
        channels = QVBoxLayout()
        channels.setContentsMargins(0, 0, 0, 0)
        for i, channel in enumerate(cases.CHANNELS):
            check = QCheckBox(channel)
            check.setObjectName(f"channel_check_{i}")
            self.channel_checks.append(check)
            channels.addWidget(check)
        note = QLabel(self.tr("调解不成的，应当告知当事人可以依法通过仲裁、行政、司法等途径维护自己的权利。"))
        note.setWordWrap(True)
        self.add_row(self.tr("终止原因"), self.reason_edit, "failure_reason")
        self.form.addRow("", note)
        self.add_row(self.tr("已告知当事人"), channels, "channels_told")
        self.finish()
        self.resize(560, 380)
        self.reason_edit.setFocus()

    def termination_input(self) -> cases.TerminationInput:
        return cases.TerminationInput(self.reason_edit.toPlainText(),
                                      [c.text() for c in self.channel_checks if c.isChecked()])

    def save(self) -> Changes:
        return cases.terminate(self.ctx.ledger, self.case_id, self.termination_input())
