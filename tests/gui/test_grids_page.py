"""The 网格 page: grids with counts and workers, create/edit grids, add/edit/end grid workers, the grid's households."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import make_id
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.models.grid_table_model import GridTableModel
from zhzx_desktop.gui.models.grid_worker_model import GridWorkerModel
from zhzx_desktop.gui.pages import grids_page
from zhzx_desktop.gui.pages.grids_page import GridsPage
from zhzx_desktop.services import demo, grids, households, residents
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.services.residents import ResidentInput


def _fill(ledger: Ledger) -> dict[str, str]:
    g1 = grids.create(ledger, grids.GridInput(name="东片网格", code="430223101201001")).row_id or ""
    g2 = grids.create(ledger, grids.GridInput(name="西片网格", code="430223101201002")).row_id or ""
    h1, h2 = (c.row_id or "" for c in households.create_many(ledger, [
        households.HouseholdInput(grid_id=g1, household_no="0001", address="东山村1组1号"),
        households.HouseholdInput(grid_id=g1, household_no="0002", address="东山村1组5号")]))
    made = residents.register_many(ledger, [
        ResidentInput(name="李大山", id_number=make_id(born="19650304", seq=131), household_id=h1, relation="02",
                      phone="13812345678"),
        ResidentInput(name="李小山", id_number=make_id(born="19920510", seq=151), household_id=h1, relation="22"),
        ResidentInput(name="赵春生", id_number=make_id(born="19700101", seq=171), household_id=h2, relation="02")])
    worker = grids.add_worker(ledger, grids.GridWorkerInput(grid_id=g1, name="周网格", role="02",
                                                            phone="13900001111", since="2024-01-01")).row_id or ""
    return {"g1": g1, "g2": g2, "h1": h1, "h2": h2, "head": made[0].row_id or "", "worker": worker}


@pytest.fixture
def village(ctx: GuiContext) -> dict[str, str]:
    return _fill(ctx.ledger)


@pytest.fixture
def page(qtbot, ctx: GuiContext, village: dict[str, str]) -> GridsPage:
    shown = GridsPage(ctx)
    shown.changed.connect(shown.apply)  # as the main window does
    qtbot.addWidget(shown)
    shown.resize(1000, 700)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def _row(model: GridTableModel | GridWorkerModel, row: int) -> list[str]:
    return [model.index(row, c).data() for c in range(model.columnCount())]


def _workers(page: GridsPage) -> list[list[str]]:
    return [_row(page.worker_model, r) for r in range(page.worker_model.rowCount())]


def test_models_pass_the_model_tester(qtmodeltester, ctx: GuiContext, village: dict[str, str]) -> None:
    model = GridTableModel()
    model.set_rows(grids.summaries(ctx.ledger))
    assert model.rowCount() == 2
    qtmodeltester.check(model)
    workers = GridWorkerModel()
    grids.end_worker(ctx.ledger, village["worker"], "2025-06-30")
    workers.set_rows(grids.workers(ctx.ledger, village["g1"], include_ended=True))
    assert workers.rowCount() == 1 and workers.index(0, 4).data() == "2025-06-30"
    qtmodeltester.check(workers)


def test_grids_with_counts_workers_and_households(qtbot, ctx: GuiContext, village: dict[str, str]) -> None:
    page = GridsPage(ctx)
    qtbot.addWidget(page)
    assert page.title == "网格" and page.model.rowCount() == 0  # read only when shown
    page.show()
    qtbot.waitExposed(page)
    assert _row(page.model, 0) == ["430223101201001", "东片网格", "2", "3", "周网格"]
    assert _row(page.model, 1) == ["430223101201002", "西片网格", "0", "0", "（未配备）"]
    assert page.summary_label.text() == "共 2 个网格，2 户，3 人"
    assert _workers(page) == [["周网格", "专职网格员", "139****1111", "2024-01-01", ""]]
    assert page.worker_table.isColumnHidden(GridWorkerModel.COLUMNS.index("until"))
    assert [page.household_model.index(r, 1).data() for r in range(2)] == ["李大山", "赵春生"]
    assert page.household_hint.text() == "共 2 户，3 人"
    page.select_grid(village["g2"])
    assert page.worker_model.rowCount() == 0 and page.household_model.rowCount() == 0
    assert page.worker_group.title() == "西片网格的网格员"


def test_create_grid_and_edit_with_a_bad_code(qtbot, page: GridsPage, village: dict[str, str]) -> None:
    page.new_item()
    dialog = page.dialog
    assert dialog is not None and dialog.windowTitle() == "新建网格"
    dialog.ui.name_edit.setText("北片网格")
    dialog.ui.code_edit.setText("430223101201003")
    with qtbot.waitSignal(page.changed):
        dialog.accept()
    assert page.model.rowCount() == 3 and page.selected_grid().name == "北片网格"  # type: ignore[union-attr]
    edit = page.open_edit_dialog()
    assert edit is not None and edit.ui.code_edit.text() == "430223101201003"
    edit.ui.name_edit.setText("")
    edit.ui.code_edit.setText("43022310120100A")
    with qtbot.assertNotEmitted(page.changed):
        edit.accept()
    assert edit.isVisible()
    assert edit.errors.text("grid_name") == "请填写网格名称"
    assert edit.errors.text("grid_code") == "网格编码只能由数字组成（通常15位）"
    edit.ui.name_edit.setText("北片网格")
    edit.ui.code_edit.setText("430223101201001")
    edit.accept()
    assert edit.errors.text("grid_code") == "网格编码 430223101201001 已被其他网格使用"
    assert edit.errors.text("grid_name") == ""
    assert grids.form_values(page.ctx.ledger, page.selected_grid_id() or "").code == "430223101201003"
    edit.reject()


def test_add_a_worker_linked_to_a_resident(qtbot, page: GridsPage, village: dict[str, str]) -> None:
    dialog = page.open_add_worker_dialog()
    assert dialog is not None and dialog.windowTitle() == "添加网格员"
    assert dialog.ui.grid_name_label.text() == "东片网格" and dialog.ui.since_edit.text() == "2026-11-23"
    dialog.accept()  # nothing filled in
    assert dialog.errors.text("name") and dialog.errors.text("grid_worker_role") == "请选择网格员角色"
    assert dialog.picker is not None
    dialog.picker.search_edit.setText("李大山")
    dialog.picker.run_search()
    dialog.picker.picked.emit(dialog.picker.selected_id())
    assert dialog.ui.name_edit.text() == "李大山" and "已关联：李大山" in dialog.ui.resident_name_label.text()
    dialog.ui.role_combo.setCurrentIndex(dialog.ui.role_combo.findData("01"))
    with qtbot.waitSignal(page.changed):
        dialog.accept()
    assert not dialog.isVisible()
    assert _workers(page)[0] == ["李大山", "网格长", "138****5678", "2026-11-23", ""]  # the resident's phone
    assert "李大山" in _row(page.model, 0)[4] and "周网格" in _row(page.model, 0)[4]


def test_add_a_worker_with_a_bad_phone_saves_nothing(qtbot, page: GridsPage, village: dict[str, str]) -> None:
    dialog = page.open_add_worker_dialog()
    assert dialog is not None
    dialog.ui.name_edit.setText("吴兼职")
    dialog.ui.role_combo.setCurrentIndex(dialog.ui.role_combo.findData("03"))
    dialog.ui.phone_edit.setText("1380000")
    dialog.ui.since_edit.setText("2024-02-30")
    with qtbot.assertNotEmitted(page.changed):
        dialog.accept()
    assert dialog.isVisible() and set(dialog.errors.shown()) == {"phone", "since"}
    assert "联系电话" in dialog.errors.text("phone") and "任职日期" in dialog.errors.text("since")
    assert len(grids.workers(page.ctx.ledger, village["g1"])) == 1
    dialog.reject()


def test_edit_a_worker_keeps_the_phone_unseen(qtbot, page: GridsPage, village: dict[str, str]) -> None:
    assert page.select_worker(village["worker"])
    dialog = page.open_edit_worker_dialog()
    assert dialog is not None and dialog.windowTitle() == "修改网格员"
    assert dialog.ui.phone_edit.text() == "" and "139****1111" in dialog.ui.phone_edit.placeholderText()
    dialog.ui.role_combo.setCurrentIndex(dialog.ui.role_combo.findData("01"))
    dialog.accept()
    assert not dialog.isVisible()
    assert _workers(page) == [["周网格", "网格长", "139****1111", "2024-01-01", ""]]


def test_a_worker_leaves_the_post(qtbot, page: GridsPage, village: dict[str, str]) -> None:
    assert not page.end_worker_button.isEnabled()
    page.select_worker(village["worker"])
    assert page.end_worker_button.isEnabled()
    dialog = page.open_end_worker_dialog()
    assert dialog is not None and dialog.windowTitle() == "网格员离任"
    assert dialog.ui.until_edit.isVisibleTo(dialog) and dialog.ui.until_edit.text() == "2026-11-23"
    assert dialog.ui.name_edit.isReadOnly() and not dialog.ui.picker_host.isVisibleTo(dialog)
    dialog.ui.until_edit.setText("2023-12-31")
    with qtbot.assertNotEmitted(page.changed):
        dialog.accept()
    assert dialog.errors.text("until") == "离任日期不能早于任职日期（2024-01-01）"
    dialog.ui.until_edit.setText("2026-10-31")
    with qtbot.waitSignal(page.changed):
        dialog.accept()
    assert page.worker_model.rowCount() == 0 and _row(page.model, 0)[4] == "（未配备）"
    page.show_ended_check.setChecked(True)
    assert _workers(page) == [["周网格", "专职网格员", "139****1111", "2024-01-01", "2026-10-31"]]
    assert not page.worker_table.isColumnHidden(GridWorkerModel.COLUMNS.index("until"))
    page.select_worker(village["worker"])
    assert not page.end_worker_button.isEnabled() and page.open_end_worker_dialog() is None


def test_a_grid_with_many_households_lists_a_bounded_number(page: GridsPage, village: dict[str, str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(grids_page, "LIST_LIMIT", 5)
    households.create_many(page.ctx.ledger, [households.HouseholdInput(grid_id=village["g1"],
                                                                       household_no=f"1{i:04d}") for i in range(8)])
    page.apply(Changes(households=True))
    assert page.household_model.rowCount() == 5
    assert page.household_hint.text() == "共 10 户，只显示前 5 户；到“户”页面输入户号或户主姓名查找"


def test_changes_elsewhere_reload_when_shown(page: GridsPage, village: dict[str, str]) -> None:
    page.hide()
    residents.register(page.ctx.ledger, ResidentInput(name="钱新生", household_id=village["h1"], relation="41"))
    page.apply(Changes(residents=True))
    assert _row(page.model, 0)[3] == "3"
    page.show()
    assert _row(page.model, 0)[3] == "4"


def test_with_demo_data_renders(qtbot, ctx: GuiContext, tmp_path: Path) -> None:
    report = demo.populate(ctx.ledger, residents=300, seed=1)
    page = GridsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 720)
    page.show()
    qtbot.waitExposed(page)
    assert page.model.rowCount() == report.grids
    assert page.worker_model.rowCount() == 3
    assert page.household_model.rowCount() == report.households
    shot = tmp_path / "grids.png"
    assert page.grab().save(str(shot)) and shot.stat().st_size > 10_000
