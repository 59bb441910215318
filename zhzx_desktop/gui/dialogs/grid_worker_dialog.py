"""Add a grid worker, edit one, or record that one left the post (离任). A worker may be linked to a registered
resident (picked by typing; the name is filled in). Phones are never shown in clear: when editing, an empty phone
box keeps the stored number. Saves itself in ``accept()`` with inline errors."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.errors import UserError
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.forms.ui_grid_worker_dialog import Ui_GridWorkerDialog
from zhzx_desktop.gui.widgets import enter_navigation
from zhzx_desktop.gui.widgets.form_errors import FormErrors
from zhzx_desktop.gui.widgets.resident_picker import ResidentPicker
from zhzx_desktop.services import grids, residents
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.grids import GridWorkerInput


class GridWorkerDialog(QDialog):
    worker_saved = Signal(object)  # Changes

    def __init__(self, ctx: GuiContext, grid_id: str, worker_id: str | None = None, parent: QWidget | None = None,
                 *, ending: bool = False) -> None:
        super().__init__(parent)
        if ending and worker_id is None:
            raise ValueError("ending needs a worker")
        self.ctx = ctx
        self.grid_id = grid_id
        self.worker_id = worker_id
        self.ending = ending
        self.changes: Changes | None = None
        self.resident_id: str | None = None
        self._phone_masked = ""
        self.ui = Ui_GridWorkerDialog()
        self.ui.setupUi(self)
        ui = self.ui
        self.errors = FormErrors(self)
        ui.role_combo.addItem(self.tr("（请选择）"), "")
        for entry in code_table("grid_worker_role").entries:
            ui.role_combo.addItem(entry.label, entry.code)
        ui.grid_name_label.setText(dict(grids.options(ctx.ledger)).get(grid_id, ""))
        ui.button_box.button(QDialogButtonBox.StandardButton.Ok).setText(
            self.tr("确认离任") if ending else self.tr("保存"))
        ui.button_box.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        enter_navigation.install(self)  # before the picker: Enter in the picker picks the highlighted person
        self.picker: ResidentPicker | None = None
        if not ending:
            self.picker = ResidentPicker(ctx.ledger, ui.picker_host)
            layout = QVBoxLayout(ui.picker_host)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.addWidget(self.picker)
            self.picker.picked.connect(self._on_picker_picked)
        else:
            ui.picker_host.hide()
        for widget in (ui.until_caption, ui.until_edit):
            widget.setVisible(ending)
        if worker_id is None:
            self.setWindowTitle(self.tr("添加网格员"))
            ui.since_edit.setText(ctx.ledger.today().isoformat())
            self._show_resident()
        else:
            self._load(worker_id)
        if ending:
            self.setWindowTitle(self.tr("网格员离任"))
            for widget in (ui.name_edit, ui.phone_edit, ui.since_edit):
                widget.setReadOnly(True)
            ui.role_combo.setEnabled(False)
            ui.until_edit.setText(ctx.ledger.today().isoformat())
            ui.until_edit.setFocus()
            ui.phone_edit.setPlaceholderText(self._phone_masked)
            self.resize(self.width(), self.sizeHint().height())
        ui.button_box.accepted.connect(self.accept)
        ui.button_box.rejected.connect(self.reject)

    def _load(self, worker_id: str) -> None:
        ui = self.ui
        self.setWindowTitle(self.tr("修改网格员"))
        data = grids.worker_values(self.ctx.ledger, worker_id)
        row = grids.worker_row(self.ctx.ledger, worker_id)
        ui.name_edit.setText(data.name)
        ui.role_combo.setCurrentIndex(max(ui.role_combo.findData(data.role), 0))
        ui.since_edit.setText(str(data.since or ""))
        self._phone_masked = row.phone_masked if row is not None else ""
        if self._phone_masked:
            ui.phone_edit.setPlaceholderText(self.tr("已登记 %1；不修改请留空").replace("%1", self._phone_masked))
        self.resident_id = data.resident_id
        self._show_resident()

    def _show_resident(self) -> None:
        label = self.ui.resident_name_label
        row = residents.get(self.ctx.ledger, self.resident_id) if self.resident_id else None
        if row is None:
            label.setText(self.tr("未关联（可在下方查找居民，选中后按回车或双击，自动填写姓名）")
                          if not self.ending else self.tr("未关联"))
        else:
            label.setText(self.tr("已关联：%1").replace("%1", "  ".join(
                p for p in (row.name, row.id_masked, row.household_no and f"户号{row.household_no}") if p)))

    def _on_picker_picked(self, resident_id: str) -> None:
        row = residents.get(self.ctx.ledger, resident_id)
        if row is None:
            return
        self.resident_id = resident_id
        self.ui.name_edit.setText(row.name)
        self._show_resident()
        self.ui.role_combo.setFocus(Qt.FocusReason.OtherFocusReason)

    def read_input(self) -> GridWorkerInput:
        ui = self.ui
        return GridWorkerInput(grid_id=self.grid_id, name=ui.name_edit.text(), role=ui.role_combo.currentData() or "",
                               phone=ui.phone_edit.text(), resident_id=self.resident_id,
                               since=ui.since_edit.text())

    def accept(self) -> None:
        ledger = self.ctx.ledger
        try:
            if self.ending:
                assert self.worker_id is not None
                self.changes = grids.end_worker(ledger, self.worker_id, self.ui.until_edit.text())
            elif self.worker_id is None:
                self.changes = grids.add_worker(ledger, self.read_input())
            else:
                self.changes = grids.update_worker(ledger, self.worker_id, self.read_input(),
                                                   keep_phone=not self.ui.phone_edit.text().strip())
        except UserError as exc:
            self.errors.show(exc)
            return
        self.errors.clear()
        self.worker_saved.emit(self.changes)
        super().accept()
