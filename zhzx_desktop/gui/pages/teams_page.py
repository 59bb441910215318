"""队伍 (群防群治队伍): the village's volunteer teams; for the selected team its members (who joined and left when),
its activity log (巡逻、走访、排查、宣传、培训、调解…) and its figures by month. Plain counts — no check-ins, points or
rankings."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.domain.masking import mask_phone
from zhzx_desktop.errors import UserError
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.activity_dialog import ActivityDialog
from zhzx_desktop.gui.dialogs.member_dialog import MemberDialog
from zhzx_desktop.gui.dialogs.team_dialog import TeamDialog
from zhzx_desktop.gui.errors import show_error
from zhzx_desktop.gui.models.activity_table_model import ActivityTableModel
from zhzx_desktop.gui.models.member_table_model import MemberTableModel
from zhzx_desktop.gui.models.team_table_model import TeamTableModel
from zhzx_desktop.gui.pages.page import Page
from zhzx_desktop.gui.widgets.buttons import push_button
from zhzx_desktop.gui.widgets.tables import row_table
from zhzx_desktop.services import teams
from zhzx_desktop.services.changes import Changes

SEARCH_DEBOUNCE_MS = 150
FIGURE_MONTHS = 12
TEAM_ROWS_SHOWN = 6  # a village has a handful of teams: show them without scrolling
ACTIVITY_LIMIT = 1000
_TEAM_WIDTHS = (260, 170, 100, 130, 90)
_MEMBER_WIDTHS = (120, 50, 120, 110, 110)
_ACTIVITY_WIDTHS = (95, 55, 140, 220, 220)
_MONTH_COLUMNS = 5
D = TypeVar("D", TeamDialog, MemberDialog, ActivityDialog)


def _table(name: str, widths: tuple[int, ...]) -> QTableView:
    table = row_table(name)
    table.setWordWrap(False)
    vertical = table.verticalHeader()
    vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vertical.setDefaultSectionSize(table.fontMetrics().height() + 10)
    table.setProperty("column_widths", widths)
    return table


def _size_columns(table: QTableView, stretch: int | None = None) -> None:
    """Fixed starting widths the clerk can drag; ``stretch`` (else the last column) takes the spare width."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for column, width in enumerate(table.property("column_widths")):
        header.resizeSection(column, width)
    if stretch is None:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


def _reselect(table: QTableView, ids: list[str], keep: str | None) -> None:
    """After a reload, select again the row that was selected (when it is still there)."""
    if keep is not None and keep in ids:
        table.selectRow(ids.index(keep))


