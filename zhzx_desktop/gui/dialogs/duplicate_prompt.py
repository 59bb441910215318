"""“此人可能已登记”: the registered residents who may be the person being entered, before a new one is saved."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zhzx_desktop.services.duplicates import Candidate


class DuplicatePrompt(QDialog):
    register_anyway_chosen = Signal()
    existing_chosen = Signal(str)  # resident id

    def __init__(self, found: Sequence[Candidate], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("duplicate_prompt")
        self.setWindowTitle(self.tr("此人可能已登记"))
        self.resize(760, 320)
        self._found = list(found)
        blocking = any(c.same_id for c in self._found)
        intro = QLabel(self.tr("此身份证号已经登记过，不能重复登记。可以打开已登记的记录查看或修改。") if blocking else
                       self.tr("下列居民与正在登记的人很像，请核对是否为同一人。"))
        intro.setWordWrap(True)
        self.table = QTableWidget(len(self._found), 7)
        self.table.setObjectName("candidate_table")
        self.table.setHorizontalHeaderLabels([self.tr("姓名"), self.tr("性别"), self.tr("出生日期"), self.tr("身份证号"),
                                              self.tr("户号"), self.tr("网格"), self.tr("相同之处")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        for row, cand in enumerate(self._found):
            r = cand.row
            for col, text in enumerate((r.name, r.sex, r.birth_date or "", r.id_masked, r.household_no, r.grid,
                                        cand.reason)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, r.id)
                self.table.setItem(row, col, item)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectRow(0)
        self.open_button = QPushButton(self.tr("打开已登记的记录"))
        self.open_button.setObjectName("open_existing_button")
        self.anyway_button = QPushButton(self.tr("不是同一人，仍然登记"))
        self.anyway_button.setObjectName("register_anyway_button")
        self.anyway_button.setVisible(not blocking)
        self.back_button = QPushButton(self.tr("返回修改"))
        self.back_button.setObjectName("back_button")
        self.back_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.open_button, self.anyway_button, self.back_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.anyway_button.clicked.connect(self._on_anyway_button_clicked)
        self.back_button.clicked.connect(self.reject)
        self.table.itemDoubleClicked.connect(self._on_open_button_clicked)

    def _on_open_button_clicked(self) -> None:
        row = max(self.table.currentRow(), 0)
        self.accept()
        self.existing_chosen.emit(self._found[row].row.id)

    def _on_anyway_button_clicked(self) -> None:
        self.accept()
        self.register_anyway_chosen.emit()
