"""Create or edit one household (户号, 网格, 住址, 备注). Saves itself in ``accept()``; errors appear inline in
Chinese next to their fields and the dialog stays open."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from zhzx_desktop.errors import UserError
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.drafts import Drafts
from zhzx_desktop.gui.forms.ui_household_dialog import Ui_HouseholdDialog
from zhzx_desktop.gui.widgets import enter_navigation
from zhzx_desktop.gui.widgets.form_errors import FormErrors
from zhzx_desktop.services import grids, households
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.households import HouseholdInput


class HouseholdDialog(QDialog):
    household_saved = Signal(object)  # Changes

    def __init__(self, ctx: GuiContext, household_id: str | None = None, parent: QWidget | None = None, *,
                 grid_id: str | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.household_id = household_id
        self.changes: Changes | None = None
        self.ui = Ui_HouseholdDialog()
        self.ui.setupUi(self)
        self.setWindowTitle(self.tr("修改户信息") if household_id else self.tr("新建户"))
        self.errors = FormErrors(self)
        ui = self.ui
        ui.grid_combo.addItem(self.tr("（请选择网格）"), "")
        options = grids.options(ctx.ledger)
        for option_id, name in options:
            ui.grid_combo.addItem(name, option_id)
        ui.button_box.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("保存"))
        ui.button_box.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        if household_id is not None:
            data = households.form_values(ctx.ledger, household_id)
            ui.household_no_edit.setText(data.household_no)
            self._select_grid(data.grid_id)
            ui.address_edit.setText(data.address)
            ui.notes_edit.setPlainText(data.notes)
        elif grid_id is not None:
            self._select_grid(grid_id)
        elif len(options) == 1:
            ui.grid_combo.setCurrentIndex(1)
        ui.button_box.accepted.connect(self.accept)
        ui.button_box.rejected.connect(self.reject)
        enter_navigation.install(self)
        Drafts.attach(self, f"household:{household_id or 'new'}", ctx.ledger)

    def _select_grid(self, grid_id: str | None) -> None:
        self.ui.grid_combo.setCurrentIndex(max(self.ui.grid_combo.findData(grid_id or ""), 0))

    def read_input(self) -> HouseholdInput:
        ui = self.ui
        return HouseholdInput(grid_id=ui.grid_combo.currentData() or None, household_no=ui.household_no_edit.text(),
                              address=ui.address_edit.text(), notes=ui.notes_edit.toPlainText())

    def accept(self) -> None:
        try:
            if self.household_id is None:
                self.changes = households.create(self.ctx.ledger, self.read_input())
            else:
                self.changes = households.update(self.ctx.ledger, self.household_id, self.read_input())
        except UserError as exc:
            self.errors.show(exc)
            return
        self.errors.clear()
        self.household_saved.emit(self.changes)
        super().accept()
