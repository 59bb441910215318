"""The rows of the 同步 page: what became of each local change (``sync.status.records``: 记录, 状态 未上报 /
已上报待确认 / 县里已确认 / 被退回, 原因, 时间) and the changes the county sent back (``sync.status.quarantined``).
The row id is under ``UserRole``; the status is coloured. Also the clerk-facing time texts ("3小时前")."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor

from zhzx_desktop.gui.models.row_list_model import RowListModel

STATUS_COLORS = {"未上报": QColor("#b35900"), "已上报待确认": QColor("#2f6fb3"), "县里已确认": QColor("#2e7d32"),
                 "被退回": QColor("#c0392b")}
STATUSES = ("未上报", "已上报待确认", "县里已确认", "被退回")


def _tr(text: str) -> str:
    return QCoreApplication.translate("sync", text)


def parse_time(value: str | None) -> datetime | None:
    """An ISO time from the sync tables (UTC with ``Z`` or an offset; naive means UTC) as an aware datetime."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def local_time_text(value: str | None) -> str:
    """``2026-11-23 14:05`` in this PC's time zone, or "" when there is no time."""
    parsed = parse_time(value)
    return parsed.astimezone().strftime("%Y-%m-%d %H:%M") if parsed is not None else ""


def ago_text(value: str | None, now: datetime | None = None) -> str:
    """How long ago, as a clerk says it: 刚刚 / 5分钟前 / 3小时前 / 2天前."""
    parsed = parse_time(value)
    if parsed is None:
        return ""
    seconds = ((now or datetime.now(UTC)) - parsed).total_seconds()
    if seconds < 60:
        return _tr("刚刚")
    if seconds < 3600:
        return _tr("%1分钟前").replace("%1", str(int(seconds // 60)))
    if seconds < 86400:
        return _tr("%1小时前").replace("%1", str(int(seconds // 3600)))
    return _tr("%1天前").replace("%1", str(int(seconds // 86400)))


class _ListModel(RowListModel[Any]):
    """A list of sync records: an absent value shows as nothing, and the long texts (记录, 原因) as tooltips too."""

    def display(self, row: Any, column: str) -> str:
        value = getattr(row, column)
        return "" if value is None else str(value)

    def role_data(self, row: Any, column: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and column in ("reason", "label"):
            return self.display(row, column) or None
        return None


class SyncRecordModel(_ListModel):
    """``sync.status.RecordStatus`` rows: 记录, 状态, 原因, 时间. ``UserRole``: the row id."""

    COLUMNS = ("label", "status", "reason", "changed_at")

    def __init__(self) -> None:
        super().__init__()
        self._brushes = {status: QBrush(color) for status, color in STATUS_COLORS.items()}

    def headers(self) -> tuple[str, ...]:
        return (self.tr("记录"), self.tr("状态"), self.tr("原因"), self.tr("时间"))

    def row_id(self, row: Any) -> str:
        return str(row.row_id)

    def display(self, row: Any, column: str) -> str:
        if column == "changed_at":
            return local_time_text(row.changed_at)
        return super().display(row, column)

    def role_data(self, row: Any, column: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column == "status":
            return self._brushes.get(row.status)
        return super().role_data(row, column, role)


class QuarantinedModel(_ListModel):
    """``sync.status.Quarantined`` rows: 记录, 县里退回的原因, 修改时间. ``UserRole``: the outbox seq (as text)."""

    COLUMNS = ("label", "reason", "client_time")

    def __init__(self) -> None:
        super().__init__()
        self._red = QBrush(STATUS_COLORS["被退回"])

    def headers(self) -> tuple[str, ...]:
        return (self.tr("记录"), self.tr("县里退回的原因"), self.tr("修改时间"))

    def row_id(self, row: Any) -> str:
        return str(row.seq)

    def display(self, row: Any, column: str) -> str:
        if column == "client_time":
            return local_time_text(row.client_time)
        return super().display(row, column)

    def role_data(self, row: Any, column: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column == "reason":
            return self._red
        return super().role_data(row, column, role)
