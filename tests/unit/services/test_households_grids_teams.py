from datetime import date

import pytest

from zhzx_desktop.errors import UserError
from zhzx_desktop.services import grids, households, residents, teams
from zhzx_desktop.services.fields import InvalidInput
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.services.residents import ResidentInput


@pytest.fixture
def village(ledger: Ledger) -> dict[str, str]:
    g1 = grids.create(ledger, grids.GridInput(name="东片网格", code="430223101201001")).row_id or ""
    g2 = grids.create(ledger, grids.GridInput(name="西片网格", code="430223101201002")).row_id or ""
    h1 = households.create(ledger, households.HouseholdInput(grid_id=g1, household_no="0001", address="1组1号")).row_id
    h2 = households.create(ledger, households.HouseholdInput(grid_id=g2, household_no="0002", address="2组5号")).row_id
    head = residents.register(ledger, ResidentInput(name="李大山", household_id=h1, relation="02")).row_id
    son = residents.register(ledger, ResidentInput(name="李小山", household_id=h1, relation="22")).row_id
    return {"g1": g1, "g2": g2, "h1": h1 or "", "h2": h2 or "", "head": head or "", "son": son or ""}


def test_grid_code_must_be_digits_and_unique(ledger: Ledger, village: dict[str, str]) -> None:
    with pytest.raises(InvalidInput) as caught:
        grids.create(ledger, grids.GridInput(name="", code="43A"))
    assert [e.field for e in caught.value.errors] == ["grid_name", "grid_code"]
    with pytest.raises(InvalidInput, match="已被其他网格使用"):
        grids.create(ledger, grids.GridInput(name="重复", code="430223101201001"))


def test_grid_summary_counts_households_residents_and_workers(ledger: Ledger, village: dict[str, str]) -> None:
    grids.add_worker(ledger, grids.GridWorkerInput(grid_id=village["g1"], name="王网格", role="02",
                                                   phone="13800001111"))
    with pytest.raises(InvalidInput) as caught:
        grids.add_worker(ledger, grids.GridWorkerInput(grid_id=village["g1"], name="张", role="77"))
    assert {e.field for e in caught.value.errors} == {"name", "grid_worker_role"}
    east = next(s for s in grids.summaries(ledger) if s.id == village["g1"])
    assert (east.households, east.residents, east.workers) == (1, 2, ("王网格",))


def test_household_head_is_the_02_member(ledger: Ledger, village: dict[str, str]) -> None:
    (row,) = households.search(ledger, "李大山")
    assert (row.household_no, row.head, row.members, row.grid) == ("0001", "李大山", 2, "东片网格")
    assert households.members(ledger, village["h1"])[0][1] == "李大山"


def test_household_number_is_unique(ledger: Ledger, village: dict[str, str]) -> None:
    with pytest.raises(InvalidInput, match="户号 0001"):
        households.create(ledger, households.HouseholdInput(grid_id=village["g1"], household_no="0001"))
    twice = [households.HouseholdInput(grid_id=village["g1"], household_no="0009")] * 2
    with pytest.raises(InvalidInput, match="户号 0009"):
        households.create_many(ledger, twice)
    assert households.search(ledger, "0009") == []


def test_moving_a_person_changes_household_relation_and_grid(ledger: Ledger, village: dict[str, str]) -> None:
    change = households.move_resident(ledger, village["son"], village["h2"], "02")
    assert change.residents and change.households
    moved = residents.get(ledger, village["son"])
    assert moved is not None and (moved.household_no, moved.grid) == ("0002", "西片网格")
    with pytest.raises(UserError, match="已有户主"):
        households.move_resident(ledger, village["head"], village["h2"], "02")


def test_team_members_and_activities(ledger: Ledger, village: dict[str, str]) -> None:
    team_id = teams.create(ledger, teams.TeamInput(name="东片治安巡防队", team_type="04",
                                                   leader_resident_id=village["head"],
                                                   contact_phone="0731-24411234")).row_id or ""
    member = teams.add_member(ledger, teams.MemberInput(team_id=team_id, resident_id=village["head"], role="队长",
                                                        joined_on="2026-01-05"))
    teams.add_member(ledger, teams.MemberInput(team_id=team_id, resident_id=village["son"], joined_on=date(2026, 2, 1)))
    with pytest.raises(UserError, match="已是该队伍"):
        teams.add_member(ledger, teams.MemberInput(team_id=team_id, resident_id=village["son"]))
    teams.log_activity(ledger, teams.ActivityInput(team_id=team_id, activity_date="2026-10-03", kind="01",
                                                   place="1组", participant_ids=[village["head"], village["son"]]))
    teams.log_activity(ledger, teams.ActivityInput(team_id=team_id, activity_date="2026/11/2", kind="03"))
    teams.log_activity(ledger, teams.ActivityInput(team_id=team_id, activity_date="2026-11-20", kind="04"))
    with pytest.raises(InvalidInput) as caught:
        teams.log_activity(ledger, teams.ActivityInput(team_id=team_id, activity_date="2030-01-01", kind="zz"))
    assert [e.code for e in caught.value.errors] == ["date_future", "code_unknown"]
    figures = teams.figures(ledger, team_id)
    assert figures.members == 2
    assert figures.activities_by_month == (("2026-10", 1), ("2026-11", 2))
    with pytest.raises(UserError, match="离队日期"):
        teams.end_membership(ledger, member.row_id or "", "2025-12-31")
    teams.end_membership(ledger, member.row_id or "", "2026-11-01")
    assert teams.figures(ledger, team_id).members == 1
    (row,) = teams.search(ledger, "巡防")
    assert (row.leader, row.members, row.contact_phone) == ("李大山", 1, "0731-24411234")
    participants = ledger.store.conn.execute("SELECT count(*) FROM activity_participants").fetchone()[0]
    assert participants == 2
