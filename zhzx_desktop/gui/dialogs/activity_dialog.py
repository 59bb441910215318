"""记录活动 / 修改活动记录: date (not in the future), kind, place, summary, findings, the 排查 counts (纠纷 found and
prevented, for the 月报), and who took part — members ticked from the team's list, other residents found by search.
Saves itself in ``accept()``."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QListWidgetItem, QWidget

from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.errors import UserError
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.member_dialog import qdate
from zhzx_desktop.gui.drafts import Drafts
from zhzx_desktop.gui.forms.ui_activity_dialog import Ui_ActivityDialog
from zhzx_desktop.gui.widgets import enter_navigation
from zhzx_desktop.gui.widgets.form_errors import FormErrors
from zhzx_desktop.gui.widgets.resident_picker import ResidentPicker
from zhzx_desktop.services import residents, teams
from zhzx_desktop.services.changes import Changes


class ActivityDialog(QDialog):
    activity_saved = Signal(object)  # Changes, after saving

    def __init__(self, ctx: GuiContext, team_id: str, parent: QWidget | None = None, *,
                 activity_id: str | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.team_id = team_id
        self.activity_id = activity_id
        self.changes: Changes | None = None
        self.ui = Ui_ActivityDialog()
        self.ui.setupUi(self)
        self.ui.button_box.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        self.ui.button_box.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        team = teams.get(ctx.ledger, team_id)
        if team is None:
            raise UserError("team_id", "not_found", self.tr("该队伍不存在，可能已被删除"))
        self.ui.kind_combo.addItem(self.tr("（请选择）"), "")
        for entry in code_table("activity_kind").entries:
            self.ui.kind_combo.addItem(entry.label, entry.code)
        self.ui.date_edit.setDate(qdate(ctx.ledger.today()))
        self.picker = ResidentPicker(ctx.ledger, self)
        self.picker.setObjectName("participant_picker")
        self.ui.picker_holder_layout.addWidget(self.picker)
        self.ui.participants_layout.setStretchFactor(self.ui.participants_list, 3)
        self.ui.participants_layout.setStretchFactor(self.ui.picker_holder, 2)
        self.errors = FormErrors(self)

        for member in teams.members(ctx.ledger, team_id):
            self._add_person(member.resident_id, f"{member.name}（{member.role}）", checked=False)
        if not self.ui.participants_list.count():
            self.ui.members_hint.setText(self.tr("本队还没有在队成员；参加的居民请在下面查找后加入："))

        self.ui.participants_list.itemChanged.connect(self._on_participants_list_item_changed)
        self.ui.check_all_button.clicked.connect(self._on_check_all_button_clicked)
        self.ui.check_none_button.clicked.connect(self._on_check_none_button_clicked)
        self.picker.picked.connect(self._on_picker_picked)
        self.ui.button_box.accepted.connect(self.accept)
        self.ui.button_box.rejected.connect(self.reject)
        enter_navigation.install(self)

        if activity_id is None:
            self.setWindowTitle(self.tr("记录活动 — %1").replace("%1", team.name))
            last = teams.activities(ctx.ledger, team_id, limit=1)
            if last:  # most teams mostly do one thing (a patrol team patrols): start from the last kind
                self.ui.kind_combo.setCurrentIndex(max(0, self.ui.kind_combo.findData(last[0].kind)))
        else:
            self.setWindowTitle(self.tr("修改活动记录 — %1").replace("%1", team.name))
            self._load(activity_id)
        self._update_count()
        self.ui.date_edit.setFocus()
        Drafts.attach(self, f"activity:{activity_id or team_id + ':new'}", ctx.ledger)

    def _load(self, activity_id: str) -> None:
        activity = teams.get_activity(self.ctx.ledger, activity_id)
        if activity is None:
            raise UserError("activity_id", "not_found", self.tr("该活动记录不存在，可能已被删除"))
        self.ui.date_edit.setDate(QDate.fromString(activity.activity_date, "yyyy-MM-dd"))
        self.ui.kind_combo.setCurrentIndex(max(0, self.ui.kind_combo.findData(activity.kind)))
        self.ui.place_edit.setText(activity.place)
        self.ui.summary_edit.setPlainText(activity.summary)
        self.ui.findings_edit.setPlainText(activity.findings)
        self.ui.disputes_found_spin.setValue(activity.disputes_found)
        self.ui.disputes_prevented_spin.setValue(activity.disputes_prevented)
        for resident_id, name in zip(activity.participant_ids, activity.participant_names, strict=True):
            item = self._item_of(resident_id)
            if item is None:
                self._add_person(resident_id, self.tr("%1（非在队成员）").replace("%1", name), checked=True)
            else:
                item.setCheckState(Qt.CheckState.Checked)

    def _item_of(self, resident_id: str) -> QListWidgetItem | None:
        for row in range(self.ui.participants_list.count()):
            item = self.ui.participants_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == resident_id:
                return item
        return None

    def _add_person(self, resident_id: str, text: str, *, checked: bool) -> QListWidgetItem:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, resident_id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.ui.participants_list.addItem(item)
        self.picker.exclude.add(resident_id)
        return item

    def add_other_resident(self, resident_id: str) -> None:
        """Add a resident who is not a member (or tick them if listed already)."""
        item = self._item_of(resident_id)
        if item is None:
            person = residents.get(self.ctx.ledger, resident_id)
            name = person.name if person is not None else ""
            item = self._add_person(resident_id, self.tr("%1（其他居民）").replace("%1", name), checked=True)
        else:
            item.setCheckState(Qt.CheckState.Checked)
        self.ui.participants_list.scrollToItem(item)
        self._update_count()

    def participant_ids(self) -> list[str]:
        out = []
        for row in range(self.ui.participants_list.count()):
            item = self.ui.participants_list.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def set_checked(self, resident_ids: set[str]) -> None:
        for row in range(self.ui.participants_list.count()):
            item = self.ui.participants_list.item(row)
            checked = item.data(Qt.ItemDataRole.UserRole) in resident_ids
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def _update_count(self) -> None:
        self.ui.participants_count_label.setText(self.tr("已选 %1 人").replace("%1", str(len(self.participant_ids()))))

    def _on_participants_list_item_changed(self, _item: QListWidgetItem) -> None:
        self._update_count()

    def _on_check_all_button_clicked(self) -> None:
        everyone = {str(self.ui.participants_list.item(r).data(Qt.ItemDataRole.UserRole))
                    for r in range(self.ui.participants_list.count())}
        self.set_checked(everyone)

    def _on_check_none_button_clicked(self) -> None:
        self.set_checked(set())

    def _on_picker_picked(self, resident_id: str) -> None:
        self.add_other_resident(resident_id)
        self.picker.search_edit.clear()
        self.picker.results.clear()

    def activity_input(self) -> teams.ActivityInput:
        return teams.ActivityInput(
            team_id=self.team_id,
            activity_date=self.ui.date_edit.date().toString("yyyy-MM-dd"),
            kind=str(self.ui.kind_combo.currentData() or ""),
            place=self.ui.place_edit.text(),
            summary=self.ui.summary_edit.toPlainText(),
            findings=self.ui.findings_edit.toPlainText(),
            participant_ids=tuple(self.participant_ids()),
            disputes_found=self.ui.disputes_found_spin.value(),
            disputes_prevented=self.ui.disputes_prevented_spin.value(),
        )

    def accept(self) -> None:
        data = self.activity_input()
        try:
            if self.activity_id is None:
                self.changes = teams.log_activity(self.ctx.ledger, data)
            else:
                self.changes = teams.update_activity(self.ctx.ledger, self.activity_id, data)
        except UserError as exc:
            self.errors.show(exc)
            return
        self.errors.clear()
        super().accept()
        self.activity_saved.emit(self.changes)
