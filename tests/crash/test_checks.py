"""Negative controls: the after-kill check (tests/crash/kill.check_database) sees each kind of half-written state."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.crash.kill import check_database
from tests.helpers import make_id
from zhzx_desktop.services import residents
from zhzx_desktop.services.ledger import Ledger


def _one(ledger: Ledger) -> str:
    return residents.register(ledger, residents.ResidentInput(name="孙秀兰", id_number=make_id(seq=515))).row_id or ""


def _raw(db: Path, *sql: str) -> None:
    conn = sqlite3.connect(str(db), isolation_level=None)
    try:
        for statement in sql:
            conn.execute(statement)
    finally:
        conn.close()


def test_a_healthy_database_passes(ledger: Ledger, db_path: Path) -> None:
    _one(ledger)
    assert check_database(db_path) == []


def test_a_left_transaction_marker_is_seen(ledger: Ledger, db_path: Path) -> None:
    _one(ledger)
    _raw(db_path, "UPDATE sync_state SET v = 'abc' WHERE k = 'current_tx'")
    assert any("current_tx" in p for p in check_database(db_path))


def test_a_resident_without_search_keys_is_seen(ledger: Ledger, db_path: Path) -> None:
    rid = _one(ledger)
    _raw(db_path, f"DELETE FROM search_keys WHERE rid = (SELECT rid FROM residents WHERE id = '{rid}')")
    assert any("without search keys" in p for p in check_database(db_path))
    _raw(db_path, "UPDATE residents SET name = '孙秀英' WHERE 1")  # queued for the index, never refreshed
    assert any("search_pending" in p for p in check_database(db_path))


def test_a_row_without_its_outbox_row_is_seen(ledger: Ledger, db_path: Path) -> None:
    rid = _one(ledger)
    _raw(db_path, f"DELETE FROM sync_outbox WHERE row_id = '{rid}'")
    assert any("residents rows without a sync_outbox row" in p for p in check_database(db_path))


def test_a_case_without_parties_is_seen(ledger: Ledger, db_path: Path) -> None:
    from tests import casework

    case_id = casework.open_case(ledger, casework.village(ledger))
    _raw(db_path, "PRAGMA foreign_keys = OFF", f"DELETE FROM case_mediators WHERE case_id = '{case_id}'",
         f"DELETE FROM case_parties WHERE case_id = '{case_id}'")
    assert any("cases without parties" in p for p in check_database(db_path))
