"""Change capture (SYNC.md §7.2): triggers fill the outbox in the same transaction as the data, on every path."""

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from zhzx_desktop.storage.db import Store


def _outbox(conn: sqlite3.Connection) -> list[tuple]:
    return conn.execute("SELECT table_name, row_id, op, data, tx_id FROM sync_outbox ORDER BY seq").fetchall()


def _grid(conn: sqlite3.Connection, grid_id: str, name: str = "一网格") -> None:
    conn.execute("INSERT INTO grids(id, name, created_at) VALUES (?, ?, '2026-01-01T00:00:00Z')", (grid_id, name))


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "c.db") as opened:
        yield opened


def test_insert_update_delete_are_captured_with_diffs(store: Store) -> None:
    with store.write() as conn:
        _grid(conn, "g1")
    with store.write() as conn:
        conn.execute("UPDATE grids SET name = '二网格', notes = '东片' WHERE id = 'g1'")
    with store.write() as conn:
        conn.execute("DELETE FROM grids WHERE id = 'g1'")
    (t1, r1, op1, d1, _), (_, _, op2, d2, _), (_, r3, op3, d3, _) = _outbox(store.conn)
    assert (t1, r1, op1) == ("grids", "g1", "insert")
    assert json.loads(d1) == {"id": "g1", "code": "", "name": "一网格", "notes": "", "status": "active",
                              "created_at": "2026-01-01T00:00:00Z"}
    assert op2 == "update" and json.loads(d2) == {"name": ["一网格", "二网格"], "notes": ["", "东片"]}
    assert (r3, op3, json.loads(d3)) == ("g1", "delete", {})


def test_noop_update_is_skipped(store: Store) -> None:
    with store.write() as conn:
        _grid(conn, "g1")
        conn.execute("UPDATE grids SET name = name, notes = '' WHERE id = 'g1'")
    assert [op for _, _, op, _, _ in _outbox(store.conn)] == ["insert"]


def test_null_to_value_and_back_are_changes(store: Store) -> None:
    with store.write() as conn:
        _grid(conn, "g1")
        conn.execute("INSERT INTO households(id, grid_id, created_at) VALUES ('h1', NULL, 'x')")
        conn.execute("UPDATE households SET grid_id = 'g1' WHERE id = 'h1'")
        conn.execute("UPDATE households SET grid_id = NULL WHERE id = 'h1'")
    diffs = [json.loads(d) for t, _, op, d, _ in _outbox(store.conn) if op == "update"]
    assert diffs == [{"grid_id": [None, "g1"]}, {"grid_id": ["g1", None]}]


def test_one_transaction_shares_one_tx_id(store: Store) -> None:
    with store.write() as conn:
        _grid(conn, "g1")
        _grid(conn, "g2")
    with store.write() as conn:
        _grid(conn, "g3")
    tx = [row[4] for row in _outbox(store.conn)]
    assert tx[0] == tx[1] and tx[0] != tx[2] and all(tx)
    assert store.conn.execute("SELECT v FROM sync_state WHERE k = 'current_tx'").fetchone()[0] == ""


def test_a_write_outside_the_app_is_still_captured(tmp_path: Path) -> None:
    path = tmp_path / "outside.db"
    Store(path).close()
    plain = sqlite3.connect(path)  # no app code at all: a county technician's ad-hoc fix
    plain.execute("INSERT INTO grids(id, name, created_at) VALUES ('g9', '外部网格', 'x')")
    plain.execute("UPDATE grids SET name = '外部网格二' WHERE id = 'g9'")
    plain.commit()
    plain.close()
    with Store(path) as store:
        rows = _outbox(store.conn)
    assert [(t, r, op, tx) for t, r, op, _, tx in rows] == [("grids", "g9", "insert", None), ("grids", "g9", "update", None)]


def test_remote_applies_are_not_echoed(store: Store) -> None:
    with store.write() as conn:
        conn.execute("UPDATE sync_state SET v = '1' WHERE k = 'applying_remote'")
        _grid(conn, "from-county")
        conn.execute("UPDATE sync_state SET v = '0' WHERE k = 'applying_remote'")
        _grid(conn, "local")
    assert [r for _, r, _, _, _ in _outbox(store.conn)] == ["local"]


def test_rollback_discards_data_and_outbox_together(store: Store) -> None:
    with pytest.raises(RuntimeError), store.write() as conn:
        _grid(conn, "g1")
        raise RuntimeError("clerk pressed cancel")
    assert store.conn.execute("SELECT count(*) FROM grids").fetchone()[0] == 0
    assert _outbox(store.conn) == []


def test_primary_key_cannot_change(store: Store) -> None:
    with store.write() as conn:
        _grid(conn, "g1")
    with pytest.raises(sqlite3.IntegrityError, match="cannot change"), store.write() as conn:
        conn.execute("UPDATE grids SET id = 'g2' WHERE id = 'g1'")


def test_hlc_is_monotonic_and_seq_orders_changes(store: Store) -> None:
    with store.write() as conn:
        for i in range(50):
            _grid(conn, f"g{i}")
    hlcs = [r[0] for r in store.conn.execute("SELECT hlc FROM sync_outbox ORDER BY seq")]
    assert hlcs == sorted(hlcs) and len(set(hlcs)) == len(hlcs)


def test_hlc_does_not_go_back_when_the_clock_does(store: Store) -> None:
    future = "9999999999999-000000".rjust(23, "0")  # as if an earlier edit was stamped far in the future
    store.conn.execute("UPDATE sync_state SET v = ? WHERE k = 'hlc'", (future,))
    with store.write() as conn:
        _grid(conn, "g1")
    hlc = store.conn.execute("SELECT hlc FROM sync_outbox").fetchone()[0]
    assert hlc > future


_WRITER = """
import sys
from zhzx_desktop.storage.db import Store
store = Store(sys.argv[1])
i = 0
while True:
    with store.write() as conn:
        for j in range(20):
            conn.execute("INSERT INTO grids(id, name, created_at) VALUES (?, 'g', 'x')", (f"{i}-{j}",))
    if i == 0:
        print("ready", flush=True)  # one transaction is committed: the kill can only come after it
    i += 1
"""


@pytest.mark.parametrize("attempt", range(6))
def test_killed_inside_write_transactions_leaves_data_and_outbox_consistent(tmp_path: Path, attempt: int) -> None:
    path = tmp_path / "kill.db"
    Store(path).close()
    proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    time.sleep(random.Random(attempt).uniform(0.05, 0.6))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    data = {r[0] for r in conn.execute("SELECT id FROM grids")}
    captured = [r[0] for r in conn.execute("SELECT row_id FROM sync_outbox WHERE table_name = 'grids'")]
    assert data, "the writer committed nothing before it was killed"
    assert sorted(captured) == sorted(data)
    assert len(data) % 20 == 0  # whole transactions only
