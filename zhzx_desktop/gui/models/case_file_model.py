"""The 卷宗 (case file) as its 卷内目录: one row per filed document, and one row for each 目录 item with nothing filed
yet (已归档 / 缺少 for the items a case file must hold)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from zhzx_desktop.domain import case_rules
from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.gui.models.row_list_model import RowListModel
from zhzx_desktop.services.cases import CaseDetail, DocumentRow

_MISSING = QColor("#c0392b")
_FILED = QColor("#1e7d32")
_ORIGINS = {"generated": "打印存档", "scan": "签字扫描件", "paper": "纸质材料"}


def local_day(stamp: str) -> str:
    """``2026-11-22T17:30:00Z`` (stored in UTC) → the clerk's local date."""
    try:
        return datetime.fromisoformat(stamp).astimezone().date().isoformat()
    except ValueError:
        return stamp[:10]


@dataclass(frozen=True)
class CaseFileRow:
    id: str  # the document's id, or "item:<code>" for an item with nothing filed
    item: str
    item_label: str
    required: bool
    document: DocumentRow | None


def case_file_rows(detail: CaseDetail, *, archiving: bool = False) -> list[CaseFileRow]:
    """The 卷内目录 of ``detail`` in 目录 order; ``archiving`` also requires the cover."""
    table = code_table("case_file_item")
    required = set(case_rules.required_items(detail.result, archiving=archiving or detail.status == "closed"))
    by_item: dict[str, list[DocumentRow]] = {}
    for doc in detail.documents:
        by_item.setdefault(doc.item, []).append(doc)
    found: list[CaseFileRow] = []
    for entry in table.entries:
        docs: list[DocumentRow | None] = list(by_item.get(entry.code, [])) or [None]
        for doc in docs:
            found.append(CaseFileRow(doc.id if doc is not None else f"item:{entry.code}", entry.code, entry.label,
                                     entry.code in required, doc))
    return found


class CaseFileModel(RowListModel[CaseFileRow]):
    COLUMNS = ("item", "item_label", "state", "origin", "pages", "filed_on")
    RIGHT_ALIGNED = frozenset({"pages"})

    def headers(self) -> tuple[str, ...]:
        return (self.tr("序号"), self.tr("材料名称"), self.tr("状态"), self.tr("来源"), self.tr("页数"),
                self.tr("归档时间"))

    def display(self, row: CaseFileRow, column: str) -> str:
        doc = row.document
        if column == "item":
            return row.item
        if column == "item_label":
            label = doc.title if doc is not None and doc.title and doc.title != row.item_label else row.item_label
            return label + (self.tr("（必备）") if row.required else "")
        if column == "state":
            if doc is not None:
                return self.tr("已归档")
            return self.tr("缺少") if row.required else ""
        if doc is None:
            return ""
        if column == "origin":
            return self.tr(_ORIGINS.get(doc.origin, doc.origin))
        if column == "pages":
            return str(doc.pages) if doc.pages else ""
        if column == "filed_on":
            return local_day(doc.created_at)
        return ""

    def role_data(self, row: CaseFileRow, column: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column == "state":
            if row.document is not None:
                return QBrush(_FILED)
            if row.required:
                return QBrush(_MISSING)
        if role == Qt.ItemDataRole.FontRole and row.required and column == "item_label":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and row.document is not None and row.document.notes:
            return row.document.notes
        return None
