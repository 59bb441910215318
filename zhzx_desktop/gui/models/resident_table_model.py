"""The resident table over the whole register, lazily (ARCHITECTURE.md idiom 3, with a twist recorded in
docs/design-notes.md): the filter's SQL gives the ordered rids of every row (8 bytes each: 8 MB at a million), and
rows are read a page at a time by rid as the view asks, keeping only the most recent pages. So the scroll bar knows
the true size, a jump to the bottom reads one page, and memory stays flat however far the clerk scrolls."""

from __future__ import annotations

from array import array
from collections import OrderedDict
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from zhzx_desktop.services import residents
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.services.residents import ResidentFilter, ResidentRow

STATUS_LABELS = {"active": "在册", "moved_out": "已迁出", "deceased": "已故", "merged": "已合并", "deleted": "已删除"}


class ResidentTableModel(QAbstractTableModel):
    COLUMNS = ("name", "sex", "birth_date", "id_masked", "phone_masked", "household_no", "grid", "status")
    SORTABLE = {0: "name", 2: "birth_date"}
    PAGE_ROWS = 100
    CACHED_PAGES = 40

    def __init__(self, ledger: Ledger) -> None:
        super().__init__()
        self._ledger = ledger
        self._rids: array[int] = array("q")
        self._pages: OrderedDict[int, list[ResidentRow]] = OrderedDict()
        self.filter = ResidentFilter()
        self._headers = (self.tr("姓名"), self.tr("性别"), self.tr("出生日期"), self.tr("身份证号"),
                         self.tr("联系电话"), self.tr("户号"), self.tr("网格"), self.tr("状态"))

    def set_filter(self, flt: ResidentFilter) -> None:
        self.beginResetModel()
        self.filter = flt
        self._rids = residents.select_rids(self._ledger, flt)
        self._pages.clear()
        self.endResetModel()

    def reload(self) -> None:
        self.set_filter(self.filter)

    @property
    def cached_rows(self) -> int:
        return sum(len(p) for p in self._pages.values())

    def row_at(self, row: int) -> ResidentRow | None:
        if not 0 <= row < len(self._rids):
            return None
        number = row // self.PAGE_ROWS
        page = self._pages.get(number)
        if page is None:
            start = number * self.PAGE_ROWS
            page = residents.rows_by_rid(self._ledger, self._rids[start:start + self.PAGE_ROWS])
            self._pages[number] = page
            while len(self._pages) > self.CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        offset = row - number * self.PAGE_ROWS
        return page[offset] if offset < len(page) else None

    def row_of(self, resident_id: str) -> int:
        """The row showing ``resident_id`` (-1 when the filter does not show it)."""
        rec = self._ledger.store.conn.execute("SELECT rid FROM residents WHERE id = ?", (resident_id,)).fetchone()
        try:
            return self._rids.index(rec[0]) if rec is not None else -1
        except ValueError:
            return -1

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.UserRole):
            return None
        resident = self.row_at(index.row())
        if resident is None:
            return None
        if role == Qt.ItemDataRole.UserRole:
            return resident.id
        column = self.COLUMNS[index.column()]
        value = getattr(resident, column) or ""
        return STATUS_LABELS.get(value, value) if column == "status" else str(value)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self._headers):
            return self._headers[section]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in SQL by name or birth date (the indexed orders); other columns keep the current order."""
        key = self.SORTABLE.get(column)
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self.filter.sort, self.filter.descending):
            self.set_filter(replace(self.filter, sort=key, descending=descending))
