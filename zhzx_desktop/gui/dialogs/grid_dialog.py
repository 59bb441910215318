"""Create or edit one grid (网格名称, 网格编码, 备注); saves itself in ``accept()`` with inline errors."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from zhzx_desktop.errors import UserError
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.forms.ui_grid_dialog import Ui_GridDialog
from zhzx_desktop.gui.widgets import enter_navigation
from zhzx_desktop.gui.widgets.form_errors import FormErrors
from zhzx_desktop.services import grids
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.grids import GridInput


class GridDialog(QDialog):
    grid_saved = Signal(object)  # Changes

    def __init__(self, ctx: GuiContext, grid_id: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.grid_id = grid_id
        self.changes: Changes | None = None
        self.ui = Ui_GridDialog()
        self.ui.setupUi(self)
        self.setWindowTitle(self.tr("修改网格") if grid_id else self.tr("新建网格"))
        self.errors = FormErrors(self)
        ui = self.ui
        ui.button_box.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("保存"))
        ui.button_box.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        if grid_id is not None:
            data = grids.form_values(ctx.ledger, grid_id)
            ui.name_edit.setText(data.name)
            ui.code_edit.setText(data.code)
            ui.notes_edit.setPlainText(data.notes)
        ui.button_box.accepted.connect(self.accept)
        ui.button_box.rejected.connect(self.reject)
        enter_navigation.install(self)

    def read_input(self) -> GridInput:
        ui = self.ui
        return GridInput(name=ui.name_edit.text(), code=ui.code_edit.text(), notes=ui.notes_edit.toPlainText())

    def accept(self) -> None:
        try:
            if self.grid_id is None:
                self.changes = grids.create(self.ctx.ledger, self.read_input())
            else:
                self.changes = grids.update(self.ctx.ledger, self.grid_id, self.read_input())
        except UserError as exc:
            self.errors.show(exc)
            return
        self.errors.clear()
        self.grid_saved.emit(self.changes)
        super().accept()
