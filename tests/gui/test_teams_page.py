"""The 队伍 page: teams (inline errors), members added by search and ended, the activity log with participants,
the figures by month, and the three models under the model tester."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialogButtonBox, QProgressBar

from tests.helpers import make_id
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.activity_dialog import ActivityDialog
from zhzx_desktop.gui.dialogs.member_dialog import MemberDialog
from zhzx_desktop.gui.dialogs.team_dialog import TeamDialog
from zhzx_desktop.gui.models.activity_table_model import ActivityTableModel
from zhzx_desktop.gui.models.member_table_model import MemberTableModel
from zhzx_desktop.gui.models.team_table_model import TeamTableModel
from zhzx_desktop.gui.pages.teams_page import TeamsPage
from zhzx_desktop.services import demo, grids, households, residents, teams
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.services.residents import ResidentInput

NAMES = ("张建国", "王秀英", "刘志强", "陈桂兰", "赵德明")


def _village(ledger: Ledger) -> dict[str, str]:
    grid = grids.create(ledger, grids.GridInput(name="东片网格", code="430223101201001")).row_id or ""
    home = households.create(ledger, households.HouseholdInput(grid_id=grid, household_no="0007")).row_id
    made = {"grid": grid}
    for seq, name in enumerate(NAMES, start=301):
        made[name] = residents.register(ledger, ResidentInput(name=name, id_number=make_id(seq=seq),
                                                              household_id=home)).row_id or ""
    return made


def _team(ledger: Ledger, people: dict[str, str], name: str = "东村治安巡防队") -> str:
    return teams.create(ledger, teams.TeamInput(name=name, team_type="04", leader_resident_id=people["张建国"],
                                                contact_phone="13807311234", grid_id=people["grid"])).row_id or ""


def _join(ledger: Ledger, team: str, resident: str, joined: str = "2026-03-01", role: str = "队员") -> str:
    return teams.add_member(ledger, teams.MemberInput(team_id=team, resident_id=resident, role=role,
                                                      joined_on=joined)).row_id or ""


@pytest.fixture
def people(ctx: GuiContext) -> dict[str, str]:
    return _village(ctx.ledger)


@pytest.fixture
def make_page(qtbot, ctx: GuiContext):  # type: ignore[no-untyped-def]
    def make() -> TeamsPage:
        shown = TeamsPage(ctx)
        shown.changed.connect(shown.apply)  # as the main window does
        qtbot.addWidget(shown)
        return shown
    return make


def _column(model, column: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [model.index(r, column).data() for r in range(model.rowCount())]


def _save(dialog: TeamDialog | MemberDialog | ActivityDialog) -> None:
    dialog.ui.button_box.button(QDialogButtonBox.StandardButton.Save).click()


def _pick(qtbot, picker, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type into a resident picker and press Enter, as a clerk does."""
    picker.search_edit.setText(text)
    qtbot.keyClick(picker.search_edit, Qt.Key.Key_Return)


# ---- teams


def test_new_team_with_a_bad_phone_shows_the_error_inline_and_saves_nothing(qtbot, make_page, people: dict[str, str],
                                                                            ledger: Ledger) -> None:
    page = make_page()
    assert page.team_model.rowCount() == 0 and not page.detail.isEnabled()
    dialog = page.new_item()
    assert isinstance(dialog, TeamDialog) and dialog.isVisible()
    dialog.ui.name_edit.setText("东村治安巡防队")
    dialog.ui.type_combo.setCurrentIndex(dialog.ui.type_combo.findData("04"))
    dialog.ui.phone_edit.setText("12345")
    _save(dialog)
    assert dialog.isVisible()
    assert "联系电话" in dialog.errors.text("contact_phone")
    assert dialog.errors.text("team_name") == ""
    assert teams.search(page.ctx.ledger) == []

    _pick(qtbot, dialog.picker, "张建国")
    assert dialog.isVisible() and dialog.errors.text("contact_phone")  # Enter picked the leader, did not save
    assert dialog.leader_id == people["张建国"]
    assert dialog.ui.leader_label.text().startswith("张建国")
    dialog.ui.phone_edit.setText("138 0731 1234")
    dialog.ui.grid_combo.setCurrentIndex(dialog.ui.grid_combo.findData(people["grid"]))
    dialog.ui.founded_edit.setText("2021年3月1日")
    with qtbot.waitSignal(page.changed) as saved:
        _save(dialog)
    assert not dialog.isVisible()
    assert isinstance(saved.args[0], Changes) and saved.args[0].teams
    assert _column(page.team_model, 0) == ["东村治安巡防队"]
    assert _column(page.team_model, 1) == ["治安巡防队"]
    assert _column(page.team_model, 2) == ["张建国"]
    assert _column(page.team_model, 3) == ["138****1234"]  # masked in the list
    assert page.team_id == saved.args[0].row_id
    assert page.header_label.text() == "东村治安巡防队"
    assert "138****1234" in page.details_label.text() and "13807311234" not in page.details_label.text()
    detail = teams.get(page.ctx.ledger, page.team_id or "")
    assert detail is not None and (detail.founded_on, detail.grid) == ("2021-03-01", "东片网格")


