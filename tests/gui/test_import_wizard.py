"""The roster import wizard, driven page by page with qtbot (jobs run inline)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.rosters import GRID, HEADERS, people, write_roster
from zhzx_desktop.gui import settings as app_settings
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.import_wizard import ImportWizard, IssueTableModel
from zhzx_desktop.services import grids, journal, residents, roster_import
from zhzx_desktop.services.changes import Changes


class MemoryMappingStore:
    def __init__(self, initial: dict[str, str] | None = None) -> None:
        self.saved: dict[str, str] = dict(initial or {})

    def load(self) -> dict[str, str]:
        return dict(self.saved)

    def save(self, mapping: dict[str, str]) -> None:
        self.saved.update(mapping)


@pytest.fixture
def grid(ctx: GuiContext) -> str:
    return grids.create(ctx.ledger, grids.GridInput(name=GRID)).row_id or ""


def _roster(tmp_path: Path, bad_rows: tuple[int, ...] = (3,)) -> Path:
    rows = people(9)
    for index in bad_rows:
        rows[index][HEADERS.index("身份证号")] = "43022319"
    return write_roster(tmp_path / "roster.xlsx", rows, titles=("枫桥村花名册", "（2026年）"))


def _wizard(qtbot: QtBot, ctx: GuiContext, **kwargs: object) -> tuple[ImportWizard, list[Changes]]:
    wizard = ImportWizard(ctx, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(wizard)
    emitted: list[Changes] = []
    wizard.changed.connect(emitted.append)
    wizard.open()
    return wizard, emitted


def _to_check_page(qtbot: QtBot, wizard: ImportWizard, path: Path) -> None:
    wizard.set_file(path)
    wizard.next()
    assert wizard.currentId() == ImportWizard.MAPPING_PAGE
    wizard.next()
    assert wizard.currentId() == ImportWizard.CHECK_PAGE


def test_import_with_errors_then_undo(qtbot: QtBot, ctx: GuiContext, grid: str, tmp_path: Path) -> None:
    wizard, emitted = _wizard(qtbot, ctx, mapping_store=MemoryMappingStore())
    wizard.set_file(_roster(tmp_path))
    wizard.next()
    page = wizard.mapping_page
    assert "第3行是列名" in page.header_label.text()
    assert page.mapping()["身份证号"] == "id_number" and page.mapping()["序号"] == ""
    assert page.preview_table.rowCount() == 5 and "*" in page.preview_table.item(0, 2).text()
    wizard.next()
    check = wizard.check_page
    assert "共9行：8行无误可以导入，1行有问题" in check.summary_label.text()
    assert check.issue_model.texts() == ["第7行 错误 身份证号：身份证号应为18位（或旧版15位），现为8位"]
    assert check.isComplete() and ctx.runner.labels[-1] == "正在检查花名册"  # type: ignore[attr-defined]
    wizard.next()  # 导入
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.RESULT_PAGE)
    result = wizard.result_page
    assert "已导入8人，新建3户" in result.result_label.text() and "有1行有问题" in result.result_label.text()
    assert residents.count(ctx.ledger) == 8 and emitted[-1].residents and emitted[-1].journal
    assert journal.recent(ctx.ledger)[0].kind == "import"
    qtbot.mouseClick(result.undo_button, Qt.MouseButton.LeftButton)
    assert residents.count(ctx.ledger) == 0
    assert result.undo_label.text() == "已撤销本次导入。" and not result.undo_button.isEnabled()
    assert len(emitted) == 2 and emitted[-1].residents and wizard.undone


def test_all_or_nothing_refuses_and_stays(qtbot: QtBot, ctx: GuiContext, grid: str, tmp_path: Path) -> None:
    wizard, emitted = _wizard(qtbot, ctx, mapping_store=MemoryMappingStore())
    _to_check_page(qtbot, wizard, _roster(tmp_path, bad_rows=(1, 5)))
    wizard.check_page.all_or_nothing_radio.setChecked(True)
    wizard.next()
    qtbot.wait(10)
    assert wizard.currentId() == ImportWizard.CHECK_PAGE
    assert "有2行有问题（第5、9行）" in wizard.check_page.check_error.text()
    assert residents.count(ctx.ledger) == 0 and emitted == []
    wizard.check_page.valid_only_radio.setChecked(True)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.RESULT_PAGE)
    assert residents.count(ctx.ledger) == 7


def test_mapping_is_remembered_in_settings(qtbot: QtBot, ctx: GuiContext, grid: str, tmp_path: Path) -> None:
    rows = [[r[1], r[2], r[9]] for r in people(4)]
    path = write_roster(tmp_path / "odd.xlsx", rows, headers=("姓名", "证件", "所在片区"))
    wizard, _ = _wizard(qtbot, ctx)  # the app's store: the IMPORT_MAPPING setting
    wizard.set_file(path)
    wizard.next()
    page = wizard.mapping_page
    assert page.mapping() == {"姓名": "name", "证件": "", "所在片区": ""}
    page.set_field("姓名", "")
    wizard.next()
    assert wizard.currentId() == ImportWizard.MAPPING_PAGE
    assert "没有找到“姓名”列" in page.mapping_error.text() and page.mapping_error.isVisibleTo(page)
    page.set_field("姓名", "name")
    page.set_field("证件", "id_number")
    page.set_field("所在片区", "grid")
    wizard.next()
    assert wizard.currentId() == ImportWizard.CHECK_PAGE and len(wizard.preview.valid_rows) == 4  # type: ignore
    saved = json.loads(ctx.settings.get(app_settings.IMPORT_MAPPING))
    assert saved == {"姓名": "name", "证件": "id_number", "所在片区": "grid"}
    again, _ = _wizard(qtbot, ctx)
    again.set_file(path)
    again.next()
    assert again.mapping_page.mapping() == {"姓名": "name", "证件": "id_number", "所在片区": "grid"}


def test_file_page_errors_and_browse(qtbot: QtBot, ctx: GuiContext, tmp_path: Path) -> None:
    chosen = tmp_path / "broken.xlsx"
    chosen.write_bytes(b"garbage")
    asked: list[str] = []

    def choose(parent: object, start: str) -> str:
        asked.append(start)
        return str(chosen)

    wizard, _ = _wizard(qtbot, ctx, choose_file=choose, mapping_store=MemoryMappingStore())
    page = wizard.file_page
    assert not page.isComplete()
    qtbot.mouseClick(page.browse_button, Qt.MouseButton.LeftButton)
    assert asked and page.file_edit.text() == str(chosen) and page.isComplete()
    wizard.next()
    assert wizard.currentId() == ImportWizard.FILE_PAGE
    assert "无法读取 broken.xlsx" in page.file_error.text()


def test_check_failure_is_shown_and_can_be_retried(qtbot: QtBot, ctx: GuiContext, grid: str,
                                                   tmp_path: Path) -> None:
    path = _roster(tmp_path, bad_rows=())
    wizard, _ = _wizard(qtbot, ctx, mapping_store=MemoryMappingStore())
    wizard.set_file(path)
    wizard.next()
    path.write_bytes(b"now broken")  # the file changed between the pages
    wizard.next()
    check = wizard.check_page
    assert "无法读取" in check.check_error.text() and not check.isComplete()
    write_roster(path, people(3))
    qtbot.mouseClick(check.recheck_button, Qt.MouseButton.LeftButton)
    assert check.isComplete() and "共3行" in check.summary_label.text()


def test_issue_model(qtmodeltester: ModelTester, ledger: object, ctx: GuiContext, grid: str,
                     tmp_path: Path) -> None:
    rows = people(6)
    rows[2][HEADERS.index("网格")] = "不存在"
    rows.append(list(rows[0]))
    rows[-1][HEADERS.index("身份证号")] = ""
    rows[-1][HEADERS.index("户号")] = "Z9"
    preview = roster_import.parse(ctx.ledger, write_roster(tmp_path / "r.xlsx", rows))
    model = IssueTableModel()
    model.set_preview(preview)
    qtmodeltester.check(model)
    kinds = [model.index(r, 1).data() for r in range(model.rowCount())]
    assert kinds == ["错误", "疑似重复"]
    assert model.index(0, 0).data() == "第5行" and model.index(0, 0).data(256) == 5

