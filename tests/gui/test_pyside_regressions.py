"""Guards against PySide6 regressions this app has met."""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt


class _Sparse(QAbstractTableModel):
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else 10

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else 2

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return "x" if role == Qt.ItemDataRole.DisplayRole else None


def test_none_returned_to_cpp_keeps_its_reference_count(qtbot) -> None:
    """PySide6 6.12.0 dropped one reference to None each time C++ read a None from a Python model's data(); on
    Python 3.11 the app then died with "deallocating None" after scrolling a few thousand rows."""
    model = _Sparse()
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    index = proxy.index(3, 1)
    before = sys.getrefcount(None)
    for _ in range(2000):
        proxy.data(index, Qt.ItemDataRole.FontRole)  # C++ calls the Python data() and receives None
    assert sys.getrefcount(None) >= before - 50
