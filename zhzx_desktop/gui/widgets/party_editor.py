"""The parties and the mediators of a case in the 受理登记 form: a table (类别 editable: 申请人 / 被申请人 / 当事人), 添加居民 (found in the
register), 添加外来人员/单位 (typed in), 修改, 删除. It holds ``cases.PartyInput`` records; the service checks them."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.domain.masking import mask_phone
from zhzx_desktop.gui.widgets import enter_navigation
from zhzx_desktop.gui.widgets.buttons import push_button
from zhzx_desktop.gui.widgets.form_errors import STYLE
from zhzx_desktop.gui.widgets.resident_picker import ResidentPicker
from zhzx_desktop.services import cases, residents
from zhzx_desktop.services.cases import MEDIATOR_ROLES, PARTY_KINDS, ROLE_LABELS, MediatorInput, PartyInput
from zhzx_desktop.services.ledger import Ledger

PICKER_HEIGHT = 110
_COLUMNS = 5  # 类别, 姓名或名称, 身份, 联系电话, 住址


def masked_phone(phone: str) -> str:
    return mask_phone(phone.strip()) if phone.strip() else ""


class OutsiderDialog(QDialog):
    """A party who is not on the register: a person from elsewhere, a company (法人) or another organisation."""

    def __init__(self, party: PartyInput | None = None, parent: QWidget | None = None, *,
                 id_masked: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("outsider_dialog")
        self.party = dataclasses.replace(party) if party is not None else PartyInput(role="respondent")
        self.setWindowTitle(self.tr("添加外来人员或单位") if party is None else self.tr("修改当事人"))
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("kind_combo")
        for code, label in PARTY_KINDS.items():
            self.kind_combo.addItem(self.tr("个人（%1）").replace("%1", label) if code == "person"
                                    else self.tr("单位（%1）").replace("%1", label), code)
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("name_edit")
        self.sex_combo = QComboBox()
        self.sex_combo.setObjectName("sex_combo")
        self.sex_combo.addItem(self.tr("（不填）"), "")
        for entry in code_table("sex").entries:
            if entry.code in ("1", "2"):
                self.sex_combo.addItem(entry.display, entry.code)
        self.ethnicity_combo = QComboBox()
        self.ethnicity_combo.setObjectName("ethnicity_combo")
        self.ethnicity_combo.addItem(self.tr("（不填）"), "")
        for entry in code_table("ethnicity").entries:
            self.ethnicity_combo.addItem(entry.label, entry.code)
        self.id_edit = QLineEdit()
        self.id_edit.setObjectName("id_edit")
        self.id_edit.setPlaceholderText(self.tr("可不填；填了会核对") if not id_masked
                                        else self.tr("已登记 %1，不修改请留空").replace("%1", id_masked))
        self.occupation_edit = QLineEdit()
        self.occupation_edit.setObjectName("occupation_edit")
        self.credit_edit = QLineEdit()
        self.credit_edit.setObjectName("credit_edit")
        self.legal_rep_edit = QLineEdit()
        self.legal_rep_edit.setObjectName("legal_rep_edit")
        self.phone_edit = QLineEdit()
        self.phone_edit.setObjectName("phone_edit")
        self.address_edit = QLineEdit()
        self.address_edit.setObjectName("address_edit")
        self.agent_edit = QLineEdit()
        self.agent_edit.setObjectName("agent_edit")
        self.agent_edit.setPlaceholderText(self.tr("有委托代理人时填写"))
        self.name_error = QLabel()
        self.name_error.setObjectName("name_error")
        self.name_error.setStyleSheet(STYLE)
        self.name_error.hide()
        self.form = QFormLayout()
        self.name_label = QLabel(self.tr("姓名"))
        self.form.addRow(self.tr("主体类型"), self.kind_combo)
        self.form.addRow(self.name_label, self.name_edit)
        self.form.addRow("", self.name_error)
        self.form.addRow(self.tr("性别"), self.sex_combo)
        self.form.addRow(self.tr("民族"), self.ethnicity_combo)
        self.form.addRow(self.tr("身份证号"), self.id_edit)
        self.form.addRow(self.tr("职业"), self.occupation_edit)
        self.form.addRow(self.tr("统一社会信用代码"), self.credit_edit)
        self.form.addRow(self.tr("法定代表人（负责人）"), self.legal_rep_edit)
        self.form.addRow(self.tr("联系电话"), self.phone_edit)
        self.form.addRow(self.tr("住所地"), self.address_edit)
        self.form.addRow(self.tr("委托代理人"), self.agent_edit)
        self.button_box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.button_box.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("确定"))
        self.button_box.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.button_box)
        self.setMinimumWidth(440)

        p = self.party
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(p.party_kind)))
        self.name_edit.setText(p.name)
        self.sex_combo.setCurrentIndex(max(0, self.sex_combo.findData(p.sex or "")))
        self.ethnicity_combo.setCurrentIndex(max(0, self.ethnicity_combo.findData(p.ethnicity or "")))
        self.occupation_edit.setText(p.occupation)
        self.credit_edit.setText(p.credit_code)
        self.legal_rep_edit.setText(p.legal_rep)
        self.phone_edit.setText(p.phone)
        self.address_edit.setText(p.address)
        self.agent_edit.setText(p.agent)
        self.kind_combo.currentIndexChanged.connect(self._on_kind_combo_current_index_changed)
        self.button_box.accepted.connect(self.accept)
        self.button_box.rejected.connect(self.reject)
        enter_navigation.install(self)
        self._show_kind()

    def _person(self) -> bool:
        return self.kind_combo.currentData() == "person"

    def _show_kind(self) -> None:
        person = self._person()
        for widget in (self.sex_combo, self.ethnicity_combo, self.id_edit, self.occupation_edit):
            self.form.setRowVisible(widget, person)
        for widget in (self.credit_edit, self.legal_rep_edit):
            self.form.setRowVisible(widget, not person)
        self.name_label.setText(self.tr("姓名") if person else self.tr("单位名称"))

    def _on_kind_combo_current_index_changed(self, _index: int) -> None:
        self._show_kind()

    def accept(self) -> None:
        name = self.name_edit.text().strip()
        if not name:
            self.name_error.setText(self.tr("请填写姓名") if self._person() else self.tr("请填写单位名称"))
            self.name_error.show()
            return
        person = self._person()
        self.party = dataclasses.replace(
            self.party, party_kind=str(self.kind_combo.currentData()), resident_id=None, name=name,
            sex=(self.sex_combo.currentData() or None) if person else None,
            ethnicity=(self.ethnicity_combo.currentData() or None) if person else None,
            id_number=self.id_edit.text().strip() if person else "",
            occupation=self.occupation_edit.text() if person else "",
            credit_code="" if person else self.credit_edit.text(),
            legal_rep="" if person else self.legal_rep_edit.text(),
            phone=self.phone_edit.text(), address=self.address_edit.text(), agent=self.agent_edit.text())
        super().accept()


class PartyEditor(QWidget):
    parties_changed = Signal()

    def __init__(self, ledger: Ledger, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("party_editor")
        self._ledger = ledger
        self._parties: list[PartyInput] = []
        self._id_masked: dict[str, str] = {}  # party id → masked ID number (an edited case's stored parties)
        self.dialog: OutsiderDialog | None = None
        self.table = QTableWidget(0, _COLUMNS)
        self.table.setObjectName("party_table")
        self.table.setHorizontalHeaderLabels([self.tr("类别"), self.tr("姓名或名称"), self.tr("身份"),
                                              self.tr("联系电话"), self.tr("住址")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column, width in enumerate((100, 150, 72, 100)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 14)
        self.add_resident_button = push_button("add_resident_button", self.tr("添加居民…"),
                                               self.tr("从本村居民中查找当事人"))
        self.add_outsider_button = push_button("add_outsider_button", self.tr("添加外来人员/单位…"),
                                               self.tr("当事人不在本村居民登记中，或是公司、单位"))
        self.edit_button = push_button("edit_party_button", self.tr("修改…"))
        self.remove_button = push_button("remove_party_button", self.tr("删除"))
        buttons = QHBoxLayout()
        for button in (self.add_resident_button, self.add_outsider_button, self.edit_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.picker = ResidentPicker(ledger, self)
        self.picker.setObjectName("party_picker")
        self.picker.search_edit.setPlaceholderText(self.tr("输入当事人姓名、拼音或电话，回车（或双击）添加"))
        self.picker.results.setMaximumHeight(PICKER_HEIGHT)
        self.picker.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.picker)
        layout.addWidget(self.table, 1)

        self.add_resident_button.clicked.connect(self._on_add_resident_button_clicked)
        self.add_outsider_button.clicked.connect(self.open_outsider_dialog)
        self.edit_button.clicked.connect(self.edit_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.picker.picked.connect(self._on_picker_picked)
        self.table.doubleClicked.connect(self.edit_selected)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self._update_buttons()

    # ---- contents

    def set_parties(self, parties: list[PartyInput], id_masked: dict[str, str] | None = None) -> None:
        self._id_masked = dict(id_masked or {})
        self._parties = []
        self.table.setRowCount(0)
        self.picker.exclude.clear()
        for party in parties:
            self._append(dataclasses.replace(party))

    def parties(self) -> list[PartyInput]:
        """The parties as listed, each with the role chosen in its row."""
        found = []
        for row, party in enumerate(self._parties):
            combo = self.table.cellWidget(row, 0)
            role = combo.currentData() if isinstance(combo, QComboBox) else party.role
            found.append(dataclasses.replace(party, role=str(role)))
        return found

    def add_resident(self, resident_id: str) -> bool:
        """Add a resident from the register (once)."""
        if any(p.resident_id == resident_id for p in self._parties):
            return False
        self._append(PartyInput(role=self._next_role(), resident_id=resident_id))
        return True

    def add_outsider(self, party: PartyInput) -> None:
        self._append(dataclasses.replace(party, role=party.role or self._next_role()))

    def set_role(self, row: int, role: str) -> None:
        combo = self.table.cellWidget(row, 0)
        if isinstance(combo, QComboBox):
            combo.setCurrentIndex(max(0, combo.findData(role)))

    def _next_role(self) -> str:
        return "applicant" if not self._parties else "respondent"

    def _append(self, party: PartyInput) -> None:
        self._parties.append(party)
        row = self.table.rowCount()
        self.table.insertRow(row)
        combo = QComboBox()
        combo.setObjectName("role_combo")
        for code, label in ROLE_LABELS.items():
            combo.addItem(label, code)
        combo.setCurrentIndex(max(0, combo.findData(party.role)))
        self.table.setCellWidget(row, 0, combo)
        self._fill_row(row)
        if party.resident_id:
            self.picker.exclude.add(party.resident_id)
        self.parties_changed.emit()
        self._update_buttons()

    def _fill_row(self, row: int) -> None:
        party = self._parties[row]
        if party.resident_id:
            found = residents.get(self._ledger, party.resident_id)
            name = found.name if found is not None else party.name
            phone = found.phone_masked if found is not None else masked_phone(party.phone)
            address = party.address
            if not address and found is not None:
                address = residents.load(self._ledger, party.resident_id)[0].address
            kind = self.tr("本村居民")
        else:
            name, phone, address = party.name, masked_phone(party.phone), party.address
            kind = self.tr("外来人员") if party.party_kind == "person" else PARTY_KINDS[party.party_kind]
        for column, text in enumerate((name, kind, phone, address), start=1):
            item = QTableWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, party.resident_id or party.id)
            self.table.setItem(row, column, item)

    def selected_row(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def remove_selected(self) -> None:
        row = self.selected_row()
        if row < 0:
            return
        party = self._parties.pop(row)
        self.table.removeRow(row)
        if party.resident_id:
            self.picker.exclude.discard(party.resident_id)
        self.parties_changed.emit()
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.selected_row()
        known = 0 <= row < len(self._parties)  # (during a removal the table still has the row)
        self.remove_button.setEnabled(known)
        self.edit_button.setEnabled(known and not self._parties[row].resident_id)

    # ---- adding

    def _on_add_resident_button_clicked(self) -> None:
        self.picker.setVisible(not self.picker.isVisible())
        if self.picker.isVisible():
            self.picker.search_edit.setFocus()

    def _on_picker_picked(self, resident_id: str) -> None:
        self.add_resident(resident_id)
        self.picker.search_edit.clear()
        self.picker.results.clear()
        self.picker.hide()

    def open_outsider_dialog(self) -> OutsiderDialog:
        dialog = OutsiderDialog(PartyInput(role=self._next_role()), self)
        dialog.accepted.connect(lambda: self.add_outsider(dialog.party))
        self.dialog = dialog
        dialog.open()
        return dialog

    def edit_selected(self) -> OutsiderDialog | None:
        row = self.selected_row()
        if row < 0 or self._parties[row].resident_id:
            return None
        current = self.parties()[row]
        dialog = OutsiderDialog(current, self, id_masked=self._id_masked.get(current.id or "", ""))
        dialog.accepted.connect(lambda: self._replace(row, dialog.party))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _replace(self, row: int, party: PartyInput) -> None:
        self._parties[row] = party
        self._fill_row(row)
        self.parties_changed.emit()


class MediatorList(QWidget):
    def __init__(self, ledger: Ledger, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mediator_list")
        self._ids: dict[str, str] = {}  # resident id → case_mediators id (kept when editing)
        self.options = cases.mediator_options(ledger)
        self.table = QTableWidget(len(self.options), 2)
        self.table.setObjectName("mediator_table")
        self.table.setHorizontalHeaderLabels([self.tr("调解员（所在队伍）"), self.tr("本案角色")])
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setSectionResizeMode(0, self.table.horizontalHeader().ResizeMode.Stretch)
        self.table.horizontalHeader().resizeSection(1, 130)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 14)
        for row, option in enumerate(self.options):
            item = QTableWidgetItem(f"{option.name}（{option.team}）")
            item.setData(Qt.ItemDataRole.UserRole, option.resident_id)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.table.setItem(row, 0, item)
            combo = QComboBox()
            combo.setObjectName("mediator_role_combo")
            for code, label in MEDIATOR_ROLES.items():
                combo.addItem(label, code)
            combo.setCurrentIndex(combo.findData("mediator"))
            self.table.setCellWidget(row, 1, combo)
        self.hint = QLabel(self.tr("还没有调解员：请先在“队伍”中建立人民调解委员会或“和事佬”调解队，并添加成员。"))
        self.hint.setObjectName("mediator_hint")
        self.hint.setWordWrap(True)
        self.hint.setVisible(not self.options)
        self.table.setVisible(bool(self.options))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.hint)
        layout.addWidget(self.table)
        self.table.itemChanged.connect(self._on_table_item_changed)

    def _row_of(self, resident_id: str) -> int:
        return next((i for i, o in enumerate(self.options) if o.resident_id == resident_id), -1)

    def _combo(self, row: int) -> QComboBox:
        combo = self.table.cellWidget(row, 1)
        assert isinstance(combo, QComboBox)
        return combo

    def set_checked(self, resident_id: str, checked: bool = True, role: str | None = None) -> None:
        row = self._row_of(resident_id)
        if row < 0:
            return
        if role is not None:
            self._combo(row).setCurrentIndex(self._combo(row).findData(role))
        self.table.item(row, 0).setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def set_mediators(self, mediators: list[MediatorInput]) -> None:
        self._ids = {m.resident_id: m.id for m in mediators if m.id}
        for row in range(self.table.rowCount()):
            self.table.item(row, 0).setCheckState(Qt.CheckState.Unchecked)
        for mediator in mediators:
            self.set_checked(mediator.resident_id, True, mediator.role)

    def mediators(self) -> list[MediatorInput]:
        found = []
        for row, option in enumerate(self.options):
            if self.table.item(row, 0).checkState() == Qt.CheckState.Checked:
                found.append(MediatorInput(resident_id=option.resident_id, role=str(self._combo(row).currentData()),
                                           id=self._ids.get(option.resident_id)))
        return found

    def _on_table_item_changed(self, item: QTableWidgetItem) -> None:
        """The first person ticked presides (主持调解员) unless someone else already does."""
        if item.column() != 0 or item.checkState() != Qt.CheckState.Checked:
            return
        leads = [m for m in self.mediators() if m.role == "lead"]
        if not leads:
            self._combo(item.row()).setCurrentIndex(self._combo(item.row()).findData("lead"))
