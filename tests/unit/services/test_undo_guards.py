"""What undo and restore must refuse: retiring a person others now point at, and putting back a resident who
clashes with the register as it is now. Filters never hide search matches."""

from __future__ import annotations

import pytest

from tests.helpers import make_id
from zhzx_desktop.errors import UserError
from zhzx_desktop.services import duplicates, grids, households, journal, residents, teams
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.services.residents import ResidentFilter, ResidentInput
from zhzx_desktop.storage import rows


def _imported(ledger: Ledger, **kw: object) -> tuple[str, str]:
    """A resident created by a journalled action (as an import does): (resident id, journal id)."""
    with ledger.store.write() as conn:
        resident_id = str(residents.register(ledger, ResidentInput(**kw)).row_id)  # type: ignore[arg-type]
        entry = journal.record(conn, "import", "导入花名册：测试", [journal.inserted("residents", resident_id)])
    return resident_id, entry


def test_undo_refuses_to_retire_someone_merged_into_since(ledger: Ledger) -> None:
    earlier = str(residents.register(ledger, ResidentInput(name="王小明", phone="13800001111")).row_id)
    imported, entry = _imported(ledger, name="王小明", id_number=make_id(seq=51))
    duplicates.merge(ledger, imported, earlier)
    with pytest.raises(UserError) as refused:
        journal.undo(ledger, entry)
    assert refused.value.code == "used_since" and "合并" in refused.value.message
    assert rows.get(ledger.store.conn, "residents", imported)["status"] == "active"  # type: ignore[index]


def test_undo_refuses_to_retire_a_team_member(ledger: Ledger) -> None:
    imported, entry = _imported(ledger, name="赵小红")
    team = str(teams.create(ledger, teams.TeamInput(name="巡逻队", team_type="01")).row_id)
    teams.add_member(ledger, teams.MemberInput(team_id=team, resident_id=imported))
    with pytest.raises(UserError) as refused:
        journal.undo(ledger, entry)
    assert "队伍成员" in refused.value.message
    assert journal.recent(ledger)[0].undone_at is None


def test_restore_refuses_a_clashing_id_and_a_second_head(ledger: Ledger) -> None:
    grid = str(grids.create(ledger, grids.GridInput(name="一网格")).row_id)
    house = str(households.create(ledger, households.HouseholdInput(grid_id=grid, household_no="8")).row_id)
    number = make_id(seq=61)
    first = str(residents.register(ledger, ResidentInput(name="李四", id_number=number, household_id=house,
                                                         relation="02")).row_id)
    residents.set_status(ledger, first, "deleted")
    entry = journal.recent(ledger)[0].id
    residents.register(ledger, ResidentInput(name="李四", id_number=number, household_id=house, relation="02"))
    for attempt in (lambda: residents.set_status(ledger, first, "active"), lambda: journal.undo(ledger, entry)):
        with pytest.raises(UserError) as refused:
            attempt()
        assert refused.value.code == "id_duplicate"
    listed = ledger.store.conn.execute("SELECT count(*) FROM residents WHERE status = 'active'").fetchone()[0]
    assert listed == 1


def test_merge_takes_the_birth_date_that_goes_with_the_id(ledger: Ledger) -> None:
    keep = str(residents.register(ledger, ResidentInput(name="周五", birth_date="1990-01-02")).row_id)
    drop = str(residents.register(ledger, ResidentInput(name="周五", id_number=make_id(seq=71, born="19900101"))).row_id)
    duplicates.merge(ledger, keep, drop)
    data, masked, _no = residents.load(ledger, keep)
    assert data.birth_date == "1990-01-01" and masked
    residents.update(ledger, keep, data)  # still a valid record: saving it again works


def test_a_filter_never_hides_matches_beyond_the_search_limit(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(residents, "SEARCH_LIMIT", 5)
    one = str(grids.create(ledger, grids.GridInput(name="一网格")).row_id)
    two = str(grids.create(ledger, grids.GridInput(name="二网格")).row_id)
    residents.register_many(ledger, [ResidentInput(name=f"张{chr(0x4e00 + i)}", grid_id=one) for i in range(12)]
                            + [ResidentInput(name=f"张{chr(0x4f00 + i)}", grid_id=two) for i in range(3)])
    found = residents.select_rids(ledger, ResidentFilter(query="张", grid_id=two))
    assert len(found) == 3
    assert len(residents.select_rids(ledger, ResidentFilter(query="张"))) == 5
