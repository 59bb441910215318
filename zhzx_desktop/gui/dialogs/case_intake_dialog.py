"""受理登记 (new case or correcting one): date, source, dispute type, what happened, the parties (residents picked
from the register, outsiders typed in) and the mediators. Also the small base every case form shares
(``CaseForm``): fields in a form with a red error line under each, 保存/取消, saving itself in ``accept()``."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.errors import UserError
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.drafts import Drafts
from zhzx_desktop.gui.widgets import enter_navigation
from zhzx_desktop.gui.widgets.form_errors import FormErrors
from zhzx_desktop.gui.widgets.party_editor import (
    MediatorList,
    PartyEditor,
)
from zhzx_desktop.services import cases, committee
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.fields import yuan

DATE_FORMAT = "yyyy-MM-dd"
DATE_HINT = "年-月-日，如 2026-12-31"


def qdate(day: date | str) -> QDate:
    if isinstance(day, str):
        return QDate.fromString(day[:10], DATE_FORMAT)
    return QDate(day.year, day.month, day.day)


def date_edit(name: str, day: date | str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setCalendarPopup(True)
    edit.setDate(qdate(day))
    return edit


def line_edit(name: str, hint: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    if hint:
        edit.setPlaceholderText(hint)
    return edit


def text_edit(name: str, hint: str = "", lines: int = 3) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setObjectName(name)
    edit.setTabChangesFocus(True)
    if hint:
        edit.setPlaceholderText(hint)
    edit.setMinimumHeight(edit.fontMetrics().lineSpacing() * lines + 12)
    return edit


def code_combo(name: str, table: str, blank: str | None = "（请选择）") -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    if blank is not None:
        combo.addItem(blank, "")
    for entry in code_table(table).entries:
        combo.addItem(entry.label, entry.code)
    return combo


def set_data(combo: QComboBox, value: object) -> None:
    combo.setCurrentIndex(max(0, combo.findData(value if value is not None else "")))


def error_label(field: str) -> QLabel:
    label = QLabel()
    label.setObjectName(f"{field}_error")
    return label


def with_error(widget: QWidget | QLayout, field: str) -> QWidget:
    """``widget`` with its (hidden) red error line under it."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    if isinstance(widget, QLayout):
        layout.addLayout(widget)
    else:
        layout.addWidget(widget)
    layout.addWidget(error_label(field))
    return box


class CaseForm(QDialog):
    """A case form: ``form`` rows with error lines, a general error line, 保存/取消; ``save()`` calls the service."""

    saved = Signal(object)  # Changes, after saving

    def __init__(self, ctx: GuiContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.changes: Changes | None = None
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form_error = error_label("form")
        self.button_box = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                           | QDialogButtonBox.StandardButton.Cancel)
        self.button_box.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        self.button_box.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.errors: FormErrors | None = None

    def add_row(self, label: str, widget: QWidget | QLayout, field: str, form: QFormLayout | None = None) -> None:
        (form or self.form).addRow(label, with_error(widget, field))

    def finish(self, body: QLayout | None = None) -> None:
        """Lay out (``body`` or the form), then wire errors, Enter navigation and the buttons."""
        layout = QVBoxLayout(self)
        layout.addLayout(body if body is not None else self.form, 1)
        layout.addWidget(self.form_error)
        layout.addWidget(self.button_box)
        self.errors = FormErrors(self)
        self.button_box.accepted.connect(self.accept)
        self.button_box.rejected.connect(self.reject)
        enter_navigation.install(self)

    def save(self) -> Changes:
        raise NotImplementedError

    def save_button(self) -> QWidget:
        return self.button_box.button(QDialogButtonBox.StandardButton.Save)

    def accept(self) -> None:
        assert self.errors is not None
        try:
            self.changes = self.save()
        except UserError as exc:
            self.errors.show(exc)
            return
        self.errors.clear()
        super().accept()
        self.saved.emit(self.changes)


