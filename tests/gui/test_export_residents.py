"""Export from the GUI: the file name injected instead of the save dialog; the job runs through ctx.runner."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from tests.rosters import GRID, people, write_roster
from zhzx_desktop.gui import settings as app_settings
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.export_residents import export_residents
from zhzx_desktop.services import grids, residents, roster_export, roster_import


def _village(ctx: GuiContext, tmp_path: Path) -> None:
    grids.create(ctx.ledger, grids.GridInput(name=GRID))
    roster_import.commit(ctx.ledger, roster_import.parse(ctx.ledger, write_roster(tmp_path / "in.xlsx", people(12))))


def test_export_the_filtered_view(qtbot: QtBot, ctx: GuiContext, tmp_path: Path) -> None:
    _village(ctx, tmp_path)
    parent = QWidget()
    qtbot.addWidget(parent)
    someone = residents.listing(ctx.ledger, 5)[2]
    finished: list[roster_export.ExportResult] = []
    op = export_residents(ctx, parent, residents.ResidentFilter(query=someone.name),
                          file_name=tmp_path / "out" / "名单", on_finished=finished.append)
    assert op is None or op.done
    assert finished == []  # the folder does not exist: an error box, no file
    box = parent.findChild(QMessageBox, "error_box")
    assert box is not None and "文件夹不存在" in box.text()
    box.close()
    (tmp_path / "out").mkdir()
    op = export_residents(ctx, parent, residents.ResidentFilter(query=someone.name),
                          file_name=tmp_path / "out" / "名单", on_finished=finished.append)
    assert op is not None and op.done and ctx.runner.labels[-1] == "正在导出居民"  # type: ignore[attr-defined]
    target = tmp_path / "out" / "名单.xlsx"
    assert finished and finished[0].path == str(target) and finished[0].count >= 1
    message = parent.findChild(QMessageBox, "message_box")
    assert message is not None and str(target) in message.text() and "已导出" in message.text()
    ws = load_workbook(target).active
    assert ws is not None
    names = [row[1] for row in list(ws.iter_rows(values_only=True))[2:]]
    assert someone.name in names and len(names) == finished[0].count
    assert ctx.settings.get(app_settings.LAST_DIR) == str(tmp_path / "out")


def test_export_everyone_by_default(qtbot: QtBot, ctx: GuiContext, tmp_path: Path) -> None:
    _village(ctx, tmp_path)
    parent = QWidget()
    qtbot.addWidget(parent)
    finished: list[roster_export.ExportResult] = []
    export_residents(ctx, parent, file_name=tmp_path / "all.xlsx", on_finished=finished.append)
    assert finished[0].count == 12