def test_a_team_needs_a_name_and_a_type(make_page, people: dict[str, str]) -> None:
    page = make_page()
    dialog = page.new_item()
    _save(dialog)
    assert dialog.isVisible()
    assert set(dialog.errors.shown()) == {"team_name", "team_type"}


def test_edit_team_loads_the_team_and_saves_changes(make_page, people: dict[str, str], ledger: Ledger) -> None:
    team = _team(ledger, people)
    page = make_page()
    dialog = page.edit_team()
    assert isinstance(dialog, TeamDialog)
    assert (dialog.ui.name_edit.text(), dialog.ui.type_combo.currentData(), dialog.leader_id) == \
        ("东村治安巡防队", "04", people["张建国"])
    assert dialog.ui.phone_edit.text() == "13807311234"  # in clear only in the edit form
    dialog.ui.name_edit.setText("东村护村队")
    dialog.ui.type_combo.setCurrentIndex(dialog.ui.type_combo.findData("06"))
    dialog.ui.leader_clear_button.click()
    assert dialog.leader_id is None and not dialog.ui.leader_clear_button.isEnabled()
    _save(dialog)
    assert not dialog.isVisible()
    assert _column(page.team_model, 0) == ["东村护村队"] and _column(page.team_model, 2) == [""]
    assert page.team_id == team and page.header_label.text() == "东村护村队"


def test_search_finds_teams_by_name_or_leader(qtbot, make_page, people: dict[str, str], ledger: Ledger) -> None:
    _team(ledger, people)
    teams.create(ledger, teams.TeamInput(name="东村“和事佬”调解队", team_type="03",
                                         leader_resident_id=people["陈桂兰"]))
    page = make_page()
    assert page.team_model.rowCount() == 2 and page.result_label.text() == "共 2 支队伍"
    page.focus_search()
    page.search_edit.setText("陈桂")  # the list follows after a short pause
    qtbot.waitUntil(lambda: page.team_model.rowCount() == 1)
    assert _column(page.team_model, 0) == ["东村“和事佬”调解队"]
    assert page.header_label.text() == "东村“和事佬”调解队"
    page.search_edit.setText("没有这个队")
    page.load_teams()
    assert page.team_model.rowCount() == 0 and page.result_label.text() == "没有找到匹配的队伍"
    assert not page.detail.isEnabled() and not page.edit_button.isEnabled()


# ---- members


def test_add_members_by_search(qtbot, make_page, people: dict[str, str], ledger: Ledger) -> None:
    _team(ledger, people)
    page = make_page()
    dialog = page.open_member_dialog()
    assert isinstance(dialog, MemberDialog) and dialog.windowTitle() == "添加成员"
    _save(dialog)  # nobody picked yet
    assert dialog.isVisible() and "居民" in dialog.errors.text("resident_id")

    _pick(qtbot, dialog.picker, "王秀")
    assert dialog.isVisible()  # Enter in the picker picks; it does not press 保存
    assert dialog.resident_id == people["王秀英"] and dialog.ui.resident_label.text().startswith("王秀英")
    dialog.ui.role_combo.setCurrentText("联络员")
    dialog.ui.joined_edit.setDate(QDate(2026, 2, 3))
    _save(dialog)
    assert not dialog.isVisible()
    assert _column(page.member_model, 0) == ["王秀英"]
    assert (_column(page.member_model, 2), _column(page.member_model, 3), _column(page.member_model, 4)) == \
        (["联络员"], ["2026-02-03"], ["在队"])
    assert _column(page.team_model, 4) == ["1 人"]  # the team list's head count follows
    assert page.member_count_label.text() == "在队 1 人"

    second = page.open_member_dialog()
    assert isinstance(second, MemberDialog)
    second.picker.search_edit.setText("王秀英")
    second.picker.run_search()
    assert second.picker.results.count() == 0  # already in the team: not offered again
    _pick(qtbot, second.picker, "刘志强")
    assert second.ui.role_combo.currentText() == "队员" and second.ui.joined_edit.date() == QDate(2026, 11, 23)
    _save(second)
    assert not second.isVisible()
    assert sorted(_column(page.member_model, 0)) == sorted(["王秀英", "刘志强"])


