"""Encrypted backups on real files: round trip, damage of every kind refused, rotation, the second folder, restore
keeps a copy, and the health check finds a corrupted page and a broken audit chain."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from zhzx_desktop.errors import KnownError
from zhzx_desktop.security.field_crypto import FieldCipher
from zhzx_desktop.services import backups, demo, residents
from zhzx_desktop.services.ledger import Ledger, open_ledger
from zhzx_desktop.storage import migrations
from zhzx_desktop.storage.db import Store

T0 = datetime(2026, 11, 23, 8, 30, 0).astimezone()


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The audit anchor (written after a restore) goes to a temp state dir, never the real profile."""
    monkeypatch.setenv("ZHZX_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "state"


@pytest.fixture
def filled(ledger: Ledger) -> Ledger:
    demo.populate(ledger, residents=60, seed=3, cases=4)
    return ledger


def _rows(path: Path, table: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
    finally:
        conn.close()


def test_round_trip_restores_the_same_rows_and_the_ids_still_decrypt(filled: Ledger, tmp_path: Path) -> None:
    folder = tmp_path / "bk"
    made = backups.run_backup(filled, dest_dir=folder, now=T0)
    assert made.path.name == f"zhzx-{filled.store.meta('db_id')[:8]}-20261123-083000.zbk"  # type: ignore[index]
    header = backups.read_header(made.path)
    assert header.db_id == filled.store.meta("db_id") and header.key_check == filled.store.meta("key_check")
    assert header.schema_version == migrations.LATEST and header.escrow is None and header.size > 0
    assert b"SQLite format" not in made.path.read_bytes()  # encrypted
    assert not list(filled.store.path.parent.glob(".*.tmp"))  # the plain temp is gone
    expected = _rows(filled.store.path, "residents")
    one = filled.store.conn.execute("SELECT id FROM residents ORDER BY rowid LIMIT 1").fetchone()[0]
    full_id = residents.reveal_id(filled, str(one), "核对")
    target = tmp_path / "fresh" / "restored.db"
    got = backups.restore(made.path, target, filled.cipher)
    assert got.aside is None
    assert _rows(target, "residents") == expected
    assert _rows(target, "households") == _rows(filled.store.path, "households")
    with Ledger(Store(target), filled.cipher) as again:
        actions = [r[0] for r in again.store.conn.execute("SELECT action FROM audit_log ORDER BY seq")]
        assert actions[-1] == "restore"
        assert residents.reveal_id(again, str(one), "核对") == full_id
    actions = [r[0] for r in filled.store.conn.execute("SELECT action FROM audit_log ORDER BY seq")]
    assert "backup" in actions


def test_progress_is_reported_and_rises(filled: Ledger, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    backups.backup(filled, tmp_path / "bk", progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (1000, 1000)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


@pytest.mark.parametrize("damage", ["flip", "truncate", "header", "append", "swap"])
def test_a_damaged_backup_is_refused_in_chinese(ledger: Ledger, tmp_path: Path, damage: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backups, "CHUNK_BYTES", 4096)  # several chunks, so reordering can be tried
    demo.populate(ledger, residents=20, seed=1, cases=0)
    path = backups.backup(ledger, tmp_path / "bk")
    data = bytearray(path.read_bytes())
    head_end = data.index(b"\n", len(backups.MAGIC)) + 1
    if damage == "flip":
        data[head_end + 200] ^= 0x01
    elif damage == "truncate":
        data = data[:len(data) - 100]
    elif damage == "header":
        data[:head_end] = data[:head_end].replace(b'"app_version": "', b'"app_version": "9')
    elif damage == "append":
        data += b"\x00" * 10
    else:  # swap the first two sealed chunks
        n1 = int.from_bytes(data[head_end:head_end + 4], "big")
        first = data[head_end:head_end + 4 + n1]
        n2 = int.from_bytes(data[head_end + 4 + n1:head_end + 8 + n1], "big")
        second = data[head_end + 4 + n1:head_end + 8 + n1 + n2]
        data[head_end:head_end + len(first) + len(second)] = second + first
    path.write_bytes(bytes(data))
    target = tmp_path / "target.db"
    target.write_bytes(b"the clerk's current file")
    with pytest.raises(KnownError, match=r"损坏|改动|校验|不完整"):
        backups.restore(path, target, ledger.cipher)
    assert target.read_bytes() == b"the clerk's current file"  # nothing touched
    assert not list(tmp_path.glob(".*.tmp")) and not list(tmp_path.glob("*.before-restore-*"))


def test_a_backup_under_another_key_is_refused(filled: Ledger, tmp_path: Path) -> None:
    path = backups.backup(filled, tmp_path / "bk")
    with pytest.raises(KnownError, match="不是用本机这个数据密钥加密的"):
        backups.restore(path, tmp_path / "x.db", FieldCipher(FieldCipher.new_key()))
    assert not (tmp_path / "x.db").exists()


def test_not_a_backup_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.zbk"
    junk.write_bytes(b"PK\x03\x04 definitely a zip")
    with pytest.raises(KnownError, match="不是本程序的备份文件"):
        backups.read_header(junk)
    assert backups.list_backups(tmp_path) == []


def test_rotation_keeps_the_newest_fourteen(ledger: Ledger, tmp_path: Path) -> None:
    folder = tmp_path / "bk"
    other = folder / "zhzx-otherdb0-20200101-000000.zbk"  # another database's backup is never rotated out
    folder.mkdir()
    made = []
    for day in range(17):
        made.append(backups.run_backup(ledger, dest_dir=folder, now=T0 + timedelta(days=day)).path)
    other.write_bytes(made[-1].read_bytes().replace(ledger.store.meta("db_id").encode(), b"f" * 32))  # type: ignore[union-attr]
    backups.run_backup(ledger, dest_dir=folder, now=T0 + timedelta(days=30))
    listed = backups.list_backups(folder, ledger.store.meta("db_id"))
    assert len(listed) == 14
    assert listed[0].header.created.date() == (T0 + timedelta(days=30)).date()
    assert {b.path for b in listed} >= set(made[-13:])
    assert not made[3].exists()
    assert other.exists() and len(backups.list_backups(folder)) == 15


def test_the_second_folder_gets_a_copy_and_a_missing_one_is_only_a_warning(ledger: Ledger, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    made = backups.run_backup(ledger, dest_dir=tmp_path / "bk", extra_dir=usb)
    assert made.copy == usb / made.path.name and made.copy.read_bytes() == made.path.read_bytes()
    assert made.warnings == []
    gone = backups.run_backup(ledger, dest_dir=tmp_path / "bk", extra_dir=tmp_path / "unplugged",
                              now=T0)
    assert gone.path.exists() and gone.copy is None
    assert len(gone.warnings) == 1 and "U盘" in gone.warnings[0]


def test_an_unwritable_second_folder_is_only_a_warning(ledger: Ledger, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    name = f"zhzx-{ledger.store.meta('db_id')[:8]}-20261123-083000.zbk"  # type: ignore[index]
    (usb / name).mkdir(parents=True)  # the copy cannot be renamed over a folder: like a write-protected stick
    made = backups.run_backup(ledger, dest_dir=tmp_path / "bk", extra_dir=usb, now=T0)
    assert made.path.exists() and made.copy is None
    assert len(made.warnings) == 1 and "无法写入" in made.warnings[0]
    assert [p.name for p in usb.iterdir()] == [name]  # no temp left behind


def test_restore_moves_the_current_database_aside_first(db_path: Path, tmp_path: Path) -> None:
    with open_ledger(db_path, key_fallback_dir=tmp_path / "keys") as first:
        demo.populate(first, residents=10, seed=1, cases=0)
        path = backups.backup(first, tmp_path / "bk")
        before = _rows(db_path, "residents")
        with first.store.write() as conn:  # later work, lost by the restore but kept aside
            conn.execute("UPDATE residents SET notes = '恢复前的修改' WHERE rowid = 1")
        after = _rows(db_path, "residents")
        cipher = first.cipher
    assert after != before
    got = backups.restore(path, db_path, cipher)
    assert got.aside is not None and got.aside.name.startswith("zhzx.db.before-restore-")
    assert got.previous_entries is not None and got.previous_entries >= 1
    assert _rows(got.aside, "residents") == after
    assert _rows(db_path, "residents") == before
    with open_ledger(db_path, key_fallback_dir=tmp_path / "keys") as reopened:
        assert backups.check(reopened) == []
        detail = reopened.store.conn.execute("SELECT detail FROM audit_log WHERE action = 'restore'").fetchone()[0]
        assert got.aside.name in detail and "备份时间" in detail


def test_restore_latest_skips_an_unreadable_newest_backup(ledger: Ledger, tmp_path: Path) -> None:
    folder = tmp_path / "bk"
    good = backups.run_backup(ledger, dest_dir=folder, now=T0).path
    bad = backups.run_backup(ledger, dest_dir=folder, now=T0 + timedelta(hours=1)).path
    bad.write_bytes(bad.read_bytes()[:-50])
    got = backups.restore_latest(folder, tmp_path / "new.db", ledger.store.meta("db_id"))
    assert got.header == backups.read_header(good)


def test_check_of_a_healthy_database_is_empty_and_audited(filled: Ledger) -> None:
    assert backups.check(filled) == []
    assert backups.check(filled.store.path) == []
    row = filled.store.conn.execute("SELECT action, success FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    assert row == ("check", 1)


def test_check_finds_a_corrupted_page(filled: Ledger, tmp_path: Path) -> None:
    path = filled.store.path
    filled.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    filled.close()
    size = path.stat().st_size
    page = 4096
    with path.open("r+b") as handle:  # garbage over a page in the middle (not the header page)
        handle.seek((size // page // 2) * page)
        handle.write(b"\xde\xad\xbe\xef" * (page // 4))
    problems = backups.check(path)
    assert problems and "损坏" in problems[0]


def test_check_finds_a_broken_audit_chain(filled: Ledger) -> None:
    from zhzx_desktop.security import audit
    if not hasattr(audit, "verify"):
        pytest.skip("audit.verify is not there yet (audit helper)")
    filled.audit("backup", object_label="x")
    filled.audit("backup", object_label="y")
    conn = filled.store.conn
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
                            ).fetchall()
    for name, _ in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    conn.execute("UPDATE audit_log SET object_label = 'z' WHERE seq = (SELECT max(seq) - 1 FROM audit_log)")
    problems = backups.check(filled.store.path)
    assert any(p.startswith("审计日志校验失败") and "第" in p for p in problems)


def test_check_finds_a_missing_capture_trigger_and_a_bad_outbox(filled: Ledger) -> None:
    conn = filled.store.conn
    conn.execute("DROP TRIGGER residents_capture_update")
    conn.execute("UPDATE sync_outbox SET state = 'inflight', batch_id = NULL WHERE seq = 1")
    problems = backups.check(filled.store.path)
    assert any("residents" in p and "触发器" in p for p in problems)
    assert any("不属于任何批次" in p for p in problems)


def test_check_of_junk_and_of_a_missing_file(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 500)
    assert "损坏" in backups.check(junk)[0]
    assert "找不到" in backups.check(tmp_path / "nothing.db")[0]


def test_the_key_must_be_in_the_keyring(filled: Ledger, memory_keyring: object) -> None:
    from tests.memory_keyring import MemoryKeyring
    assert isinstance(memory_keyring, MemoryKeyring)
    memory_keyring.entries.clear()
    problems = backups.check(filled.store.path)
    assert any("找不到本数据库的数据密钥" in p for p in problems)
