"""月报: pick a month (last month by default), see the figures as the printed table shows them, export them as PDF
or Excel, and record the report for the county (上报县里, sent with the next sync).

The table is the documents' own rows (``documents.monthly_report.report_rows``), so the screen, the PDF and the
sheet say the same thing. Computing, rendering and recording all run through ``ctx.runner``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sync import status
from zhzx_desktop.documents import monthly_report as documents
from zhzx_desktop.domain.roles import Permission
from zhzx_desktop.errors import ZhzxError
from zhzx_desktop.gui import settings as keys
from zhzx_desktop.gui import training
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.errors import show_error, show_message
from zhzx_desktop.services import reports
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.services.progress import Progress

log = logging.getLogger(__name__)

MONTHS_BACK = 36  # how far back the month picker goes
_ALIGN = {"left": Qt.AlignmentFlag.AlignLeft, "center": Qt.AlignmentFlag.AlignHCenter,
          "right": Qt.AlignmentFlag.AlignRight}


class MonthlyReportModel(QAbstractTableModel):
    """The rows of the 月报 (``documents.monthly_report.report_rows``) on a 6-column grid: a cell spanning several
    columns shows its text in its first column (``spans()`` tells the view what to merge); UserRole holds the typed
    value the Excel cell gets."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid: list[list[documents.Cell | None]] = []
        self._kinds: list[str] = []

    def set_rows(self, rows: list[documents.Row]) -> None:
        self.beginResetModel()
        self._grid = []
        self._kinds = []
        for row in rows:
            line: list[documents.Cell | None] = []
            for cell in row.cells:
                line.append(cell)
                line += [None] * (cell.span - 1)
            self._grid.append(line)
            self._kinds.append(row.kind)
        self.endResetModel()

    def spans(self) -> list[tuple[int, int, int]]:
        """(row, column, columns) of every cell wider than one column."""
        return [(r, c, cell.span) for r, line in enumerate(self._grid) for c, cell in enumerate(line)
                if cell is not None and cell.span > 1]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._grid)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else documents.COLUMNS

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        cell = self._grid[index.row()][index.column()]
        kind = self._kinds[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if cell is None else cell.text
        if cell is None:
            return None
        if role == Qt.ItemDataRole.UserRole:
            return cell.text if cell.value is None else cell.value
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_ALIGN[cell.align] | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and kind != "data":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and kind != "data":
            return QBrush(QColor("#e4e4e4" if kind == "section" else "#f4f4f4"))
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class MonthlyReportDialog(QDialog):
    report_computed = Signal(object)   # services.reports.MonthlyReport
    report_exported = Signal(str)      # the file written
    report_submitted = Signal(object)  # services.changes.Changes
    changed = Signal(object)           # the same Changes, for the page that opened the dialog (Page.changed)

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None, month: str | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.report: reports.MonthlyReport | None = None
        self.file_dialog: QFileDialog | None = None
        self.setObjectName("monthly_report_dialog")
        self.setWindowTitle(self.tr("人民调解工作统计月报"))
        self.resize(760, 720)

        self.month_combo = QComboBox(self)
        self.month_combo.setObjectName("month_combo")
        this_month = reports.month_of(ctx.ledger.today())
        key = this_month
        for i in range(MONTHS_BACK + 1):
            year, mon = key.split("-")
            label = self.tr("%1年%2月").replace("%1", year).replace("%2", str(int(mon)))
            if i == 0:
                label = self.tr("%1（本月，尚未结束）").replace("%1", label)
            self.month_combo.addItem(label, key)
            key = reports.previous_month(key)
        month_label = QLabel(self.tr("统计月份："), self)
        month_label.setBuddy(self.month_combo)
        self.zero_label = QLabel(self.tr("零上报：本月没有受理、履行、司法确认和排查事项"), self)
        self.zero_label.setObjectName("zero_label")
        self.zero_label.setStyleSheet("color: #b00000; font-weight: bold;")
        self.zero_label.hide()
        top = QHBoxLayout()
        top.addWidget(month_label)
        top.addWidget(self.month_combo)
        top.addSpacing(16)
        top.addWidget(self.zero_label)
        top.addStretch(1)

        self.model = MonthlyReportModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("figures_table")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.table.horizontalHeader().hide()
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, documents.COLUMNS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            self.table.setColumnWidth(column, 96)

        self.status_label = QLabel(self)
        self.status_label.setObjectName("status_label")
        self.status_label.setWordWrap(True)
        self.pdf_button = QPushButton(self.tr("导出PDF…"), self)
        self.pdf_button.setObjectName("pdf_button")
        self.xlsx_button = QPushButton(self.tr("导出Excel…"), self)
        self.xlsx_button.setObjectName("xlsx_button")
        self.submit_button = QPushButton(self.tr("上报县里"), self)
        self.submit_button.setObjectName("submit_button")
        self.close_button = QPushButton(self.tr("关闭"), self)
        self.close_button.setObjectName("close_button")
        buttons = QHBoxLayout()
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.xlsx_button)
        buttons.addWidget(self.submit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)

        self.month_combo.currentIndexChanged.connect(self._on_month_combo_current_index_changed)
        self.pdf_button.clicked.connect(self._on_pdf_button_clicked)
        self.xlsx_button.clicked.connect(self._on_xlsx_button_clicked)
        self.submit_button.clicked.connect(self._on_submit_button_clicked)
        self.close_button.clicked.connect(self.reject)

        self._update_buttons()
        wanted = month or reports.default_month(ctx.ledger.today())
        index = self.month_combo.findData(wanted)
        if index < 0:
            self.month_combo.addItem(wanted, wanted)
            index = self.month_combo.count() - 1
        if index == self.month_combo.currentIndex():
            self.compute()
        else:
            self.month_combo.setCurrentIndex(index)  # computes through the signal

    # ---- state

    def month(self) -> str:
        return str(self.month_combo.currentData())

    def set_month(self, month: str) -> None:
        index = self.month_combo.findData(month)
        if index < 0:
            raise ValueError(month)
        self.month_combo.setCurrentIndex(index)

    def _can_export(self) -> bool:
        actor = self.ctx.ledger.actor
        return actor is not None and actor.can(Permission.EXPORT)

    def _update_buttons(self) -> None:
        ready = self.report is not None
        allowed = self._can_export()
        why = "" if allowed else self.tr("当前账户没有“导出数据”权限，请由调委会主任导出和上报")
        for button in (self.pdf_button, self.xlsx_button, self.submit_button):
            button.setEnabled(ready and allowed)
            button.setToolTip(why)
        if not allowed:
            return
        if training.is_training(self.ctx.ledger):
            refusal = training.REFUSAL
        elif self.month() >= reports.month_of(self.ctx.ledger.today()):
            refusal = self.tr("本月还没有结束，月末之后才能上报")
        else:
            return
        self.submit_button.setEnabled(False)
        self.submit_button.setToolTip(refusal)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status_label.setText(text)
        self.status_label.setStyleSheet("color: #c0392b;" if error else "color: #2e7d32;")

    # ---- computing

    def _on_month_combo_current_index_changed(self, _index: int) -> None:
        self.compute()

    def compute(self) -> None:
        month = self.month()
        self.report = None
        self._update_buttons()
        self._say(self.tr("正在统计…"))

        def job(ledger: Ledger, progress: Progress) -> tuple[reports.MonthlyReport, reports.Submitted | None, str]:
            report = reports.compute(ledger, month)
            earlier = next((s for s in reports.submitted(ledger) if s.month == month), None)
            state = (status.record_state(ledger.store.conn, "monthly_reports", earlier.id) or "") if earlier else ""
            return report, earlier, state

        self.ctx.runner.run(job, on_success=self._on_computed, on_failure=self._on_failed,
                            label=self.tr("正在统计月报"), parent=self)

    def _on_computed(self, result: tuple[reports.MonthlyReport, reports.Submitted | None, str]) -> None:
        report, earlier, state = result
        if report.month != self.month():  # the clerk picked another month meanwhile
            return
        self.report = report
        self.table.clearSpans()
        self.model.set_rows(documents.report_rows(report))
        for row, column, span in self.model.spans():
            self.table.setSpan(row, column, 1, span)
        self.zero_label.setVisible(report.zero)
        if earlier is None:
            self._say("")
        else:
            self._say(self.tr("%1的月报已由%2记录上报（%3，%4）；再次上报会替换上次的数字。")
                      .replace("%1", documents.month_text(earlier.month)).replace("%2", earlier.submitted_by)
                      .replace("%3", documents.filled_on(earlier.report)).replace("%4", state or status.UNSENT))
        self._update_buttons()
        self.report_computed.emit(report)

    def _on_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ZhzxError):
            self._say(exc.message, error=True)
        else:
            show_error(self, exc)

    # ---- exporting

    def suggested_name(self, suffix: str) -> str:
        report = self.report
        village = report.village if report is not None and report.village else ""
        return f"{village}人民调解工作统计月报-{self.month()}{suffix}"

    def _on_pdf_button_clicked(self) -> None:
        self.export_pdf()

    def _on_xlsx_button_clicked(self) -> None:
        self.export_xlsx()

    def export_pdf(self, path: str | Path | None = None) -> QFileDialog | None:
        """Write the PDF to ``path``; without one, ask for it with a save dialog (returned)."""
        return self._export(path, ".pdf", self.tr("PDF 文件 (*.pdf)"))

    def export_xlsx(self, path: str | Path | None = None) -> QFileDialog | None:
        return self._export(path, ".xlsx", self.tr("Excel 文件 (*.xlsx)"))

    def _export(self, path: str | Path | None, suffix: str, name_filter: str) -> QFileDialog | None:
        if self.report is None:
            return None
        if path is not None:
            self._write(Path(path), suffix)
            return None
        folder = self.ctx.settings.get(keys.LAST_DIR) or str(Path.home())
        dialog = QFileDialog(self, self.tr("导出月报"), str(Path(folder) / self.suggested_name(suffix)), name_filter)
        dialog.setObjectName("save_dialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(suffix.lstrip("."))
        dialog.fileSelected.connect(lambda chosen: self._write(Path(chosen), suffix))
        self.file_dialog = dialog
        dialog.open()
        return dialog

    def _write(self, target: Path, suffix: str) -> None:
        report = self.report
        if report is None:
            return
        if target.suffix.lower() != suffix:
            target = target.with_name(target.name + suffix)
        font = self.ctx.settings.get(keys.FONT_PATH).strip()
        font_path = Path(font) if font else None

        def job(ledger: Ledger, progress: Progress) -> Path:
            return reports.export(ledger, report, target, font_path)

        def done(written: Path) -> None:
            self.ctx.settings.set(keys.LAST_DIR, str(written.parent))
            log.info("monthly report %s exported (%s)", report.month, suffix)
            self._say(self.tr("已导出到 %1").replace("%1", str(written)))
            self.report_exported.emit(str(written))

        self.ctx.runner.run(job, on_success=done, on_failure=self._on_failed, label=self.tr("正在导出月报"),
                            parent=self)

    # ---- 上报县里

    def _on_submit_button_clicked(self) -> None:
        self.submit()

    def submit(self) -> None:
        """Record the report for the county; it leaves with the next sync."""
        report = self.report
        if report is None:
            return

        def job(ledger: Ledger, progress: Progress) -> Changes:
            return reports.submit(ledger, reports.compute(ledger, report.month))  # what is entered now, not then

        def done(changes: Changes) -> None:
            text = self.tr("%1的月报已记录，将在下次同步时上报县里。").replace("%1", documents.month_text(report.month))
            self._say(text)
            show_message(self, text)
            self.report_submitted.emit(changes)
            self.changed.emit(changes)

        self.ctx.runner.run(job, on_success=done, on_failure=self._on_failed, label=self.tr("正在记录月报"),
                            parent=self)
