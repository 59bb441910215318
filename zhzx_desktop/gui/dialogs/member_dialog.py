"""One membership of a team: 添加成员 (pick a resident by search, role, join date) or 离队 (the leave date of a
member, not before the day they joined). Saves itself in ``accept()``; errors appear next to their fields."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QListWidgetItem, QWidget

from zhzx_desktop.errors import UserError
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.drafts import Drafts
from zhzx_desktop.gui.forms.ui_member_dialog import Ui_MemberDialog
from zhzx_desktop.gui.widgets import enter_navigation
from zhzx_desktop.gui.widgets.form_errors import FormErrors
from zhzx_desktop.gui.widgets.resident_picker import ResidentPicker
from zhzx_desktop.services import residents, teams
from zhzx_desktop.services.changes import Changes

ROLES = ("队员", "队长", "副队长", "联络员")


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class MemberDialog(QDialog):
    member_saved = Signal(object)  # Changes, after saving

    def __init__(self, ctx: GuiContext, team_id: str, parent: QWidget | None = None, *,
                 member_id: str | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.team_id = team_id
        self.member_id = member_id
        self.resident_id: str | None = None
        self.changes: Changes | None = None
        self.ui = Ui_MemberDialog()
        self.ui.setupUi(self)
        self.save_button = self.ui.button_box.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("保存"))
        self.ui.button_box.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        team = teams.get(ctx.ledger, team_id)
        if team is None:
            raise UserError("team_id", "not_found", self.tr("该队伍不存在，可能已被删除"))
        self.ui.team_label.setText(self.tr("队伍：%1").replace("%1", team.name))
        self.ui.role_combo.addItems(list(ROLES))
        today = qdate(ctx.ledger.today())
        self.ui.joined_edit.setDate(today)
        self.ui.left_edit.setDate(today)
        self.errors = FormErrors(self)
        current = {m.resident_id for m in teams.members(ctx.ledger, team_id)}
        self.picker = ResidentPicker(ctx.ledger, self, exclude=current)
        self.picker.setObjectName("member_picker")
        self.ui.picker_holder_layout.addWidget(self.picker)
        self.picker.picked.connect(self._on_picker_picked)
        self.picker.results.currentItemChanged.connect(self._on_picker_current_item_changed)
        self.ui.button_box.accepted.connect(self.accept)
        self.ui.button_box.rejected.connect(self.reject)
        enter_navigation.install(self)

        if member_id is None:
            self.setWindowTitle(self.tr("添加成员"))
            self.ui.member_form.setRowVisible(self.ui.left_edit, False)
            self.picker.search_edit.setFocus()
        else:
            self._load_member(member_id)
        Drafts.attach(self, f"member:{member_id or team_id + ':new'}", ctx.ledger)

    def _load_member(self, member_id: str) -> None:
        member = teams.get_member(self.ctx.ledger, member_id)
        if member is None:
            raise UserError("member_id", "not_found", self.tr("该成员记录不存在"))
        self.setWindowTitle(self.tr("成员离队"))
        self.save_button.setText(self.tr("确认离队"))
        self.resident_id = member.resident_id
        self.ui.member_form.setRowVisible(self.ui.picker_holder, False)
        self.ui.resident_label.setText(self.describe(member.resident_id))
        self.ui.role_combo.setCurrentText(member.role)
        self.ui.role_combo.setEnabled(False)
        self.ui.joined_edit.setDate(QDate.fromString(member.joined_on, "yyyy-MM-dd"))
        self.ui.joined_edit.setEnabled(False)
        self.ui.left_edit.setFocus()
        self.ui.dialog_layout.activate()
        self.resize(self.width(), self.sizeHint().height())  # without the picker the form is short

    @property
    def leaving(self) -> bool:
        return self.member_id is not None

    def describe(self, resident_id: str) -> str:
        person = residents.get(self.ctx.ledger, resident_id)
        if person is None:
            return ""
        details = "，".join(p for p in (person.sex, person.birth_date or "", person.household_no
                                        and self.tr("户号%1").replace("%1", person.household_no), person.grid) if p)
        return person.name + (f"（{details}）" if details else "")

    def set_resident(self, resident_id: str | None) -> None:
        self.resident_id = resident_id
        self.ui.resident_label.setText(self.describe(resident_id) if resident_id
                                       else self.tr("请在下面查找并选中一位居民"))

    def _on_picker_picked(self, resident_id: str) -> None:
        self.set_resident(resident_id)
        self.ui.role_combo.setFocus()

    def _on_picker_current_item_changed(self, current: QListWidgetItem | None, _previous: object) -> None:
        self.set_resident(None if current is None else str(current.data(Qt.ItemDataRole.UserRole)))

    def accept(self) -> None:
        try:
            if self.member_id is not None:
                self.changes = teams.end_membership(self.ctx.ledger, self.member_id,
                                                    self.ui.left_edit.date().toString("yyyy-MM-dd"))
            else:
                self.changes = teams.add_member(self.ctx.ledger, teams.MemberInput(
                    team_id=self.team_id, resident_id=self.resident_id or "",
                    role=self.ui.role_combo.currentText(),
                    joined_on=self.ui.joined_edit.date().toString("yyyy-MM-dd")))
        except UserError as exc:
            self.errors.show(exc)
            return
        self.errors.clear()
        super().accept()
        self.member_saved.emit(self.changes)
