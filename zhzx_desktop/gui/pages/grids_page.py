"""网格: every grid with its household and resident counts and serving grid workers; for the selected grid, its
workers (add, edit, record leaving) and its households. The households list is bounded (``LIST_LIMIT``); the page
reloads only when it is shown after a change elsewhere."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QVBoxLayout,
)

from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.grid_dialog import GridDialog
from zhzx_desktop.gui.dialogs.grid_worker_dialog import GridWorkerDialog
from zhzx_desktop.gui.models.grid_table_model import GridTableModel
from zhzx_desktop.gui.models.grid_worker_model import GridWorkerModel
from zhzx_desktop.gui.models.household_table_model import HouseholdTableModel
from zhzx_desktop.gui.pages.page import Page
from zhzx_desktop.gui.widgets.buttons import push_button
from zhzx_desktop.gui.widgets.tables import list_table, select_id, selected_id, selected_row
from zhzx_desktop.services import grids, households
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.grids import GridSummary, WorkerRow

LIST_LIMIT = 500


class GridsPage(Page):
    title = "网格"

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__(ctx)
        self.setObjectName("grids_page")
        self._stale = True
        self._select_after: str | None = None
        self.dialog: GridDialog | GridWorkerDialog | None = None

        self.new_button = push_button("new_grid_button", self.tr("新建网格…"), self.tr("新建一个网格（Ctrl+N）"))
        self.edit_button = push_button("edit_grid_button", self.tr("编辑网格…"))
        self.summary_label = QLabel()
        self.summary_label.setObjectName("grid_summary_label")
        self.model = GridTableModel()
        self.table = list_table("grid_table")
        self.table.setModel(self.model)
        for column, width in (("code", 150), ("name", 180), ("households", 70), ("residents", 70)):
            self.table.setColumnWidth(GridTableModel.COLUMNS.index(column), width)

        self.worker_model = GridWorkerModel()
        self.worker_table = list_table("worker_table")
        self.worker_table.setModel(self.worker_model)
        for column, width in (("name", 90), ("role_label", 100), ("phone_masked", 110), ("since", 95)):
            self.worker_table.setColumnWidth(GridWorkerModel.COLUMNS.index(column), width)
        self.add_worker_button = push_button("add_worker_button", self.tr("添加网格员…"))
        self.edit_worker_button = push_button("edit_worker_button", self.tr("修改网格员…"))
        self.end_worker_button = push_button("end_worker_button", self.tr("离任…"),
                                             self.tr("记录所选网格员的离任日期（历史记录保留）"))
        self.show_ended_check = QCheckBox(self.tr("显示已离任"))
        self.show_ended_check.setObjectName("show_ended_check")

        self.household_model = HouseholdTableModel()
        self.household_table = list_table("grid_household_table")
        self.household_table.setModel(self.household_model)
        self.household_table.setColumnHidden(HouseholdTableModel.COLUMNS.index("grid"), True)
        household_header = self.household_table.horizontalHeader()
        household_header.setStretchLastSection(False)
        for column, width in (("household_no", 110), ("head", 80), ("members", 50)):
            self.household_table.setColumnWidth(HouseholdTableModel.COLUMNS.index(column), width)
        household_header.setSectionResizeMode(HouseholdTableModel.COLUMNS.index("address"),
                                              QHeaderView.ResizeMode.Stretch)
        self.household_hint = QLabel()
        self.household_hint.setObjectName("grid_household_hint_label")
        self.household_hint.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.summary_label, 1)
        top.addWidget(self.new_button)
        top.addWidget(self.edit_button)
        upper_box = QVBoxLayout()
        upper_box.setContentsMargins(0, 0, 0, 0)
        upper_box.addLayout(top)
        upper_box.addWidget(self.table, 1)
        upper = QGroupBox()
        upper.setFlat(True)
        upper.setLayout(upper_box)

        worker_buttons = QHBoxLayout()
        for button in (self.add_worker_button, self.edit_worker_button, self.end_worker_button):
            worker_buttons.addWidget(button)
        worker_buttons.addStretch(1)
        worker_buttons.addWidget(self.show_ended_check)
        worker_box = QVBoxLayout()
        worker_box.addLayout(worker_buttons)
        worker_box.addWidget(self.worker_table, 1)
        self.worker_group = QGroupBox(self.tr("网格员"))
        self.worker_group.setObjectName("worker_group")
        self.worker_group.setLayout(worker_box)

        household_box = QVBoxLayout()
        household_box.addWidget(self.household_hint)
        household_box.addWidget(self.household_table, 1)
        self.household_group = QGroupBox(self.tr("本网格的户"))
        self.household_group.setObjectName("grid_household_group")
        self.household_group.setLayout(household_box)

        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.worker_group)
        lower.addWidget(self.household_group)
        lower.setStretchFactor(0, 1)
        lower.setStretchFactor(1, 1)
        lower.setChildrenCollapsible(False)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.worker_table.selectionModel().selectionChanged.connect(self._on_worker_table_selection_changed)
        self.worker_table.doubleClicked.connect(self._on_worker_table_double_clicked)
        self.new_button.clicked.connect(self.open_new_dialog)
        self.edit_button.clicked.connect(self.open_edit_dialog)
        self.add_worker_button.clicked.connect(self.open_add_worker_dialog)
        self.edit_worker_button.clicked.connect(self.open_edit_worker_dialog)
        self.end_worker_button.clicked.connect(self.open_end_worker_dialog)
        self.show_ended_check.toggled.connect(self._on_show_ended_check_toggled)
        self._update_buttons()

    # ---- Page contract ----

    def apply(self, changes: Changes) -> None:
        if changes.grids or changes.households or changes.residents:
            if self.isVisible():
                self.reload()
            else:
                self._stale = True

    def new_item(self) -> None:
        self.open_new_dialog()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    # ---- loading ----

    def reload(self) -> None:
        self._stale = False
        keep = self._select_after or self.selected_grid_id()
        self._select_after = None
        summaries = grids.summaries(self.ctx.ledger)
        self.model.set_rows(summaries)
        self.summary_label.setText(self.tr("共 %1 个网格，%2 户，%3 人").replace("%1", str(len(summaries))).replace(
            "%2", f"{sum(s.households for s in summaries):,}").replace(
            "%3", f"{sum(s.residents for s in summaries):,}"))
        row = self.model.row_of(keep) if keep is not None else -1
        if row < 0 and self.model.rowCount() > 0:
            row = 0
        if row >= 0:
            self.table.selectRow(row)
        self._load_details()

    def _load_details(self) -> None:
        grid = self.selected_grid()
        keep_worker = self.selected_worker_id()
        if grid is None:
            self.worker_model.set_rows([])
            self.household_model.set_rows([])
            self.worker_group.setTitle(self.tr("网格员"))
            self.household_group.setTitle(self.tr("本网格的户"))
            self.household_hint.setText(self.tr("请在上方选择一个网格"))
            self._update_buttons()
            return
        ledger = self.ctx.ledger
        show_ended = self.show_ended_check.isChecked()
        self.worker_model.set_rows(grids.workers(ledger, grid.id, include_ended=show_ended))
        self.worker_table.setColumnHidden(GridWorkerModel.COLUMNS.index("until"), not show_ended)
        self.worker_group.setTitle(self.tr("%1的网格员").replace("%1", grid.name))
        found = households.by_grid(ledger, grid.id, LIST_LIMIT)
        self.household_model.set_rows(found)
        self.household_group.setTitle(self.tr("%1的户").replace("%1", grid.name))
        if grid.households > len(found):
            self.household_hint.setText(self.tr("共 %1 户，只显示前 %2 户；到“户”页面输入户号或户主姓名查找").replace(
                "%1", f"{grid.households:,}").replace("%2", str(LIST_LIMIT)))
        else:
            self.household_hint.setText(self.tr("共 %1 户，%2 人").replace("%1", f"{grid.households:,}").replace(
                "%2", f"{grid.residents:,}"))
        if keep_worker is not None:
            self.select_worker(keep_worker)
        self._update_buttons()

    # ---- selection ----

    def selected_grid(self) -> GridSummary | None:
        return selected_row(self.table, self.model)

    def selected_grid_id(self) -> str | None:
        return selected_id(self.table, self.model)

    def selected_worker(self) -> WorkerRow | None:
        return selected_row(self.worker_table, self.worker_model)

    def selected_worker_id(self) -> str | None:
        return selected_id(self.worker_table, self.worker_model)

    def select_grid(self, grid_id: str) -> bool:
        return select_id(self.table, self.model, grid_id)

    def select_worker(self, worker_id: str) -> bool:
        return select_id(self.worker_table, self.worker_model, worker_id)

    def _update_buttons(self) -> None:
        grid = self.selected_grid()
        worker = self.selected_worker()
        self.edit_button.setEnabled(grid is not None)
        self.add_worker_button.setEnabled(grid is not None)
        self.edit_worker_button.setEnabled(worker is not None)
        self.end_worker_button.setEnabled(worker is not None and worker.active)

    def _on_table_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._load_details()

    def _on_worker_table_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._update_buttons()

    def _on_table_double_clicked(self) -> None:
        self.open_edit_dialog()

    def _on_worker_table_double_clicked(self) -> None:
        self.open_edit_worker_dialog()

    def _on_show_ended_check_toggled(self, _checked: bool) -> None:
        self._load_details()

    # ---- actions (each returns the dialog it opened, so tests can drive it) ----

    def _open(self, dialog: GridDialog | GridWorkerDialog) -> None:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._on_dialog_accepted(dialog))
        dialog.open()

    def _on_dialog_accepted(self, dialog: GridDialog | GridWorkerDialog) -> None:
        if dialog.changes is not None:
            if isinstance(dialog, GridDialog):
                self._select_after = dialog.changes.row_id
            self.changed.emit(dialog.changes)

    def open_new_dialog(self) -> GridDialog:
        dialog = GridDialog(self.ctx, None, self)
        self._open(dialog)
        return dialog

    def open_edit_dialog(self) -> GridDialog | None:
        grid_id = self.selected_grid_id()
        if grid_id is None:
            return None
        dialog = GridDialog(self.ctx, grid_id, self)
        self._open(dialog)
        return dialog

    def open_add_worker_dialog(self) -> GridWorkerDialog | None:
        grid_id = self.selected_grid_id()
        if grid_id is None:
            return None
        dialog = GridWorkerDialog(self.ctx, grid_id, None, self)
        self._open(dialog)
        return dialog

    def open_edit_worker_dialog(self) -> GridWorkerDialog | None:
        worker = self.selected_worker()
        if worker is None:
            return None
        dialog = GridWorkerDialog(self.ctx, worker.grid_id, worker.id, self)
        self._open(dialog)
        return dialog

    def open_end_worker_dialog(self) -> GridWorkerDialog | None:
        worker = self.selected_worker()
        if worker is None or not worker.active:
            return None
        dialog = GridWorkerDialog(self.ctx, worker.grid_id, worker.id, self, ending=True)
        self._open(dialog)
        return dialog
