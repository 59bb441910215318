import sqlite3
from pathlib import Path

import pytest

from zhzx_desktop.errors import KnownError
from zhzx_desktop.storage import migrations
from zhzx_desktop.storage.db import Store


def test_empty_file_migrates_to_latest_with_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with Store(path) as store:
        conn = store.conn
        assert migrations.schema_version(conn) == migrations.LATEST
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert set(migrations.CAPTURED_TABLES) <= tables
        assert {"sync_state", "sync_outbox", "sync_conflicts", "sync_deferred", "search_keys"} <= tables
        triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        for table in migrations.CAPTURED_TABLES:
            assert {f"{table}_capture_insert", f"{table}_capture_update", f"{table}_capture_delete"} <= triggers
        assert len(store.meta("db_id") or "") == 32


def test_reopening_does_not_migrate_again(tmp_path: Path) -> None:
    path = tmp_path / "again.db"
    Store(path).close()
    with Store(path) as store:
        first_id = store.meta("db_id")
    with Store(path) as store:
        assert store.meta("db_id") == first_id
        assert migrations.migrate(store.conn) == migrations.LATEST


def test_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
    conn.close()
    with pytest.raises(KnownError, match="升级"):
        Store(path)


def test_a_failing_migration_leaves_the_old_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    monkeypatch.setattr(migrations, "MIGRATIONS", (broken,))
    monkeypatch.setattr(migrations, "LATEST", 1)
    path = tmp_path / "broken.db"
    with pytest.raises(RuntimeError):
        Store(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").fetchone()[0] == 0


def test_not_a_database_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(KnownError, match="无法打开数据库"):
        Store(path)


def test_v2_database_upgrades_to_the_latest_and_captures_the_new_columns(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "v2.db"
    with monkeypatch.context() as patched:
        patched.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:2])
        patched.setattr(migrations, "LATEST", 2)
        with Store(path) as store, store.write() as conn:  # two villages' committees, as older demos made
            conn.executemany("INSERT INTO cases(id, case_no, case_year, case_seq, status, created_at) "
                             "VALUES (?, ?, 2026, 1, 'accepted', '2026-11-01T00:00:00Z')",
                             [("c1", "（2026）X村人调字第001号"), ("c0", "（2026）Y村人调字第001号")])
    with Store(path) as store:
        assert migrations.schema_version(store.conn) == migrations.LATEST
        with store.write() as conn:
            conn.execute("UPDATE cases SET retention = '长期' WHERE id = 'c1'")
            with pytest.raises(sqlite3.IntegrityError):  # the printed number stays unique
                conn.execute("INSERT INTO cases(id, case_no, case_year, case_seq, created_at) "
                             "VALUES ('c2', '（2026）X村人调字第001号', 2026, 1, '2026-11-01T00:00:00Z')")
        data = store.conn.execute("SELECT data FROM sync_outbox WHERE table_name = 'cases' AND op = 'update'"
                                  ).fetchone()[0]
        assert '"retention":["","长期"]' in data.replace(" ", "")


def test_v4_keeps_the_device_keyed_id_hash_on_this_pc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """id_hmac is keyed with this database's key: from v4 on it never enters the outbox, id_cipher still does."""
    path = tmp_path / "v3.db"
    with monkeypatch.context() as patched:
        patched.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:3])
        patched.setattr(migrations, "LATEST", 3)
        with Store(path) as store, store.write() as conn:
            conn.execute("INSERT INTO residents(id, name, id_cipher, id_hmac, created_at) "
                         "VALUES ('r1', '王小明', 'c0', 'h0', '2026-11-01T00:00:00Z')")
    with Store(path) as store:
        with store.write() as conn:
            conn.execute("UPDATE residents SET id_cipher = 'c1', id_hmac = 'h1', verified_on = '2026-11-20' "
                         "WHERE id = 'r1'")
            conn.execute("INSERT INTO residents(id, name, id_cipher, id_hmac, created_at) "
                         "VALUES ('r2', '李小红', 'c2', 'h2', '2026-11-01T00:00:00Z')")
        rows = store.conn.execute("SELECT op, data FROM sync_outbox WHERE seq > 1 ORDER BY seq").fetchall()
    assert [op for op, _ in rows] == ["update", "insert"]
    assert all("id_hmac" not in data for _, data in rows)
    assert '"id_cipher":["c0","c1"]' in rows[0][1] and '"verified_on":[null,"2026-11-20"]' in rows[0][1]
    assert '"id_cipher":"c2"' in rows[1][1]


