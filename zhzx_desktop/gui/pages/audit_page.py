"""审计: the audit log as readable sentences, newest first, with filters (日期, 用户, 操作, 仅失败, 文字) and
校验完整性 (``audit.verify``: green when whole, red naming the first broken entry). For 主任 and 审计员
(Permission.AUDIT_VIEW); read-only — the only thing it writes is the entry recording a verification."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.errors import show_error
from zhzx_desktop.gui.models.audit_model import AuditModel
from zhzx_desktop.gui.pages.page import Page
from zhzx_desktop.gui.widgets.buttons import push_button
from zhzx_desktop.gui.widgets.tables import list_table
from zhzx_desktop.security import audit
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.ledger import Ledger

OK_STYLE = "background: #e8f5e9; color: #1b5e20; padding: 6px; border-radius: 3px;"
BROKEN_STYLE = "background: #c0392b; color: white; font-weight: bold; padding: 6px; border-radius: 3px;"
TEXT_DELAY_MS = 300


def _verify_job(ledger: Ledger, progress: object) -> audit.AuditReport:
    """On the worker: verify, and record that the log was verified (with the outcome)."""
    del progress
    report = audit.verify(ledger.store.conn)
    detail = f"完整，共{report.entries}条" if report.ok else report.problem
    ledger.audit("audit_verified", object_type="audit_log", success=report.ok, detail=detail[:500])
    return report


class AuditPage(Page):
    title = "审计"

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__(ctx)
        self._stale = False
        self.model = AuditModel(lambda: ctx.ledger.store.conn, self)

        self.verify_button = push_button("verify_button", self.tr("校验完整性"),
                                         self.tr("重新计算每一条记录的校验值，检查是否有记录被改动、删除或调换顺序"))
        self.verify_label = QLabel()
        self.verify_label.setObjectName("verify_label")
        self.verify_label.setWordWrap(True)
        self.verify_label.hide()
        self.count_label = QLabel()
        self.count_label.setObjectName("count_label")

        self.date_check = QCheckBox(self.tr("日期"))
        self.date_check.setObjectName("date_check")
        today = QDate.currentDate()
        self.since_edit = self._date_edit("since_edit", today.addDays(-30))
        self.until_edit = self._date_edit("until_edit", today)
        self.user_combo = QComboBox()
        self.user_combo.setObjectName("user_combo")
        self.user_combo.setMinimumContentsLength(8)
        self.action_combo = QComboBox()
        self.action_combo.setObjectName("action_combo")
        self.action_combo.addItem(self.tr("全部操作"), "")
        for code, verb in audit.ACTIONS.items():
            self.action_combo.addItem(verb, code)
        self.failed_check = QCheckBox(self.tr("仅失败"))
        self.failed_check.setObjectName("failed_check")
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("search_edit")
        self.search_edit.setPlaceholderText(self.tr("搜索对象或说明，如姓名、案号"))
        self.search_edit.setClearButtonEnabled(True)
        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(TEXT_DELAY_MS)

        self.table = list_table("audit_table")
        self.table.setModel(self.model)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for column in range(len(AuditModel.COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

        top = QHBoxLayout()
        top.addWidget(self.verify_label, 1)
        top.addStretch(0)
        top.addWidget(self.verify_button)
        filters = QHBoxLayout()
        filters.addWidget(self.date_check)
        filters.addWidget(self.since_edit)
        filters.addWidget(QLabel(self.tr("至")))
        filters.addWidget(self.until_edit)
        filters.addSpacing(12)
        filters.addWidget(QLabel(self.tr("用户")))
        filters.addWidget(self.user_combo)
        filters.addWidget(QLabel(self.tr("操作")))
        filters.addWidget(self.action_combo)
        filters.addWidget(self.failed_check)
        filters.addWidget(self.search_edit, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

        self.verify_button.clicked.connect(self._on_verify_button_clicked)
        self.date_check.toggled.connect(self._on_filter_changed)
        self.since_edit.dateChanged.connect(self._on_filter_changed)
        self.until_edit.dateChanged.connect(self._on_filter_changed)
        self.user_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.action_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.failed_check.toggled.connect(self._on_filter_changed)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.search_edit.returnPressed.connect(self._on_filter_changed)
        self._text_timer.timeout.connect(self._on_filter_changed)
        self.model.modelReset.connect(self._on_model_rows_changed)
        self.model.rowsInserted.connect(self._on_model_rows_changed)
        self._on_date_check_toggled()
        self.date_check.toggled.connect(self._on_date_check_toggled)
        self.refresh()

    def _date_edit(self, name: str, value: QDate) -> QDateEdit:
        edit = QDateEdit(value)
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    # -------------------------------------------------------------------------------------------- data

    def current_filter(self) -> audit.AuditFilter:
        since = until = None
        if self.date_check.isChecked():
            since = date.fromisoformat(self.since_edit.date().toString("yyyy-MM-dd"))
            until = date.fromisoformat(self.until_edit.date().toString("yyyy-MM-dd"))
        return audit.AuditFilter(since=since, until=until, user=str(self.user_combo.currentData() or ""),
                                 action=str(self.action_combo.currentData() or ""),
                                 failed_only=self.failed_check.isChecked(), text=self.search_edit.text().strip())

    def refresh(self) -> None:
        """Reload the users of the filter and the first page of entries."""
        self._stale = False
        chosen = self.user_combo.currentData()
        self.user_combo.blockSignals(True)
        self.user_combo.clear()
        self.user_combo.addItem(self.tr("全部用户"), "")
        for username, name in audit.users(self.ctx.ledger.store.conn):
            self.user_combo.addItem(name if username == name else f"{name}（{username}）", username)
        found = self.user_combo.findData(chosen) if chosen else 0
        self.user_combo.setCurrentIndex(max(found, 0))
        self.user_combo.blockSignals(False)
        self.model.reload(self.current_filter())

    def apply(self, changes: Changes) -> None:
        del changes  # every change to the data adds an entry
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    # -------------------------------------------------------------------------------------------- verify

    def verify(self) -> None:
        self.verify_button.setEnabled(False)
        self.ctx.runner.run(_verify_job, on_success=self._on_verified, on_failure=self._on_verify_failed,
                            label=self.tr("正在校验审计日志…"), parent=self)

    def _on_verified(self, report: audit.AuditReport) -> None:
        self.verify_button.setEnabled(True)
        if report.ok:
            text = self.tr("审计日志完整：共%1条记录，没有被改动、删除或调换顺序。").replace("%1", str(report.entries))
            self.verify_label.setStyleSheet(OK_STYLE)
        else:
            text = self.tr("审计日志已被改动：%1").replace("%1", report.problem)
            self.verify_label.setStyleSheet(BROKEN_STYLE)
        self.verify_label.setText(text)
        self.verify_label.setProperty("ok", report.ok)
        self.verify_label.show()
        self.refresh()

    def _on_verify_failed(self, exc: BaseException) -> None:
        self.verify_button.setEnabled(True)
        show_error(self, exc)

    # -------------------------------------------------------------------------------------------- slots

    def _on_verify_button_clicked(self) -> None:
        self.verify()

    def _on_filter_changed(self) -> None:
        self._text_timer.stop()
        self.model.reload(self.current_filter())

    def _on_search_edit_text_changed(self) -> None:
        self._text_timer.start()

    def _on_date_check_toggled(self) -> None:
        on = self.date_check.isChecked()
        self.since_edit.setEnabled(on)
        self.until_edit.setEnabled(on)

    def _on_model_rows_changed(self) -> None:
        shown = self.model.rowCount()
        more = self.tr("（向下滚动显示更多）") if self.model.canFetchMore() else ""
        self.count_label.setText(self.tr("显示 %1 条").replace("%1", str(shown)) + more)
