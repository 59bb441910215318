"""同步: how this computer stands with the county platform (SYNC.md §9 "UI"): the address and village, the last
successful sync, the changes waiting to be reported and the age of the oldest unconfirmed one, a red banner when the
PC clock is off by more than 5 minutes (never blocks), the last error in Chinese; 立即同步 (with a progress bar and
取消), 用U盘交换 (export a bundle / import the county's receipt), 连接县平台… (enrollment); then the conflicts to
acknowledge (cards: 知道了 / 改回我的), the state of every change (filterable) and the changes the county sent back.

The sync itself runs on ``SyncWorker``'s thread; this page only reads ``sync.status`` on the GUI connection."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QProgressBar,
    QScrollArea,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from zhzx_desktop.errors import Cancelled, ZhzxError
from zhzx_desktop.gui import settings as keys
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.errors import show_message
from zhzx_desktop.gui.models.sync_record_model import (
    STATUSES,
    QuarantinedModel,
    SyncRecordModel,
    ago_text,
    local_time_text,
)
from zhzx_desktop.gui.pages.page import Page
from zhzx_desktop.gui.sync_worker import EVERYTHING, SyncWorker
from zhzx_desktop.gui.widgets.buttons import push_button
from zhzx_desktop.gui.widgets.conflict_card import ConflictCard
from zhzx_desktop.gui.widgets.tables import list_table
from zhzx_desktop.services.changes import Changes

log = logging.getLogger(__name__)

RECORDS_SHOWN = 500
SKEW_LIMIT_S = 300
_PHASES = {"push": "正在上报本机的修改", "pull": "正在接收县里的数据", "verify": "正在核对数据"}
_VALUE_STYLE = "font-size: 11pt;"
_BANNER_STYLE = ("background: #c0392b; color: white; font-weight: bold; padding: 8px; border-radius: 3px;")


_FLAG_OF_TABLE = {"residents": "residents", "resident_categories": "residents", "households": "households",
                  "grids": "grids", "grid_workers": "grids", "teams": "teams", "team_members": "members",
                  "team_activities": "activities", "activity_participants": "activities"}


def changes_for(table: str, row_id: str) -> Changes:
    """The change record of a decision on a conflict of ``table`` (case tables → cases; unknown → everything)."""
    flag = _FLAG_OF_TABLE.get(table)
    if flag is None and (table == "cases" or table.startswith("case_")
                         or table in ("agreements", "installments", "follow_ups")):
        flag = "cases"
    if flag is None:
        return EVERYTHING
    return Changes(**{flag: True}, row_id=row_id)


def _status() -> Any:
    from sync import status
    return status


class SyncPage(Page):
    title = "同步"

    def __init__(self, ctx: GuiContext, worker: SyncWorker | None = None) -> None:
        super().__init__(ctx)
        self.worker: SyncWorker | None = None
        self.overview: Any = None
        self.cards: list[ConflictCard] = []
        self.dialog: QWidget | None = None
        self._shown_once = False
        self._stale = False

        heading = QLabel(self.tr("与县平台同步"))
        heading.setObjectName("sync_heading")
        heading.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.skew_banner = QLabel()
        self.skew_banner.setObjectName("skew_banner")
        self.skew_banner.setWordWrap(True)
        self.skew_banner.setStyleSheet(_BANNER_STYLE)
        self.skew_banner.hide()
        self.not_enrolled_label = QLabel(self.tr("本机还没有连接县平台。请点“连接县平台…”，填写县里提供的平台地址和注册码。"
                                                 "连接之前，所有修改都保存在本机，不会丢失。"))
        self.not_enrolled_label.setObjectName("not_enrolled_label")
        self.not_enrolled_label.setWordWrap(True)
        self.not_enrolled_label.setStyleSheet("font-size: 11pt; color: #555; padding: 6px;")

        self.server_label = self._value("server_label")
        self.village_label = self._value("village_label")
        self.last_success_label = self._value("last_success_label")
        self.pending_label = self._value("pending_label")
        self.oldest_label = self._value("oldest_label")
        self.error_label = self._value("error_label")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(_VALUE_STYLE + "color: #c0392b;")
        info = QGroupBox(self.tr("同步情况"))
        info.setObjectName("info_box")
        form = QFormLayout(info)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(16)
        for text, widget in ((self.tr("县平台"), self.server_label), (self.tr("本村"), self.village_label),
                             (self.tr("上次成功同步"), self.last_success_label),
                             (self.tr("待上报"), self.pending_label),
                             (self.tr("最早未确认的修改"), self.oldest_label),
                             (self.tr("上次同步问题"), self.error_label)):
            label = QLabel(text)
            label.setStyleSheet(_VALUE_STYLE + "color: #555;")
            form.addRow(label, widget)
        self._error_row_label = form.labelForField(self.error_label)

        self.sync_button = push_button("sync_button", self.tr("立即同步"),
                                       self.tr("现在就把本机的修改上报县平台，并接收县里的数据"))
        self.sync_button.setStyleSheet("font-weight: bold; padding: 4px 16px;")
        self.usb_button = push_button("usb_button", self.tr("用U盘交换"),
                                      self.tr("没有网络时：把修改导出到U盘带到县里，再导入县里给的回执"))
        usb_menu = QMenu(self.usb_button)
        usb_menu.setObjectName("usb_menu")
        self.export_action = usb_menu.addAction(self.tr("导出修改到U盘…"))
        self.export_action.setObjectName("export_action")
        self.import_action = usb_menu.addAction(self.tr("导入县里的回执…"))
        self.import_action.setObjectName("import_action")
        self.usb_button.setMenu(usb_menu)
        self.enroll_button = push_button("enroll_button", self.tr("连接县平台…"),
                                         self.tr("填写县平台地址和注册码，把本机登记到县平台（只需一次）"))
        self.interval_spin = QSpinBox()
        self.interval_spin.setObjectName("interval_spin")
        self.interval_spin.setRange(0, 240)
        self.interval_spin.setSuffix(self.tr(" 分钟"))
        self.interval_spin.setSpecialValueText(self.tr("不自动同步"))
        self.interval_spin.setValue(ctx.settings.get(keys.SYNC_INTERVAL_MINUTES))
        self.interval_spin.setToolTip(self.tr("连接县平台后，每隔这么久在后台自动同步一次；关闭程序前也会同步"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.sync_button)
        buttons.addWidget(self.usb_button)
        buttons.addSpacing(16)
        buttons.addWidget(QLabel(self.tr("自动同步间隔：")))
        buttons.addWidget(self.interval_spin)
        buttons.addStretch(1)
        buttons.addWidget(self.enroll_button)

        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("progress_bar")
        self.progress_bar.setTextVisible(False)
        self.progress_label = QLabel()
        self.progress_label.setObjectName("progress_label")
        self.cancel_button = push_button("cancel_button", self.tr("取消"),
                                         self.tr("停止这次同步；已确认的修改不受影响，其余的下次继续上报"))
        self.progress_row = QWidget()
        self.progress_row.setObjectName("progress_row")
        progress = QHBoxLayout(self.progress_row)
        progress.setContentsMargins(0, 0, 0, 0)
        progress.addWidget(self.progress_label)
        progress.addWidget(self.progress_bar, 1)
        progress.addWidget(self.cancel_button)
        self.progress_row.hide()
        self.result_label = QLabel()
        self.result_label.setObjectName("result_label")
        self.result_label.setWordWrap(True)
        self.result_label.setStyleSheet("font-size: 11pt;")
        self.result_label.hide()

        # the three lists
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.cards_box = QWidget()
        self.cards_box.setObjectName("cards_box")
        self.cards_layout = QVBoxLayout(self.cards_box)
        self.cards_layout.setContentsMargins(4, 4, 4, 4)
        self.cards_layout.setSpacing(8)
        self.no_conflicts_label = QLabel(self.tr("没有需要确认的冲突。\n\n县里和本机改了同一项时，这里会说明改成了什么，请您确认。"))
        self.no_conflicts_label.setObjectName("no_conflicts_label")
        self.no_conflicts_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_conflicts_label.setStyleSheet("color: #3c7a3c; font-size: 11pt; padding: 20px;")
        self.cards_layout.addWidget(self.no_conflicts_label)
        self.cards_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName("cards_scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.cards_box)

        self.filter_combo = QComboBox()
        self.filter_combo.setObjectName("filter_combo")
        self.filter_combo.addItem(self.tr("全部"), None)
        for status in STATUSES:
            self.filter_combo.addItem(self.tr(status), status)
        self.records_model = SyncRecordModel()
        self.records_table = self._table("records_table", self.records_model, (260, 120, 300))
        self.records_count_label = QLabel()
        self.records_count_label.setObjectName("records_count_label")
        self.records_count_label.setStyleSheet("color: #666;")
        records = QWidget()
        records_layout = QVBoxLayout(records)
        filter_row = QHBoxLayout()
        filter_row.addWidget(QLabel(self.tr("显示：")))
        filter_row.addWidget(self.filter_combo)
        filter_row.addSpacing(12)
        filter_row.addWidget(self.records_count_label)
        filter_row.addStretch(1)
        records_layout.addLayout(filter_row)
        records_layout.addWidget(self.records_table, 1)

        self.quarantined_model = QuarantinedModel()
        self.quarantined_table = self._table("quarantined_table", self.quarantined_model, (260, 420))
        quarantined = QWidget()
        quarantined_layout = QVBoxLayout(quarantined)
        hint = QLabel(self.tr("县里拒收了下面这些修改（原因见右侧）。它们保存在本机，不会再上报；"
                              "请按原因改正后重新保存，改正后的修改会作为新的修改上报。"))
        hint.setObjectName("quarantined_hint")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        quarantined_layout.addWidget(hint)
        quarantined_layout.addWidget(self.quarantined_table, 1)

        self.tabs.addTab(scroll, "")
        self.tabs.addTab(records, "")
        self.tabs.addTab(quarantined, "")
        self.CONFLICTS_TAB, self.RECORDS_TAB, self.QUARANTINED_TAB = 0, 1, 2

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.skew_banner)
        layout.addWidget(self.not_enrolled_label)
        layout.addWidget(info)
        layout.addLayout(buttons)
        layout.addWidget(self.progress_row)
        layout.addWidget(self.result_label)
        layout.addWidget(self.tabs, 1)

        self.sync_button.clicked.connect(self._on_sync_button_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.enroll_button.clicked.connect(self._on_enroll_button_clicked)
        self.export_action.triggered.connect(self._on_export_action_triggered)
        self.import_action.triggered.connect(self._on_import_action_triggered)
        self.filter_combo.currentIndexChanged.connect(self._on_filter_combo_current_index_changed)
        self.interval_spin.valueChanged.connect(self._on_interval_spin_value_changed)
        if worker is not None:
            self.attach(worker)
        self.reload()

    def _value(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setStyleSheet(_VALUE_STYLE)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _table(self, name: str, model: Any, widths: tuple[int, ...]) -> QTableView:
        table = list_table(name)
        table.setModel(model)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(widths):
            header.resizeSection(column, width)
        vertical = table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(table.fontMetrics().height() + 10)
        return table

    # ---- the worker

    def attach(self, worker: SyncWorker) -> None:
        """Show (and drive) this sync worker: its progress and results land here."""
        self.worker = worker
        worker.started.connect(self._on_worker_started)
        worker.progressed.connect(self._on_worker_progressed)
        worker.finished.connect(self._on_worker_finished)
        if worker.running:
            self._on_worker_started(worker.reason)
        self._update_buttons()

    def _on_interval_spin_value_changed(self, minutes: int) -> None:
        self.ctx.settings.set(keys.SYNC_INTERVAL_MINUTES, minutes)
        if self.worker is not None:
            self.worker.set_interval(minutes)

    def sync_now(self) -> bool:
        """立即同步 (as the button does); False when a sync is already running or there is no worker."""
        if self.worker is None:
            return False
        return self.worker.sync_now()

    def _on_sync_button_clicked(self) -> None:
        self.sync_now()

    def _on_cancel_button_clicked(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText(self.tr("正在取消…"))

    def _on_worker_started(self, reason: str) -> None:
        self.progress_row.show()
        self.cancel_button.setEnabled(True)
        self.progress_bar.setRange(0, 0)  # busy until the first report
        self.progress_label.setText(self.tr("正在连接县平台…"))
        self.result_label.hide()
        self._update_buttons()

    def _on_worker_progressed(self, report: Any) -> None:
        if not self.cancel_button.isEnabled():
            return  # cancelling: keep saying so
        phase = self.tr(_PHASES.get(getattr(report, "phase", ""), "正在同步"))
        done, total = int(getattr(report, "done", 0) or 0), int(getattr(report, "total", 0) or 0)
        if total > 0:
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(min(done, total))
            phase = self.tr("%1（%2/%3）").replace("%1", phase).replace("%2", str(done)).replace("%3", str(total))
        else:
            self.progress_bar.setRange(0, 0)
        self.progress_label.setText(phase)

    def _on_worker_finished(self, result: Any, error: BaseException | None) -> None:
        self.progress_row.hide()
        self.result_label.setText(self.result_text(result, error))
        failed = error is not None or bool(getattr(result, "error", None))
        attention = bool(getattr(result, "conflicts", 0) or getattr(result, "rejected", 0))
        color = "#c0392b" if failed else "#b35900" if attention else "#2e7d32"
        self.result_label.setStyleSheet(f"font-size: 11pt; color: {color};")
        self.result_label.show()
        self.reload()
        if result is not None and result.conflicts and self.cards:
            self.tabs.setCurrentIndex(self.CONFLICTS_TAB)  # what needs the clerk first
        elif result is not None and result.rejected:
            self.tabs.setCurrentIndex(self.QUARANTINED_TAB)
        if result is not None and getattr(result, "skew_seconds", None):
            self._show_skew(result.skew_seconds)

    def result_text(self, result: Any, error: BaseException | None) -> str:
        kept = self.tr("没报完的修改保存在本机，下次同步时继续上报，不会丢失。")
        if isinstance(error, Cancelled) or (self.worker is not None and self.worker.was_cancelled):
            return self.tr("已取消同步。") + kept
        if error is not None:
            message = error.message if isinstance(error, ZhzxError) else self.tr("出现了意外错误")
            return self.tr("同步没有完成：%1。").replace("%1", message.rstrip("。")) + kept
        if result is None:
            return ""
        if result.error:
            text = self.tr("同步没有完成：%1。").replace("%1", str(result.error).rstrip("。"))
            return text if "丢失" in text else text + kept
        parts = [self.tr("同步完成：上报 %1 条，收到县里 %2 条").replace("%1", str(result.pushed))
                 .replace("%2", str(result.pulled))]
        if result.conflicts:
            parts.append(self.tr("%1 处需要您确认").replace("%1", str(result.conflicts)))
        if result.rejected:
            parts.append(self.tr("%1 条被县里退回").replace("%1", str(result.rejected)))
        if result.pending_left:
            parts.append(self.tr("还有 %1 条待上报").replace("%1", str(result.pending_left)))
        return "，".join(parts) + "。"

    def _update_buttons(self) -> None:
        enrolled = bool(self.overview is not None and self.overview.enrolled)
        running = self.worker is not None and self.worker.running
        self.sync_button.setEnabled(enrolled and not running and self.worker is not None)
        self.usb_button.setEnabled(enrolled and not running)
        self.enroll_button.setEnabled(not running)
        self.enroll_button.setText(self.tr("重新连接县平台…") if enrolled else self.tr("连接县平台…"))

    # ---- reading

    def reload(self) -> None:
        status = _status()
        conn = self.ctx.ledger.store.conn
        overview = status.overview(conn)
        self.overview = overview
        enrolled = bool(overview.enrolled)
        self.not_enrolled_label.setVisible(not enrolled)
        self.server_label.setText(overview.server_url or self.tr("（未连接）"))
        self.village_label.setText(overview.village_name or "—")
        if overview.last_success_at:
            self.last_success_label.setText(self.tr("%1（%2）").replace("%1", local_time_text(overview.last_success_at))
                                            .replace("%2", ago_text(overview.last_success_at)))
        else:
            self.last_success_label.setText(self.tr("还没有成功同步过"))
        self.pending_label.setText(self.tr("%1 条").replace("%1", f"{overview.pending:,}") if overview.pending
                                   else self.tr("无，全部已上报"))
        self.pending_label.setStyleSheet(_VALUE_STYLE + ("color: #b35900; font-weight: bold;" if overview.pending
                                                         else "color: #2e7d32;"))
        if overview.oldest_unconfirmed_at:
            self.oldest_label.setText(self.tr("%1（%2）").replace("%1", ago_text(overview.oldest_unconfirmed_at))
                                      .replace("%2", local_time_text(overview.oldest_unconfirmed_at)))
        else:
            self.oldest_label.setText("—")
        error = overview.last_error or ""
        self.error_label.setText(error)
        self.error_label.setVisible(bool(error))
        if self._error_row_label is not None:
            self._error_row_label.setVisible(bool(error))
        self._show_skew(overview.skew_seconds)
        self._reload_cards(status.conflicts(conn))
        self._reload_records()
        self.quarantined_model.set_rows(status.quarantined(conn))
        self.tabs.setTabText(self.CONFLICTS_TAB, self.tr("需要确认（%1）").replace("%1", str(len(self.cards))))
        self.tabs.setTabText(self.QUARANTINED_TAB, self.tr("被退回的修改（%1）")
                             .replace("%1", str(self.quarantined_model.rowCount())))
        self.tabs.setTabText(self.RECORDS_TAB, self.tr("每条修改的状态"))
        self._update_buttons()

    def _show_skew(self, skew: Any) -> None:
        if skew is not None and abs(float(skew)) > SKEW_LIMIT_S:
            minutes = round(abs(float(skew)) / 60)
            direction = self.tr("慢") if float(skew) > 0 else self.tr("快")
            self.skew_banner.setText(self.tr("本机时钟比县平台%1了约 %2 分钟，请校准电脑的日期和时间。这不影响同步，"
                                             "但修改记录上的时间会不准。")
                                     .replace("%1", direction).replace("%2", str(minutes)))
            self.skew_banner.show()
        else:
            self.skew_banner.hide()

    def _reload_cards(self, conflicts: list[Any]) -> None:
        for card in self.cards:
            self.cards_layout.removeWidget(card)
            card.deleteLater()
        self.cards = []
        for index, conflict in enumerate(conflicts):
            card = ConflictCard(conflict)
            card.decided.connect(self._on_card_decided)
            self.cards_layout.insertWidget(index, card)
            self.cards.append(card)
        self.no_conflicts_label.setVisible(not self.cards)

    def _reload_records(self) -> None:
        state = self.filter_combo.currentData()
        rows = _status().records(self.ctx.ledger.store.conn, state=state, limit=RECORDS_SHOWN, offset=0)
        self.records_model.set_rows(rows)
        text = self.tr("共 %1 条").replace("%1", str(len(rows)))
        if len(rows) >= RECORDS_SHOWN:
            text = self.tr("只显示最近的 %1 条").replace("%1", str(RECORDS_SHOWN))
        self.records_count_label.setText(text)

    def set_filter(self, status: str | None) -> None:
        """Show only the changes in ``status`` (one of ``STATUSES``; None = all), as the combo does."""
        self.filter_combo.setCurrentIndex(max(0, self.filter_combo.findData(status)))

    def _on_filter_combo_current_index_changed(self, _index: int) -> None:
        self._reload_records()

    # ---- conflicts

    def card(self, conflict_id: int) -> ConflictCard | None:
        return next((c for c in self.cards if c.conflict_id == conflict_id), None)

    def _on_card_decided(self, conflict_id: int, keep: str) -> None:
        self.decide(conflict_id, keep)

    def decide(self, conflict_id: int, keep: str) -> None:
        """Keep 'theirs' or 'mine': record the decision; when the row's value changes that is a new local edit."""
        card = self.card(conflict_id)
        try:
            _status().decide(self.ctx.ledger.store, conflict_id, keep)
        except ZhzxError as exc:
            show_message(self, exc.message)
            return
        self.reload()
        self.changed.emit(changes_for(card.card.table, card.card.row_id) if card is not None else EVERYTHING)

    # ---- enrollment

    def open_enroll_dialog(self) -> QWidget:
        from zhzx_desktop.gui.dialogs.enroll_dialog import EnrollDialog
        url = self.overview.server_url if self.overview is not None and self.overview.server_url else ""
        dialog = EnrollDialog(self.ctx.ledger.store.path, self, server_url=url)
        dialog.accepted.connect(self._on_enroll_dialog_accepted)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _on_enroll_button_clicked(self) -> None:
        self.open_enroll_dialog()

    def _on_enroll_dialog_accepted(self) -> None:
        self.reload()
        self.result_label.setText(self.tr("已连接县平台。现在可以点“立即同步”，之后每隔 %1 分钟会自动同步。")
                                  .replace("%1", str(self.ctx.settings.get(keys.SYNC_INTERVAL_MINUTES))))
        self.result_label.setStyleSheet("font-size: 11pt; color: #2e7d32;")
        self.result_label.show()
        if self.worker is not None:
            self.worker.start_timer()

    # ---- USB exchange

    def export_bundle(self, out_path: Path) -> None:
        """Write the pending changes to ``out_path`` (a bundle for the county), on the DB worker thread."""
        from sync import bundle

        def job(ledger: Any, progress: Any) -> Any:
            return bundle.export_bundle_for(ledger, Path(out_path))
        self.ctx.runner.run(job, on_success=self._on_bundle_exported, label=self.tr("正在导出…"), parent=self,
                            cancellable=False)

    def import_receipt(self, receipt_path: Path) -> None:
        """Apply the county's receipt at ``receipt_path`` (acks and the county's rows)."""
        from sync import bundle

        def job(ledger: Any, progress: Any) -> Any:
            return bundle.import_receipt(ledger.store.path, Path(receipt_path))
        self.ctx.runner.run(job, on_success=self._on_receipt_imported, label=self.tr("正在导入回执…"), parent=self,
                            cancellable=False)

    def _on_export_action_triggered(self) -> None:
        start = self.ctx.settings.get(keys.LAST_DIR) or str(Path.home())
        path, _ = QFileDialog.getSaveFileName(self, self.tr("导出修改到U盘"), str(Path(start) / "同步数据包.zhzx"),
                                              self.tr("同步数据包 (*.zhzx)"))
        if path:
            self.ctx.settings.set(keys.LAST_DIR, str(Path(path).parent))
            self.export_bundle(Path(path))

    def _on_import_action_triggered(self) -> None:
        start = self.ctx.settings.get(keys.LAST_DIR) or str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, self.tr("导入县里的回执"), start,
                                              self.tr("县里的回执 (*.zhzx-receipt *.receipt);;所有文件 (*)"))
        if path:
            self.ctx.settings.set(keys.LAST_DIR, str(Path(path).parent))
            self.import_receipt(Path(path))

    def _on_bundle_exported(self, info: Any) -> None:
        self.reload()
        count = getattr(info, "changes", None)
        text = self.tr("已导出。请把这个文件带到县里导入，再把县里给的回执文件带回来，用“导入县里的回执…”导入。")
        if count is not None:
            text = self.tr("已导出 %1 条修改。").replace("%1", str(count)) + text
        self.result_label.setText(text)
        self.result_label.setStyleSheet("font-size: 11pt; color: #2e7d32;")
        self.result_label.show()

    def _on_receipt_imported(self, info: Any) -> None:
        self.reload()
        if getattr(info, "already", False):
            text = self.tr("这个回执以前已经导入过，这次没有任何变化。")
        else:
            text = (self.tr("回执已导入：县里确认了 %1 条修改").replace("%1", str(getattr(info, "acked", 0)))
                    + (self.tr("，退回 %1 条（见“被退回的修改”）").replace("%1", str(info.rejected))
                       if getattr(info, "rejected", 0) else "")
                    + self.tr("，收到县里的数据 %1 条。").replace("%1", str(getattr(info, "pulled", 0))))
        self.result_label.setText(text)
        self.result_label.setStyleSheet("font-size: 11pt; color: #2e7d32;")
        self.result_label.show()
        self.changed.emit(EVERYTHING)

    # ---- the page contract

    def apply(self, changes: Changes) -> None:
        """Any saved edit changes the pending count and the list; while another page of the window is shown, the
        (outbox-wide) queries wait until the clerk comes back here."""
        if self.window() is not self and not self.isVisible():
            self._stale = True
            return
        self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not event.spontaneous() and (self._shown_once or self._stale):
            self.reload()  # edits made elsewhere meanwhile; and the ages ("3小时前") move on
        self._stale = False
        self._shown_once = True

    def focus_search(self) -> None:
        self.tabs.setCurrentIndex(self.RECORDS_TAB)
        self.filter_combo.setFocus()