def _v4_database(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patched:
        patched.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:4])
        patched.setattr(migrations, "LATEST", 4)
        with Store(path) as store, store.write() as conn:
            conn.execute("INSERT INTO residents(id, name, id_cipher, id_hmac, created_at) "
                         "VALUES ('r1', '王小明', 'c0', 'h0', '2026-11-01T00:00:00Z')")


def test_an_existing_database_is_copied_before_it_is_migrated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.db"
    _v4_database(path, monkeypatch)
    with Store(path) as store:
        assert migrations.schema_version(store.conn) == migrations.LATEST
        note = store.meta(migrations.MIGRATED_META)
    copies = list(tmp_path.glob("old.db.v4-*.bak"))
    assert len(copies) == 1 and note is not None and copies[0].name in note
    conn = sqlite3.connect(copies[0])
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
    assert conn.execute("SELECT name FROM residents").fetchall() == [("王小明",)]
    conn.close()


def test_a_new_database_makes_no_copy(tmp_path: Path) -> None:
    Store(tmp_path / "new.db").close()
    assert list(tmp_path.glob("*.bak")) == []


def test_only_the_newest_three_copies_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    for stamp in ("20261101-080000", "20261102-080000", "20261103-080000", "20261104-080000"):
        (tmp_path / f"old.db.v3-{stamp}.bak").write_bytes(b"older copy")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 3")  # pretend: an old empty database (the copy is what matters here)
    conn.close()
    conn = sqlite3.connect(path, isolation_level=None)
    copy = migrations._copy_before_migrating(conn, 3)
    conn.close()
    left = sorted(p.name for p in tmp_path.glob("old.db.v*.bak"))
    assert copy is not None and copy.name in left and len(left) == 3
    assert "old.db.v3-20261101-080000.bak" not in left and "old.db.v3-20261102-080000.bak" not in left


def test_a_failing_step_leaves_the_old_database_usable_and_says_where_the_copy_is(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.db"
    _v4_database(path, monkeypatch)

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        conn.execute("UPDATE residents SET name = '改坏了'")
        raise RuntimeError("disk trouble")

    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS[:4], broken))
    with pytest.raises(KnownError) as failed:
        Store(path)
    copies = list(tmp_path.glob("old.db.v4-*.bak"))
    assert len(copies) == 1
    assert "没有被改动" in failed.value.message and str(copies[0]) in failed.value.message
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
    assert conn.execute("SELECT name FROM residents").fetchall() == [("王小明",)]
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").fetchone()[0] == 0
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_a_successful_migration_is_audited_once_by_the_ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from zhzx_desktop.services.ledger import open_ledger

    monkeypatch.setenv("ZHZX_STATE_DIR", str(tmp_path / "state"))
    path = tmp_path / "old.db"
    _v4_database(path, monkeypatch)
    with open_ledger(path, key_fallback_dir=tmp_path / "keys") as ledger:
        rows = ledger.store.conn.execute("SELECT action, detail FROM audit_log WHERE action = 'migrate'").fetchall()
        assert ledger.store.meta(migrations.MIGRATED_META) is None
    assert len(rows) == 1 and f"第4版→第{migrations.LATEST}版" in rows[0][1] and ".bak" in rows[0][1]
    with open_ledger(path, key_fallback_dir=tmp_path / "keys") as ledger:
        assert ledger.store.conn.execute("SELECT count(*) FROM audit_log WHERE action = 'migrate'").fetchone()[0] == 1
