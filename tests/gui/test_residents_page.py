"""The residents page: the lazy table, search and filters in SQL, the resident dialog, duplicates, merge and undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from tests.conftest import TODAY
from tests.helpers import make_id
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.resident_dialog import ResidentDialog
from zhzx_desktop.gui.models.resident_table_model import ResidentTableModel
from zhzx_desktop.gui.pages.residents_page import ResidentsPage
from zhzx_desktop.services import grids, households, residents, teams
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.services.residents import ResidentFilter, ResidentInput


def _grid(ledger: Ledger, name: str = "一网格") -> str:
    changes = grids.create(ledger, grids.GridInput(name=name))
    assert changes.row_id is not None
    return changes.row_id


def _fill(ledger: Ledger) -> dict[str, str]:
    grid = _grid(ledger)
    house = households.create(ledger, households.HouseholdInput(grid_id=grid, household_no="0012")).row_id
    made = residents.register_many(ledger, [
        ResidentInput(name="张三", id_number=make_id(seq=101, born="19800101"), phone="13812345678",
                      household_id=house, relation="02", categories=("G01",)),
        ResidentInput(name="李四", id_number=make_id(seq=102, born="20100101"), grid_id=grid),
        ResidentInput(name="单雄信", id_number=make_id(seq=103, born="19500101")),
    ])
    return {"grid": grid, "house": str(house), **{n: str(c.row_id) for n, c in zip(("张三", "李四", "单雄信"), made)}}


@pytest.fixture
def page(qtbot, ctx: GuiContext) -> ResidentsPage:
    _fill(ctx.ledger)
    shown = ResidentsPage(ctx)
    shown.changed.connect(shown.apply)  # as the main window does
    qtbot.addWidget(shown)
    return shown


def _names(page: ResidentsPage) -> list[str]:
    return [page.model.index(r, 0).data() for r in range(page.model.rowCount())]


def test_model_passes_the_model_tester(qtmodeltester, ctx: GuiContext) -> None:
    _fill(ctx.ledger)
    model = ResidentTableModel(ctx.ledger)
    model.set_filter(ResidentFilter())
    assert model.rowCount() == 3
    qtmodeltester.check(model)


def test_rows_are_paged_and_only_recent_pages_are_kept(ctx: GuiContext) -> None:
    residents.register_many(ctx.ledger, [ResidentInput(name=f"王{chr(0x4e00 + i)}") for i in range(450)])
    model = ResidentTableModel(ctx.ledger)
    model.PAGE_ROWS, model.CACHED_PAGES = 50, 3
    model.set_filter(ResidentFilter())
    assert model.rowCount() == 450 and model.cached_rows == 0
    seen = [model.index(r, 0).data() for r in range(450)]
    listed = [r.name for r in residents.rows_by_rid(ctx.ledger, residents.select_rids(ctx.ledger, ResidentFilter()))]
    assert seen == listed and len(set(seen)) == 450  # every row once, in the service's order, page by page
    assert model.cached_rows == 150  # three pages of fifty, whatever was scrolled through


def test_sorting_happens_in_sql_by_name_and_birth_date(page: ResidentsPage) -> None:
    page.model.sort(2, Qt.SortOrder.DescendingOrder)
    assert _names(page) == ["李四", "张三", "单雄信"]
    page.model.sort(0, Qt.SortOrder.AscendingOrder)
    assert _names(page) == ["李四", "单雄信", "张三"]  # pinyin order: li, shan (单 as a surname), zhang
    page.model.sort(0, Qt.SortOrder.DescendingOrder)
    assert _names(page) == ["张三", "单雄信", "李四"]
    before = _names(page)
    page.model.sort(3, Qt.SortOrder.AscendingOrder)  # masked ID: not a sortable order, nothing changes
    assert _names(page) == before


def test_search_as_you_type_and_masked_columns(qtbot, page: ResidentsPage) -> None:
    assert page.model.rowCount() == 3 and "3" in page.result_label.text()
    qtbot.keyClicks(page.search_edit, "sxx")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=2000)
    assert _names(page) == ["单雄信"]
    page.search_edit.setText("5678")
    page.apply_filter()
    assert _names(page) == ["张三"]
    assert page.model.index(0, 4).data() == "138****5678"
    assert "********" in page.model.index(0, 3).data()


def test_filters_by_grid_household_category_and_age(page: ResidentsPage) -> None:
    page.grid_combo.setCurrentIndex(1)
    page.apply_filter()
    assert sorted(_names(page)) == sorted(["张三", "李四"])  # 张三 through his household's grid
    page.clear_filters()
    page.household_edit.setText("0012")
    page.apply_filter()
    assert _names(page) == ["张三"]
    page.household_edit.setText("9999")
    page.apply_filter()
    assert _names(page) == [] and "没有找到" in page.result_label.text()
    page.clear_filters()
    page.category_combo.setCurrentIndex(page.category_combo.findData("G01"))
    page.apply_filter()
    assert _names(page) == ["张三"]
    page.clear_filters()
    page.age_min.setValue(60)
    page.apply_filter()
    assert _names(page) == ["单雄信"]
    page.age_min.setValue(-1)
    page.age_max.setValue(18)
    page.apply_filter()
    assert _names(page) == ["李四"]


def _save_button(dialog: ResidentDialog):
    return dialog.ui.button_box.button(QDialogButtonBox.StandardButton.Save)


def test_typing_an_id_fills_birth_date_and_sex(qtbot, page: ResidentsPage) -> None:
    dialog = page.new_item()
    qtbot.keyClicks(dialog.ui.id_number_edit, make_id(seq=204, born="19851203"))
    assert dialog.ui.birth_date_edit.text() == "1985-12-03"
    assert dialog.ui.sex_combo.currentData() == "2" and not dialog.ui.sex_combo.isEnabled()
    assert "1985-12-03" in dialog.ui.id_info_label.text()


def test_a_bad_id_shows_inline_and_nothing_is_saved(qtbot, page: ResidentsPage) -> None:
    dialog = page.new_item()
    dialog.ui.name_edit.setText("王五")
    bad = make_id(seq=202)[:-1] + ("0" if make_id(seq=202)[-1] != "0" else "1")
    qtbot.keyClicks(dialog.ui.id_number_edit, bad)
    qtbot.waitUntil(lambda: bool(dialog.errors.text("id_number")), timeout=2000)
    assert "校验" in dialog.errors.text("id_number")
    assert not dialog.errors.text("name")
    qtbot.mouseClick(_save_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.changes is None
    assert residents.count(page.ctx.ledger) == 3


def test_untouched_fields_stay_quiet_until_save(qtbot, page: ResidentsPage) -> None:
    dialog = page.new_item()
    qtbot.keyClicks(dialog.ui.phone_edit, "12")
    qtbot.waitUntil(lambda: bool(dialog.errors.text("phone")), timeout=2000)
    assert not dialog.errors.text("name")  # required, but the clerk has not got there yet
    dialog.accept()
    assert "姓名" in dialog.errors.text("name")


def test_create_then_it_is_listed_and_selected(qtbot, page: ResidentsPage) -> None:
    dialog = page.new_item()
    with qtbot.waitSignal(page.changed) as saved:
        dialog.ui.name_edit.setText("赵六")
        qtbot.keyClicks(dialog.ui.id_number_edit, make_id(seq=203))
        qtbot.keyClicks(dialog.ui.household_edit, "0012")
        dialog.ui.relation_combo.setCurrentIndex(dialog.ui.relation_combo.findData("20"))
        qtbot.mouseClick(_save_button(dialog), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert "赵六" in _names(page)
    assert page.selected_ids() == [saved.args[0].row_id]
    row = residents.get(page.ctx.ledger, saved.args[0].row_id)
    assert row is not None and row.household_no == "0012" and row.grid == "一网格"


def test_edit_keeps_the_stored_id_and_saves_changes(qtbot, page: ResidentsPage) -> None:
    page.search_edit.setText("张三")
    page.apply_filter()
    page.table.selectRow(0)
    dialog = page.edit_selected()
    assert dialog is not None and "已登记" in dialog.ui.id_number_edit.placeholderText()
    assert dialog.ui.birth_date_edit.isReadOnly()  # the stored ID decides the birth date
    dialog.ui.phone_edit.setText("13900001111")
    dialog.accept()
    assert dialog.changes is not None and dialog.changes.residents
    row = residents.get(page.ctx.ledger, dialog.changes.row_id or "")
    assert row is not None and row.phone_masked == "139****1111" and row.id_masked.endswith(make_id(seq=101, born="19800101")[-4:])


def test_same_id_is_refused_with_the_existing_record_offered(qtbot, page: ResidentsPage) -> None:
    dialog = page.new_item()
    dialog.ui.name_edit.setText("张叁")
    dialog.ui.id_number_edit.setText(make_id(seq=101, born="19800101"))
    dialog.accept()
    prompt = dialog.prompt
    assert prompt is not None and prompt.isVisible()
    assert prompt.windowTitle() == "此人可能已登记"
    assert not prompt.anyway_button.isVisibleTo(prompt)
    assert prompt.table.item(0, 0).text() == "张三" and prompt.table.item(0, 6).text() == "身份证号相同"
    prompt.open_button.click()
    assert not dialog.isVisible()
    edit = page.dialog
    assert isinstance(edit, ResidentDialog) and edit.resident_id is not None
    assert edit.ui.name_edit.text() == "张三"


def test_likely_duplicate_prompts_and_can_be_registered_anyway(qtbot, page: ResidentsPage) -> None:
    dialog = page.new_item()
    dialog.ui.name_edit.setText("李思")  # same pinyin as 李四, same grid and birth year
    dialog.ui.birth_date_edit.setText("2010-06-01")
    dialog.ui.grid_combo.setCurrentIndex(1)
    dialog.accept()
    prompt = dialog.prompt
    assert prompt is not None and prompt.isVisible() and prompt.anyway_button.isVisibleTo(prompt)
    assert prompt.table.item(0, 0).text() == "李四"
    assert residents.count(page.ctx.ledger) == 3
    with qtbot.waitSignal(page.changed):
        prompt.anyway_button.click()
    assert residents.count(page.ctx.ledger) == 4


def test_merge_moves_memberships_and_undo_restores(qtbot, page: ResidentsPage) -> None:
    ledger = page.ctx.ledger
    team = teams.create(ledger, teams.TeamInput(name="巡逻队", team_type="01")).row_id
    dup = residents.register(ledger, ResidentInput(name="张三", phone="13700000000")).row_id
    assert team is not None and dup is not None
    teams.add_member(ledger, teams.MemberInput(team_id=team, resident_id=dup))
    page.apply_filter()
    page.search_edit.setText("张三")
    page.apply_filter()
    assert page.model.rowCount() == 2
    page.table.selectAll()
    merge = page.open_merge_dialog()
    assert merge is not None
    keep, drop = merge.keep_and_drop()
    if keep == dup:  # keep the registered one (with the ID number)
        merge.keep_second.setChecked(True)
        keep, drop = drop, keep
    with qtbot.waitSignal(page.changed):
        merge.accept()
    assert page.model.rowCount() == 1
    conn = ledger.store.conn
    assert conn.execute("SELECT resident_id FROM team_members").fetchone()[0] == keep
    assert conn.execute("SELECT status, merged_into FROM residents WHERE id = ?", (drop,)).fetchone() == ("merged", keep)
    journal = page.open_journal_dialog()
    assert "张三" in journal.table.item(0, 2).text()
    with qtbot.waitSignal(page.changed):
        journal.undo_button.click()
    assert page.model.rowCount() == 2
    assert conn.execute("SELECT resident_id FROM team_members").fetchone()[0] == drop
    assert journal.table.item(0, 3).text() == "已撤销" and not journal.undo_button.isEnabled()
    assert TODAY.year == 2026


def test_export_writes_the_current_filtered_view_masked(qtbot, page: ResidentsPage, tmp_path) -> None:
    from openpyxl import load_workbook

    page.age_min.setValue(40)
    page.apply_filter()
    shown = _names(page)
    target = tmp_path / "out.xlsx"
    page.export_view(str(target))
    cells = [str(c) for row in load_workbook(target, read_only=True).active.iter_rows(values_only=True)
             for c in row if c is not None]
    assert sorted(n for n in ("张三", "李四", "单雄信") if n in cells) == sorted(shown)
    assert any("********" in c for c in cells) and not any(make_id(seq=101, born="19800101") in c for c in cells)


def test_import_wizard_opens_from_the_page_and_reports_changes(qtbot, page: ResidentsPage) -> None:
    wizard = page.open_import_wizard()
    assert wizard.isVisible() and page.dialog is wizard
    with qtbot.waitSignal(page.changed):
        wizard.changed.emit(residents.register(page.ctx.ledger, ResidentInput(name="导入者")))
    assert "导入者" in _names(page)


def test_status_change_of_a_selection_is_one_undoable_step(qtbot, page: ResidentsPage) -> None:
    page.table.selectAll()
    with qtbot.waitSignal(page.changed):
        page.set_status("deleted")
    assert page.model.rowCount() == 0 and residents.count(page.ctx.ledger) == 0
    journal = page.open_journal_dialog()
    assert journal.table.item(0, 1).text() == "状态" and "删除" in journal.table.item(0, 2).text()
    assert "等3人" in journal.table.item(0, 2).text()
    with qtbot.waitSignal(page.changed):
        journal.undo_button.click()
    assert page.model.rowCount() == 3


def test_edit_with_a_bad_id_is_refused_inline_and_keeps_the_stored_one(qtbot, page: ResidentsPage) -> None:
    page.search_edit.setText("李四")
    page.apply_filter()
    page.table.selectRow(0)
    dialog = page.edit_selected()
    assert dialog is not None
    before = residents.get(page.ctx.ledger, dialog.resident_id or "")
    qtbot.keyClicks(dialog.ui.id_number_edit, "43022320100101102")  # 17 characters
    qtbot.waitUntil(lambda: bool(dialog.errors.text("id_number")), timeout=2000)
    dialog.accept()
    assert dialog.isVisible() and dialog.changes is None and "身份证号" in dialog.errors.text("id_number")
    assert residents.get(page.ctx.ledger, dialog.resident_id or "") == before
