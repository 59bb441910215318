"""今天要办: the start page — every dated duty of the mediation cases that is overdue or falls due within a week
(调解期限, 司法确认申请期限, 分期履行, 履行期限, 回访), in two groups: 已逾期 (red) and 7天内到期. Double-click, Enter or
“打开案件” opens the case on the 调解 page (``case_requested``)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QTableView, QVBoxLayout

from zhzx_desktop.domain import case_rules
from zhzx_desktop.domain.case_rules import Deadline
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.models.deadline_model import DeadlineModel
from zhzx_desktop.gui.pages.page import Page
from zhzx_desktop.gui.widgets.buttons import push_button
from zhzx_desktop.gui.widgets.tables import row_table
from zhzx_desktop.services import deadlines
from zhzx_desktop.services.changes import Changes

_WIDTHS = (130, 230, 230, 100, 90)  # the last column (说明) takes the rest
_WEEKDAYS = "一二三四五六日"
MAX_ROWS_SHOWN = 12  # a group taller than this scrolls
_GROUP_STYLE = "font-size: 12pt; font-weight: bold; color: %1; padding-top: 6px;"


class TodayPage(Page):
    title = "今天要办"
    case_requested = Signal(str)  # the case id, to show on the 调解 page
    due_counted = Signal(int, int)  # (overdue, due soon) after each reload

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__(ctx)
        self.today = ctx.ledger.today()
        self.items: list[Deadline] = []
        self._shown_once = False

        heading = QLabel(self.tr("今天要办"))
        heading.setObjectName("today_heading")
        heading.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.date_label = QLabel()
        self.date_label.setObjectName("date_label")
        self.date_label.setStyleSheet("font-size: 12pt; color: #555;")
        self.open_button = push_button("open_button", self.tr("打开案件"),
                                       self.tr("在“调解”页中打开选中事项所属的案件（也可双击该行或按回车）"))
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addSpacing(16)
        top.addWidget(self.date_label)
        top.addStretch(1)
        top.addWidget(self.open_button)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("summary_label")
        self.summary_label.setStyleSheet("font-size: 11pt;")

        self.overdue_label = QLabel()
        self.overdue_label.setObjectName("overdue_label")
        self.overdue_label.setStyleSheet(_GROUP_STYLE.replace("%1", "#c0392b"))
        self.overdue_model = DeadlineModel()
        self.overdue_table = self._table("overdue_table", self.overdue_model)
        self.soon_label = QLabel()
        self.soon_label.setObjectName("soon_label")
        self.soon_label.setStyleSheet(_GROUP_STYLE.replace("%1", "#2f6fb3"))
        self.soon_model = DeadlineModel()
        self.soon_table = self._table("soon_table", self.soon_model)
        self.empty_label = QLabel(self.tr("今天没有到期或逾期的事项。\n\n调解期限、司法确认申请期限、分期履行、履行期限和回访"
                                          "到期前 7 天会列在这里。"))
        self.empty_label.setObjectName("empty_label")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("font-size: 13pt; color: #3c7a3c; padding: 40px;")
        self.hint_label = QLabel(self.tr("双击一行（或选中后按回车）即可打开该案件。"))
        self.hint_label.setObjectName("hint_label")
        self.hint_label.setStyleSheet("color: #666;")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.overdue_label)
        layout.addWidget(self.overdue_table, 1)
        layout.addWidget(self.soon_label)
        layout.addWidget(self.soon_table, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.hint_label)
        layout.addStretch(0)

        self.open_button.clicked.connect(self._on_open_button_clicked)
        for table in (self.overdue_table, self.soon_table):
            table.activated.connect(self._on_table_activated)  # double-click and Enter
            table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.overdue_table.selectionModel().selectionChanged.connect(self._on_overdue_selection_changed)
        self.soon_table.selectionModel().selectionChanged.connect(self._on_soon_selection_changed)
        self.reload()

    def _table(self, name: str, model: DeadlineModel) -> QTableView:
        table = row_table(name)
        table.setModel(model)
        table.setWordWrap(False)
        table.horizontalHeader().setHighlightSections(False)
        vertical = table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(table.fontMetrics().height() + 12)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(_WIDTHS):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        return table

    @staticmethod
    def _fit(table: QTableView, rows: int) -> None:
        """Tall enough for ``rows`` rows (up to ``MAX_ROWS_SHOWN``), so a short list does not float in white space."""
        shown = max(1, min(rows, MAX_ROWS_SHOWN))
        height = (table.verticalHeader().defaultSectionSize() * shown + table.horizontalHeader().sizeHint().height()
                  + 2 * table.frameWidth() + 2)
        table.setMaximumHeight(height)
        table.setMinimumHeight(min(height, table.verticalHeader().defaultSectionSize() * 3
                                   + table.horizontalHeader().sizeHint().height()))

    # ---- loading

    def reload(self) -> None:
        self.today = self.ctx.ledger.today()
        keep = self.selected()
        self.items = deadlines.due_items(self.ctx.ledger)
        overdue = [d for d in self.items if case_rules.urgency(d.due_on, self.today) == "overdue"]
        soon = [d for d in self.items if case_rules.urgency(d.due_on, self.today) == "due_soon"]
        overdue.sort(key=lambda d: (d.due_on, d.case_no, d.kind))  # the longest overdue first
        self.overdue_model.set_items(overdue, self.today)
        self.soon_model.set_items(soon, self.today)
        self.date_label.setText(self.tr("%1年%2月%3日 星期%4")
                                .replace("%1", str(self.today.year)).replace("%2", str(self.today.month))
                                .replace("%3", str(self.today.day)).replace("%4", _WEEKDAYS[self.today.weekday()]))
        self.overdue_label.setText(self.tr("已逾期（%1 项）").replace("%1", str(len(overdue))))
        self.soon_label.setText(self.tr("7天内到期（%1 项）").replace("%1", str(len(soon))))
        self.summary_label.setText(self.summary_text(len(overdue), len(soon)))
        for label, table, rows in ((self.overdue_label, self.overdue_table, overdue),
                                   (self.soon_label, self.soon_table, soon)):
            label.setVisible(bool(rows))
            table.setVisible(bool(rows))
            self._fit(table, len(rows))
        self.empty_label.setVisible(not self.items)
        for widget in (self.hint_label, self.summary_label, self.open_button):
            widget.setVisible(bool(self.items))
        if keep is None or not self._select(keep):
            self._update_buttons()
        self.due_counted.emit(len(overdue), len(soon))

    def summary_text(self, overdue: int, soon: int) -> str:
        return self.tr("已逾期 %1 项，7天内到期 %2 项").replace("%1", str(overdue)).replace("%2", str(soon))

    def counts(self) -> tuple[int, int]:
        """(overdue, due soon) as shown."""
        return self.overdue_model.rowCount(), self.soon_model.rowCount()

    # ---- selection and opening

    def selected(self) -> Deadline | None:
        for table, model in ((self.overdue_table, self.overdue_model), (self.soon_table, self.soon_model)):
            rows = table.selectionModel().selectedRows()
            if rows:
                return model.deadline_at(rows[0].row())
        return None

    def _select(self, item: Deadline) -> bool:
        for table, model in ((self.overdue_table, self.overdue_model), (self.soon_table, self.soon_model)):
            for row in range(model.rowCount()):
                if model.deadline_at(row) == item:
                    table.selectRow(row)
                    return True
        return False

    def select_row(self, group: str, row: int) -> None:
        """Select row ``row`` of the group 'overdue' or 'due_soon' (as a click would)."""
        table = self.overdue_table if group == "overdue" else self.soon_table
        table.setFocus()
        table.selectRow(row)

    def open_selected(self) -> bool:
        item = self.selected()
        if item is None:
            return False
        self.case_requested.emit(item.case_id)
        return True

    def _on_open_button_clicked(self) -> None:
        self.open_selected()

    def _on_table_activated(self, index: QModelIndex) -> None:
        case_id = index.data(Qt.ItemDataRole.UserRole)
        if case_id:
            self.case_requested.emit(str(case_id))

    def _on_overdue_selection_changed(self) -> None:
        if self.overdue_table.selectionModel().hasSelection():  # one selection across both groups
            self.soon_table.clearSelection()

    def _on_soon_selection_changed(self) -> None:
        if self.soon_table.selectionModel().hasSelection():
            self.overdue_table.clearSelection()

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.selected() is not None)

    # ---- the page contract

    def apply(self, changes: Changes) -> None:
        if changes.cases:
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if event.spontaneous():  # the window restored from the task bar: nothing new
            return
        if self._shown_once or self.today != self.ctx.ledger.today():
            self.reload()  # back on the page (or a new day): the duties may have changed
        self._shown_once = True

    def focus_search(self) -> None:
        table = self.overdue_table if self.overdue_model.rowCount() else self.soon_table
        table.setFocus()

