"""The team queries and edits the 队伍 page needs: one team, its members, its activity log, its months."""

from datetime import date

import pytest

from tests.helpers import make_id
from zhzx_desktop.errors import UserError
from zhzx_desktop.services import grids, households, residents, teams
from zhzx_desktop.services.fields import InvalidInput
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.services.residents import ResidentInput


@pytest.fixture
def people(ledger: Ledger) -> dict[str, str]:
    grid = grids.create(ledger, grids.GridInput(name="东片网格", code="430223101201001")).row_id or ""
    home = households.create(ledger, households.HouseholdInput(grid_id=grid, household_no="0007")).row_id
    out = {"grid": grid}
    for seq, (key, name) in enumerate((("zhang", "张建国"), ("wang", "王秀英"), ("liu", "刘志强"), ("chen", "陈桂兰")),
                                      start=201):
        out[key] = residents.register(ledger, ResidentInput(name=name, id_number=make_id(seq=seq),
                                                            household_id=home)).row_id or ""
    return out


@pytest.fixture
def team(ledger: Ledger, people: dict[str, str]) -> str:
    return teams.create(ledger, teams.TeamInput(name="东村治安巡防队", team_type="04", leader_resident_id=people["zhang"],
                                                contact_phone="13807311234", grid_id=people["grid"],
                                                founded_on="2021/3/1", duties="夜间巡逻")).row_id or ""


def _join(ledger: Ledger, team: str, resident: str, role: str, joined: str) -> str:
    return teams.add_member(ledger, teams.MemberInput(team_id=team, resident_id=resident, role=role,
                                                      joined_on=joined)).row_id or ""


def test_get_gives_the_team_with_leader_and_grid_names(ledger: Ledger, people: dict[str, str], team: str) -> None:
    detail = teams.get(ledger, team)
    assert detail is not None
    assert (detail.name, detail.team_type, detail.leader_resident_id, detail.leader) == \
        ("东村治安巡防队", "04", people["zhang"], "张建国")
    assert (detail.contact_phone, detail.grid_id, detail.grid, detail.founded_on, detail.duties) == \
        ("13807311234", people["grid"], "东片网格", "2021-03-01", "夜间巡逻")
    assert teams.get(ledger, "no-such-team") is None


def test_search_finds_a_team_by_its_leaders_name(ledger: Ledger, team: str) -> None:
    assert [t.id for t in teams.search(ledger, "张建")] == [team]
    assert [t.id for t in teams.search(ledger, "巡防")] == [team]
    assert teams.search(ledger, "调解") == []


def test_members_list_leaders_first_and_former_members_only_on_request(ledger: Ledger, people: dict[str, str],
                                                                       team: str) -> None:
    _join(ledger, team, people["wang"], "队员", "2025-01-10")
    _join(ledger, team, people["zhang"], "队长", "2025-06-01")
    _join(ledger, team, people["liu"], "副队长", "2025-03-01")
    leaving = _join(ledger, team, people["chen"], "联络员", "2025-02-01")
    teams.end_membership(ledger, leaving, "2026-05-01")

    current = teams.members(ledger, team)
    assert [(m.name, m.role) for m in current] == [("张建国", "队长"), ("刘志强", "副队长"), ("王秀英", "队员")]
    assert all(m.current for m in current)
    everyone = teams.members(ledger, team, include_left=True)
    assert [m.name for m in everyone][-1] == "陈桂兰"
    assert (everyone[-1].left_on, everyone[-1].current) == ("2026-05-01", False)
    member = teams.get_member(ledger, leaving)
    assert member is not None and (member.resident_id, member.joined_on) == (people["chen"], "2025-02-01")
    assert teams.get_member(ledger, "nobody") is None


def test_activities_newest_first_with_participants_names(ledger: Ledger, people: dict[str, str], team: str) -> None:
    teams.log_activity(ledger, teams.ActivityInput(team_id=team, activity_date="2026-10-03", kind="01", place="1组",
                                                   participant_ids=[people["wang"], people["zhang"]]))
    teams.log_activity(ledger, teams.ActivityInput(team_id=team, activity_date="2026-11-20", kind="04",
                                                   findings="发现一处消防隐患"))
    log = teams.activities(ledger, team)
    assert [(a.activity_date, a.kind) for a in log] == [("2026-11-20", "04"), ("2026-10-03", "01")]
    assert log[0].participant_names == ()
    assert set(log[1].participant_names) == {"王秀英", "张建国"}
    assert set(log[1].participant_ids) == {people["wang"], people["zhang"]}
    assert [a.activity_date for a in teams.activities(ledger, team, limit=1)] == ["2026-11-20"]
    one = teams.get_activity(ledger, log[0].id)
    assert one is not None and one.findings == "发现一处消防隐患"
    assert teams.get_activity(ledger, "nothing") is None


