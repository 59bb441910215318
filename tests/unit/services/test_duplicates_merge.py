"""Duplicate candidates, the merge of two records, and its undo through the journal."""

from __future__ import annotations

import pytest

from tests.helpers import make_id
from zhzx_desktop.errors import UserError
from zhzx_desktop.services import duplicates, grids, households, journal, residents, teams
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.services.residents import ResidentInput


def _grid(ledger: Ledger, name: str = "一网格") -> str:
    return str(grids.create(ledger, grids.GridInput(name=name)).row_id)


def _one(ledger: Ledger, **kw: object) -> str:
    return str(residents.register(ledger, ResidentInput(**kw)).row_id)  # type: ignore[arg-type]


def test_candidates_by_id_hash_and_by_pinyin_birth_year_and_grid(ledger: Ledger) -> None:
    grid, other = _grid(ledger), _grid(ledger, "二网格")
    known = _one(ledger, name="李四", id_number=make_id(seq=11, born="19700305"), grid_id=grid)
    same_id = duplicates.candidates(ledger, ResidentInput(name="李斯", id_number=make_id(seq=11, born="19700305")))
    assert [(c.row.id, c.same_id) for c in same_id] == [(known, True)]
    alike = duplicates.candidates(ledger, ResidentInput(name="李思", birth_date="1970-12-01", grid_id=grid))
    assert [(c.row.id, c.same_id) for c in alike] == [(known, False)] and "拼音" in alike[0].reason
    assert duplicates.candidates(ledger, ResidentInput(name="李思", birth_date="1971-01-01", grid_id=grid)) == []
    assert duplicates.candidates(ledger, ResidentInput(name="李思", birth_date="1970-01-01", grid_id=other)) == []
    assert duplicates.candidates(ledger, ResidentInput(name="王五", birth_date="1970-01-01", grid_id=grid)) == []
    assert duplicates.candidates(ledger, ResidentInput(name="李四", grid_id=grid), resident_id=known) == []


def _pair(ledger: Ledger) -> tuple[str, str, str, str]:
    grid = _grid(ledger)
    house = str(households.create(ledger, households.HouseholdInput(grid_id=grid, household_no="7")).row_id)
    keep = _one(ledger, name="张三", id_number=make_id(seq=21, born="19800101"))
    drop = _one(ledger, name="张三", phone="13812345678", household_id=house, relation="02", categories=("G02",))
    team = str(teams.create(ledger, teams.TeamInput(name="巡逻队", team_type="01")).row_id)
    teams.add_member(ledger, teams.MemberInput(team_id=team, resident_id=drop))
    teams.add_member(ledger, teams.MemberInput(team_id=team, resident_id=keep))
    teams.log_activity(ledger, teams.ActivityInput(team_id=team, activity_date="2026-11-01", kind="01",
                                                   participant_ids=(drop, keep)))
    return keep, drop, house, team


def _snapshot(ledger: Ledger) -> dict[str, list[tuple[object, ...]]]:
    conn = ledger.store.conn
    return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
            for t in ("residents", "team_members", "activity_participants", "resident_categories")}


def test_merge_fills_the_kept_record_and_repoints_everything(ledger: Ledger) -> None:
    keep, drop, house, team = _pair(ledger)
    changes = duplicates.merge(ledger, keep, drop)
    assert changes.residents and changes.journal and changes.row_id == keep
    conn = ledger.store.conn
    kept = residents.get(ledger, keep)
    assert kept is not None and kept.phone_masked == "138****5678" and kept.household_id == house
    assert conn.execute("SELECT status, merged_into FROM residents WHERE id = ?", (drop,)).fetchone() == ("merged", keep)
    # one membership and one participation each, not two
    assert conn.execute("SELECT resident_id FROM team_members WHERE left_on IS NULL").fetchall() == [(keep,)]
    assert conn.execute("SELECT resident_id FROM activity_participants").fetchall() == [(keep,)]
    assert conn.execute("SELECT resident_id, category FROM resident_categories").fetchall() == [(keep, "G02")]
    assert [r.id for r in residents.search(ledger, "张三")] == [keep]


def test_undo_restores_every_row_exactly_and_only_once(ledger: Ledger) -> None:
    keep, drop, _house, _team = _pair(ledger)
    before = _snapshot(ledger)
    duplicates.merge(ledger, keep, drop)
    entry = journal.recent(ledger)[0]
    assert entry.kind == "merge" and "张三" in entry.label and entry.undone_at is None
    changes = journal.undo(ledger, entry.id)
    assert changes.residents and changes.members and changes.journal
    assert _snapshot(ledger) == before
    with pytest.raises(UserError) as again:
        journal.undo(ledger, entry.id)
    assert again.value.code == "already_undone"


def test_undo_refuses_when_the_record_was_edited_since(ledger: Ledger) -> None:
    keep, drop, _house, _team = _pair(ledger)
    duplicates.merge(ledger, keep, drop)
    data, _masked, _no = residents.load(ledger, keep)
    data.phone = "13900000000"
    residents.update(ledger, keep, data)
    entry = journal.recent(ledger)[0]
    before = _snapshot(ledger)
    with pytest.raises(UserError) as refused:
        journal.undo(ledger, entry.id)
    assert refused.value.code == "edited_since" and "修改" in refused.value.message
    assert _snapshot(ledger) == before  # nothing half-undone
    assert journal.recent(ledger)[0].undone_at is None


def test_merge_refuses_two_different_id_numbers_and_itself(ledger: Ledger) -> None:
    a = _one(ledger, name="王五", id_number=make_id(seq=31))
    b = _one(ledger, name="王五", id_number=make_id(seq=33))
    with pytest.raises(UserError) as different:
        duplicates.merge(ledger, a, b)
    assert different.value.code == "merge_other_id"
    with pytest.raises(UserError):
        duplicates.merge(ledger, a, a)
    assert journal.recent(ledger) == []


def test_merge_is_captured_for_the_county(ledger: Ledger) -> None:
    keep, drop, _house, _team = _pair(ledger)
    before = ledger.store.conn.execute("SELECT count(*) FROM sync_outbox").fetchone()[0]
    duplicates.merge(ledger, keep, drop)
    ops = ledger.store.conn.execute("SELECT table_name, op FROM sync_outbox ORDER BY seq").fetchall()[before:]
    assert ("residents", "update") in ops and ("team_members", "delete") in ops
    assert ("activity_participants", "delete") in ops