def test_end_a_membership_refusing_a_date_before_joining(make_page, people: dict[str, str], ledger: Ledger) -> None:
    team = _team(ledger, people)
    _join(ledger, team, people["张建国"], "2025-01-01", "队长")
    _join(ledger, team, people["赵德明"], "2026-03-01")
    page = make_page()
    assert not page.leave_button.isEnabled()  # nobody selected
    row = _column(page.member_model, 0).index("赵德明")
    page.member_table.selectRow(row)
    assert page.leave_button.isEnabled()
    dialog = page.open_leave_dialog()
    assert isinstance(dialog, MemberDialog) and dialog.leaving
    assert dialog.ui.resident_label.text().startswith("赵德明") and not dialog.ui.joined_edit.isEnabled()
    dialog.ui.left_edit.setDate(QDate(2026, 2, 28))
    _save(dialog)
    assert dialog.isVisible() and "不能早于加入日期" in dialog.errors.text("left_on")
    assert len(teams.members(ledger, team)) == 2

    dialog.ui.left_edit.setDate(QDate(2026, 10, 1))
    _save(dialog)
    assert not dialog.isVisible()
    assert _column(page.member_model, 0) == ["张建国"]
    assert _column(page.team_model, 4) == ["1 人"]
    page.former_check.setChecked(True)
    assert _column(page.member_model, 0) == ["张建国", "赵德明"]
    assert _column(page.member_model, 4) == ["在队", "2026-10-01"]
    assert page.member_count_label.text() == "在队 1 人，已离队 1 人"
    assert page.member_model.index(1, 0).data(Qt.ItemDataRole.ForegroundRole) is not None  # greyed
    page.member_table.selectRow(1)
    assert not page.leave_button.isEnabled() and page.open_leave_dialog() is None  # already left


# ---- activities


def test_log_an_activity_with_participants_refusing_a_future_date(qtbot, make_page, people: dict[str, str],
                                                                  ledger: Ledger) -> None:
    team = _team(ledger, people)
    _join(ledger, team, people["张建国"], role="队长")
    _join(ledger, team, people["王秀英"])
    _join(ledger, team, people["刘志强"])
    page = make_page()
    page.tabs.setCurrentIndex(1)
    assert page.activity_count_label.text() == "还没有活动记录"
    dialog = page.open_activity_dialog()
    assert isinstance(dialog, ActivityDialog)
    assert dialog.ui.participants_list.count() == 3 and dialog.participant_ids() == []
    wang = dialog._item_of(people["王秀英"])
    assert wang is not None and wang.text() == "王秀英（队员）"
    wang.setCheckState(Qt.CheckState.Checked)
    dialog._item_of(people["张建国"]).setCheckState(Qt.CheckState.Checked)  # type: ignore[union-attr]
    _pick(qtbot, dialog.picker, "陈桂兰")  # a resident who is not a member
    assert dialog.isVisible() and dialog.picker.search_edit.text() == ""
    assert dialog.ui.participants_list.count() == 4
    assert dialog.ui.participants_count_label.text() == "已选 3 人"
    dialog.ui.kind_combo.setCurrentIndex(dialog.ui.kind_combo.findData("01"))
    dialog.ui.place_edit.setText("3组至5组沿线")
    dialog.ui.findings_edit.setPlainText("发现一处消防隐患，已告知户主整改")
    dialog.ui.date_edit.setDate(QDate(2026, 11, 24))  # tomorrow
    _save(dialog)
    assert dialog.isVisible() and "不能晚于今天" in dialog.errors.text("activity_date")
    assert teams.activities(ledger, team) == []

    dialog.ui.date_edit.setDate(QDate(2026, 11, 20))
    _save(dialog)
    assert not dialog.isVisible()
    assert _column(page.activity_model, 0) == ["2026-11-20"]
    assert _column(page.activity_model, 1) == ["巡逻"]
    assert _column(page.activity_model, 3)[0].startswith("3人：")
    assert page.activity_model.index(0, 3).data(Qt.ItemDataRole.ToolTipRole).count("、") == 2
    (logged,) = teams.activities(ledger, team)
    assert set(logged.participant_ids) == {people["王秀英"], people["张建国"], people["陈桂兰"]}
    page.activity_table.selectRow(0)
    assert "发现一处消防隐患" in page.activity_detail.text() and "陈桂兰" in page.activity_detail.text()
    assert page.month_table.item(0, 1).text() == "1"  # the figures follow

    again = page.open_activity_dialog()
    assert isinstance(again, ActivityDialog)
    assert again.ui.kind_combo.currentData() == "01"  # starts from the last kind the team logged
    again.reject()


