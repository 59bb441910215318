"""The skeleton every flat list model shares: a list of row records (each with an ``id``), one column per name in
``COLUMNS`` under Chinese headers, ``DisplayRole`` as ``str`` and the row's id under ``UserRole``. A model says only
what differs: its columns and headers, how a cell reads (``display``), which columns hold counts (``RIGHT_ALIGNED``)
and any further roles (``role_data``: font, colour, tooltip)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

_ROOT = QModelIndex()  # the parent of every row (a flat table)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class HasId(Protocol):
    @property
    def id(self) -> str: ...


R = TypeVar("R", bound=HasId)


class RowListModel(QAbstractTableModel, Generic[R]):
    COLUMNS: tuple[str, ...] = ()
    RIGHT_ALIGNED: frozenset[str] = frozenset()  # columns of counts, right-aligned

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[R] = []
        self._headers = self.headers()

    def headers(self) -> tuple[str, ...]:
        """The column headers, one per ``COLUMNS`` entry, through ``self.tr``."""
        raise NotImplementedError

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> R:
        return self._rows[row]

    def row_of(self, row_id: str) -> int:
        """The row showing ``row_id``, or -1."""
        return next((i for i, r in enumerate(self._rows) if self.row_id(r) == row_id), -1)

    def row_id(self, row: R) -> str:
        """What ``UserRole`` carries: the record's id by default."""
        return row.id

    def display(self, row: R, column: str) -> str:
        """What the cell shows (``DisplayRole``); by default the field named by the column."""
        return str(getattr(row, column))

    def role_data(self, row: R, column: str, role: int) -> Any:
        """Any role beyond display, id and the alignment of counts; ``None`` for roles the model does not handle."""
        return None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, column)
        if role == Qt.ItemDataRole.UserRole:
            return self.row_id(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self.RIGHT_ALIGNED:
            return _RIGHT
        return self.role_data(row, column, role)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self._headers):
            return self._headers[section]
        return None