class TeamsPage(Page):
    title = "队伍"

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__(ctx)
        self.dialog: TeamDialog | MemberDialog | ActivityDialog | None = None
        self.team_id: str | None = None
        self._kinds = code_table("activity_kind")
        self._types = code_table("team_type")

        # ---- the team list
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("search_edit")
        self.search_edit.setPlaceholderText(self.tr("查找队伍：队伍名称或负责人姓名"))
        self.search_edit.setClearButtonEnabled(True)
        self.result_label = QLabel()
        self.result_label.setObjectName("result_label")
        self.new_button = push_button("new_button", self.tr("新建队伍"), self.tr("Ctrl+N"))
        self.edit_button = push_button("edit_button", self.tr("编辑队伍"))
        top_row = QHBoxLayout()
        top_row.addWidget(self.search_edit, 1)
        top_row.addWidget(self.result_label)
        top_row.addWidget(self.new_button)
        top_row.addWidget(self.edit_button)
        self.team_model = TeamTableModel()
        self.team_table = _table("team_table", _TEAM_WIDTHS)
        self.team_table.setModel(self.team_model)
        _size_columns(self.team_table, stretch=0)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(top_row)
        top_layout.addWidget(self.team_table)

        # ---- the selected team
        self.header_label = QLabel()
        self.header_label.setObjectName("team_header")
        self.header_label.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.details_label = QLabel()
        self.details_label.setObjectName("team_details")
        self.details_label.setWordWrap(True)
        self.details_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("team_tabs")
        self.tabs.addTab(self._members_tab(), self.tr("成员"))
        self.tabs.addTab(self._activities_tab(), self.tr("活动记录"))
        self.tabs.addTab(self._figures_tab(), self.tr("统计"))
        self.detail = QWidget()
        self.detail.setObjectName("team_detail")
        detail_layout = QVBoxLayout(self.detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.header_label)
        detail_layout.addWidget(self.details_label)
        detail_layout.addWidget(self.tabs, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("team_splitter")
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        row_height = self.team_table.verticalHeader().defaultSectionSize()
        self.splitter.setSizes([row_height * (TEAM_ROWS_SHOWN + 1) + self.search_edit.sizeHint().height() + 12, 500])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.load_teams)
        self.search_edit.textChanged.connect(self._debounce.start)
        self.new_button.clicked.connect(self.new_item)
        self.edit_button.clicked.connect(self.edit_team)
        self.team_table.doubleClicked.connect(self._on_team_table_double_clicked)
        self.team_table.selectionModel().selectionChanged.connect(self._on_team_selection_changed)
        self.add_member_button.clicked.connect(self.open_member_dialog)
        self.leave_button.clicked.connect(self.open_leave_dialog)
        self.former_check.toggled.connect(self._on_former_check_toggled)
        self.member_table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.log_button.clicked.connect(self.open_activity_dialog)
        self.edit_activity_button.clicked.connect(self.edit_activity)
        self.activity_table.doubleClicked.connect(self._on_activity_table_double_clicked)
        self.activity_table.selectionModel().selectionChanged.connect(self._on_activity_selection_changed)
        self.load_teams()

    def _members_tab(self) -> QWidget:
        self.add_member_button = push_button("add_member_button", self.tr("添加成员"),
                                             self.tr("从居民中查找后加入本队"))
        self.leave_button = push_button("leave_button", self.tr("离队…"), self.tr("为选中的成员登记离队日期"))
        self.former_check = QCheckBox(self.tr("显示已离队的成员"))
        self.former_check.setObjectName("former_check")
        self.member_count_label = QLabel()
        self.member_count_label.setObjectName("member_count_label")
        row = QHBoxLayout()
        row.addWidget(self.member_count_label, 1)
        row.addWidget(self.former_check)
        row.addWidget(self.add_member_button)
        row.addWidget(self.leave_button)
        self.member_model = MemberTableModel()
        self.member_table = _table("member_table", _MEMBER_WIDTHS)
        self.member_table.setModel(self.member_model)
        _size_columns(self.member_table)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(row)
        layout.addWidget(self.member_table)
        return tab

    def _activities_tab(self) -> QWidget:
        self.log_button = push_button("log_button", self.tr("记录活动"),
                                      self.tr("登记一次巡逻、走访、排查、宣传等活动"))
        self.edit_activity_button = push_button("edit_activity_button", self.tr("修改记录"))
        self.activity_count_label = QLabel()
        self.activity_count_label.setObjectName("activity_count_label")
        row = QHBoxLayout()
        row.addWidget(self.activity_count_label, 1)
        row.addWidget(self.log_button)
        row.addWidget(self.edit_activity_button)
        self.activity_model = ActivityTableModel()
        self.activity_table = _table("activity_table", _ACTIVITY_WIDTHS)
        self.activity_table.setModel(self.activity_model)
        _size_columns(self.activity_table)
        self.activity_detail = QLabel()
        self.activity_detail.setObjectName("activity_detail")
        self.activity_detail.setWordWrap(True)
        self.activity_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.activity_detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.activity_detail.setMinimumHeight(self.fontMetrics().height() * 3)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(row)
        layout.addWidget(self.activity_table, 1)
        layout.addWidget(self.activity_detail)
        return tab

    def _figures_tab(self) -> QWidget:
        self.figures_label = QLabel()
        self.figures_label.setObjectName("figures_label")
        self.figures_label.setWordWrap(True)
        self.month_table = QTableWidget(0, _MONTH_COLUMNS)
        self.month_table.setObjectName("month_table")
        self.month_table.setHorizontalHeaderLabels([self.tr("月份"), self.tr("活动次数"), self.tr(""),
                                                    self.tr("参加人次"), self.tr("其中")])
        self.month_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.month_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.month_table.verticalHeader().hide()
        header = self.month_table.horizontalHeader()
        for column, width in enumerate((100, 70, 200, 70)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.figures_label)
        layout.addWidget(self.month_table, 1)
        return tab

    # ---- the team list

    def load_teams(self) -> None:
        self._debounce.stop()
        keep = self.team_id
        found = teams.search(self.ctx.ledger, self.search_edit.text())
        self.team_model.set_rows(found)
        if self.search_edit.text().strip():
            self.result_label.setText(self.tr("找到 %1 支队伍").replace("%1", str(len(found)))
                                      if found else self.tr("没有找到匹配的队伍"))
        else:
            self.result_label.setText(self.tr("共 %1 支队伍").replace("%1", str(len(found))))
        if keep is not None and self.select_team(keep):
            return
        if found:
            self.select_team(found[0].id)
        else:
            self._show_team(None)

    def select_team(self, team_id: str) -> bool:
        row = self.team_model.row_of(team_id)
        if row < 0:
            return False
        self.team_table.selectionModel().setCurrentIndex(
            self.team_model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.team_table.scrollTo(self.team_model.index(row, 0))
        self._show_team(team_id)  # also when the selection did not change (a reload of the same team)
        return True

    def _selected_team_id(self) -> str | None:
        rows = self.team_table.selectionModel().selectedRows()
        return self.team_model.row_at(rows[0].row()).id if rows else None

    def _on_team_selection_changed(self) -> None:
        self._show_team(self._selected_team_id())

    def _on_team_table_double_clicked(self, _index: QModelIndex) -> None:
        self.edit_team()

    # ---- the selected team

    def _show_team(self, team_id: str | None) -> None:
        self.team_id = team_id
        team = teams.get(self.ctx.ledger, team_id) if team_id is not None else None
        self.detail.setEnabled(team is not None)
        if team is None:
            self.team_id = None
            self.header_label.setText(self.tr("请在上面选择一支队伍，或点“新建队伍”"))
            self.details_label.clear()
            self.member_model.set_rows([])
            self.activity_model.set_rows([])
            self.member_count_label.clear()
            self.activity_count_label.clear()
            self.activity_detail.clear()
            self.figures_label.clear()
            self.month_table.setRowCount(0)
        else:
            self.header_label.setText(team.name)
            parts = [self._types.label_or(team.team_type)]
            if team.leader:
                parts.append(self.tr("负责人：%1").replace("%1", team.leader))
            if team.contact_phone:
                parts.append(self.tr("联系电话：%1").replace("%1", mask_phone(team.contact_phone)))
            if team.grid:
                parts.append(self.tr("网格：%1").replace("%1", team.grid))
            if team.founded_on:
                parts.append(self.tr("成立于 %1").replace("%1", team.founded_on))
            text = "　".join(parts)
            if team.duties:
                text += "\n" + self.tr("主要职责：%1").replace("%1", " ".join(team.duties.split()))
            self.details_label.setText(text)
            self.load_members()
            self.load_activities()
            self.load_figures()
        self._update_buttons()

    def load_members(self) -> None:
        if self.team_id is None:
            return
        row = self._selected_member_row()
        keep = self.member_model.row_at(row).id if row >= 0 else None
        rows = teams.members(self.ctx.ledger, self.team_id, include_left=self.former_check.isChecked())
        self.member_model.set_rows(rows)
        _reselect(self.member_table, [m.id for m in rows], keep)
        current = sum(1 for m in rows if m.current)
        text = self.tr("在队 %1 人").replace("%1", str(current))
        if self.former_check.isChecked():
            text += self.tr("，已离队 %1 人").replace("%1", str(len(rows) - current))
        self.member_count_label.setText(text)
        self._update_buttons()

    def load_activities(self) -> None:
        if self.team_id is None:
            return
        row = self._selected_activity_row()
        keep = self.activity_model.row_at(row).id if row >= 0 else None
        rows = teams.activities(self.ctx.ledger, self.team_id, ACTIVITY_LIMIT)
        self.activity_model.set_rows(rows)
        _reselect(self.activity_table, [a.id for a in rows], keep)
        text = self.tr("共 %1 次活动").replace("%1", str(len(rows)))
        if len(rows) >= ACTIVITY_LIMIT:
            text = self.tr("最近 %1 次活动").replace("%1", str(len(rows)))
        self.activity_count_label.setText(text + self.tr("（双击一条可修改）") if rows else self.tr("还没有活动记录"))
        self._on_activity_selection_changed()

    def load_figures(self) -> None:
        if self.team_id is None:
            return
        figures = teams.monthly(self.ctx.ledger, self.team_id, FIGURE_MONTHS)
        attendances = sum(m.attendances for m in figures.months)
        self.figures_label.setText(
            self.tr("在队成员 %1 人（历年累计加入 %2 人）。近 %3 个月共开展活动 %4 次，参加 %5 人次。")
            .replace("%1", str(figures.members)).replace("%2", str(figures.members_ever))
            .replace("%3", str(FIGURE_MONTHS)).replace("%4", str(figures.activities)).replace("%5", str(attendances)))
        busiest = max((m.activities for m in figures.months), default=0)
        self.month_table.setRowCount(0)
        self.month_table.setRowCount(len(figures.months))
        for row, month in enumerate(reversed(figures.months)):  # this month on top
            year, number = month.month.split("-")
            cells = (self.tr("%1年%2月").replace("%1", year).replace("%2", str(int(number))), str(month.activities),
                     "", str(month.attendances),
                     "、".join(f"{self._kinds.label_or(kind, kind)}{n}次" for kind, n in month.by_kind))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, month.month)
                if column in (1, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.month_table.setItem(row, column, item)
            bar = QProgressBar()
            bar.setObjectName("month_bar")
            bar.setRange(0, max(busiest, 1))
            bar.setValue(month.activities)
            bar.setTextVisible(False)
            bar.setMaximumHeight(self.fontMetrics().height())
            holder = QWidget()
            holder_layout = QVBoxLayout(holder)
            holder_layout.setContentsMargins(4, 2, 4, 2)
            holder_layout.addWidget(bar)
            self.month_table.setCellWidget(row, 2, holder)

    def _selected_member_row(self) -> int:
        rows = self.member_table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def _selected_activity_row(self) -> int:
        rows = self.activity_table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def _update_buttons(self) -> None:
        has_team = self.team_id is not None
        self.edit_button.setEnabled(has_team)
        self.add_member_button.setEnabled(has_team)
        self.log_button.setEnabled(has_team)
        row = self._selected_member_row()
        self.leave_button.setEnabled(has_team and row >= 0 and self.member_model.row_at(row).current)
        self.edit_activity_button.setEnabled(has_team and self._selected_activity_row() >= 0)

    def _on_former_check_toggled(self, _checked: bool) -> None:
        self.load_members()

    def _on_activity_selection_changed(self) -> None:
        row = self._selected_activity_row()
        if row < 0:
            self.activity_detail.setText(self.tr("选中一条活动记录可在此查看全部内容。"))
        else:
            activity = self.activity_model.row_at(row)
            lines = [f"{activity.activity_date}　{self._kinds.label_or(activity.kind)}"
                     + (f"　{activity.place}" if activity.place else "")]
            if activity.participant_names:
                lines.append(self.tr("参加人员（%1人）：%2").replace("%1", str(len(activity.participant_names)))
                             .replace("%2", "、".join(activity.participant_names)))
            if activity.summary:
                lines.append(self.tr("情况摘要：%1").replace("%1", activity.summary))
            if activity.findings:
                lines.append(self.tr("发现的问题：%1").replace("%1", activity.findings))
            self.activity_detail.setText("\n".join(lines))
        self._update_buttons()

    def _on_activity_table_double_clicked(self, index: QModelIndex) -> None:
        self.edit_activity()

    # ---- dialogs (each opened with open() and returned, so tests can fill and accept them)

    def new_item(self) -> TeamDialog:
        dialog = TeamDialog(self.ctx, None, self)
        return self._open(dialog)

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def edit_team(self) -> TeamDialog | None:
        if self.team_id is None:
            return None
        try:
            dialog = TeamDialog(self.ctx, self.team_id, self)
        except UserError as exc:
            show_error(self, exc)
            return None
        return self._open(dialog)

    def open_member_dialog(self) -> MemberDialog | None:
        if self.team_id is None:
            return None
        try:
            dialog = MemberDialog(self.ctx, self.team_id, self)
        except UserError as exc:
            show_error(self, exc)
            return None
        return self._open(dialog)

    def open_leave_dialog(self) -> MemberDialog | None:
        row = self._selected_member_row()
        if self.team_id is None or row < 0 or not self.member_model.row_at(row).current:
            return None
        try:
            dialog = MemberDialog(self.ctx, self.team_id, self, member_id=self.member_model.row_at(row).id)
        except UserError as exc:
            show_error(self, exc)
            return None
        return self._open(dialog)

    def open_activity_dialog(self) -> ActivityDialog | None:
        if self.team_id is None:
            return None
        try:
            dialog = ActivityDialog(self.ctx, self.team_id, self)
        except UserError as exc:
            show_error(self, exc)
            return None
        return self._open(dialog)

    def edit_activity(self) -> ActivityDialog | None:
        row = self._selected_activity_row()
        if self.team_id is None or row < 0:
            return None
        try:
            dialog = ActivityDialog(self.ctx, self.team_id, self, activity_id=self.activity_model.row_at(row).id)
        except UserError as exc:
            show_error(self, exc)
            return None
        return self._open(dialog)

    def _open(self, dialog: D) -> D:
        if isinstance(dialog, TeamDialog):
            dialog.team_saved.connect(self._on_team_saved)
        elif isinstance(dialog, MemberDialog):
            dialog.member_saved.connect(self._on_saved)
        else:
            dialog.activity_saved.connect(self._on_saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _on_team_saved(self, changes: Changes) -> None:
        if changes.row_id:
            self.team_id = changes.row_id  # the reload keeps (or moves to) the team just saved
        self.changed.emit(changes)
        if changes.row_id and self.team_model.row_of(changes.row_id) < 0 and self.search_edit.text():
            self.search_edit.clear()  # a new team the search hides: show it
            self.load_teams()

    def _on_saved(self, changes: Changes) -> None:
        self.changed.emit(changes)

    # ---- redraw on change

    def apply(self, changes: Changes) -> None:
        if changes.teams or changes.residents or changes.grids:
            self.load_teams()  # reloads the selected team's tabs too
        elif changes.members or changes.activities:
            self._show_team(self.team_id)
