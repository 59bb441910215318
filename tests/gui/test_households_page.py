"""The 户 page: search, members with relation labels, create/edit households, move people in, one head per
household, dissolve an empty household, a bounded list for large registers."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from tests.helpers import make_id
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.move_resident_dialog import MoveResidentDialog
from zhzx_desktop.gui.models.household_member_model import HouseholdMemberModel
from zhzx_desktop.gui.models.household_table_model import HouseholdTableModel
from zhzx_desktop.gui.pages import households_page
from zhzx_desktop.gui.pages.households_page import HouseholdsPage
from zhzx_desktop.services import demo, grids, households, residents
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.services.residents import ResidentInput

HEAD_ID = make_id(born="19650304", seq=131)


def _fill(ledger: Ledger) -> dict[str, str]:
    g1 = grids.create(ledger, grids.GridInput(name="东片网格", code="430223101201001")).row_id or ""
    g2 = grids.create(ledger, grids.GridInput(name="西片网格", code="430223101201002")).row_id or ""
    h1, h2, h3 = (c.row_id or "" for c in households.create_many(ledger, [
        households.HouseholdInput(grid_id=g1, household_no="0001", address="东山村1组1号"),
        households.HouseholdInput(grid_id=g2, household_no="0002", address="东山村2组5号"),
        households.HouseholdInput(grid_id=g1, household_no="0003", address="东山村1组9号")]))
    made = residents.register_many(ledger, [
        ResidentInput(name="李大山", id_number=HEAD_ID, household_id=h1, relation="02"),
        ResidentInput(name="王秀英", id_number=make_id(born="19670809", seq=142), household_id=h1, relation="12"),
        ResidentInput(name="李小山", id_number=make_id(born="19920510", seq=151), household_id=h1, relation="22"),
        ResidentInput(name="赵春生", id_number=make_id(born="19700101", seq=171), household_id=h2, relation="02"),
        ResidentInput(name="孙无户", id_number=make_id(born="19880202", seq=181))])
    ids = [c.row_id or "" for c in made]
    return {"g1": g1, "g2": g2, "h1": h1, "h2": h2, "h3": h3, "head": ids[0], "wife": ids[1], "son": ids[2],
            "zhao": ids[3], "sun": ids[4]}


@pytest.fixture
def village(ctx: GuiContext) -> dict[str, str]:
    return _fill(ctx.ledger)


@pytest.fixture
def page(qtbot, ctx: GuiContext, village: dict[str, str]) -> HouseholdsPage:
    shown = HouseholdsPage(ctx)
    shown.changed.connect(shown.apply)  # as the main window does
    qtbot.addWidget(shown)
    shown.resize(1000, 700)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def _numbers(page: HouseholdsPage) -> list[str]:
    return [page.model.index(r, 0).data() for r in range(page.model.rowCount())]


def _members(page: HouseholdsPage) -> list[tuple[str, str]]:
    return [(page.member_model.index(r, 0).data(), page.member_model.index(r, 1).data())
            for r in range(page.member_model.rowCount())]


def test_models_pass_the_model_tester(qtmodeltester, ctx: GuiContext, village: dict[str, str]) -> None:
    model = HouseholdTableModel()
    model.set_rows(households.search(ctx.ledger))
    assert model.rowCount() == 3 and model.index(2, 1).data() == "（无户主）"
    qtmodeltester.check(model)
    members = HouseholdMemberModel()
    members.set_rows(households.member_rows(ctx.ledger, village["h1"]))
    assert members.rowCount() == 3
    qtmodeltester.check(members)


def test_page_loads_when_shown_and_lists_households_with_members(qtbot, ctx: GuiContext,
                                                                  village: dict[str, str]) -> None:
    page = HouseholdsPage(ctx)
    qtbot.addWidget(page)
    assert page.title == "户" and page.model.rowCount() == 0  # nothing read before the clerk opens the page
    page.show()
    qtbot.waitExposed(page)
    assert _numbers(page) == ["0001", "0002", "0003"]
    assert [page.model.index(0, c).data() for c in range(5)] == ["0001", "李大山", "东山村1组1号", "东片网格", "3"]
    assert page.selected_household_id() == village["h1"]
    assert _members(page) == [("李大山", "户主"), ("王秀英", "妻"), ("李小山", "长子")]
    assert page.member_model.index(0, 4).data() == HEAD_ID[:6] + "********" + HEAD_ID[-4:]
    shown = {page.member_model.index(r, c).data() for r in range(3) for c in range(5)}
    assert HEAD_ID not in shown
    assert "共 3 户" in page.hint_label.text() and "共 3 人" in page.member_title.text()


def test_search_is_debounced_and_matches_number_address_and_head(qtbot, page: HouseholdsPage) -> None:
    page.search_edit.setText("赵春")
    assert page.model.rowCount() == 3  # not yet: the search waits for a pause in typing
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=2000)
    assert _numbers(page) == ["0002"] and page.hint_label.text() == "找到 1 户"
    assert _members(page) == [("赵春生", "户主")]
    page.search_edit.setText("1组")
    page.run_search()
    assert _numbers(page) == ["0001", "0003"]
    page.search_edit.setText("不存在的地方")
    page.run_search()
    assert page.model.rowCount() == 0 and page.hint_label.text() == "没有找到匹配的户"
    assert page.member_model.rowCount() == 0 and not page.move_in_button.isEnabled()


def test_grid_filter_narrows_the_list(page: HouseholdsPage, village: dict[str, str]) -> None:
    assert [page.grid_filter.itemText(i) for i in range(page.grid_filter.count())] == ["全部网格", "东片网格",
                                                                                       "西片网格"]
    page.grid_filter.setCurrentIndex(page.grid_filter.findData(village["g2"]))
    page.grid_filter.activated.emit(page.grid_filter.currentIndex())
    assert _numbers(page) == ["0002"]


def test_ctrl_n_creates_a_household_and_selects_it(qtbot, page: HouseholdsPage, village: dict[str, str]) -> None:
    page.new_item()
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible() and dialog.windowTitle() == "新建户"
    dialog.ui.household_no_edit.setText("0009")
    dialog.ui.grid_combo.setCurrentIndex(dialog.ui.grid_combo.findData(village["g2"]))
    dialog.ui.address_edit.setText("东山村3组2号")
    with qtbot.waitSignal(page.changed) as signal:
        dialog.accept()
    changes = signal.args[0]
    assert isinstance(changes, Changes) and changes.households
    assert not dialog.isVisible()
    assert "0009" in _numbers(page)
    assert page.selected_household() is not None and page.selected_household().household_no == "0009"
    assert page.selected_household().grid == "西片网格"
    assert page.member_title.text().endswith("共 0 人") and page.dissolve_button.isEnabled()


def test_edit_with_bad_values_shows_inline_errors_and_saves_nothing(qtbot, page: HouseholdsPage,
                                                                     village: dict[str, str]) -> None:
    dialog = page.open_edit_dialog()
    assert dialog is not None and dialog.windowTitle() == "修改户信息"
    assert (dialog.ui.household_no_edit.text(), dialog.ui.grid_combo.currentText()) == ("0001", "东片网格")
    dialog.ui.household_no_edit.setText("0002")  # taken by another household
    dialog.ui.grid_combo.setCurrentIndex(0)  # （请选择网格）
    dialog.ui.address_edit.setText("东山村1组8号")
    with qtbot.assertNotEmitted(page.changed):
        dialog.accept()
    assert dialog.isVisible()
    assert dialog.errors.text("household_no") == "户号 0002 已被其他户使用"
    assert dialog.errors.text("grid_id") == "请选择网格"
    stored = households.form_values(page.ctx.ledger, village["h1"])
    assert (stored.household_no, stored.address) == ("0001", "东山村1组1号")
    dialog.ui.household_no_edit.setText("0001")
    dialog.ui.grid_combo.setCurrentIndex(dialog.ui.grid_combo.findData(village["g2"]))
    dialog.accept()
    assert not dialog.isVisible()
    assert [page.model.index(0, c).data() for c in (2, 3)] == ["东山村1组8号", "西片网格"]
    assert residents.get(page.ctx.ledger, village["son"]).grid == "西片网格"  # type: ignore[union-attr]


def _pick(dialog: MoveResidentDialog, query: str) -> None:
    assert dialog.picker is not None
    dialog.picker.search_edit.setText(query)
    dialog.picker.run_search()


def test_moving_a_person_in_refuses_a_second_head_inline(qtbot, page: HouseholdsPage,
                                                        village: dict[str, str]) -> None:
    dialog = page.open_move_dialog()  # into 0001, which has a head
    assert isinstance(dialog, MoveResidentDialog) and dialog.windowTitle() == "迁入成员"
    assert "李大山" in dialog.ui.target_label.text()
    dialog.accept()  # nobody picked, no relation
    assert dialog.errors.text("resident_id") == "请选择居民" and dialog.errors.text("relation") == "请选择与户主关系"
    _pick(dialog, "孙无户")
    assert dialog.chosen_resident() == village["sun"] and "孙无户" in dialog.ui.resident_name_label.text()
    dialog.select_relation("02")
    with qtbot.assertNotEmitted(page.changed):
        dialog.accept()
    assert dialog.isVisible()
    assert dialog.errors.text("relation") == "该户已有户主（李大山），一户只能有一位户主"
    assert residents.get(page.ctx.ledger, village["sun"]).household_id is None  # type: ignore[union-attr]
    dialog.select_relation("80")
    with qtbot.waitSignal(page.changed):
        dialog.accept()
    assert not dialog.isVisible()
    assert ("孙无户", "其他亲属") in _members(page)
    assert page.model.index(0, 4).data() == "4"


def test_picker_leaves_out_the_household_own_members(page: HouseholdsPage) -> None:
    dialog = page.open_move_dialog()
    assert dialog is not None
    _pick(dialog, "李")
    assert dialog.picker is not None and dialog.picker.results.count() == 0
    _pick(dialog, "赵春生")
    assert dialog.picker.results.count() == 1
    dialog.reject()


def test_moving_a_head_out_then_naming_a_new_head(qtbot, page: HouseholdsPage, village: dict[str, str]) -> None:
    page.select_household(village["h2"])
    dialog = page.open_move_dialog()
    assert dialog is not None
    _pick(dialog, "李大山")
    dialog.select_relation("51")
    dialog.accept()
    assert not dialog.isVisible()
    assert page.selected_household_id() == village["h2"]  # the reload keeps the household in view
    assert _members(page) == [("赵春生", "户主"), ("李大山", "父亲")]
    page.select_household(village["h1"])
    assert _members(page) == [("王秀英", "妻"), ("李小山", "长子")]
    assert page.model.index(page.model.row_of(village["h1"]), 1).data() == "（无户主）"
    assert page.select_member(village["wife"]) and page.head_button.isEnabled()
    with qtbot.waitSignal(page.changed):
        assert page.make_head() is not None
    assert _members(page)[0] == ("王秀英", "户主")
    page.select_member(village["son"])
    assert not page.head_button.isEnabled()  # the household has its head again


def test_changing_a_member_relation(qtbot, page: HouseholdsPage, village: dict[str, str]) -> None:
    page.select_member(village["son"])
    dialog = page.open_relation_dialog()
    assert dialog is not None and dialog.windowTitle() == "调整与户主关系"
    assert dialog.picker is None and dialog.ui.resident_name_label.text() == "李小山"
    assert dialog.ui.relation_combo.currentData() == "22"
    dialog.select_relation("21")
    dialog.accept()
    assert ("李小山", "独生子") in _members(page)


def test_dissolving_only_an_empty_household(qtbot, page: HouseholdsPage, village: dict[str, str]) -> None:
    assert not page.dissolve_button.isEnabled()  # 0001 has members
    page.select_household(village["h3"])
    assert page.dissolve_button.isEnabled()
    box = page.dissolve_selected()
    assert box is not None and "0003" in box.text()
    with qtbot.waitSignal(page.changed):
        box.button(QMessageBox.StandardButton.Yes).click()
    assert _numbers(page) == ["0001", "0002"]


def test_only_a_bounded_number_of_households_is_listed(qtbot, page: HouseholdsPage, village: dict[str, str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(households_page, "LIST_LIMIT", 20)
    households.create_many(page.ctx.ledger, [households.HouseholdInput(grid_id=village["g1"],
                                                                       household_no=f"1{i:04d}") for i in range(40)])
    page.apply(Changes(households=True))
    assert page.model.rowCount() == 20
    assert page.hint_label.text() == "只显示前 20 户；输入户号或户主姓名缩小范围"
    page.search_edit.setText("10039")
    page.run_search()
    assert _numbers(page) == ["10039"]


def test_changes_elsewhere_reload_when_shown(qtbot, page: HouseholdsPage, village: dict[str, str]) -> None:
    page.hide()
    residents.register(page.ctx.ledger, ResidentInput(name="钱新生", household_id=village["h1"], relation="41"))
    page.apply(Changes(residents=True))
    assert ("钱新生", "孙子") not in _members(page)  # hidden: nothing read yet
    page.apply(Changes(teams=True))
    page.show()
    assert ("钱新生", "孙子") in _members(page)


def test_with_demo_data_renders(qtbot, ctx: GuiContext, tmp_path: Path) -> None:
    report = demo.populate(ctx.ledger, residents=300, seed=1)
    page = HouseholdsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 720)
    page.show()
    qtbot.waitExposed(page)
    assert page.model.rowCount() == report.households
    assert page.member_model.rowCount() == int(page.model.index(0, 4).data())
    assert all(page.member_model.index(r, 1).data() for r in range(page.member_model.rowCount()))
    shot = tmp_path / "households.png"
    assert page.grab().save(str(shot)) and shot.stat().st_size > 10_000