def test_an_activity_needs_a_kind(make_page, people: dict[str, str], ledger: Ledger) -> None:
    _team(ledger, people)
    page = make_page()
    dialog = page.open_activity_dialog()
    assert isinstance(dialog, ActivityDialog) and dialog.ui.kind_combo.currentData() == ""
    _save(dialog)
    assert dialog.isVisible() and dialog.errors.text("kind") == "请选择活动类型"


def test_correct_a_logged_activity(make_page, people: dict[str, str], ledger: Ledger) -> None:
    team = _team(ledger, people)
    _join(ledger, team, people["张建国"], role="队长")
    _join(ledger, team, people["王秀英"])
    teams.log_activity(ledger, teams.ActivityInput(team_id=team, activity_date="2026-11-02", kind="01",
                                                   participant_ids=[people["张建国"], people["赵德明"]]))
    page = make_page()
    assert page.edit_activity() is None  # nothing selected
    page.activity_table.selectRow(0)
    dialog = page.edit_activity()
    assert isinstance(dialog, ActivityDialog) and dialog.windowTitle().startswith("修改活动记录")
    assert set(dialog.participant_ids()) == {people["张建国"], people["赵德明"]}
    assert dialog._item_of(people["赵德明"]).text() == "赵德明（非在队成员）"  # type: ignore[union-attr]
    dialog.ui.check_all_button.click()
    assert len(dialog.participant_ids()) == 3
    dialog.ui.place_edit.setText("村部")
    _save(dialog)
    assert not dialog.isVisible()
    assert _column(page.activity_model, 2) == ["村部"] and _column(page.activity_model, 3)[0].startswith("3人")
    dialog = page.edit_activity()
    assert isinstance(dialog, ActivityDialog)
    dialog.ui.check_none_button.click()
    assert dialog.participant_ids() == [] and dialog.ui.participants_count_label.text() == "已选 0 人"


# ---- figures


def test_figures_by_month_for_the_last_twelve_months(make_page, people: dict[str, str], ledger: Ledger) -> None:
    team = _team(ledger, people)
    _join(ledger, team, people["张建国"], "2024-01-01", "队长")
    _join(ledger, team, people["王秀英"], "2024-01-01")
    for day, kind, who in (("2026-11-02", "01", ["张建国", "王秀英"]), ("2026-11-09", "04", ["张建国"]),
                           ("2026-11-16", "01", []), ("2026-09-30", "03", ["王秀英"]),
                           ("2025-10-01", "01", ["张建国"])):  # the last one is more than a year ago
        teams.log_activity(ledger, teams.ActivityInput(team_id=team, activity_date=day, kind=kind,
                                                       participant_ids=[people[w] for w in who]))
    page = make_page()
    page.tabs.setCurrentIndex(2)
    assert page.month_table.rowCount() == 12
    months = [page.month_table.item(r, 0).text() for r in range(12)]
    assert months[0] == "2026年11月" and months[-1] == "2025年12月"  # this month on top
    assert [page.month_table.item(0, c).text() for c in (1, 3, 4)] == ["3", "3", "巡逻2次、宣传1次"]
    assert [page.month_table.item(2, c).text() for c in (0, 1, 4)] == ["2026年9月", "1", "排查1次"]
    assert page.month_table.item(1, 1).text() == "0"  # October: a month without activities still shows
    bars = [page.month_table.cellWidget(r, 2).findChild(QProgressBar) for r in (0, 1, 2)]
    assert [(b.value(), b.maximum()) for b in bars] == [(3, 3), (0, 3), (1, 3)]
    assert page.figures_label.text() == "在队成员 2 人（历年累计加入 2 人）。近 12 个月共开展活动 4 次，参加 4 人次。"


# ---- redraw on change, Ctrl+N, the demo data


