"""Register or edit one resident, with live validation: typing an ID number fills birth date and sex, and each
field's error appears next to it in Chinese as soon as the clerk has touched it. Nothing is saved half-valid:
``accept()`` validates everything, then (for a new resident) checks for likely duplicates, then saves."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QListView, QListWidgetItem, QWidget

from zhzx_desktop.domain.citizen_id import parse_citizen_id
from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.domain.masking import mask_phone
from zhzx_desktop.domain.roles import Permission
from zhzx_desktop.errors import KnownError, UserError
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.duplicate_prompt import DuplicatePrompt
from zhzx_desktop.gui.dialogs.reveal_dialog import RevealDialog
from zhzx_desktop.gui.drafts import Drafts
from zhzx_desktop.gui.errors import show_error
from zhzx_desktop.gui.forms.ui_resident_dialog import Ui_ResidentDialog
from zhzx_desktop.gui.widgets import enter_navigation
from zhzx_desktop.gui.widgets.form_errors import FormErrors
from zhzx_desktop.services import duplicates, grids, residents
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.fields import InvalidInput
from zhzx_desktop.services.residents import CITIZEN_ID_TYPE, ResidentInput

VALIDATE_AFTER_MS = 250
_SENSITIVE_NOTE = "（敏感）"


def _fill_codes(combo: QComboBox, table: str, *, blank: str | None = None) -> None:
    if blank is not None:
        combo.addItem(blank, "")
    for entry in code_table(table).entries:
        combo.addItem(entry.label, entry.code)


def _select(combo: QComboBox, value: str | None) -> None:
    index = combo.findData(value or "")
    combo.setCurrentIndex(max(index, 0))


class ResidentDialog(QDialog):
    resident_saved = Signal(object)  # Changes
    existing_requested = Signal(str)  # the clerk chose to open an already registered resident instead

    def __init__(self, ctx: GuiContext, resident_id: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.resident_id = resident_id
        self.changes: Changes | None = None
        self.prompt: DuplicatePrompt | None = None
        self._touched: set[str] = set()
        self._duplicates_confirmed = False
        self._has_stored_id = False
        self.ui = Ui_ResidentDialog()
        self.ui.setupUi(self)
        self.setWindowTitle(self.tr("修改居民信息") if resident_id else self.tr("登记新居民"))
        self.errors = FormErrors(self)
        ui = self.ui
        _fill_codes(ui.id_type_combo, "id_type")
        _fill_codes(ui.sex_combo, "sex", blank=self.tr("（请选择）"))
        _fill_codes(ui.ethnicity_combo, "ethnicity", blank=self.tr("（未填）"))
        _fill_codes(ui.relation_combo, "relation", blank=self.tr("（未填）"))
        _fill_codes(ui.residence_type_combo, "residence_type")
        ui.grid_combo.addItem(self.tr("（未分网格）"), "")
        for grid_id, grid_name in grids.options(ctx.ledger):
            ui.grid_combo.addItem(grid_name, grid_id)
        ui.category_list.setFlow(QListView.Flow.LeftToRight)  # a grid of check boxes, not one long column
        ui.category_list.setWrapping(True)
        ui.category_list.setResizeMode(QListView.ResizeMode.Adjust)
        ui.category_list.setSpacing(2)
        hidden = residents.hidden_categories(ctx.ledger)  # sensitive ones, for a role without SENSITIVE_VIEW
        for entry in code_table("resident_category").entries:
            if entry.code in hidden:
                continue
            item = QListWidgetItem(entry.label + (_SENSITIVE_NOTE if entry.sensitive else ""))
            item.setData(Qt.ItemDataRole.UserRole, entry.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            ui.category_list.addItem(item)
        ui.button_box.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        ui.button_box.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        if resident_id is not None:
            self._load(resident_id)
        self._validate_timer = QTimer(self)
        self._validate_timer.setSingleShot(True)
        self._validate_timer.setInterval(VALIDATE_AFTER_MS)
        self._validate_timer.timeout.connect(self.validate)
        self._connect_fields()
        ui.button_box.accepted.connect(self.accept)
        ui.button_box.rejected.connect(self.reject)
        enter_navigation.install(self)
        self._on_id_number_changed()
        self._gate()
        if not self.read_only:  # nothing typed in a read-only form: no draft to keep or offer
            Drafts.attach(self, f"resident:{resident_id or 'new'}", ctx.ledger)

    # ---- loading and reading the form ----

    def _load(self, resident_id: str) -> None:
        data, id_masked, household_no = residents.load(self.ctx.ledger, resident_id)
        ui = self.ui
        ui.name_edit.setText(data.name)
        _select(ui.id_type_combo, data.id_type)
        if id_masked:
            ui.id_number_edit.setPlaceholderText(self.tr("已登记 %1；不修改请留空").replace("%1", id_masked))
        _select(ui.sex_combo, data.sex if data.sex != "0" else "")
        ui.birth_date_edit.setText(str(data.birth_date or ""))
        _select(ui.ethnicity_combo, data.ethnicity)
        ui.phone_edit.setText(data.phone)
        _select(ui.grid_combo, data.grid_id)
        ui.household_edit.setText(household_no)
        _select(ui.relation_combo, data.relation)
        _select(ui.residence_type_combo, data.residence_type)
        ui.address_edit.setText(data.address)
        ui.occupation_edit.setText(data.occupation)
        ui.notes_edit.setPlainText(data.notes)
        for row in range(ui.category_list.count()):
            item = ui.category_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) in data.categories:
                item.setCheckState(Qt.CheckState.Checked)
        self._has_stored_id = bool(id_masked)

    def _gate(self) -> None:
        """The role decides: without REGISTER_EDIT the form only shows (no 保存); 查看完整号码 for a stored number
        when the role has FULL_ID_VIEW."""
        actor = self.ctx.ledger.actor
        ui = self.ui
        self.read_only = actor is None or not actor.can(Permission.REGISTER_EDIT)
        self.reveal_button = ui.button_box.addButton(self.tr("查看完整号码…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.reveal_button.setObjectName("reveal_button")
        self.reveal_button.setToolTip(self.tr("需填写查询事由，查看记入审计日志"))
        self.reveal_button.setAutoDefault(False)
        self.reveal_button.setVisible(bool(self.resident_id) and self._has_stored_id and actor is not None
                                      and actor.can(Permission.FULL_ID_VIEW))
        self.reveal_button.clicked.connect(self.open_reveal_dialog)
        self.reveal_dialog: RevealDialog | None = None
        if not self.read_only:
            return
        self.setWindowTitle(self.tr("居民信息（只读）"))
        for edit in (ui.name_edit, ui.id_number_edit, ui.birth_date_edit, ui.phone_edit, ui.household_edit,
                     ui.address_edit, ui.occupation_edit):
            edit.setReadOnly(True)
        ui.id_number_edit.setPlaceholderText(ui.id_number_edit.placeholderText().replace(self.tr("；不修改请留空"), ""))
        ui.phone_edit.setText(mask_phone(ui.phone_edit.text()))  # REGISTER_VIEW: phones masked, like the lists
        ui.notes_edit.setReadOnly(True)
        for combo in (ui.id_type_combo, ui.sex_combo, ui.ethnicity_combo, ui.grid_combo, ui.relation_combo,
                      ui.residence_type_combo):
            combo.setEnabled(False)
        for row in range(ui.category_list.count()):
            item = ui.category_list.item(row)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable & ~Qt.ItemFlag.ItemIsEnabled
                          if item.checkState() != Qt.CheckState.Checked
                          else item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
        ui.button_box.button(QDialogButtonBox.StandardButton.Save).hide()
        ui.button_box.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("关闭"))

    def open_reveal_dialog(self) -> RevealDialog | None:
        """查看完整号码: asks the reason, then shows the number in that dialog only."""
        if not self.resident_id:
            return None
        masked = self.ui.id_number_edit.placeholderText()
        row = residents.get(self.ctx.ledger, self.resident_id)
        dialog = RevealDialog(self.ctx, self.resident_id, self.ui.name_edit.text(),
                              row.id_masked if row is not None else masked, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.reveal_dialog = dialog
        dialog.open()
        return dialog

    def _connect_fields(self) -> None:
        ui = self.ui
        for field, edit in (("name", ui.name_edit), ("id_number", ui.id_number_edit),
                            ("birth_date", ui.birth_date_edit), ("phone", ui.phone_edit),
                            ("household_id", ui.household_edit), ("address", ui.address_edit),
                            ("occupation", ui.occupation_edit)):
            edit.textEdited.connect(lambda _text, f=field: self._on_field_edited(f))
        for field, combo in (("id_type", ui.id_type_combo), ("sex", ui.sex_combo), ("ethnicity", ui.ethnicity_combo),
                             ("grid_id", ui.grid_combo), ("relation", ui.relation_combo),
                             ("residence_type", ui.residence_type_combo)):
            combo.activated.connect(lambda _index, f=field: self._on_field_edited(f))
        ui.notes_edit.textChanged.connect(lambda: self._on_field_edited("notes"))
        ui.category_list.itemChanged.connect(lambda _item: self._on_field_edited("category"))
        ui.id_number_edit.textChanged.connect(self._on_id_number_changed)
        ui.id_type_combo.currentIndexChanged.connect(self._on_id_number_changed)
        ui.household_edit.textChanged.connect(self._on_household_changed)

    def read_input(self) -> ResidentInput:
        """The form as a service input; the 户号 is resolved to its household (``UserError`` if unknown)."""
        ui = self.ui
        household_id = None
        if ui.household_edit.text().strip():
            household_id, _grid = residents.household_for_number(self.ctx.ledger, ui.household_edit.text())
        categories = tuple(ui.category_list.item(r).data(Qt.ItemDataRole.UserRole)
                           for r in range(ui.category_list.count())
                           if ui.category_list.item(r).checkState() == Qt.CheckState.Checked)
        return ResidentInput(
            name=ui.name_edit.text(), id_number=ui.id_number_edit.text(), id_type=ui.id_type_combo.currentData(),
            sex=ui.sex_combo.currentData(), birth_date=ui.birth_date_edit.text(),
            ethnicity=ui.ethnicity_combo.currentData(), phone=ui.phone_edit.text(), household_id=household_id,
            relation=ui.relation_combo.currentData(), grid_id=ui.grid_combo.currentData() or None,
            residence_type=ui.residence_type_combo.currentData(), address=ui.address_edit.text(),
            occupation=ui.occupation_edit.text(), notes=ui.notes_edit.toPlainText(), categories=categories)

    # ---- live behaviour ----

    def _on_field_edited(self, field: str) -> None:
        self._touched.add(field)
        self._duplicates_confirmed = False  # "not the same person" was said of what the form held then
        self._validate_timer.start()

    def _on_id_number_changed(self) -> None:
        """A valid citizen ID fills birth date and sex (and locks them: the number decides them)."""
        ui = self.ui
        text = ui.id_number_edit.text().strip()
        derived = None
        if ui.id_type_combo.currentData() == CITIZEN_ID_TYPE and len(text) >= 15:
            try:
                derived = parse_citizen_id(text, today=self.ctx.ledger.today())
            except UserError:
                derived = None
        locked = derived is not None or (self._has_stored_id and not text
                                         and ui.id_type_combo.currentData() == CITIZEN_ID_TYPE)
        if derived is not None:
            ui.birth_date_edit.setText(derived.birth_date.isoformat())
            _select(ui.sex_combo, derived.sex)
            info = self.tr("出生日期 %1，%2").replace("%1", derived.birth_date.isoformat()).replace(
                "%2", code_table("sex").label_or(derived.sex))
            if derived.upgraded_from_15:
                info += self.tr("；已由15位升为18位")
            for warning in derived.warnings:
                info += "；" + warning
            ui.id_info_label.setText(info)
        else:
            ui.id_info_label.clear()
        ui.id_info_label.setVisible(derived is not None)
        ui.birth_date_edit.setReadOnly(locked)
        ui.sex_combo.setEnabled(not locked)

    def _on_household_changed(self) -> None:
        """Members live in their household's grid: a known 户号 sets the grid and locks it."""
        ui = self.ui
        grid_id = None
        if ui.household_edit.text().strip():
            try:
                _household, grid_id = residents.household_for_number(self.ctx.ledger, ui.household_edit.text())
            except UserError:
                grid_id = None
            else:
                _select(ui.grid_combo, grid_id)
        ui.grid_combo.setEnabled(grid_id is None)

    def validate(self, *, every_field: bool = False) -> bool:
        """Check the form; show the errors of touched fields (or of all of them). True when it can be saved."""
        self._validate_timer.stop()
        try:
            data = self.read_input()
            residents.check(self.ctx.ledger, data, resident_id=self.resident_id)
        except InvalidInput as exc:
            shown = exc.errors if every_field else [e for e in exc.errors if e.field in self._touched]
            if shown:
                self.errors.show(InvalidInput(list(shown)))
            else:
                self.errors.clear()
            return False
        except UserError as exc:
            if every_field or exc.field in self._touched:
                self.errors.show(exc)
            return False
        self.errors.clear()
        return True

    # ---- saving ----

    def accept(self) -> None:
        if self.read_only:
            return
        if self.resident_id is None and not self._duplicates_confirmed:
            found = self._candidates()
            if any(c.same_id for c in found) or (found and self.validate(every_field=True)):
                self._show_prompt(found)
                return
        if not self.validate(every_field=True):
            return
        try:
            data = self.read_input()
            if self.resident_id is None:
                self.changes = residents.register(self.ctx.ledger, data)
            else:
                self.changes = residents.update(self.ctx.ledger, self.resident_id, data)
        except UserError as exc:
            self.errors.show(exc)
            return
        except KnownError as exc:  # Forbidden: the role may not change the register
            show_error(self, exc)
            return
        self.resident_saved.emit(self.changes)
        super().accept()

    def _candidates(self) -> list[duplicates.Candidate]:
        try:
            return duplicates.candidates(self.ctx.ledger, self.read_input())
        except UserError:
            return []

    def _show_prompt(self, found: list[duplicates.Candidate]) -> None:
        self.prompt = DuplicatePrompt(found, self)
        self.prompt.register_anyway_chosen.connect(self._on_prompt_register_anyway_chosen)
        self.prompt.existing_chosen.connect(self._on_prompt_existing_chosen)
        self.prompt.open()

    def _on_prompt_register_anyway_chosen(self) -> None:
        self._duplicates_confirmed = True
        self.accept()

    def _on_prompt_existing_chosen(self, resident_id: str) -> None:
        self.reject()
        self.existing_requested.emit(resident_id)
