"""居民: the register as one lazy table over every resident, searched as the clerk types and filtered by grid,
户号, category and age — all in SQL — with the actions of the register around it."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QSpinBox,
    QTableView,
    QToolButton,
    QVBoxLayout,
)

from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.errors import UserError
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.journal_dialog import JournalDialog
from zhzx_desktop.gui.dialogs.merge_dialog import MergeDialog
from zhzx_desktop.gui.dialogs.resident_dialog import ResidentDialog
from zhzx_desktop.gui.errors import show_error
from zhzx_desktop.gui.models.resident_table_model import ResidentTableModel
from zhzx_desktop.gui.pages.page import Page
from zhzx_desktop.gui.widgets.buttons import push_button
from zhzx_desktop.services import grids, residents
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.residents import ResidentFilter

if TYPE_CHECKING:
    from zhzx_desktop.gui.dialogs.import_wizard import ImportWizard

SEARCH_DEBOUNCE_MS = 150
_COLUMN_WIDTHS = (110, 50, 100, 170, 120, 90, 140, 70)
_STATUS_ACTIONS = (("moved_out", "标记为已迁出"), ("deceased", "标记为已故"), ("deleted", "删除（误登记）"),
                   ("active", "恢复为在册"))


class ResidentsPage(Page):
    title = "居民"

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__(ctx)
        self.dialog: ResidentDialog | MergeDialog | JournalDialog | ImportWizard | None = None
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("search_edit")
        self.search_edit.setPlaceholderText(self.tr("查找：姓名、拼音、首字母 zs、身份证后4位、电话"))
        self.search_edit.setToolTip(self.tr("可输入姓名、全拼（zhangsan）、首字母（zs）、完整身份证号或后4位、电话号码或后4位"))
        self.search_edit.setClearButtonEnabled(True)
        self.grid_combo = QComboBox()
        self.grid_combo.setObjectName("grid_filter")
        self.category_combo = QComboBox()
        self.category_combo.setObjectName("category_filter")
        self.category_combo.addItem(self.tr("全部类别"), "")
        hidden = residents.hidden_categories(ctx.ledger)  # sensitive ones, for a role without SENSITIVE_VIEW
        for entry in code_table("resident_category").entries:
            if entry.code not in hidden:
                self.category_combo.addItem(entry.label, entry.code)
        self.household_edit = QLineEdit()
        self.household_edit.setObjectName("household_filter")
        self.household_edit.setPlaceholderText(self.tr("户号"))
        self.household_edit.setClearButtonEnabled(True)
        self.household_edit.setMaximumWidth(110)
        self.age_min = self._age_spin("age_min")
        self.age_max = self._age_spin("age_max")
        clear = QToolButton()
        clear.setText(self.tr("清除条件"))
        clear.setObjectName("clear_filters")
        filters = QHBoxLayout()
        filters.addWidget(self.search_edit, 3)
        filters.addWidget(self.grid_combo, 1)
        filters.addWidget(self.household_edit)
        filters.addWidget(self.category_combo, 1)
        filters.addWidget(QLabel(self.tr("年龄")))
        filters.addWidget(self.age_min)
        filters.addWidget(QLabel(self.tr("至")))
        filters.addWidget(self.age_max)
        filters.addWidget(clear)

        self.model = ResidentTableModel(ctx.ledger)
        self.table = QTableView()
        self.table.setObjectName("resident_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        vertical = self.table.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # a million rows: never measure them
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(_COLUMN_WIDTHS):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.sectionClicked.connect(self._on_header_section_clicked)

        self.result_label = QLabel()
        self.result_label.setObjectName("result_label")
        self.new_button = push_button("new_button", self.tr("登记居民"), self.tr("Ctrl+N"))
        self.edit_button = push_button("edit_button", self.tr("修改"))
        self.status_button = push_button("status_button", self.tr("状态"))
        menu = QMenu(self.status_button)
        for status, label in _STATUS_ACTIONS:
            action = menu.addAction(self.tr(label))
            action.setData(status)
        menu.triggered.connect(lambda action: self.set_status(str(action.data())))
        self.status_button.setMenu(menu)
        self.merge_button = push_button("merge_button", self.tr("合并重复登记"),
                                        self.tr("选中同一人的两条记录（按住 Ctrl 点选），或选中一条再查找另一条"))
        self.import_button = push_button("import_button", self.tr("导入花名册…"))
        self.export_button = push_button("export_button", self.tr("导出…"),
                                         self.tr("把当前列表（按查找和筛选条件）导出为 Excel"))
        self.journal_button = push_button("journal_button", self.tr("操作记录 / 撤销"))
        actions = QHBoxLayout()
        actions.addWidget(self.result_label, 1)
        for button in (self.new_button, self.edit_button, self.status_button, self.merge_button, self.import_button,
                       self.export_button, self.journal_button):
            actions.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_filter)
        self.search_edit.textChanged.connect(self._schedule_filter)
        self.household_edit.textChanged.connect(self._schedule_filter)
        self.grid_combo.activated.connect(self.apply_filter)
        self.category_combo.activated.connect(self.apply_filter)
        self.age_min.valueChanged.connect(self._schedule_filter)
        self.age_max.valueChanged.connect(self._schedule_filter)
        clear.clicked.connect(self.clear_filters)
        self.new_button.clicked.connect(self.new_item)
        self.edit_button.clicked.connect(self.edit_selected)
        self.merge_button.clicked.connect(self.open_merge_dialog)
        self.journal_button.clicked.connect(self.open_journal_dialog)
        self.import_button.clicked.connect(self.open_import_wizard)
        self.export_button.clicked.connect(lambda: self.export_view())
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._load_grids()
        self.apply_filter()

    def _age_spin(self, name: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(name)
        spin.setRange(-1, 150)
        spin.setSpecialValueText(self.tr("不限"))
        spin.setValue(-1)
        return spin

    def _load_grids(self) -> None:
        current = self.grid_combo.currentData()
        self.grid_combo.clear()
        self.grid_combo.addItem(self.tr("全部网格"), "")
        for grid_id, grid_name in grids.options(self.ctx.ledger):
            self.grid_combo.addItem(grid_name, grid_id)
        self.grid_combo.setCurrentIndex(max(self.grid_combo.findData(current or ""), 0))

    # ---- the filter ----

    def current_filter(self) -> ResidentFilter:
        household_id = None
        number = self.household_edit.text().strip()
        if number:
            try:
                household_id, _grid = residents.household_for_number(self.ctx.ledger, number)
            except UserError:
                household_id = "-"  # an unknown 户号 shows nobody, rather than everybody
        return replace(self.model.filter, query=self.search_edit.text(), grid_id=self.grid_combo.currentData() or None,
                       household_id=household_id, category=self.category_combo.currentData() or None,
                       age_min=self.age_min.value() if self.age_min.value() >= 0 else None,
                       age_max=self.age_max.value() if self.age_max.value() >= 0 else None)

    def _schedule_filter(self, *_args: object) -> None:
        self._debounce.start()

    def apply_filter(self) -> None:
        self._debounce.stop()
        flt = self.current_filter()
        self.model.set_filter(flt)
        total = self.model.rowCount()
        narrowed = flt.query.strip() or flt.grid_id or flt.household_id or flt.category or flt.age_min is not None \
            or flt.age_max is not None
        if not narrowed:
            self.result_label.setText(self.tr("共 %1 人").replace("%1", f"{total:,}"))
        elif total:
            text = self.tr("找到 %1 人").replace("%1", f"{total:,}")
            if flt.query.strip() and total >= residents.SEARCH_LIMIT:
                text += self.tr("（只列出最相近的 %1 人，请输入更多字缩小范围）").replace("%1", f"{residents.SEARCH_LIMIT:,}")
            self.result_label.setText(text)
        else:
            self.result_label.setText(self.tr("没有找到符合条件的居民"))
        self._update_buttons()

    def clear_filters(self) -> None:
        for edit in (self.search_edit, self.household_edit):
            edit.blockSignals(True)
            edit.clear()
            edit.blockSignals(False)
        for spin in (self.age_min, self.age_max):
            spin.blockSignals(True)
            spin.setValue(-1)
            spin.blockSignals(False)
        self.grid_combo.setCurrentIndex(0)
        self.category_combo.setCurrentIndex(0)
        self.apply_filter()

    def _on_header_section_clicked(self, column: int) -> None:
        header = self.table.horizontalHeader()
        flt = self.model.filter
        if column not in ResidentTableModel.SORTABLE:  # only the indexed orders; say so instead of ignoring silently
            current = next((c for c, k in ResidentTableModel.SORTABLE.items() if k == flt.sort), -1)
            header.setSortIndicator(current, Qt.SortOrder.DescendingOrder if flt.descending
                                    else Qt.SortOrder.AscendingOrder)
            self.result_label.setText(self.tr("只能按姓名或出生日期排序"))
            return
        self.model.sort(column, header.sortIndicatorOrder())

    # ---- selection and actions ----

    def selected_ids(self) -> list[str]:
        ids = [self.model.data(index, Qt.ItemDataRole.UserRole) for index in self.table.selectionModel().selectedRows()]
        return [str(i) for i in ids if i]

    def select_resident(self, resident_id: str) -> bool:
        row = self.model.row_of(resident_id)
        if row < 0:
            return False
        self.table.selectionModel().select(self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                                           | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _update_buttons(self) -> None:
        count = len(self.table.selectionModel().selectedRows())
        self.edit_button.setEnabled(count == 1)
        self.status_button.setEnabled(count >= 1)
        self.merge_button.setEnabled(count in (1, 2))

    def new_item(self) -> ResidentDialog:
        return self._open_resident_dialog(None)

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def edit_selected(self) -> ResidentDialog | None:
        ids = self.selected_ids()
        return self._open_resident_dialog(ids[0]) if len(ids) == 1 else None

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        resident_id = self.model.data(index, Qt.ItemDataRole.UserRole)
        if resident_id:
            self._open_resident_dialog(str(resident_id))

    def _open_resident_dialog(self, resident_id: str | None) -> ResidentDialog:
        dialog = ResidentDialog(self.ctx, resident_id, self)
        dialog.resident_saved.connect(self._on_saved)
        dialog.existing_requested.connect(self._open_resident_dialog)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _on_saved(self, changes: Changes) -> None:
        self.changed.emit(changes)
        if changes.row_id:
            self.select_resident(changes.row_id)

    def set_status(self, status: str) -> None:
        """Mark the selected residents (one undoable step in 操作记录)."""
        try:
            changes = residents.set_status(self.ctx.ledger, self.selected_ids(), status)
        except UserError as exc:
            show_error(self, exc)
            return
        if changes.residents:
            self.changed.emit(changes)

    def open_merge_dialog(self) -> MergeDialog | None:
        ids = self.selected_ids()
        if len(ids) not in (1, 2):
            return None
        dialog = MergeDialog(self.ctx, ids[0], ids[1] if len(ids) == 2 else None, self)
        dialog.residents_merged.connect(self.changed.emit)
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_journal_dialog(self) -> JournalDialog:
        dialog = JournalDialog(self.ctx, self)
        dialog.entry_undone.connect(self.changed.emit)
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_import_wizard(self) -> ImportWizard:
        from zhzx_desktop.gui.dialogs.import_wizard import ImportWizard  # (and openpyxl) only when used

        wizard = ImportWizard(self.ctx, self)
        wizard.changed.connect(self.changed.emit)
        self.dialog = wizard
        wizard.open()
        return wizard

    def export_view(self, file_name: str | None = None) -> None:
        """Export what the table shows now (search, filters and order) to Excel, IDs and phones masked."""
        from zhzx_desktop.gui.dialogs.export_residents import export_residents  # only when used

        export_residents(self.ctx, self, self.model.filter, file_name=file_name)

    # ---- redraw on change ----

    def apply(self, changes: Changes) -> None:
        if changes.grids:
            self._load_grids()
        if changes.residents or changes.households or changes.grids:
            self.apply_filter()