def test_apply_redraws_on_changes_made_elsewhere(make_page, people: dict[str, str], ledger: Ledger) -> None:
    team = _team(ledger, people)
    page = make_page()
    _join(ledger, team, people["王秀英"])  # e.g. from another page or an import
    page.apply(Changes(members=True, teams=True))
    assert _column(page.member_model, 0) == ["王秀英"] and _column(page.team_model, 4) == ["1 人"]
    residents.update(ledger, people["王秀英"], ResidentInput(name="王秀云", id_number=make_id(seq=302)))
    page.apply(Changes(residents=True))
    assert _column(page.member_model, 0) == ["王秀云"]
    teams.log_activity(ledger, teams.ActivityInput(team_id=team, activity_date="2026-11-01", kind="02"))
    page.apply(Changes(activities=True))
    assert _column(page.activity_model, 1) == ["走访"]
    page.apply(Changes(cases=True))  # nothing of ours: nothing breaks
    assert page.team_id == team


def test_ctrl_n_opens_a_new_team_and_cancel_saves_nothing(make_page, people: dict[str, str]) -> None:
    page = make_page()
    dialog = page.new_item()
    assert dialog.windowTitle() == "新建队伍" and page.dialog is dialog
    dialog.ui.name_edit.setText("不要的队")
    dialog.ui.button_box.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert not dialog.isVisible() and teams.search(page.ctx.ledger) == []


def test_the_page_with_demo_data(make_page, tmp_path: Path, ledger: Ledger) -> None:
    report = demo.populate(ledger, residents=300, seed=1)
    assert report.teams >= 4 and report.activities > 0
    page = make_page()
    page.resize(1100, 720)
    page.show()
    assert page.team_model.rowCount() == report.teams
    assert page.member_model.rowCount() > 0 and page.activity_model.rowCount() > 0
    assert all("****" in phone for phone in _column(page.team_model, 3))
    for tab in range(page.tabs.count()):
        page.tabs.setCurrentIndex(tab)
        shot = page.grab()
        assert shot.save(str(tmp_path / f"teams_{tab}.png"))
    assert (tmp_path / "teams_2.png").stat().st_size > 10_000


# ---- models


def test_models_pass_the_model_tester(qtmodeltester, ctx: GuiContext, people: dict[str, str]) -> None:
    ledger = ctx.ledger
    team = _team(ledger, people)
    _join(ledger, team, people["张建国"], role="队长")
    gone = _join(ledger, team, people["王秀英"])
    teams.end_membership(ledger, gone, "2026-10-01")
    teams.log_activity(ledger, teams.ActivityInput(team_id=team, activity_date="2026-11-01", kind="01", place="1组",
                                                   summary="夜间\n巡逻", participant_ids=list(people.values())[1:]))
    teams.log_activity(ledger, teams.ActivityInput(team_id=team, activity_date="2026-11-02", kind="99"))

    team_model = TeamTableModel()
    team_model.set_rows(teams.search(ledger))
    assert team_model.rowCount() == 1 and team_model.index(0, 0).data(Qt.ItemDataRole.UserRole) == team
    qtmodeltester.check(team_model)

    member_model = MemberTableModel()
    member_model.set_rows(teams.members(ledger, team, include_left=True))
    assert _column(member_model, 4) == ["在队", "2026-10-01"]
    qtmodeltester.check(member_model)

    activity_model = ActivityTableModel()
    activity_model.set_rows(teams.activities(ledger, team))
    assert _column(activity_model, 1) == ["其他", "巡逻"]
    assert _column(activity_model, 3)[1] == "5人：" + "、".join(
        teams.activities(ledger, team)[1].participant_names[:3]) + "等"
    assert _column(activity_model, 4)[1] == "夜间 巡逻"  # one line in the table
    qtmodeltester.check(activity_model)


def test_an_activity_dialog_records_and_reloads_the_dispute_counts(make_page, people: dict[str, str],
                                                                    ledger: Ledger) -> None:
    team = _team(ledger, people)
    page = make_page()
    dialog = page.open_activity_dialog()
    assert isinstance(dialog, ActivityDialog)
    assert dialog.ui.disputes_found_spin.value() == 0 and dialog.ui.disputes_found_spin.suffix() == " 件"
    dialog.ui.kind_combo.setCurrentIndex(dialog.ui.kind_combo.findData("03"))
    dialog.ui.disputes_found_spin.setValue(5)
    dialog.ui.disputes_prevented_spin.setValue(2)
    _save(dialog)
    assert not dialog.isVisible()
    [logged] = teams.activities(ledger, team)
    assert (logged.disputes_found, logged.disputes_prevented) == (5, 2)
    assert _column(page.activity_model, 5) == ["发现纠纷5起，预防纠纷2起"]  # the log shows what the 月报 counts
    page.activity_table.selectRow(0)
    again = page.edit_activity()
    assert isinstance(again, ActivityDialog)
    assert (again.ui.disputes_found_spin.value(), again.ui.disputes_prevented_spin.value()) == (5, 2)