def test_an_unknown_participant_is_refused(ledger: Ledger, team: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        teams.log_activity(ledger, teams.ActivityInput(team_id=team, activity_date="2026-11-01", kind="01",
                                                       participant_ids=["ghost"]))
    assert [e.field for e in caught.value.errors] == ["participant_ids"]
    assert teams.activities(ledger, team) == []


def test_update_activity_changes_fields_and_participants(ledger: Ledger, people: dict[str, str], team: str) -> None:
    activity = teams.log_activity(ledger, teams.ActivityInput(
        team_id=team, activity_date="2026-11-02", kind="01", place="3组",
        participant_ids=[people["wang"], people["zhang"]])).row_id or ""
    changes = teams.update_activity(ledger, activity, teams.ActivityInput(
        team_id=team, activity_date="2026-11-03", kind="03", place="3组至5组", findings="无",
        participant_ids=[people["zhang"], people["liu"]]))
    assert changes.activities and changes.row_id == activity
    row = teams.get_activity(ledger, activity)
    assert row is not None
    assert (row.activity_date, row.kind, row.place, row.findings) == ("2026-11-03", "03", "3组至5组", "无")
    assert set(row.participant_ids) == {people["zhang"], people["liu"]}
    count = ledger.store.conn.execute("SELECT count(*) FROM activity_participants WHERE activity_id = ?",
                                      (activity,)).fetchone()[0]
    assert count == 2

    same = teams.update_activity(ledger, activity, teams.ActivityInput(
        team_id=team, activity_date="2026-11-03", kind="03", place="3组至5组", findings="无",
        participant_ids=[people["liu"], people["zhang"]]))
    assert not same.activities


def test_update_activity_refuses_a_future_date_another_team_and_a_missing_record(ledger: Ledger, team: str) -> None:
    activity = teams.log_activity(ledger, teams.ActivityInput(team_id=team, activity_date="2026-11-02",
                                                              kind="01")).row_id or ""
    with pytest.raises(InvalidInput) as caught:
        teams.update_activity(ledger, activity, teams.ActivityInput(team_id=team, activity_date="2026-11-24",
                                                                    kind="01"))
    assert [e.code for e in caught.value.errors] == ["date_future"]
    other = teams.create(ledger, teams.TeamInput(name="调解队", team_type="03")).row_id or ""
    with pytest.raises(UserError, match="其他队伍"):
        teams.update_activity(ledger, activity, teams.ActivityInput(team_id=other, activity_date="2026-11-02",
                                                                    kind="01"))
    with pytest.raises(UserError, match="不存在"):
        teams.update_activity(ledger, "gone", teams.ActivityInput(team_id=team, activity_date="2026-11-02",
                                                                  kind="01"))
    row = teams.get_activity(ledger, activity)
    assert row is not None and row.activity_date == "2026-11-02"


def test_monthly_figures_cover_the_last_twelve_months_with_zero_months(ledger: Ledger, people: dict[str, str],
                                                                       team: str) -> None:
    _join(ledger, team, people["zhang"], "队长", "2024-01-01")
    _join(ledger, team, people["wang"], "队员", "2024-01-01")
    gone = _join(ledger, team, people["liu"], "队员", "2024-01-01")
    teams.end_membership(ledger, gone, "2025-01-01")
    for day, kind, who in (("2026-11-02", "01", ["zhang", "wang"]), ("2026-11-09", "01", ["zhang"]),
                           ("2026-11-15", "04", []), ("2026-06-30", "03", ["wang"]),
                           ("2025-12-01", "05", ["zhang", "wang"]), ("2025-11-30", "01", ["zhang"])):
        teams.log_activity(ledger, teams.ActivityInput(team_id=team, activity_date=day, kind=kind,
                                                       participant_ids=[people[w] for w in who]))
    figures = teams.monthly(ledger, team)  # today is 2026-11-23: December 2025 … November 2026
    assert (figures.members, figures.members_ever) == (2, 3)
    assert [m.month for m in figures.months][:2] == ["2025-12", "2026-01"]
    assert figures.months[-1].month == "2026-11" and len(figures.months) == 12
    by_month = {m.month: m for m in figures.months}
    assert (by_month["2026-11"].activities, by_month["2026-11"].attendances) == (3, 3)
    assert by_month["2026-11"].by_kind == (("01", 2), ("04", 1))
    assert (by_month["2026-06"].activities, by_month["2025-12"].attendances) == (1, 2)
    assert by_month["2026-03"].activities == 0 and by_month["2026-03"].by_kind == ()
    assert figures.activities == 5  # November 2025 is outside the window
    assert [m.month for m in teams.monthly(ledger, team, months=3).months] == ["2026-09", "2026-10", "2026-11"]


def test_monthly_figures_across_a_year_start(ledger: Ledger, team: str) -> None:
    january = Ledger(ledger.store, ledger.cipher, lambda: date(2027, 1, 5))
    assert [m.month for m in teams.monthly(january, team, months=3).months] == ["2026-11", "2026-12", "2027-01"]


# ---- 排查 counts (issue 7: the 月报's 排查发现纠纷数 / 预防纠纷数)


def test_an_activity_keeps_its_dispute_counts(ledger: Ledger, team: str) -> None:
    made = teams.log_activity(ledger, teams.ActivityInput(team_id=team, activity_date="2026-11-02", kind="01",
                                                          disputes_found=3, disputes_prevented=2)).row_id or ""
    found = teams.get_activity(ledger, made)
    assert found is not None and (found.disputes_found, found.disputes_prevented) == (3, 2)
    teams.update_activity(ledger, made, teams.ActivityInput(team_id=team, activity_date="2026-11-02", kind="01",
                                                            disputes_found=4))
    again = teams.get_activity(ledger, made)
    assert again is not None and (again.disputes_found, again.disputes_prevented) == (4, 0)


@pytest.mark.parametrize("value", [-1, teams.MAX_DISPUTES + 1])
def test_dispute_counts_out_of_range_are_refused_by_field(ledger: Ledger, team: str, value: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        teams.log_activity(ledger, teams.ActivityInput(team_id=team, activity_date="2026-11-02", kind="01",
                                                       disputes_found=value, disputes_prevented=value))
    assert {e.field for e in caught.value.errors} == {"disputes_found", "disputes_prevented"}
    assert any(e.message.startswith("排查发现纠纷数应在 0 到") for e in caught.value.errors)
    assert ledger.store.conn.execute("SELECT count(*) FROM team_activities").fetchone()[0] == 0
