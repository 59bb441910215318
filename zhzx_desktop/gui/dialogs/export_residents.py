"""Export the residents the table shows (导出 Excel): ask for the file, write it through ``ctx.runner`` with
progress and 取消, then say where it went. ID numbers and phones are masked in the file."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QWidget

from zhzx_desktop.gui import settings as app_settings
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.errors import show_message
from zhzx_desktop.gui.operations import Op
from zhzx_desktop.services import roster_export
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.services.progress import Progress
from zhzx_desktop.services.residents import ResidentFilter

log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    return QCoreApplication.translate("ExportResidents", text)


def ask_file_name(ctx: GuiContext, parent: QWidget | None) -> str:
    """The save dialog (empty string: the clerk cancelled)."""
    start_dir = ctx.settings.get(app_settings.LAST_DIR) or str(Path.home())
    suggested = str(Path(start_dir) / _tr("实有人口花名册-%1.xlsx").replace("%1", ctx.ledger.today().strftime("%Y%m%d")))
    path, _ = QFileDialog.getSaveFileName(parent, _tr("导出为 Excel"), suggested, _tr("Excel 文件 (*.xlsx)"))
    return path


def export_residents(ctx: GuiContext, parent: QWidget | None, flt: ResidentFilter | None = None, *,
                     file_name: str | Path | None = None,
                     on_finished: Callable[[roster_export.ExportResult], None] | None = None) -> Op | None:
    """Export what ``flt`` shows to an .xlsx file; ``file_name`` skips the save dialog (tests). Returns the
    running operation, or None when the clerk cancelled the dialog."""
    name = str(file_name) if file_name is not None else ask_file_name(ctx, parent)
    if not name:
        return None
    target = Path(name)
    if target.suffix.lower() != ".xlsx":
        target = target.with_name(target.name + ".xlsx")
    ctx.settings.set(app_settings.LAST_DIR, str(target.parent))
    view = flt or ResidentFilter()

    def job(ledger: Ledger, progress: Progress) -> roster_export.ExportResult:
        return roster_export.export_residents(ledger, target, view, progress)

    def done(result: roster_export.ExportResult) -> None:
        log.info("exported %d residents", result.count)
        show_message(parent, _tr("已导出%1人到：\n%2").replace("%1", str(result.count)).replace("%2", result.path))
        if on_finished is not None:
            on_finished(result)

    return ctx.runner.run(job, on_success=done, label=_tr("正在导出居民"), parent=parent)
