"""Merge two records of one person: both shown side by side, the clerk picks the one to keep. Runs through the
operation helper; the merge is journalled and can be undone from 操作记录."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from zhzx_desktop.errors import UserError
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.errors import show_error
from zhzx_desktop.gui.widgets.form_errors import FormErrors
from zhzx_desktop.gui.widgets.resident_picker import ResidentPicker
from zhzx_desktop.services import duplicates
from zhzx_desktop.services.changes import Changes


class MergeDialog(QDialog):
    residents_merged = Signal(object)  # Changes

    def __init__(self, ctx: GuiContext, first_id: str, second_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("merge_dialog")
        self.setWindowTitle(self.tr("合并重复登记"))
        self.ctx = ctx
        self.first_id = first_id
        self.second_id = second_id
        self.changes: Changes | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("同一个人被登记了两次时，把两条记录合并为一条。保留的记录会补上另一条中它没有的信息（电话、"
                               "身份证号、户等），另一条记录的队伍、活动、调解案件都归到保留的记录，另一条标为“已合并”。"
                               "合并可以在“操作记录”中撤销。"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.picker = ResidentPicker(ctx.ledger, self, exclude={first_id})
        self.picker.setObjectName("merge_picker")
        self.picker.picked.connect(self._on_picker_picked)
        layout.addWidget(self.picker)
        self.picker.setVisible(second_id is None)
        self.sides = QGridLayout()
        layout.addLayout(self.sides)
        self.keep_first = QRadioButton(self.tr("保留这条"))
        self.keep_first.setObjectName("keep_first_radio")
        self.keep_second = QRadioButton(self.tr("保留这条"))
        self.keep_second.setObjectName("keep_second_radio")
        self.keep_first.setChecked(True)
        self.form_error = QLabel()
        self.form_error.setObjectName("form_error")
        layout.addWidget(self.form_error)
        self.errors = FormErrors(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("合并"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(720, 480)
        self._show_sides()

    def _show_sides(self) -> None:
        while self.sides.count():
            item = self.sides.takeAt(0)
            if item.widget() is not None and item.widget() not in (self.keep_first, self.keep_second):
                item.widget().deleteLater()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.second_id is not None)
        for column, (resident_id, radio) in enumerate(((self.first_id, self.keep_first),
                                                       (self.second_id, self.keep_second))):
            if resident_id is None:
                continue
            box = QGroupBox(self.tr("记录一") if column == 0 else self.tr("记录二"))
            grid = QGridLayout(box)
            lines = duplicates.profile(self.ctx.ledger, resident_id)
            for row, (label, value) in enumerate(lines):
                grid.addWidget(QLabel(label), row, 0)
                grid.addWidget(QLabel(value or "—"), row, 1)
            grid.addWidget(radio, len(lines), 0, 1, 2)
            self.sides.addWidget(box, 0, column)

    def _on_picker_picked(self, resident_id: str) -> None:
        self.second_id = resident_id
        self.picker.hide()
        self._show_sides()

    def keep_and_drop(self) -> tuple[str, str]:
        assert self.second_id is not None
        if self.keep_first.isChecked():
            return self.first_id, self.second_id
        return self.second_id, self.first_id

    def accept(self) -> None:
        if self.second_id is None:
            self.form_error.setText(self.tr("请先找到要与之合并的另一条记录"))
            self.form_error.show()
            return
        keep, drop = self.keep_and_drop()
        self.buttons.setEnabled(False)
        self.ctx.runner.run(lambda ledger, progress: duplicates.merge(ledger, keep, drop),
                            on_success=self._on_merged, on_failure=self._on_failed,
                            label=self.tr("正在合并…"), parent=self, cancellable=False)

    def _on_merged(self, changes: Changes) -> None:
        self.changes = changes
        self.residents_merged.emit(changes)
        super().accept()

    def _on_failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(exc, UserError):
            self.errors.show(exc)
        else:
            show_error(self, exc)
