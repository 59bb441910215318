"""调解: the village's 人民调解 cases. Left, the case list (search by 案号, a party's name or what happened; filter by
status; 新受理). Right, the selected case: what it is, the next step in words, buttons for the steps its status
allows, and tabs — 概况, 调解记录, 协议与履行, 回访, 卷宗. Every rule is the services'; a refused step shows their
Chinese message (inline in the dialogs)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from zhzx_desktop import APP_DISPLAY_NAME
from zhzx_desktop.domain import case_rules
from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.errors import UserError
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.agreement_dialog import AgreementDialog, amount_words
from zhzx_desktop.gui.dialogs.case_intake_dialog import CaseForm, CaseIntakeDialog, date_edit, line_edit
from zhzx_desktop.gui.dialogs.follow_up_dialog import FollowUpDialog
from zhzx_desktop.gui.dialogs.judicial_dialog import JudicialDialog, deadline_text
from zhzx_desktop.gui.dialogs.mediators_dialog import MediatorsDialog
from zhzx_desktop.gui.dialogs.session_dialog import SessionDialog
from zhzx_desktop.gui.dialogs.termination_dialog import TerminationDialog
from zhzx_desktop.gui.errors import show_error, show_message
from zhzx_desktop.gui.models.case_file_model import CaseFileModel, CaseFileRow, case_file_rows
from zhzx_desktop.gui.models.case_follow_up_model import CaseFollowUpModel
from zhzx_desktop.gui.models.case_installment_model import CaseInstallmentModel
from zhzx_desktop.gui.models.case_party_model import CasePartyModel
from zhzx_desktop.gui.models.case_session_model import CaseSessionModel
from zhzx_desktop.gui.models.case_table_model import CaseTableModel
from zhzx_desktop.gui.pages.page import Page
from zhzx_desktop.gui.widgets.buttons import push_button
from zhzx_desktop.gui.widgets.tables import list_table, select_id, selected_id, selected_row
from zhzx_desktop.services import case_documents, cases, committee
from zhzx_desktop.services.cases import AgreementRow, CaseDetail
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.fields import yuan
from zhzx_desktop.services.ledger import Ledger

SEARCH_DEBOUNCE_MS = 150
SCAN_MEDIA = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
_CASE_WIDTHS = (("case_no", 214), ("parties", 90), ("dispute_type", 84), ("accepted_on", 80), ("status_label", 64),
                ("deadline_on", 80))
_STATUS_COLOURS = {"accepted": "#2c6fb7", "mediating": "#d68910", "agreed": "#1e7d32", "failed": "#7f8c8d",
                   "closed": "#555555", "archived": "#555555"}
_PRINTS = (("intake", "受理登记表"), ("record", "调解记录"), ("followup", "回访记录"), ("cover", "卷宗封面及目录"))


def next_step(detail: CaseDetail) -> str:
    """What the clerk should do next on this case, in words."""
    status = detail.status
    if status == "accepted":
        if not any(m.role in ("lead", "mediator") for m in detail.mediators):
            return "下一步：指派调解员"
        return "下一步：记录调解（先去了解情况的，可以先记录调查）"
    if status == "mediating":
        return "下一步：继续调解；谈成了点“达成协议”，调解不成点“终止调解”"
    open_follow_ups = [f for f in detail.follow_ups if not f.done_on]
    if status == "agreed":
        agreement = detail.agreement
        if agreement is not None and not agreement.performed_on:
            unpaid = [(n, i) for n, i in enumerate(agreement.installments, start=1) if not i.paid_on]
            if unpaid:
                n, inst = unpaid[0]
                return f"下一步：第{n}期（{inst.due_on} 到期，{yuan(inst.amount_fen)} 元）付款后点“登记付款”"
            if not any(f.done_on for f in detail.follow_ups):
                return "下一步：当事人履行完后点“履行完毕”，或回访了解履行情况"
    if status in ("agreed", "failed"):
        if open_follow_ups:
            return f"下一步：回访（计划 {open_follow_ups[0].due_on or ''}），回访后登记回访结果"
        missing = detail.missing()
        if missing:
            return f"下一步：整理卷宗，还缺{len(missing)}项必备材料（见“卷宗”）"
        return "下一步：结案"
    if status == "closed":
        if detail.missing(archiving=True):
            return "下一步：打印卷宗封面及目录并存档，然后归档"
        return "下一步：归档"
    return "本案已归档，无需再办"


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")


def _rows_html(rows: list[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><td style='color:#555; padding-right:12px; white-space:nowrap' valign='top'>{_html(k)}"
                    f"</td><td>{_html(v)}</td></tr>" for k, v in rows if v)
    return f"<table cellspacing='2'>{cells}</table>"


def _table(name: str, model: Any, widths: dict[str, int], stretch: str) -> QTableView:
    view = list_table(name)
    view.setModel(model)
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for column, width in widths.items():
        view.setColumnWidth(model.COLUMNS.index(column), width)
    header.setSectionResizeMode(model.COLUMNS.index(stretch), QHeaderView.ResizeMode.Stretch)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    return view


def _detail_view(name: str) -> QTextBrowser:
    """A read-only rich-text view (key/value tables wrap and scroll properly, unlike a QLabel)."""
    view = QTextBrowser()
    view.setObjectName(name)
    view.setFrameShape(QFrame.Shape.NoFrame)
    view.setOpenLinks(False)
    view.viewport().setAutoFillBackground(False)
    view.setStyleSheet("QTextBrowser { background: transparent; }")
    return view


def _detail_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    return label


class DateStepDialog(CaseForm):
    """One date and a save: 登记付款, 履行完毕, 结案, 归档."""

    def __init__(self, ctx: GuiContext, title: str, label: str, field: str, save: Callable[[Ledger, str], Changes],
                 parent: QWidget | None = None, *, note: str = "") -> None:
        super().__init__(ctx, title, parent)
        self.setObjectName("date_step_dialog")
        self._save = save
        self.date_edit = date_edit("date_edit", ctx.ledger.today())
        self.note_label = QLabel(note)
        self.note_label.setObjectName("note_label")
        self.note_label.setWordWrap(True)
        self.note_label.setVisible(bool(note))
        self.form.addRow(self.note_label)
        self.add_row(label, self.date_edit, field)
        self.finish()
        self.setMinimumWidth(460)
        self.date_edit.setFocus()

    def save(self) -> Changes:
        return self._save(self.ctx.ledger, self.date_edit.date().toString("yyyy-MM-dd"))


class PaperItemDialog(CaseForm):
    """登记纸质材料: a paper-only item of the case file (signed 告知书, ID copies, receipts…) and its pages."""

    def __init__(self, ctx: GuiContext, case_id: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "登记纸质材料", parent)
        self.setObjectName("paper_item_dialog")
        self.setWindowTitle(self.tr("登记纸质材料"))
        self.case_id = case_id
        table = code_table("case_file_item")
        self.item_combo = QComboBox()
        self.item_combo.setObjectName("item_combo")
        for item in case_documents.PAPER_ITEMS:
            self.item_combo.addItem(table.label(item), item)
        detail = cases.get_case(ctx.ledger, case_id)
        filed = {d.item for d in detail.documents}
        first_missing = next((i for i in case_rules.required_items(detail.result) if i not in filed
                              and i in case_documents.PAPER_ITEMS), None)
        if first_missing is not None:
            self.item_combo.setCurrentIndex(self.item_combo.findData(first_missing))
        self.pages_spin = QSpinBox()
        self.pages_spin.setObjectName("pages_spin")
        self.pages_spin.setRange(1, 999)
        self.pages_spin.setSuffix(self.tr(" 页"))
        self.notes_edit = line_edit("notes_edit", self.tr("可不填，如 双方身份证复印件各一份"))
        intro = QLabel(self.tr("已经放入纸质卷宗、本程序不生成的材料，在这里登记一下。"))
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.add_row(self.tr("材料"), self.item_combo, "item")
        self.add_row(self.tr("页数"), self.pages_spin, "pages")
        self.add_row(self.tr("说明"), self.notes_edit, "notes")
        self.finish()
        self.setMinimumWidth(520)

    def save(self) -> Changes:
        return case_documents.file_paper(self.ctx.ledger, self.case_id, str(self.item_combo.currentData()),
                                         self.pages_spin.value(), self.notes_edit.text())


class CasesPage(Page):
    title = "调解"

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__(ctx)
        self.setObjectName("cases_page")
        self.case_id: str | None = None
        self.detail: CaseDetail | None = None
        self.dialog: QDialog | None = None  # the dialog opened last (tests drive it)
        self.prompt: QMessageBox | None = None
        self.file_dialog: QFileDialog | None = None
        today = ctx.ledger.today()

        # ---- the case list
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("case_search_edit")
        self.search_edit.setPlaceholderText(self.tr("查找：案号、当事人姓名或纠纷情况（Ctrl+F）"))
        self.search_edit.setClearButtonEnabled(True)
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("status_filter")
        self.status_filter.addItem(self.tr("全部案件"), "")
        for entry in code_table("case_status").entries:
            self.status_filter.addItem(entry.label, entry.code)
        self.new_button = push_button("new_case_button", self.tr("新受理…"), self.tr("受理登记一件新纠纷（Ctrl+N）"))
        self.committee_button = push_button("committee_button", self.tr("调委会设置…"),
                                            self.tr("调委会名称、案号前缀、本机号段、打印字体"))
        self.result_label = QLabel()
        self.result_label.setObjectName("case_result_label")
        self.model = CaseTableModel(today)
        self.table = _table("case_table", self.model, dict(_CASE_WIDTHS), "parties")
        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("状态：")))
        filters.addWidget(self.status_filter)
        filters.addWidget(self.result_label, 1)
        filters.addWidget(self.committee_button)
        filters.addWidget(self.new_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search_edit)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.table, 1)

        # ---- the selected case
        self.case_no_label = QLabel()
        self.case_no_label.setObjectName("case_no_label")
        self.case_no_label.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.case_no_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label = QLabel()
        self.status_label.setObjectName("case_status_label")
        self.title_label = QLabel()
        self.title_label.setObjectName("case_title_label")
        self.title_label.setWordWrap(True)
        self.next_label = QLabel()
        self.next_label.setObjectName("next_step_label")
        self.next_label.setWordWrap(True)
        self.next_label.setStyleSheet("color: #1f5fa8; font-weight: bold;")
        heading = QHBoxLayout()
        heading.addWidget(self.case_no_label)
        heading.addWidget(self.status_label)
        heading.addStretch(1)
        self.step_buttons: dict[str, QPushButton] = {}
        steps = QHBoxLayout()
        for step, name, text, action in (
                ("edit_intake", "edit_intake_button", self.tr("修改受理登记…"), self.open_edit_intake_dialog),
                ("assign", "assign_button", self.tr("指派调解员…"), self.open_mediators_dialog),
                ("session", "session_button", self.tr("记录调解/调查…"), self.open_session_dialog),
                ("agreement", "agreement_button", self.tr("达成协议…"), self.open_agreement_dialog),
                ("terminate", "terminate_button", self.tr("终止调解…"), self.open_termination_dialog),
                ("close", "close_button", self.tr("结案…"), self.open_close_dialog),
                ("archive", "archive_button", self.tr("归档…"), self.open_archive_dialog)):
            button = push_button(name, text)
            button.clicked.connect(action)
            self.step_buttons[step] = button
            steps.addWidget(button)
        steps.addStretch(1)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("case_tabs")
        self.tabs.addTab(self._overview_tab(), self.tr("概况"))
        self.tabs.addTab(self._sessions_tab(), self.tr("调解记录"))
        self.tabs.addTab(self._agreement_tab(), self.tr("协议与履行"))
        self.tabs.addTab(self._follow_ups_tab(), self.tr("回访"))
        self.tabs.addTab(self._file_tab(), self.tr("卷宗"))
        self.detail_widget = QWidget()
        self.detail_widget.setObjectName("case_detail")
        right_layout = QVBoxLayout(self.detail_widget)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(heading)
        right_layout.addWidget(self.title_label)
        right_layout.addWidget(self.next_label)
        right_layout.addLayout(steps)
        right_layout.addWidget(self.tabs, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("case_splitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail_widget)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([600, 640])
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.load_cases)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.search_edit.returnPressed.connect(self.load_cases)
        self.status_filter.activated.connect(self._on_status_filter_activated)
        self.new_button.clicked.connect(self.open_intake_dialog)
        self.committee_button.clicked.connect(self.open_committee_dialog)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.load_cases()

    # ---- tabs

    def _overview_tab(self) -> QWidget:
        self.overview_label = _detail_view("overview_label")
        self.party_model = CasePartyModel()
        self.party_table = _table("party_table", self.party_model,
                                  {"role_label": 64, "name": 120, "kind": 70, "sex": 36, "phone_masked": 96,
                                   "id_masked": 146}, "address")
        self.mediators_label = _detail_label("mediators_label")
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(QLabel(self.tr("当事人")))
        layout.addWidget(self.party_table)
        layout.addWidget(self.mediators_label)
        layout.addWidget(self.overview_label, 1)
        return tab

    def _sessions_tab(self) -> QWidget:
        self.add_mediation_button = push_button("add_mediation_button", self.tr("记录调解…"))
        self.add_investigation_button = push_button("add_investigation_button", self.tr("记录调查…"))
        self.edit_session_button = push_button("edit_session_button", self.tr("修改所选记录…"))
        self.session_count_label = QLabel()
        self.session_count_label.setObjectName("session_count_label")
        row = QHBoxLayout()
        row.addWidget(self.session_count_label, 1)
        row.addWidget(self.add_mediation_button)
        row.addWidget(self.add_investigation_button)
        row.addWidget(self.edit_session_button)
        self.session_model = CaseSessionModel()
        self.session_table = _table("session_table", self.session_model,
                                    {"held_at": 130, "kind_label": 50, "place": 120, "parties_present": 130},
                                    "result")
        self.session_detail = _detail_view("session_detail")
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(row)
        layout.addWidget(self.session_table, 1)
        layout.addWidget(self.session_detail, 1)
        self.add_mediation_button.clicked.connect(lambda: self.open_session_dialog("mediation"))
        self.add_investigation_button.clicked.connect(lambda: self.open_session_dialog("investigation"))
        self.edit_session_button.clicked.connect(self.open_edit_session_dialog)
        self.session_table.doubleClicked.connect(self.open_edit_session_dialog)
        self.session_table.selectionModel().selectionChanged.connect(self._on_session_selection_changed)
        return tab

    def _agreement_tab(self) -> QWidget:
        self.agreement_combo = QComboBox()
        self.agreement_combo.setObjectName("agreement_combo")
        self.agreement_label = _detail_view("agreement_label")
        self.jc_label = _detail_label("jc_label")
        self.jc_label.setStyleSheet("font-weight: bold;")
        self.installment_model = CaseInstallmentModel(self.ctx.ledger.today())
        self.installment_table = _table("installment_table", self.installment_model,
                                        {"number": 56, "due_on": 90, "amount": 90, "payer": 80, "payee": 80}, "state")
        self.pay_button = push_button("pay_button", self.tr("登记付款…"), self.tr("所选一期已付款"))
        self.unpay_button = push_button("unpay_button", self.tr("撤销付款"), self.tr("所选一期登记错了，撤销"))
        self.performed_button = push_button("performed_button", self.tr("履行完毕…"))
        self.judicial_button = push_button("judicial_button", self.tr("司法确认…"))
        self.edit_agreement_button = push_button("edit_agreement_button", self.tr("修改协议…"))
        self.supplement_button = push_button("supplement_button", self.tr("补充协议…"),
                                             self.tr("协议已定稿（附了签字扫描件），变更内容请做补充协议"))
        self.scan_button = push_button("scan_button", self.tr("附签字扫描件…"),
                                       self.tr("双方签字后扫描或拍照，附在卷宗里；附上后协议定稿，不能再改"))
        self.print_agreement_button = push_button("print_agreement_button", self.tr("打印协议书…"))
        pay_row = QHBoxLayout()
        pay_row.addWidget(QLabel(self.tr("分期履行")), 1)
        pay_row.addWidget(self.pay_button)
        pay_row.addWidget(self.unpay_button)
        pay_row.addWidget(self.performed_button)
        action_row = QHBoxLayout()
        for button in (self.print_agreement_button, self.scan_button, self.edit_agreement_button,
                       self.supplement_button, self.judicial_button):
            action_row.addWidget(button)
        action_row.addStretch(1)
        self.agreement_panel = QWidget()
        self.agreement_panel.setObjectName("agreement_panel")
        panel = QVBoxLayout(self.agreement_panel)
        panel.setContentsMargins(0, 0, 0, 0)
        panel.addWidget(self.agreement_combo)
        panel.addLayout(action_row)
        panel.addWidget(self.jc_label)
        panel.addWidget(self.agreement_label, 3)
        panel.addLayout(pay_row)
        panel.addWidget(self.installment_table, 2)
        self.no_agreement_label = _detail_label("no_agreement_label")
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.no_agreement_label)
        layout.addWidget(self.agreement_panel, 1)
        self.agreement_combo.activated.connect(self._on_agreement_combo_activated)
        self.pay_button.clicked.connect(self.open_pay_dialog)
        self.unpay_button.clicked.connect(self.undo_payment)
        self.performed_button.clicked.connect(self._on_performed_button_clicked)
        self.judicial_button.clicked.connect(self.open_judicial_dialog)
        self.edit_agreement_button.clicked.connect(self.open_edit_agreement_dialog)
        self.supplement_button.clicked.connect(self.open_supplement_dialog)
        self.scan_button.clicked.connect(self.open_scan_dialog)
        self.print_agreement_button.clicked.connect(self.print_agreement)
        self.installment_table.selectionModel().selectionChanged.connect(self._update_agreement_buttons)
        return tab

    def _follow_ups_tab(self) -> QWidget:
        self.add_follow_up_button = push_button("add_follow_up_button", self.tr("登记回访…"),
                                                self.tr("登记一次回访，或计划一次回访"))
        self.record_follow_up_button = push_button("record_follow_up_button", self.tr("填写回访结果…"),
                                                   self.tr("为所选的计划回访填写结果，或修改所选回访"))
        self.follow_up_count_label = QLabel()
        self.follow_up_count_label.setObjectName("follow_up_count_label")
        row = QHBoxLayout()
        row.addWidget(self.follow_up_count_label, 1)
        row.addWidget(self.add_follow_up_button)
        row.addWidget(self.record_follow_up_button)
        self.follow_up_model = CaseFollowUpModel(self.ctx.ledger.today())
        self.follow_up_table = _table("follow_up_table", self.follow_up_model,
                                      {"due_on": 86, "done_on": 86, "form": 76, "party": 80, "performance": 70,
                                       "satisfaction": 66}, "visitor")
        self.follow_up_detail = _detail_label("follow_up_detail")
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(row)
        layout.addWidget(self.follow_up_table, 2)
        layout.addWidget(self.follow_up_detail, 1)
        self.add_follow_up_button.clicked.connect(self.open_follow_up_dialog)
        self.record_follow_up_button.clicked.connect(self.open_record_follow_up_dialog)
        self.follow_up_table.doubleClicked.connect(self.open_record_follow_up_dialog)
        self.follow_up_table.selectionModel().selectionChanged.connect(self._on_follow_up_selection_changed)
        return tab

    def _file_tab(self) -> QWidget:
        self.missing_label = _detail_label("missing_label")
        self.file_model = CaseFileModel()
        self.file_table = _table("file_table", self.file_model,
                                 {"item": 40, "item_label": 250, "state": 56, "origin": 80, "pages": 44}, "filed_on")
        self.print_buttons: dict[str, QPushButton] = {}
        prints = QHBoxLayout()
        prints.addWidget(QLabel(self.tr("打印存档：")))
        for doc_type, text in _PRINTS:
            button = push_button(f"print_{doc_type}_button", self.tr(text))
            button.clicked.connect(lambda _checked=False, d=doc_type: self.open_print_dialog(d))
            self.print_buttons[doc_type] = button
            prints.addWidget(button)
        prints.addStretch(1)
        self.paper_button = push_button("paper_button", self.tr("登记纸质材料…"),
                                        self.tr("已放入纸质卷宗的告知书、身份证复印件、收条等"))
        self.view_button = push_button("view_document_button", self.tr("查看"))
        self.remove_document_button = push_button("remove_document_button", self.tr("移出卷宗"),
                                                  self.tr("所选材料登记错了，移出卷宗"))
        others = QHBoxLayout()
        others.addWidget(self.paper_button)
        others.addWidget(self.view_button)
        others.addWidget(self.remove_document_button)
        others.addStretch(1)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.missing_label)
        layout.addWidget(self.file_table, 1)
        layout.addLayout(prints)
        layout.addLayout(others)
        self.paper_button.clicked.connect(self.open_paper_dialog)
        self.view_button.clicked.connect(self.open_document)
        self.remove_document_button.clicked.connect(self.remove_document)
        self.file_table.doubleClicked.connect(self.open_document)
        self.file_table.selectionModel().selectionChanged.connect(self._update_file_buttons)
        return tab

    # ---- Page contract

    def apply(self, changes: Changes) -> None:
        if changes.cases or changes.residents or changes.teams:
            self.reload()

    def new_item(self) -> None:
        self.open_intake_dialog()

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def show_case(self, case_id: str) -> None:
        """Select and show ``case_id`` (clearing the search and filter when they hide it)."""
        self.case_id = case_id
        self.load_cases()
        if self.model.row_of(case_id) < 0:
            self._clear_filters()
            self.case_id = case_id
            self.load_cases()

    def _clear_filters(self) -> None:
        self.search_edit.clear()
        self._debounce.stop()  # the caller reloads
        self.status_filter.setCurrentIndex(0)

    # ---- the list

    def reload(self) -> None:
        self.load_cases()

    def _on_search_edit_text_changed(self, _text: str) -> None:
        self._debounce.start()

    def _on_status_filter_activated(self, _index: int) -> None:
        self.load_cases()

    def load_cases(self) -> None:
        self._debounce.stop()
        keep = self.case_id
        query = self.search_edit.text()
        found = cases.list_cases(self.ctx.ledger, query, str(self.status_filter.currentData() or "") or None)
        self.table.selectionModel().blockSignals(True)
        self.model.set_rows(found)
        self.table.selectionModel().blockSignals(False)
        if query.strip() or self.status_filter.currentIndex() > 0:
            self.result_label.setText(self.tr("找到 %1 件").replace("%1", str(len(found))) if found
                                      else self.tr("没有找到匹配的案件"))
        else:
            self.result_label.setText(self.tr("共 %1 件").replace("%1", str(len(found))))
        if keep is not None and select_id(self.table, self.model, keep):
            self.table.scrollTo(self.model.index(self.model.row_of(keep), 0))
        elif found:
            self.table.selectRow(0)
        self._show_case(selected_id(self.table, self.model))

    def selected_case_id(self) -> str | None:
        return selected_id(self.table, self.model)

    def _on_table_selection_changed(self) -> None:
        self._show_case(self.selected_case_id())

    # ---- the selected case

    def _show_case(self, case_id: str | None) -> None:
        detail = None
        if case_id is not None:
            try:
                detail = cases.get_case(self.ctx.ledger, case_id)
            except UserError:
                detail = None
        self.detail = detail
        self.case_id = detail.id if detail is not None else None
        self.detail_widget.setEnabled(detail is not None)
        if detail is None:
            self.case_no_label.setText(self.tr("没有选中案件"))
            self.status_label.clear()
            self.title_label.setText(self.tr("在左边选择一件案件，或点“新受理”登记一件新纠纷。"))
            self.next_label.clear()
            for button in self.step_buttons.values():
                button.hide()
            for model in (self.party_model, self.session_model, self.installment_model, self.follow_up_model,
                          self.file_model):
                model.set_rows([])
            for label in (self.overview_label, self.mediators_label, self.session_detail, self.agreement_label,
                          self.jc_label, self.follow_up_detail, self.missing_label, self.no_agreement_label):
                label.clear()
            self.agreement_panel.hide()
            return
        self.case_no_label.setText(detail.case_no)
        colour = _STATUS_COLOURS.get(detail.status, "#333333")
        self.status_label.setText(detail.status_label)
        self.status_label.setStyleSheet(f"color: white; background: {colour}; padding: 2px 8px; border-radius: 3px;")
        self.title_label.setText(detail.title)
        self.next_label.setText(self.tr(next_step(detail)))
        for step, button in self.step_buttons.items():
            button.setVisible(detail.can("edit_intake" if step == "assign" else step))
        self._show_overview(detail)
        self._show_sessions(detail)
        self._show_agreement(detail)
        self._show_follow_ups(detail)
        self._show_file(detail)

    def _show_overview(self, detail: CaseDetail) -> None:
        today = self.ctx.ledger.today()
        deadline = detail.deadline_on or ""
        if deadline and detail.status in case_rules.OPEN:
            left = (date.fromisoformat(deadline) - today).days
            deadline += (f"（还有{left}天）" if left > 0 else "（今天到期）" if left == 0 else f"（已超过{-left}天）")
        else:
            deadline = ""
        rows = [
            ("案号", detail.case_no), ("受理日期", detail.accepted_on),
            ("案件来源", code_table("case_source").label_or(detail.source)),
            ("纠纷类型", code_table("dispute_type").label_or(detail.dispute_type)),
            ("事件规模", code_table("event_scale").label_or(detail.event_scale) if detail.event_scale else ""),
            ("涉及人数", f"{detail.people_involved} 人" if detail.people_involved else ""),
            ("涉及金额", f"{yuan(detail.amount_fen)} 元" if detail.amount_fen is not None else ""),
            ("预防效果", code_table("prevention_kind").label_or(detail.prevention) if detail.prevention else ""),
            ("疑难案件", "是" if detail.difficult else ""),
            ("上报镇综治中心", detail.escalated_on or ""),
            ("发生日期", detail.occurred_on or ""), ("发生地点", detail.place), ("调解期限", deadline),
            ("纠纷简要情况", detail.summary),
            ("终止原因", detail.failure_reason), ("已告知当事人", detail.channels_told),
            ("结案日期", detail.closed_on or ""), ("归档日期", detail.archived_on or ""), ("备注", detail.notes)]
        self.overview_label.setHtml(_rows_html(rows))
        self.party_model.set_rows(detail.parties)
        height = self.party_table.verticalHeader().defaultSectionSize()
        self.party_table.setFixedHeight(height * (len(detail.parties) + 1) + 6)
        mediators = "、".join(f"{m.name}（{m.role_label}）" for m in detail.mediators)
        self.mediators_label.setText(self.tr("调解员：%1").replace("%1", mediators) if mediators
                                     else self.tr("调解员：还没有指派"))

    def _show_sessions(self, detail: CaseDetail) -> None:
        keep = selected_id(self.session_table, self.session_model)
        self.session_model.set_rows(detail.sessions)
        if keep is not None:
            select_id(self.session_table, self.session_model, keep)
        open_case = detail.can("session")
        self.add_mediation_button.setEnabled(open_case)
        self.add_investigation_button.setEnabled(open_case)
        count = len(detail.sessions)
        self.session_count_label.setText(self.tr("共 %1 次记录（双击一条可修改）").replace("%1", str(count)) if count
                                         else self.tr("还没有调查或调解记录"))
        self._on_session_selection_changed()

    def _on_session_selection_changed(self) -> None:
        session = selected_row(self.session_table, self.session_model)
        self.edit_session_button.setEnabled(session is not None and self.detail is not None
                                            and self.detail.can("session"))
        if session is None:
            self.session_detail.setPlainText(self.tr("选中一条记录，可在这里查看全部内容。"))
            return
        rows = [("时间", session.held_at), ("类型", session.kind_label), ("地点", session.place),
                ("到场当事人", session.parties_present), ("其他参加人员", session.participants),
                ("记录内容", session.statements), ("调解结果", session.result), ("记录人", session.recorder)]
        self.session_detail.setHtml(_rows_html(rows))

    # ---- agreement and performance

    def shown_agreement(self) -> AgreementRow | None:
        if self.detail is None or not self.detail.agreements:
            return None
        chosen = self.agreement_combo.currentData()
        return next((a for a in self.detail.agreements if a.id == chosen), self.detail.agreements[0])

    def _show_agreement(self, detail: CaseDetail) -> None:
        keep = self.agreement_combo.currentData()
        self.agreement_combo.clear()
        supplement = 0
        for agreement in detail.agreements:
            if agreement.supplements_id is None:
                text = self.tr("原协议（%1 生效）").replace("%1", agreement.effective_on or "")
            else:
                supplement += 1
                text = self.tr("补充协议%1（%2 生效）").replace("%1", str(supplement)).replace(
                    "%2", agreement.effective_on or "")
            self.agreement_combo.addItem(text, agreement.id)
        if keep is not None and self.agreement_combo.findData(keep) >= 0:
            self.agreement_combo.setCurrentIndex(self.agreement_combo.findData(keep))
        self.agreement_combo.setVisible(len(detail.agreements) > 1)
        if not detail.agreements:
            self.agreement_panel.hide()
            self.no_agreement_label.show()
            if detail.status == "failed":
                text = self.tr("本案调解终止，没有协议。")
            elif detail.can("agreement"):
                text = self.tr("本案还没有调解协议。调解成功后，点上面的“达成协议”登记协议内容。")
            else:
                text = self.tr("本案没有调解协议。")
            self.no_agreement_label.setText(text)
            self.installment_model.set_rows([])
            return
        self.no_agreement_label.hide()
        self.agreement_panel.show()
        self._show_one_agreement()

    def _on_agreement_combo_activated(self, _index: int) -> None:
        self._show_one_agreement()

    def _show_one_agreement(self) -> None:
        agreement = self.shown_agreement()
        if agreement is None:
            return
        form = code_table("agreement_form").label_or(agreement.form)
        if agreement.frozen_at:
            state = "已定稿（已附签字扫描件）"
        else:
            state = "未定稿（双方签字后请附签字扫描件）" if agreement.written else "未附签字件"
        amount = ""
        if agreement.amount_fen is not None:
            amount = f"{yuan(agreement.amount_fen)} 元"
            words = amount_words(yuan(agreement.amount_fen).replace(",", ""))
            if words:
                amount += "　" + words
        terms = "\n".join(f"{n}. {line}" for n, line in enumerate(agreement.terms.splitlines(), start=1))
        performed = f"已于 {agreement.performed_on} 履行完毕" if agreement.performed_on else "尚未履行完毕"
        rows = [("协议形式", form), ("生效日期", agreement.effective_on or ""), ("状态", state), ("履行", performed),
                ("协议金额", amount), ("履行方式", agreement.performance_method),
                ("履行地点", agreement.performance_place), ("履行期限", agreement.performance_deadline or ""),
                ("纠纷事实", agreement.facts), ("协议内容", terms)]
        self.agreement_label.setHtml(_rows_html(rows))
        self.jc_label.setText(self._jc_text(agreement))
        keep = selected_id(self.installment_table, self.installment_model)
        self.installment_model.set_rows(agreement.installments)
        if keep is not None:
            select_id(self.installment_table, self.installment_model, keep)
        if not agreement.installments:
            self.installment_table.hide()
        else:
            self.installment_table.show()
        self.print_agreement_button.setText(self.tr("打印协议书…") if agreement.written
                                            else self.tr("打印口头协议登记表…"))
        self._update_agreement_buttons()

    def _jc_text(self, agreement: AgreementRow) -> str:
        if not agreement.written:
            return self.tr("口头协议不能申请司法确认。")
        if agreement.jc_applied_on:
            text = self.tr("已于 %1 向%2申请司法确认").replace("%1", agreement.jc_applied_on).replace(
                "%2", agreement.jc_court)
            if agreement.jc_result:
                text += self.tr("；结果：%1（%2）").replace(
                    "%1", code_table("jc_result").label_or(agreement.jc_result)).replace(
                    "%2", agreement.jc_result_on or "")
            return text
        if agreement.jc_deadline:
            return deadline_text(agreement.jc_deadline, self.ctx.ledger.today())
        return ""

    def _update_agreement_buttons(self) -> None:
        agreement = self.shown_agreement()
        detail = self.detail
        if agreement is None or detail is None:
            return
        performance = detail.can("performance")
        inst = selected_row(self.installment_table, self.installment_model)
        self.pay_button.setEnabled(performance and inst is not None and not inst.paid_on)
        self.unpay_button.setEnabled(performance and inst is not None and bool(inst.paid_on)
                                     and not agreement.performed_on)
        self.pay_button.setVisible(bool(agreement.installments))
        self.unpay_button.setVisible(bool(agreement.installments))
        self.performed_button.setEnabled(performance)
        self.performed_button.setText(self.tr("撤销履行完毕") if agreement.performed_on else self.tr("履行完毕…"))
        self.judicial_button.setEnabled(detail.can("judicial") and agreement.written)
        editable = detail.can("edit_agreement")
        self.edit_agreement_button.setVisible(not agreement.frozen_at)
        self.edit_agreement_button.setEnabled(editable)
        self.supplement_button.setVisible(bool(agreement.frozen_at))
        self.supplement_button.setEnabled(editable)
        self.scan_button.setEnabled(detail.can("file") and not agreement.frozen_at)

    # ---- follow-ups

    def _show_follow_ups(self, detail: CaseDetail) -> None:
        keep = selected_id(self.follow_up_table, self.follow_up_model)
        self.follow_up_model.set_rows(detail.follow_ups)
        if keep is not None:
            select_id(self.follow_up_table, self.follow_up_model, keep)
        else:
            planned = next((f for f in detail.follow_ups if not f.done_on), None)
            if planned is not None:
                select_id(self.follow_up_table, self.follow_up_model, planned.id)
        self.add_follow_up_button.setEnabled(detail.can("follow_up"))
        done = sum(1 for f in detail.follow_ups if f.done_on)
        planned_count = len(detail.follow_ups) - done
        if detail.follow_ups:
            text = self.tr("已回访 %1 次").replace("%1", str(done))
            if planned_count:
                text += self.tr("，计划回访 %1 次").replace("%1", str(planned_count))
        else:
            text = self.tr("还没有回访记录")
        self.follow_up_count_label.setText(text)
        self._on_follow_up_selection_changed()

    def _on_follow_up_selection_changed(self) -> None:
        row = selected_row(self.follow_up_table, self.follow_up_model)
        self.record_follow_up_button.setEnabled(row is not None and self.detail is not None
                                                and self.detail.can("follow_up"))
        if row is not None:
            self.record_follow_up_button.setText(self.tr("填写回访结果…") if not row.done_on
                                                 else self.tr("修改回访记录…"))
        self.follow_up_detail.setText(self.tr("回访情况：%1").replace("%1", row.notes) if row is not None and row.notes
                                      else "")

    # ---- the case file

    def _show_file(self, detail: CaseDetail) -> None:
        keep = selected_id(self.file_table, self.file_model)
        self.file_model.set_rows(case_file_rows(detail))
        if keep is not None:
            select_id(self.file_table, self.file_model, keep)
        if detail.status == "closed":
            missing = detail.missing(archiving=True)
            text = (self.tr("归档还缺：%1").replace("%1", "、".join(missing)) if missing
                    else self.tr("卷宗齐全，可以归档。"))
        elif detail.status == "archived":
            missing, text = [], self.tr("本案已归档。")
        else:
            missing = detail.missing()
            text = (self.tr("结案还缺：%1").replace("%1", "、".join(missing)) if missing
                    else self.tr("必备材料已齐全。"))
        self.missing_label.setText(text)
        self.missing_label.setStyleSheet("color: #c0392b; font-weight: bold;" if missing else "color: #1e7d32;")
        can_file = detail.can("file")
        for doc_type, button in self.print_buttons.items():
            button.setEnabled(can_file and (doc_type != "record" or bool(detail.sessions))
                              and (doc_type != "followup" or any(f.done_on for f in detail.follow_ups)))
        self.paper_button.setEnabled(can_file)
        self._update_file_buttons()

    def selected_file_row(self) -> CaseFileRow | None:
        return selected_row(self.file_table, self.file_model)

    def _update_file_buttons(self) -> None:
        row = self.selected_file_row()
        document = row.document if row is not None else None
        self.view_button.setEnabled(document is not None and document.sha256 is not None)
        self.remove_document_button.setEnabled(document is not None and document.origin != "scan"
                                               and self.detail is not None and self.detail.can("file"))

    # ---- dialogs: each opened with open() and returned, so tests can fill and accept them

    def _open(self, make: Callable[[], QDialog]) -> Any:
        try:
            dialog = make()
        except UserError as exc:
            show_error(self, exc)
            return None
        if isinstance(dialog, CaseForm):
            dialog.saved.connect(self._on_saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _on_saved(self, changes: Changes) -> None:
        self.changed.emit(changes)

    def open_intake_dialog(self) -> CaseIntakeDialog | None:
        if not committee.load(self.ctx.ledger).complete:
            self.prompt = QMessageBox(QMessageBox.Icon.Information, APP_DISPLAY_NAME,
                                      self.tr("受理案件前，请先填写调委会名称和案号前缀（只需填一次）。"), parent=self)
            self.prompt.setObjectName("committee_prompt")
            settings_button = self.prompt.addButton(self.tr("调委会设置…"), QMessageBox.ButtonRole.AcceptRole)
            self.prompt.addButton(self.tr("以后再说"), QMessageBox.ButtonRole.RejectRole)
            settings_button.clicked.connect(self.open_committee_dialog)
            self.prompt.open()
            return None
        dialog = self._open(lambda: CaseIntakeDialog(self.ctx, None, self))
        if dialog is not None:
            dialog.saved.connect(self._on_case_opened)
        return dialog  # type: ignore[no-any-return]

    def _on_case_opened(self, changes: Changes) -> None:
        if changes.row_id:
            self._clear_filters()
            self.show_case(changes.row_id)

    def open_committee_dialog(self) -> QDialog | None:
        try:
            from zhzx_desktop.gui.dialogs.committee_dialog import CommitteeDialog
        except ImportError:
            show_message(self, self.tr("调委会设置还不能使用。"))
            return None
        dialog = CommitteeDialog(self.ctx, self)
        dialog.committee_saved.connect(self._on_saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_edit_intake_dialog(self) -> CaseIntakeDialog | None:
        if self.case_id is None:
            return None
        case_id = self.case_id
        return self._open(lambda: CaseIntakeDialog(self.ctx, case_id, self))  # type: ignore[no-any-return]

    def open_mediators_dialog(self) -> MediatorsDialog | None:
        if self.case_id is None:
            return None
        case_id = self.case_id
        return self._open(lambda: MediatorsDialog(self.ctx, case_id, self))  # type: ignore[no-any-return]

    def open_session_dialog(self, kind: str = "mediation") -> SessionDialog | None:
        if self.case_id is None:
            return None
        case_id = self.case_id
        return self._open(lambda: SessionDialog(self.ctx, case_id, self, kind=kind))  # type: ignore[no-any-return]

    def open_edit_session_dialog(self) -> SessionDialog | None:
        session_id = selected_id(self.session_table, self.session_model)
        if self.case_id is None or session_id is None or self.detail is None or not self.detail.can("session"):
            return None
        case_id = self.case_id
        return self._open(  # type: ignore[no-any-return]
            lambda: SessionDialog(self.ctx, case_id, self, session_id=session_id))

    def open_agreement_dialog(self) -> AgreementDialog | None:
        if self.case_id is None:
            return None
        case_id = self.case_id
        return self._open(lambda: AgreementDialog(self.ctx, case_id, self))  # type: ignore[no-any-return]

    def open_edit_agreement_dialog(self) -> AgreementDialog | None:
        agreement = self.shown_agreement()
        if self.case_id is None or agreement is None:
            return None
        case_id = self.case_id
        return self._open(  # type: ignore[no-any-return]
            lambda: AgreementDialog(self.ctx, case_id, self, agreement_id=agreement.id))

    def open_supplement_dialog(self) -> AgreementDialog | None:
        agreement = self.shown_agreement()
        if self.case_id is None or agreement is None:
            return None
        case_id = self.case_id
        original = agreement.supplements_id or agreement.id
        if self.detail is not None:  # a supplement amends the latest frozen version
            frozen = [a for a in self.detail.agreements if a.frozen_at]
            original = frozen[-1].id if frozen else original
        return self._open(  # type: ignore[no-any-return]
            lambda: AgreementDialog(self.ctx, case_id, self, supplement_to=original))

    def open_termination_dialog(self) -> TerminationDialog | None:
        if self.case_id is None:
            return None
        case_id = self.case_id
        return self._open(lambda: TerminationDialog(self.ctx, case_id, self))  # type: ignore[no-any-return]

    def open_judicial_dialog(self) -> JudicialDialog | None:
        agreement = self.shown_agreement()
        if self.case_id is None or agreement is None:
            return None
        case_id = self.case_id
        return self._open(  # type: ignore[no-any-return]
            lambda: JudicialDialog(self.ctx, agreement.id, case_id, self))

    def open_follow_up_dialog(self) -> FollowUpDialog | None:
        if self.case_id is None:
            return None
        case_id = self.case_id
        return self._open(lambda: FollowUpDialog(self.ctx, case_id, self))  # type: ignore[no-any-return]

    def open_record_follow_up_dialog(self) -> FollowUpDialog | None:
        row = selected_row(self.follow_up_table, self.follow_up_model)
        if self.case_id is None or row is None or self.detail is None or not self.detail.can("follow_up"):
            return None
        case_id = self.case_id
        return self._open(  # type: ignore[no-any-return]
            lambda: FollowUpDialog(self.ctx, case_id, self, follow_up_id=row.id))

    def open_pay_dialog(self) -> DateStepDialog | None:
        inst = selected_row(self.installment_table, self.installment_model)
        if inst is None or inst.paid_on:
            return None
        number = self.installment_model.row_of(inst.id) + 1
        note = self.tr("第%1期：%2 元，%3 付给 %4（%5 到期）").replace("%1", str(number)).replace(
            "%2", yuan(inst.amount_fen)).replace("%3", inst.payer or "—").replace("%4", inst.payee or "—").replace(
            "%5", inst.due_on)
        return self._open(lambda: DateStepDialog(  # type: ignore[no-any-return]
            self.ctx, self.tr("登记付款"), self.tr("付款日期"), "paid_on",
            lambda ledger, day: cases.set_installment_paid(ledger, inst.id, day), self, note=note))

    def undo_payment(self) -> bool:
        inst = selected_row(self.installment_table, self.installment_model)
        if inst is None or not inst.paid_on:
            return False
        return self._quick(lambda: cases.set_installment_paid(self.ctx.ledger, inst.id, None))

    def _on_performed_button_clicked(self) -> None:
        agreement = self.shown_agreement()
        if agreement is not None and agreement.performed_on:
            self.undo_performed()
        else:
            self.open_performed_dialog()

    def open_performed_dialog(self) -> DateStepDialog | None:
        agreement = self.shown_agreement()
        if agreement is None:
            return None
        return self._open(lambda: DateStepDialog(  # type: ignore[no-any-return]
            self.ctx, self.tr("履行完毕"), self.tr("履行完毕日期"), "performed_on",
            lambda ledger, day: cases.set_performed(ledger, agreement.id, day), self,
            note=self.tr("当事人已按协议全部履行完毕。")))

    def undo_performed(self) -> bool:
        agreement = self.shown_agreement()
        if agreement is None or not agreement.performed_on:
            return False
        return self._quick(lambda: cases.set_performed(self.ctx.ledger, agreement.id, None))

    def open_close_dialog(self) -> DateStepDialog | None:
        if self.case_id is None or self.detail is None:
            return None
        case_id = self.case_id
        missing = self.detail.missing()
        note = (self.tr("注意：结案还缺 %1，请先到“卷宗”中打印存档或登记纸质材料。").replace("%1", "、".join(missing))
                if missing else self.tr("结案后，案件的内容不能再修改（回访、司法确认除外）。"))
        return self._open(lambda: DateStepDialog(  # type: ignore[no-any-return]
            self.ctx, self.tr("结案 — %1").replace("%1", self.detail.case_no if self.detail else ""),
            self.tr("结案日期"), "closed_on", lambda ledger, day: cases.close_case(ledger, case_id, day), self,
            note=note))

    def open_archive_dialog(self) -> DateStepDialog | None:
        if self.case_id is None or self.detail is None:
            return None
        case_id = self.case_id
        missing = self.detail.missing(archiving=True)
        note = (self.tr("注意：归档还缺 %1。").replace("%1", "、".join(missing)) if missing
                else self.tr("卷宗已齐全。归档后本案不能再修改。"))
        return self._open(lambda: DateStepDialog(  # type: ignore[no-any-return]
            self.ctx, self.tr("归档"), self.tr("归档日期"), "archived_on",
            lambda ledger, day: cases.archive_case(ledger, case_id, day), self, note=note))

    def open_paper_dialog(self) -> PaperItemDialog | None:
        if self.case_id is None:
            return None
        case_id = self.case_id
        return self._open(lambda: PaperItemDialog(self.ctx, case_id, self))  # type: ignore[no-any-return]

    def _quick(self, save: Callable[[], Changes]) -> bool:
        """A one-click write on the GUI thread (as the other pages do); a refusal is shown."""
        try:
            changes = save()
        except UserError as exc:
            show_error(self, exc)
            return False
        self.changed.emit(changes)
        return True

    # ---- documents

    def print_agreement(self) -> QDialog | None:
        agreement = self.shown_agreement()
        if agreement is None:
            return None
        return self.open_print_dialog("agreement" if agreement.written else "oral", agreement.id)

    def open_print_dialog(self, doc_type: str, agreement_id: str | None = None) -> QDialog | None:
        """打印/存档 one document of the case in the PDF preview."""
        if self.case_id is None:
            return None
        try:
            from zhzx_desktop.gui.dialogs.pdf_preview_dialog import PdfPreviewDialog
        except ImportError:
            show_message(self, self.tr("打印预览还不能使用。"))
            return None
        try:
            dialog = PdfPreviewDialog(self.ctx, self.case_id, doc_type, agreement_id=agreement_id, parent=self)
        except UserError as exc:
            show_error(self, exc)
            return None
        dialog.filed.connect(self._on_saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_document(self) -> QDialog | None:
        """查看 the selected archived PDF or scan."""
        row = self.selected_file_row()
        if row is None or row.document is None or row.document.sha256 is None:
            return None
        try:
            from zhzx_desktop.gui.dialogs.pdf_preview_dialog import PdfPreviewDialog
        except ImportError:
            show_message(self, self.tr("查看功能还不能使用。"))
            return None
        try:
            shown = PdfPreviewDialog.archived(self.ctx, row.document.id, parent=self, title=row.document.title)
        except UserError as exc:
            show_error(self, exc)
            return None
        if isinstance(shown, QDialog):
            self.dialog = shown
            if not shown.isVisible():
                shown.open()
            return shown
        return None

    def remove_document(self) -> bool:
        row = self.selected_file_row()
        if row is None or row.document is None:
            return False
        document_id = row.document.id
        return self._quick(lambda: case_documents.remove(self.ctx.ledger, document_id))

    def open_scan_dialog(self) -> QFileDialog | None:
        agreement = self.shown_agreement()
        if agreement is None:
            return None
        dialog = QFileDialog(self, self.tr("选择签字后的协议书扫描件或照片"))
        dialog.setObjectName("scan_file_dialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilters([self.tr("扫描件或照片 (*.pdf *.jpg *.jpeg *.png)")])
        dialog.fileSelected.connect(self.attach_scan_file)
        self.file_dialog = dialog
        dialog.open()
        return dialog

    def attach_scan_file(self, path: str) -> None:
        """Attach the signed scan at ``path`` to the shown agreement (read and sealed on the DB worker)."""
        agreement = self.shown_agreement()
        if agreement is None or not path:
            return
        media_type = SCAN_MEDIA.get(Path(path).suffix.lower())
        if media_type is None:
            show_error(self, UserError("scan", "bad_type", self.tr("只能附加 PDF、JPG 或 PNG 格式的扫描件或照片")))
            return
        agreement_id = agreement.id

        def job(ledger: Ledger, _progress: object) -> Changes:
            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                raise UserError("scan", "unreadable", f"无法读取所选文件：{exc.strerror or exc}") from None
            pages = (case_documents.page_count(data) or 1) if media_type == "application/pdf" else 1
            return case_documents.attach_scan(ledger, agreement_id, data, media_type, pages=pages).changes

        self.ctx.runner.run(job, on_success=self._on_saved, label=self.tr("正在附加扫描件…"), parent=self,
                            cancellable=False)