class CaseIntakeDialog(CaseForm):
    """New case (``case_id`` None) or correcting the 受理登记 of an open case."""

    def __init__(self, ctx: GuiContext, case_id: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("受理登记") if case_id is None else self.tr("修改受理登记"), parent)
        self.setObjectName("case_intake_dialog")
        self.case_id = case_id
        today = ctx.ledger.today()
        self.accepted_edit = date_edit("accepted_edit", today)
        self.source_combo = code_combo("source_combo", "case_source")
        self.type_combo = code_combo("type_combo", "dispute_type")
        self.occurred_edit = line_edit("occurred_edit", self.tr("可不填；%1").replace("%1", DATE_HINT))
        self.place_edit = line_edit("place_edit", self.tr("纠纷发生的地方，如 某组某号门前"))
        self.scale_combo = code_combo("scale_combo", "event_scale", None)
        self.people_spin = QSpinBox()
        self.people_spin.setObjectName("people_spin")
        self.people_spin.setRange(0, 100000)
        self.people_spin.setSpecialValueText(self.tr("（不填）"))
        self.amount_edit = line_edit("amount_edit", self.tr("涉及金额，单位元；没有可不填"))
        self.summary_edit = text_edit("summary_edit", self.tr("简要写明纠纷的起因、经过和当事人的要求"), 5)
        self.notes_edit = line_edit("notes_edit")
        self.prevention_combo = code_combo("prevention_combo", "prevention_kind", self.tr("（无）"))
        self.prevention_combo.setToolTip(self.tr("本案调解防止了哪类后果；计入月报的“防止……（N件M人）”，人数取涉及人数"))
        self.difficult_check = QCheckBox(self.tr("属于疑难复杂纠纷"))
        self.difficult_check.setObjectName("difficult_check")
        self.add_row(self.tr("受理日期"), self.accepted_edit, "accepted_on")
        self.add_row(self.tr("案件来源"), self.source_combo, "case_source")
        self.add_row(self.tr("纠纷类型"), self.type_combo, "dispute_type")
        self.add_row(self.tr("发生日期"), self.occurred_edit, "occurred_on")
        self.add_row(self.tr("发生地点"), self.place_edit, "place")
        self.add_row(self.tr("事件规模"), self.scale_combo, "event_scale")
        self.add_row(self.tr("涉及人数"), self.people_spin, "people_involved")
        self.add_row(self.tr("预防效果"), self.prevention_combo, "prevention")
        self.add_row(self.tr("疑难案件"), self.difficult_check, "difficult")
        self.add_row(self.tr("涉及金额"), self.amount_edit, "amount")
        self.add_row(self.tr("纠纷简要情况"), self.summary_edit, "description")
        self.add_row(self.tr("备注"), self.notes_edit, "notes")

        self.party_editor = PartyEditor(ctx.ledger, self)
        parties_box = QGroupBox(self.tr("当事人（至少两方）"))
        parties_layout = QVBoxLayout(parties_box)
        parties_layout.addWidget(self.party_editor, 1)
        parties_layout.addWidget(error_label("parties"))
        self.mediator_list = MediatorList(ctx.ledger, self)
        mediators_box = QGroupBox(self.tr("指派调解员（可以以后再指派）"))
        mediators_layout = QVBoxLayout(mediators_box)
        mediators_layout.addWidget(self.mediator_list, 1)
        mediators_layout.addWidget(error_label("mediators"))
        right = QVBoxLayout()
        right.addWidget(parties_box, 3)
        right.addWidget(mediators_box, 2)
        body = QHBoxLayout()
        body.addLayout(self.form, 5)
        body.addLayout(right, 6)
        self.finish(body)
        self.resize(1100, 640)
        self.party_editor.parties_changed.connect(self._on_party_editor_parties_changed)

        if case_id is None:
            settings = committee.load(ctx.ledger)
            self.setWindowTitle(self.tr("受理登记 — %1").replace("%1", settings.name))
        else:
            self._load(case_id)
        self.accepted_edit.setFocus()
        Drafts.attach(self, f"case:{case_id or 'new'}", ctx.ledger)

    def _load(self, case_id: str) -> None:
        data = cases.load_intake(self.ctx.ledger, case_id)
        detail = cases.get_case(self.ctx.ledger, case_id)
        self.setWindowTitle(self.tr("修改受理登记 — %1").replace("%1", detail.case_no))
        if data.accepted_on:
            self.accepted_edit.setDate(qdate(str(data.accepted_on)))
        set_data(self.source_combo, data.source)
        set_data(self.type_combo, data.dispute_type)
        self.occurred_edit.setText(str(data.occurred_on or ""))
        self.place_edit.setText(data.place)
        set_data(self.scale_combo, data.event_scale)
        self.people_spin.setValue(data.people_involved or 0)
        self.amount_edit.setText(yuan(data.amount).replace(",", "") if isinstance(data.amount, int) else "")
        self.summary_edit.setPlainText(data.summary)
        self.notes_edit.setText(data.notes)
        set_data(self.prevention_combo, data.prevention)
        self.difficult_check.setChecked(data.difficult)
        self.party_editor.set_parties(list(data.parties), {p.id: p.id_masked for p in detail.parties if p.id_masked})
        self.mediator_list.set_mediators(list(data.mediators))

    def _on_party_editor_parties_changed(self) -> None:
        label = self.findChild(QLabel, "parties_error")
        if label is not None:
            label.hide()  # an old "add parties" message must not linger once they are added

    def intake_input(self) -> cases.IntakeInput:
        return cases.IntakeInput(
            accepted_on=self.accepted_edit.date().toString(DATE_FORMAT),
            source=str(self.source_combo.currentData() or "") or None,
            dispute_type=str(self.type_combo.currentData() or "") or None,
            summary=self.summary_edit.toPlainText(),
            parties=self.party_editor.parties(),
            mediators=self.mediator_list.mediators(),
            event_scale=str(self.scale_combo.currentData() or "") or None,
            people_involved=self.people_spin.value() or None,
            amount=self.amount_edit.text(),
            occurred_on=self.occurred_edit.text(),
            place=self.place_edit.text(),
            notes=self.notes_edit.text(),
            prevention=str(self.prevention_combo.currentData() or "") or None,
            difficult=self.difficult_check.isChecked(),
        )

    def save(self) -> Changes:
        data = self.intake_input()
        if self.case_id is None:
            return cases.open_case(self.ctx.ledger, data)
        return cases.update_intake(self.ctx.ledger, self.case_id, data)
