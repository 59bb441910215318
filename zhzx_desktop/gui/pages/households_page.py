"""户: find a household by 户号, address or the head's name; see its members with their relation to the head;
create and edit households, move people in, change a relation, name a head, dissolve an empty household.

Large registers: the table never holds more than ``LIST_LIMIT`` households (the search narrows the list), and the
page reloads only when it is shown after a change elsewhere."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
)

from zhzx_desktop import APP_DISPLAY_NAME
from zhzx_desktop.errors import UserError
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.household_dialog import HouseholdDialog
from zhzx_desktop.gui.dialogs.move_resident_dialog import MoveResidentDialog
from zhzx_desktop.gui.errors import show_error
from zhzx_desktop.gui.models.household_member_model import HouseholdMemberModel
from zhzx_desktop.gui.models.household_table_model import HouseholdTableModel
from zhzx_desktop.gui.pages.page import Page
from zhzx_desktop.gui.widgets.buttons import push_button
from zhzx_desktop.gui.widgets.tables import list_table, select_id, selected_id, selected_row
from zhzx_desktop.services import grids, households
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.households import HouseholdRow, MemberRow
from zhzx_desktop.services.residents import HEAD_RELATION

SEARCH_DEBOUNCE_MS = 150
LIST_LIMIT = 500


class HouseholdsPage(Page):
    title = "户"

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__(ctx)
        self.setObjectName("households_page")
        self._stale = True
        self._select_after: str | None = None
        self.dialog: HouseholdDialog | MoveResidentDialog | None = None
        self.confirm_box: QMessageBox | None = None

        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("household_search_edit")
        self.search_edit.setPlaceholderText(self.tr("输入户号、地址或户主姓名查找（Ctrl+F）"))
        self.search_edit.setClearButtonEnabled(True)
        self.grid_filter = QComboBox()
        self.grid_filter.setObjectName("grid_filter")
        self.grid_filter.setMinimumContentsLength(10)
        self.new_button = push_button("new_household_button", self.tr("新建户…"), self.tr("新建一户（Ctrl+N）"))
        self.edit_button = push_button("edit_household_button", self.tr("编辑户…"))
        self.hint_label = QLabel()
        self.hint_label.setObjectName("household_hint_label")

        self.model = HouseholdTableModel()
        self.table = list_table("household_table")
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for column, width in (("household_no", 120), ("head", 100), ("grid", 160), ("members", 60)):
            self.table.setColumnWidth(HouseholdTableModel.COLUMNS.index(column), width)
        header.setSectionResizeMode(HouseholdTableModel.COLUMNS.index("address"), QHeaderView.ResizeMode.Stretch)

        self.member_model = HouseholdMemberModel()
        self.member_table = list_table("member_table")
        self.member_table.setModel(self.member_model)
        member_header = self.member_table.horizontalHeader()
        member_header.setStretchLastSection(False)
        for column, width in (("name", 110), ("relation_label", 130), ("sex", 60), ("birth_date", 110)):
            self.member_table.setColumnWidth(HouseholdMemberModel.COLUMNS.index(column), width)
        member_header.setSectionResizeMode(HouseholdMemberModel.COLUMNS.index("id_masked"),
                                           QHeaderView.ResizeMode.Stretch)
        self.member_title = QLabel()
        self.member_title.setObjectName("member_title_label")
        self.move_in_button = push_button("move_in_button", self.tr("迁入成员…"),
                                          self.tr("把已登记的居民迁入本户（会从原来的户移出）"))
        self.relation_button = push_button("relation_button", self.tr("调整关系…"), self.tr("修改所选成员与户主的关系"))
        self.head_button = push_button("make_head_button", self.tr("设为户主"),
                                       self.tr("本户没有户主时，把所选成员设为户主"))
        self.dissolve_button = push_button("dissolve_button", self.tr("注销此户"), self.tr("没有在册成员的户才能注销"))

        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        top.addWidget(QLabel(self.tr("网格：")))
        top.addWidget(self.grid_filter)
        top.addWidget(self.new_button)
        top.addWidget(self.edit_button)
        list_box = QVBoxLayout()
        list_box.setContentsMargins(0, 0, 0, 0)
        list_box.addLayout(top)
        list_box.addWidget(self.hint_label)
        list_box.addWidget(self.table, 1)
        upper = QGroupBox()
        upper.setFlat(True)
        upper.setLayout(list_box)

        member_buttons = QHBoxLayout()
        member_buttons.addWidget(self.member_title, 1)
        for button in (self.move_in_button, self.relation_button, self.head_button, self.dissolve_button):
            member_buttons.addWidget(button)
        member_box = QVBoxLayout()
        member_box.addLayout(member_buttons)
        member_box.addWidget(self.member_table, 1)
        self.member_group = QGroupBox(self.tr("户成员"))
        self.member_group.setObjectName("member_group")
        self.member_group.setLayout(member_box)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(self.member_group)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.run_search)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.search_edit.returnPressed.connect(self.run_search)
        self.grid_filter.activated.connect(self._on_grid_filter_activated)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.member_table.selectionModel().selectionChanged.connect(self._on_member_table_selection_changed)
        self.member_table.doubleClicked.connect(self._on_member_table_double_clicked)
        self.new_button.clicked.connect(self.open_new_dialog)
        self.edit_button.clicked.connect(self.open_edit_dialog)
        self.move_in_button.clicked.connect(self.open_move_dialog)
        self.relation_button.clicked.connect(self.open_relation_dialog)
        self.head_button.clicked.connect(self.make_head)
        self.dissolve_button.clicked.connect(self.dissolve_selected)
        self._update_buttons()

    # ---- Page contract ----

    def apply(self, changes: Changes) -> None:
        if changes.households or changes.residents or changes.grids:
            if self.isVisible():
                self.reload(grids_changed=changes.grids)
            else:
                self._stale = True

    def new_item(self) -> None:
        self.open_new_dialog()

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload(grids_changed=True)

    # ---- loading ----

    def reload(self, *, grids_changed: bool = False) -> None:
        """Re-read everything shown (keeps the search, the grid filter and the selected household)."""
        self._stale = False
        if grids_changed or self.grid_filter.count() == 0:
            self._fill_grid_filter()
        self.run_search()

    def _fill_grid_filter(self) -> None:
        current = self.grid_filter.currentData()
        self.grid_filter.clear()
        self.grid_filter.addItem(self.tr("全部网格"), "")
        for grid_id, name in grids.options(self.ctx.ledger):
            self.grid_filter.addItem(name, grid_id)
        self.grid_filter.setCurrentIndex(max(self.grid_filter.findData(current or ""), 0))

    def run_search(self) -> None:
        self._debounce.stop()
        ledger = self.ctx.ledger
        keep = self._select_after or self.selected_household_id()
        self._select_after = None
        query = self.search_edit.text().strip()
        grid_id = self.grid_filter.currentData() or None
        found = households.search(ledger, query, LIST_LIMIT + 1, grid_id=grid_id)
        more = len(found) > LIST_LIMIT
        if keep is not None and not any(h.id == keep for h in found[:LIST_LIMIT]):
            kept = households.get(ledger, keep)  # a household just created or edited stays in view
            if kept is not None and not query and (grid_id is None or kept.grid_id == grid_id):
                found.insert(0, kept)
        self.model.set_rows(found[:LIST_LIMIT])
        if more:
            self.hint_label.setText(self.tr("只显示前 %1 户；输入户号或户主姓名缩小范围").replace(
                "%1", str(LIST_LIMIT)))
        elif query:
            self.hint_label.setText(self.tr("找到 %1 户").replace("%1", str(len(found)))
                                    if found else self.tr("没有找到匹配的户"))
        else:
            self.hint_label.setText(self.tr("共 %1 户").replace("%1", f"{len(found):,}"))
        row = self.model.row_of(keep) if keep is not None else -1
        if row < 0 and self.model.rowCount() > 0:
            row = 0
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        self._load_members()

    def _load_members(self) -> None:
        household = self.selected_household()
        keep = self.selected_member_id()
        if household is None:
            self.member_model.set_rows([])
            self.member_title.setText(self.tr("请在上方选择一户"))
        else:
            self.member_model.set_rows(households.member_rows(self.ctx.ledger, household.id))
            number = household.household_no or self.tr("（无户号）")
            self.member_title.setText(self.tr("户号 %1　%2　共 %3 人").replace("%1", number).replace(
                "%2", household.address).replace("%3", str(self.member_model.rowCount())))
            if keep is not None:
                self.select_member(keep)
        self._update_buttons()

    # ---- selection ----

    def selected_household(self) -> HouseholdRow | None:
        return selected_row(self.table, self.model)

    def selected_household_id(self) -> str | None:
        return selected_id(self.table, self.model)

    def selected_member(self) -> MemberRow | None:
        return selected_row(self.member_table, self.member_model)

    def selected_member_id(self) -> str | None:
        return selected_id(self.member_table, self.member_model)

    def select_household(self, household_id: str) -> bool:
        return select_id(self.table, self.model, household_id)

    def select_member(self, resident_id: str) -> bool:
        return select_id(self.member_table, self.member_model, resident_id)

    def _has_head(self) -> bool:
        return any(self.member_model.row_at(r).relation == HEAD_RELATION for r in range(self.member_model.rowCount()))

    def _update_buttons(self) -> None:
        household = self.selected_household()
        member = self.selected_member()
        self.edit_button.setEnabled(household is not None)
        self.move_in_button.setEnabled(household is not None)
        self.relation_button.setEnabled(member is not None)
        self.head_button.setEnabled(member is not None and not member.is_head and not self._has_head())
        self.dissolve_button.setEnabled(household is not None and self.member_model.rowCount() == 0)

    def _on_search_edit_text_changed(self, _text: str) -> None:
        self._debounce.start()

    def _on_grid_filter_activated(self, _index: int) -> None:
        self.run_search()

    def _on_table_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._load_members()

    def _on_member_table_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._update_buttons()

    def _on_table_double_clicked(self) -> None:
        self.open_edit_dialog()

    def _on_member_table_double_clicked(self) -> None:
        self.open_relation_dialog()

    # ---- actions (each returns what it opened, so tests can drive it) ----

    def _open(self, dialog: HouseholdDialog | MoveResidentDialog) -> None:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._on_dialog_accepted(dialog))
        dialog.open()

    def _on_dialog_accepted(self, dialog: HouseholdDialog | MoveResidentDialog) -> None:
        if dialog.changes is not None:
            if isinstance(dialog, HouseholdDialog):
                self._select_after = dialog.changes.row_id  # a new household is selected once listed
            self.changed.emit(dialog.changes)

    def open_new_dialog(self) -> HouseholdDialog:
        dialog = HouseholdDialog(self.ctx, None, self, grid_id=self.grid_filter.currentData() or None)
        self._open(dialog)
        return dialog

    def open_edit_dialog(self) -> HouseholdDialog | None:
        household_id = self.selected_household_id()
        if household_id is None:
            return None
        dialog = HouseholdDialog(self.ctx, household_id, self)
        self._open(dialog)
        return dialog

    def open_move_dialog(self) -> MoveResidentDialog | None:
        household_id = self.selected_household_id()
        if household_id is None:
            return None
        dialog = MoveResidentDialog(self.ctx, household_id, None, self)
        self._open(dialog)
        return dialog

    def open_relation_dialog(self) -> MoveResidentDialog | None:
        household_id, member_id = self.selected_household_id(), self.selected_member_id()
        if household_id is None or member_id is None:
            return None
        dialog = MoveResidentDialog(self.ctx, household_id, member_id, self)
        self._open(dialog)
        return dialog

    def make_head(self) -> Changes | None:
        household_id, member_id = self.selected_household_id(), self.selected_member_id()
        if household_id is None or member_id is None:
            return None
        try:
            changes = households.move_resident(self.ctx.ledger, member_id, household_id, HEAD_RELATION)
        except UserError as exc:
            show_error(self, exc)
            return None
        self.changed.emit(changes)
        return changes

    def dissolve_selected(self) -> QMessageBox | None:
        household = self.selected_household()
        if household is None:
            return None
        number = household.household_no or self.tr("（无户号）")
        box = QMessageBox(QMessageBox.Icon.Question, APP_DISPLAY_NAME,
                          self.tr("注销户号 %1（%2）？注销后不再出现在户的列表中。").replace("%1", number).replace(
                              "%2", household.address or self.tr("无地址")),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("dissolve_confirm_box")
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("注销此户"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("取消"))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        yes = box.button(QMessageBox.StandardButton.Yes)
        box.buttonClicked.connect(lambda button: self._dissolve(household.id) if button is yes else None)
        self.confirm_box = box
        box.open()
        return box

    def _dissolve(self, household_id: str) -> None:
        try:
            changes = households.dissolve(self.ctx.ledger, household_id)
        except UserError as exc:
            show_error(self, exc)
            return
        self.changed.emit(changes)
