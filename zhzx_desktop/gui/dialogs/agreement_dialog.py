"""达成协议 (调解成功), correcting an agreement not yet signed-and-scanned, or a 补充协议 to a frozen one: the form
(书面 / 口头), the facts, the terms one per line, how / where / by when it is performed, the amount (with its 大写 as
typed) and the installments."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zhzx_desktop.domain.case_rules import ORAL, WRITTEN
from zhzx_desktop.errors import UserError
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.case_intake_dialog import (
    DATE_HINT,
    CaseForm,
    date_edit,
    error_label,
    line_edit,
    qdate,
    text_edit,
)
from zhzx_desktop.gui.drafts import Drafts
from zhzx_desktop.gui.widgets.buttons import push_button
from zhzx_desktop.services import cases, fields
from zhzx_desktop.services.changes import Changes

_INSTALLMENT_COLUMNS = 4  # 到期日期, 金额（元）, 付款人, 收款人


def amount_words(text: str) -> str:
    """The 大写 of an amount as typed ("" when empty, a hint when it is not an amount); needs domain.money."""
    try:
        fen = fields.amount_fen(text, "agreement_amount")
    except UserError:
        return "金额格式不正确（例：12000 或 12000.50）"
    if fen is None:
        return ""
    try:
        from zhzx_desktop.domain import money
    except ImportError:  # pragma: no cover - the module is written alongside
        return ""
    try:
        return "大写：" + money.rmb_text(fen)
    except UserError as exc:
        return exc.message


class AgreementDialog(CaseForm):
    def __init__(self, ctx: GuiContext, case_id: str, parent: QWidget | None = None, *,
                 agreement_id: str | None = None, supplement_to: str | None = None) -> None:
        detail = cases.get_case(ctx.ledger, case_id)
        super().__init__(ctx, "", parent)
        self.setObjectName("agreement_dialog")
        self.case_id = case_id
        self.agreement_id = agreement_id
        self.supplement_to = supplement_to
        applicants = [p.name for p in detail.parties if p.role == "applicant"]
        respondents = [p.name for p in detail.parties if p.role == "respondent"]
        self._payer = respondents[0] if respondents else ""
        self._payee = applicants[0] if applicants else ""

        self.written_radio = QRadioButton(self.tr("书面协议（制作人民调解协议书）"))
        self.written_radio.setObjectName("written_radio")
        self.oral_radio = QRadioButton(self.tr("口头协议（登记口头协议登记表）"))
        self.oral_radio.setObjectName("oral_radio")
        group = QButtonGroup(self)
        group.addButton(self.written_radio)
        group.addButton(self.oral_radio)
        form_row = QHBoxLayout()
        form_row.addWidget(self.written_radio)
        form_row.addWidget(self.oral_radio)
        form_row.addStretch(1)
        self.effective_edit = date_edit("effective_edit", ctx.ledger.today())
        self.facts_edit = text_edit("facts_edit", self.tr("纠纷的主要事实和争议事项（书面协议必填）"), 4)
        self.terms_edit = text_edit("terms_edit", self.tr("每行写一条，例如：\n被申请人于2026年12月31日前赔偿申请人损失"
                                                          "12000元\n申请人不再追究其他责任"), 7)
        self.add_row(self.tr("协议形式"), form_row, "agreement_form")
        self.add_row(self.tr("协议生效日期"), self.effective_edit, "effective_on")
        self.add_row(self.tr("纠纷事实"), self.facts_edit, "facts")
        self.add_row(self.tr("协议内容"), self.terms_edit, "terms")

        right = QFormLayout()
        right.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.method_edit = line_edit("method_edit", self.tr("如 现金一次付清 / 分两期银行转账"))
        self.place_edit = line_edit("place_edit", self.tr("可不填"))
        self.deadline_edit = line_edit("deadline_edit", self.tr("最迟哪天履行完；%1").replace("%1", DATE_HINT))
        self.amount_edit = line_edit("amount_edit", self.tr("单位元，如 12000；不涉及金钱可不填"))
        self.amount_words_label = QLabel()
        self.amount_words_label.setObjectName("amount_words_label")
        self.amount_words_label.setWordWrap(True)
        amount_box = QVBoxLayout()
        amount_box.setSpacing(2)
        amount_box.addWidget(self.amount_edit)
        amount_box.addWidget(self.amount_words_label)
        self.add_row(self.tr("履行方式"), self.method_edit, "performance_method", right)
        self.add_row(self.tr("履行地点"), self.place_edit, "performance_place", right)
        self.add_row(self.tr("履行期限"), self.deadline_edit, "performance_deadline", right)
        self.add_row(self.tr("协议金额"), amount_box, "agreement_amount", right)

        self.installment_table = QTableWidget(0, _INSTALLMENT_COLUMNS)
        self.installment_table.setObjectName("installment_table")
        self.installment_table.setHorizontalHeaderLabels([self.tr("到期日期"), self.tr("金额（元）"), self.tr("付款人"),
                                                          self.tr("收款人")])
        self.installment_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.installment_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.installment_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        header = self.installment_table.horizontalHeader()
        for column, width in enumerate((110, 100, 90)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        self.add_installment_button = push_button("add_installment_button", self.tr("添加一期"))
        self.remove_installment_button = push_button("remove_installment_button", self.tr("删除所选一期"))
        self.installment_sum_label = QLabel()
        self.installment_sum_label.setObjectName("installment_sum_label")
        buttons = QHBoxLayout()
        buttons.addWidget(self.installment_sum_label, 1)
        buttons.addWidget(self.add_installment_button)
        buttons.addWidget(self.remove_installment_button)
        installments = QVBoxLayout()
        installments.addWidget(QLabel(self.tr("分期履行（一次付清的不用填）：直接在表格里填写日期、金额")))
        installments.addWidget(self.installment_table, 1)
        installments.addLayout(buttons)
        installments.addWidget(error_label("installments"))
        right_column = QVBoxLayout()
        right_column.addLayout(right)
        right_column.addLayout(installments, 1)

        body = QHBoxLayout()
        body.addLayout(self.form, 1)
        body.addLayout(right_column, 1)
        self.finish(body)
        self.resize(1080, 620)

        self.amount_edit.textChanged.connect(self._on_amount_edit_text_changed)
        self.installment_table.itemChanged.connect(self._on_installment_table_item_changed)
        self.add_installment_button.clicked.connect(self._on_add_installment_button_clicked)
        self.remove_installment_button.clicked.connect(self.remove_selected_installment)
        self.written_radio.toggled.connect(self._on_written_radio_toggled)

        if agreement_id is not None:
            row = next((a for a in detail.agreements if a.id == agreement_id), None)
            if row is None:
                raise UserError("agreement", "not_found", self.tr("协议不存在，可能已被删除"))
            self.setWindowTitle(self.tr("修改协议 — %1").replace("%1", detail.case_no))
            self._load(row)
        elif supplement_to is not None:
            self.setWindowTitle(self.tr("补充协议 — %1").replace("%1", detail.case_no))
            self.written_radio.setChecked(True)
            self.oral_radio.setEnabled(False)
            original = next((a for a in detail.agreements if a.id == supplement_to), None)
            if original is not None:
                self.facts_edit.setPlainText(original.facts)
        else:
            self.setWindowTitle(self.tr("达成协议 — %1").replace("%1", detail.case_no))
            self.written_radio.setChecked(True)
        self._update_sum()
        self.terms_edit.setFocus()
        Drafts.attach(self, f"agreement:{agreement_id or (supplement_to or case_id) + ':new'}", ctx.ledger)

    def _load(self, row: cases.AgreementRow) -> None:
        (self.written_radio if row.written else self.oral_radio).setChecked(True)
        if row.supplements_id:
            self.oral_radio.setEnabled(False)
        if row.effective_on:
            self.effective_edit.setDate(qdate(row.effective_on))
        self.facts_edit.setPlainText(row.facts)
        self.terms_edit.setPlainText(row.terms)
        self.method_edit.setText(row.performance_method)
        self.place_edit.setText(row.performance_place)
        self.deadline_edit.setText(row.performance_deadline or "")
        self.amount_edit.setText(fields.yuan(row.amount_fen).replace(",", "") if row.amount_fen is not None else "")
        for inst in row.installments:
            self.add_installment(inst.due_on, fields.yuan(inst.amount_fen).replace(",", ""), inst.payer, inst.payee,
                                 installment_id=inst.id, paid_on=inst.paid_on)

    # ---- installments

    def add_installment(self, due_on: str = "", amount: str = "", payer: str | None = None,
                        payee: str | None = None, *, installment_id: str | None = None,
                        paid_on: str | None = None) -> int:
        table = self.installment_table
        table.blockSignals(True)
        row = table.rowCount()
        table.insertRow(row)
        texts = (due_on, amount, self._payer if payer is None else payer, self._payee if payee is None else payee)
        for column, text in enumerate(texts):
            item = QTableWidgetItem(text)
            if column == 0:
                item.setData(Qt.ItemDataRole.UserRole, installment_id)
                item.setToolTip(self.tr(DATE_HINT))
            if column == 1:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if paid_on:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setToolTip(self.tr("已于 %1 付款，不能修改").replace("%1", paid_on))
            table.setItem(row, column, item)
        table.blockSignals(False)
        self._update_sum()
        return row

    def remove_selected_installment(self) -> None:
        rows = self.installment_table.selectionModel().selectedRows()
        if rows:
            self.installment_table.removeRow(rows[0].row())
        elif self.installment_table.rowCount():
            self.installment_table.removeRow(self.installment_table.rowCount() - 1)
        self._update_sum()

    def installments(self) -> list[cases.InstallmentInput]:
        table = self.installment_table
        found = []
        for row in range(table.rowCount()):
            texts = [(table.item(row, c).text() if table.item(row, c) is not None else "").strip()
                     for c in range(_INSTALLMENT_COLUMNS)]
            if not any(texts[:2]):
                continue  # an empty row added by mistake
            first = table.item(row, 0)
            found.append(cases.InstallmentInput(due_on=texts[0], amount=texts[1], payer=texts[2], payee=texts[3],
                                                id=first.data(Qt.ItemDataRole.UserRole) if first else None))
        return found

    def _update_sum(self) -> None:
        total = 0
        for inst in self.installments():
            try:
                total += fields.amount_fen(inst.amount, "installment_amount") or 0
            except UserError:
                self.installment_sum_label.setText(self.tr("有一期金额格式不正确"))
                return
        count = len(self.installments())
        self.installment_sum_label.setText(
            self.tr("共 %1 期，合计 %2 元").replace("%1", str(count)).replace("%2", fields.yuan(total)) if count
            else self.tr("不分期"))

    def _on_add_installment_button_clicked(self) -> None:
        row = self.add_installment()
        self.installment_table.setCurrentCell(row, 0)
        self.installment_table.editItem(self.installment_table.item(row, 0))

    def _on_installment_table_item_changed(self, _item: QTableWidgetItem) -> None:
        self._update_sum()

    def _on_amount_edit_text_changed(self, text: str) -> None:
        self.amount_words_label.setText(amount_words(text))

    def _on_written_radio_toggled(self, written: bool) -> None:
        self.facts_edit.setPlaceholderText(self.tr("纠纷的主要事实和争议事项（书面协议必填）") if written
                                           else self.tr("纠纷的主要事实和争议事项（口头协议可不填）"))

    # ---- saving

    def agreement_input(self) -> cases.AgreementInput:
        return cases.AgreementInput(
            form=WRITTEN if self.written_radio.isChecked() else ORAL, facts=self.facts_edit.toPlainText(),
            terms=self.terms_edit.toPlainText(), performance_method=self.method_edit.text(),
            effective_on=self.effective_edit.date().toString("yyyy-MM-dd"),
            performance_place=self.place_edit.text(), performance_deadline=self.deadline_edit.text(),
            amount=self.amount_edit.text(), installments=self.installments())

    def save(self) -> Changes:
        data = self.agreement_input()
        if self.agreement_id is not None:
            return cases.update_agreement(self.ctx.ledger, self.agreement_id, data)
        if self.supplement_to is not None:
            return cases.add_supplement(self.ctx.ledger, self.supplement_to, data)
        return cases.record_agreement(self.ctx.ledger, self.case_id, data)
