"""新建/编辑队伍: name, type, leader (picked from the residents), contact phone, grid, founded date, duties.

Saves itself in ``accept()``; on bad input the errors appear next to their fields and the dialog stays open."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QListWidgetItem, QWidget

from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.errors import UserError
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.drafts import Drafts
from zhzx_desktop.gui.forms.ui_team_dialog import Ui_TeamDialog
from zhzx_desktop.gui.widgets import enter_navigation
from zhzx_desktop.gui.widgets.form_errors import FormErrors
from zhzx_desktop.gui.widgets.resident_picker import ResidentPicker
from zhzx_desktop.services import grids, residents, teams
from zhzx_desktop.services.changes import Changes

PICKER_HEIGHT = 110


class TeamDialog(QDialog):
    team_saved = Signal(object)  # Changes, after saving

    def __init__(self, ctx: GuiContext, team_id: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.team_id = team_id
        self.changes: Changes | None = None
        self.leader_id: str | None = None
        self.ui = Ui_TeamDialog()
        self.ui.setupUi(self)
        self.ui.button_box.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        self.ui.button_box.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.picker = ResidentPicker(ctx.ledger, self)
        self.picker.setObjectName("leader_picker")
        self.picker.search_edit.setPlaceholderText(self.tr("查找负责人：输入姓名、拼音、首字母或电话，回车选定"))
        self.picker.results.setMaximumHeight(PICKER_HEIGHT)
        self.ui.leader_picker_holder_layout.addWidget(self.picker)
        self.errors = FormErrors(self)

        self.ui.type_combo.addItem(self.tr("（请选择）"), "")
        for entry in code_table("team_type").entries:
            self.ui.type_combo.addItem(entry.label, entry.code)
        self.ui.grid_combo.addItem(self.tr("（不属于某个网格）"), None)
        for grid_id, grid_name in grids.options(ctx.ledger):
            self.ui.grid_combo.addItem(grid_name, grid_id)

        self.picker.picked.connect(self._on_picker_picked)
        self.picker.results.itemClicked.connect(self._on_picker_item_clicked)
        self.ui.leader_clear_button.clicked.connect(self._on_leader_clear_button_clicked)
        self.ui.button_box.accepted.connect(self.accept)
        self.ui.button_box.rejected.connect(self.reject)
        enter_navigation.install(self)

        if team_id is None:
            self.setWindowTitle(self.tr("新建队伍"))
        else:
            self.setWindowTitle(self.tr("编辑队伍"))
            self._load(team_id)
        self._show_leader()
        self.ui.name_edit.setFocus()
        Drafts.attach(self, f"team:{team_id or 'new'}", ctx.ledger)

    def _load(self, team_id: str) -> None:
        team = teams.get(self.ctx.ledger, team_id)
        if team is None:
            raise UserError("team_id", "not_found", self.tr("该队伍不存在，可能已被删除"))
        self.ui.name_edit.setText(team.name)
        self.ui.type_combo.setCurrentIndex(max(0, self.ui.type_combo.findData(team.team_type)))
        self.leader_id = team.leader_resident_id
        self.ui.phone_edit.setText(team.contact_phone)
        if team.grid_id is not None:
            index = self.ui.grid_combo.findData(team.grid_id)
            if index < 0:  # a grid since closed: keep it selectable so saving does not drop it silently
                self.ui.grid_combo.addItem(team.grid or self.tr("（已撤销的网格）"), team.grid_id)
                index = self.ui.grid_combo.count() - 1
            self.ui.grid_combo.setCurrentIndex(index)
        self.ui.founded_edit.setText(team.founded_on or "")
        self.ui.duties_edit.setPlainText(team.duties)

    def _show_leader(self) -> None:
        if self.leader_id is None:
            self.ui.leader_label.setText(self.tr("（未指定）"))
            self.ui.leader_clear_button.setEnabled(False)
            return
        person = residents.get(self.ctx.ledger, self.leader_id)
        if person is None:
            self.ui.leader_label.setText(self.tr("（未指定）"))
        else:
            details = "，".join(p for p in (person.sex, person.birth_date or "", person.grid) if p)
            self.ui.leader_label.setText(person.name + (f"（{details}）" if details else ""))
        self.ui.leader_clear_button.setEnabled(True)

    def set_leader(self, resident_id: str | None) -> None:
        self.leader_id = resident_id
        self._show_leader()

    def _on_picker_picked(self, resident_id: str) -> None:
        self.set_leader(resident_id)

    def _on_picker_item_clicked(self, item: QListWidgetItem) -> None:
        self.set_leader(str(item.data(Qt.ItemDataRole.UserRole)))

    def _on_leader_clear_button_clicked(self) -> None:
        self.set_leader(None)

    def team_input(self) -> teams.TeamInput:
        return teams.TeamInput(
            name=self.ui.name_edit.text(),
            team_type=str(self.ui.type_combo.currentData() or ""),
            leader_resident_id=self.leader_id,
            contact_phone=self.ui.phone_edit.text(),
            grid_id=self.ui.grid_combo.currentData(),
            founded_on=self.ui.founded_edit.text(),
            duties=self.ui.duties_edit.toPlainText(),
        )

    def accept(self) -> None:
        data = self.team_input()
        try:
            if self.team_id is None:
                self.changes = teams.create(self.ctx.ledger, data)
            else:
                self.changes = teams.update(self.ctx.ledger, self.team_id, data)
        except UserError as exc:
            self.errors.show(exc)
            return
        self.errors.clear()
        super().accept()
        self.team_saved.emit(self.changes)
