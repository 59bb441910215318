"""Edits keep what the form cannot show, households carry their members' grid, and other edge cases."""

import sqlite3
import threading
from pathlib import Path

import pytest

from tests.conftest import TODAY
from tests.helpers import make_id
from zhzx_desktop.errors import KnownError, UserError
from zhzx_desktop.services import grids, households, residents, teams
from zhzx_desktop.services.fields import InvalidInput
from zhzx_desktop.services.ledger import Ledger, open_ledger
from zhzx_desktop.services.residents import ResidentInput
from zhzx_desktop.storage.db import Store


def test_an_edit_without_the_id_number_keeps_it(ledger: Ledger) -> None:
    number = make_id(born="19850315", seq=124)
    resident_id = residents.register(ledger, ResidentInput(name="李四", id_number=number)).row_id or ""
    residents.update(ledger, resident_id, ResidentInput(name="李肆", phone="13800001111"))
    row = residents.get(ledger, resident_id)
    assert row is not None and (row.name, row.sex, row.birth_date) == ("李肆", "女", "1985-03-15")
    assert residents.reveal_id(ledger, resident_id, "核对测试数据") == number
    diff = ledger.store.conn.execute("SELECT data FROM sync_outbox WHERE op = 'update'").fetchone()[0]
    assert "id_cipher" not in diff and "name" in diff


def test_household_moving_grid_takes_its_members(ledger: Ledger) -> None:
    east = grids.create(ledger, grids.GridInput(name="东片")).row_id
    west = grids.create(ledger, grids.GridInput(name="西片")).row_id
    house = households.create(ledger, households.HouseholdInput(grid_id=east, household_no="01")).row_id or ""
    member = residents.register(ledger, ResidentInput(name="周一", household_id=house, relation="02")).row_id or ""
    with pytest.raises(InvalidInput, match="网格不一致"):
        residents.register(ledger, ResidentInput(name="周二", household_id=house, relation="10", grid_id=west))
    households.update(ledger, house, households.HouseholdInput(grid_id=west, household_no="01"))
    row = residents.get(ledger, member)
    assert row is not None and row.grid == "西片"
    counts = {s.name: s.residents for s in grids.summaries(ledger)}
    assert counts == {"东片": 0, "西片": 1}


def test_minority_names_are_found_with_or_without_the_middle_dot(ledger: Ledger) -> None:
    residents.register(ledger, ResidentInput(name="买买提·艾力"))
    for query in ("买买提·艾力", "买买提艾力", "艾力"):
        assert [r.name for r in residents.search(ledger, query)] == ["买买提·艾力"], query


def test_other_certificates_with_chinese_characters_are_sealed(ledger: Ledger) -> None:
    change = residents.register(ledger, ResidentInput(name="吴军官", id_type="114", id_number="南字第12345号"))
    row = residents.get(ledger, change.row_id or "")
    assert row is not None and "12345" not in row.id_masked
    assert residents.reveal_id(ledger, change.row_id or "", "核对测试数据") == "南字第12345号"


def test_short_certificate_numbers_are_masked_and_not_indexed(ledger: Ledger) -> None:
    change = residents.register(ledger, ResidentInput(name="郑短号", id_type="990", id_number="A123"))
    row = residents.get(ledger, change.row_id or "")
    assert row is not None and row.id_masked == "****"
    assert residents.search(ledger, "A123") == [] and residents.search(ledger, "123") == []


def test_a_failed_inner_write_is_rolled_back_even_if_caught(ledger: Ledger) -> None:
    store = ledger.store
    with store.write() as conn:
        conn.execute("INSERT INTO grids(id, name, created_at) VALUES ('g1', '一', 'x')")
        with pytest.raises(ValueError), store.write() as inner:
            inner.execute("INSERT INTO grids(id, name, created_at) VALUES ('g2', '二', 'x')")
            raise ValueError("clerk input rejected half way")
    names = [r[0] for r in store.conn.execute("SELECT id FROM grids ORDER BY id")]
    assert names == ["g1"]
    assert [r[0] for r in store.conn.execute("SELECT row_id FROM sync_outbox")] == ["g1"]


def test_a_locked_database_is_a_known_error(db_path: Path, ledger: Ledger) -> None:
    other = sqlite3.connect(db_path)
    other.execute("BEGIN IMMEDIATE")
    ledger.store.conn.execute("PRAGMA busy_timeout = 50")
    try:
        with pytest.raises(KnownError, match="另一个程序"):
            grids.create(ledger, grids.GridInput(name="锁住"))
    finally:
        other.rollback()
        other.close()


def test_two_first_opens_agree_on_one_key(tmp_path: Path) -> None:
    path = tmp_path / "race.db"
    Store(path).close()  # migrated, no key yet
    checks: list[str] = []
    errors: list[BaseException] = []

    def open_one() -> None:  # connections are thread-bound: open, use and close in the thread
        try:
            with open_ledger(path, key_fallback_dir=tmp_path, today=lambda: TODAY) as ledger:
                checks.append(ledger.cipher.key_check())
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(checks) == 4
    with Store(path) as store:
        assert set(checks) == {store.meta("key_check")}


def test_membership_cannot_end_twice_and_search_is_literal(ledger: Ledger) -> None:
    person = residents.register(ledger, ResidentInput(name="孙队员")).row_id or ""
    team = teams.create(ledger, teams.TeamInput(name="巡逻_队", team_type="04")).row_id or ""
    member = teams.add_member(ledger, teams.MemberInput(team_id=team, resident_id=person, joined_on="2026-01-01"))
    teams.end_membership(ledger, member.row_id or "", "2026-06-01")
    with pytest.raises(UserError, match="已于2026-06-01离队"):
        teams.end_membership(ledger, member.row_id or "")
    assert [t.name for t in teams.search(ledger, "_")] == ["巡逻_队"]
    assert teams.search(ledger, "%") == []
    assert households.search(ledger, "%") == []
