"""Move a resident into a household (迁入成员) with their relation to its head — or, given a member, change that
member's relation (调整与户主关系). A household has one head: the service refuses a second one, and its Chinese
message appears inline next to the relation."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.errors import UserError
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.forms.ui_move_resident_dialog import Ui_MoveResidentDialog
from zhzx_desktop.gui.widgets import enter_navigation
from zhzx_desktop.gui.widgets.form_errors import FormErrors
from zhzx_desktop.gui.widgets.resident_picker import ResidentPicker
from zhzx_desktop.services import households, residents
from zhzx_desktop.services.changes import Changes

_INDENT = "\u3000"  # a full-width space before the finer codes (夫、妻 under 配偶 …)


class MoveResidentDialog(QDialog):
    resident_moved = Signal(object)  # Changes

    def __init__(self, ctx: GuiContext, household_id: str, resident_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.household_id = household_id
        self.resident_id = resident_id  # given: change this member's relation; None: pick someone to move in
        self.changes: Changes | None = None
        self.ui = Ui_MoveResidentDialog()
        self.ui.setupUi(self)
        ui = self.ui
        self.errors = FormErrors(self)
        ui.relation_combo.addItem(self.tr("（请选择）"), "")
        for entry in code_table("relation").entries:
            ui.relation_combo.addItem((_INDENT if entry.parent else "") + entry.label, entry.code)
        ui.button_box.button(QDialogButtonBox.StandardButton.Ok).setText(
            self.tr("保存") if resident_id else self.tr("迁入"))
        ui.button_box.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        enter_navigation.install(self)  # before the picker: Enter in the picker picks the highlighted person
        household = households.get(ctx.ledger, household_id)
        head = household.head if household is not None and household.head else ""
        number = household.household_no if household is not None and household.household_no else self.tr("（无户号）")
        target = self.tr("户号 %1　户主：%2　住址：%3").replace("%1", number).replace(
            "%2", head or self.tr("（该户目前没有户主）")).replace("%3", household.address if household else "")
        ui.target_label.setText(self.tr("迁入到：") + target if resident_id is None else target)
        self.picker: ResidentPicker | None = None
        if resident_id is None:
            self.setWindowTitle(self.tr("迁入成员"))
            members = {m[0] for m in households.members(ctx.ledger, household_id)}
            self.picker = ResidentPicker(ctx.ledger, ui.picker_host, exclude=members)
            layout = QVBoxLayout(ui.picker_host)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.addWidget(self.picker)
            ui.resident_name_label.setText(self.tr("在下方查找要迁入本户的居民"))
            self.picker.results.currentItemChanged.connect(self._on_picker_current_item_changed)
            self.picker.picked.connect(self._on_picker_picked)
            if not head:
                ui.relation_combo.setCurrentIndex(ui.relation_combo.findData("02"))
            self.picker.search_edit.setFocus()
        else:
            self.setWindowTitle(self.tr("调整与户主关系"))
            ui.picker_host.hide()
            member = next((m for m in households.member_rows(ctx.ledger, household_id) if m.id == resident_id), None)
            if member is not None:
                ui.resident_name_label.setText(member.name)
                ui.relation_combo.setCurrentIndex(max(ui.relation_combo.findData(member.relation), 0))
            else:
                row = residents.get(ctx.ledger, resident_id)
                ui.resident_name_label.setText(row.name if row is not None else "")
            ui.relation_combo.setFocus()
            self.resize(self.width(), self.sizeHint().height())
        ui.button_box.accepted.connect(self.accept)
        ui.button_box.rejected.connect(self.reject)

    def chosen_resident(self) -> str | None:
        if self.resident_id is not None:
            return self.resident_id
        return self.picker.selected_id() if self.picker is not None else None

    def select_relation(self, code: str) -> None:
        self.ui.relation_combo.setCurrentIndex(max(self.ui.relation_combo.findData(code), 0))

    def _on_picker_current_item_changed(self, current: QListWidgetItem | None,
                                        _previous: QListWidgetItem | None) -> None:
        if current is None:
            self.ui.resident_name_label.setText(self.tr("在下方查找要迁入本户的居民"))
        else:
            self.ui.resident_name_label.setText(self.tr("已选：%1").replace("%1", current.text()))

    def _on_picker_picked(self, _resident_id: str) -> None:
        self.ui.relation_combo.setFocus(Qt.FocusReason.OtherFocusReason)

    def accept(self) -> None:
        try:
            self.changes = households.move_resident(self.ctx.ledger, self.chosen_resident(), self.household_id,
                                                    self.ui.relation_combo.currentData() or "")
        except UserError as exc:
            self.errors.show(exc)
            return
        self.errors.clear()
        self.resident_moved.emit(self.changes)
        super().accept()
