"""Read-only tables the pages build the same way (rows picked whole, one at a time), and the selection of such a
table over a ``RowListModel``: the selected record, its id, selecting a record by id."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QAbstractItemView, QTableView

from zhzx_desktop.gui.models.row_list_model import HasId, RowListModel

R = TypeVar("R", bound=HasId)


def row_table(name: str) -> QTableView:
    """A read-only table that selects one whole row at a time: alternating colours, no row numbers."""
    view = QTableView()
    view.setObjectName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    return view


def list_table(name: str) -> QTableView:
    """A ``row_table`` whose header does not light up with the selection; the last column takes the spare width."""
    view = row_table(name)
    view.horizontalHeader().setHighlightSections(False)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def selected_row(view: QTableView, model: RowListModel[R]) -> R | None:
    """The record of the selected row of ``view`` (showing ``model``), or ``None``."""
    rows = view.selectionModel().selectedRows()
    return model.row_at(rows[0].row()) if rows else None


def selected_id(view: QTableView, model: RowListModel[R]) -> str | None:
    """The id of the selected record, or ``None``."""
    record = selected_row(view, model)
    return record.id if record is not None else None


def select_id(view: QTableView, model: RowListModel[R], row_id: str) -> bool:
    """Select the row showing ``row_id``; False when it is not listed."""
    row = model.row_of(row_id)
    if row >= 0:
        view.selectRow(row)
    return row >= 0
