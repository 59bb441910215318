"""The records behind a dashboard number or bar: a read-only list titled with what they are and how many.
Double-click (or Enter, or 打开案件) on a case asks for it on the 调解 page (``case_requested``); the page passes
the request on to the main window."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel, QVBoxLayout, QWidget

from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.models.drill_model import DrillModel
from zhzx_desktop.gui.widgets.buttons import push_button
from zhzx_desktop.gui.widgets.tables import list_table, selected_id
from zhzx_desktop.services import dashboard
from zhzx_desktop.services.dashboard import Drill

ROW_LIMIT = 1000  # more than a village has in any one figure; the title says when the list is cut


class DrillDialog(QDialog):
    case_requested = Signal(str)  # a case id

    def __init__(self, ctx: GuiContext, drill: Drill, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drill_dialog")
        self.ctx = ctx
        self.drill = drill
        self.setWindowTitle(drill.title)
        self.model = DrillModel(drill.kind)
        self.table = list_table("drill_table")
        self.table.setModel(self.model)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.heading = QLabel()
        self.heading.setObjectName("drill_heading")
        self.heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.note_label = QLabel()
        self.note_label.setObjectName("note_label")
        self.note_label.setStyleSheet("color: #666;")
        self.note_label.setWordWrap(True)
        self.open_button = push_button("open_case_button", self.tr("打开案件"),
                                       self.tr("在“调解”页中打开选中的案件（也可双击该行）"))
        self.open_button.setVisible(drill.kind == "cases")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.setObjectName("button_box")
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.open_button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note_label)
        layout.addLayout(bottom)
        self.resize(980, 520)

        self.table.activated.connect(self._on_table_activated)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.reload()

    def reload(self) -> None:
        rows = dashboard.records(self.ctx.ledger, self.drill, ROW_LIMIT)
        self.model.set_rows(rows)
        total = dashboard.count(self.ctx.ledger, self.drill)
        self.heading.setText(self.tr("%1（共 %2 条）").replace("%1", self.drill.title).replace("%2", f"{total:,}"))
        if not dashboard.allowed(self.ctx.ledger, self.drill.kind):
            self.note_label.setText(self.tr("当前账户没有查看这类记录的权限，只能看到数量。"))
        elif total > len(rows):
            self.note_label.setText(self.tr("只列出前 %1 条。").replace("%1", f"{len(rows):,}"))
        elif not rows:
            self.note_label.setText(self.tr("没有记录。"))
        else:
            self.note_label.setText(self.tr("双击一行即可打开该案件。") if self.drill.kind == "cases" else "")
        self.note_label.setVisible(bool(self.note_label.text()))
        header = self.table.horizontalHeader()
        header.resizeSections(QHeaderView.ResizeMode.ResizeToContents)
        for column in range(self.model.columnCount() - 1):
            header.resizeSection(column, min(header.sectionSize(column) + 12, 240))
        self._update_buttons()

    def ids(self) -> list[str]:
        """The ids of the records listed, in order."""
        return [self.model.row_at(row).id for row in range(self.model.rowCount())]

    def open_row(self, row: int) -> bool:
        """Ask for the case at ``row`` (as a double-click would); False when this is not a list of cases."""
        if self.drill.kind != "cases" or not 0 <= row < self.model.rowCount():
            return False
        self.case_requested.emit(self.model.row_at(row).id)
        return True

    def _on_table_activated(self, index: QModelIndex) -> None:
        if self.drill.kind == "cases":
            case_id = index.data(Qt.ItemDataRole.UserRole)
            if case_id:
                self.case_requested.emit(str(case_id))

    def _on_open_button_clicked(self) -> None:
        case_id = selected_id(self.table, self.model)
        if case_id is not None:
            self.case_requested.emit(case_id)

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(selected_id(self.table, self.model) is not None)
