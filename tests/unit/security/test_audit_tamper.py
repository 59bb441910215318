"""Audit tampering of every kind, done as an attacker would: plain sqlite3 on the file, the append-only triggers
dropped first. Each must make ``verify`` fail naming the right entry, and ``zhzx-desktop audit verify`` exit 1."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import pytest

from tests.helpers import make_id
from zhzx_desktop import cli
from zhzx_desktop.security import audit
from zhzx_desktop.services import residents
from zhzx_desktop.services.ledger import Ledger, open_ledger

N = 40
NAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛"


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "state"
    monkeypatch.setenv("ZHZX_STATE_DIR", str(folder))
    return folder


@pytest.fixture
def logged(ledger: Ledger, db_path: Path) -> Path:
    """A database whose log has N entries, closed (so anchored) like the app leaves it."""
    for i in range(N - 1):
        residents.register(ledger, residents.ResidentInput(name=f"{NAMES[i]}小红", id_number=make_id(seq=i + 1)))
    ledger.audit("view_full_id", object_type="residents", object_label="赵小红", detail="事由：核对身份")
    ledger.close()
    return db_path


@pytest.fixture
def attack(logged: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(logged, isolation_level=None)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("DROP TRIGGER audit_log_no_delete")
    yield conn
    conn.close()


def _rows(conn: sqlite3.Connection) -> list[dict[str, object]]:
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute("SELECT * FROM audit_log ORDER BY seq")]
    finally:
        conn.row_factory = None


def _rehash_all(conn: sqlite3.Connection) -> None:
    """What a careful attacker does after an edit: recompute every hash and link, so the chain is whole again."""
    prev = audit.GENESIS
    for row in _rows(conn):
        row["prev_hash"] = prev
        row["hash"] = prev = audit.entry_hash(row)
        conn.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", (row["prev_hash"], row["hash"],
                                                                                    row["id"]))


def _renumber_from(conn: sqlite3.Connection, k: int, delta: int) -> None:
    conn.execute("UPDATE audit_log SET seq = -seq WHERE seq >= ?", (k,))
    conn.execute("UPDATE audit_log SET seq = -seq + ? WHERE seq < 0", (delta,))


def _broken(db: Path, k: int, *words: str) -> audit.AuditReport:
    conn = sqlite3.connect(db)
    try:
        report = audit.verify(conn)
    finally:
        conn.close()
    assert not report.ok
    assert report.first_broken == k, report
    assert f"第{k}条" in report.problem or f"第{k}至" in report.problem, report.problem
    for word in words:
        assert word in report.problem, report.problem
    assert cli.main(["audit", "verify", "--db", str(db)]) == 1
    return report


def test_the_untouched_log_verifies(logged: Path) -> None:
    assert cli.main(["audit", "verify", "--db", str(logged)]) == 0
    conn = sqlite3.connect(logged)
    report = audit.verify(conn)
    conn.close()
    assert (report.ok, report.entries, report.anchored) == (True, N, True)


@pytest.mark.parametrize("k", [1, 20, N])
@pytest.mark.parametrize(("column", "value"), [("detail", "新增居民 无名氏"), ("actor_name", "别人"), ("success", 0),
                                               ("at", "2026-01-01T08:00:00+08:00"), ("action", "login")])
def test_editing_a_field_of_an_entry(attack: sqlite3.Connection, logged: Path, k: int, column: str,
                                     value: object) -> None:
    attack.execute(f"UPDATE audit_log SET {column} = ? WHERE seq = ?", (value, k))
    _broken(logged, k, "内容被改动")


def test_the_problem_names_the_entry_for_a_person(attack: sqlite3.Connection, logged: Path) -> None:
    attack.execute("UPDATE audit_log SET object_label = '别人' WHERE seq = ?", (N,))
    report = _broken(logged, N)
    assert report.problem.startswith(f"第{N}条记录（") and "查看完整号码" in report.problem


@pytest.mark.parametrize("k", [1, 20])
def test_deleting_an_entry(attack: sqlite3.Connection, logged: Path, k: int) -> None:
    attack.execute("DELETE FROM audit_log WHERE seq = ?", (k,))
    _broken(logged, k, "缺少记录")


def test_deleting_several_entries(attack: sqlite3.Connection, logged: Path) -> None:
    attack.execute("DELETE FROM audit_log WHERE seq BETWEEN 10 AND 12")
    _broken(logged, 10, "第10至12条")


def test_deleting_the_last_entry_is_caught_by_the_anchor(attack: sqlite3.Connection, logged: Path) -> None:
    attack.execute("DELETE FROM audit_log WHERE seq = ?", (N,))
    _broken(logged, N, "末尾的记录被删除")


def test_truncating_the_tail(attack: sqlite3.Connection, logged: Path) -> None:
    attack.execute("DELETE FROM audit_log WHERE seq > 30")
    _broken(logged, 31, "末尾的记录被删除", "第31至40条")


def test_deleting_an_entry_and_renumbering(attack: sqlite3.Connection, logged: Path) -> None:
    attack.execute("DELETE FROM audit_log WHERE seq = 20")
    _renumber_from(attack, 21, -1)
    _broken(logged, 20)


@pytest.mark.parametrize(("a", "b"), [(1, 2), (10, 11), (5, 30), (1, N)])
def test_swapping_two_entries(attack: sqlite3.Connection, logged: Path, a: int, b: int) -> None:
    attack.execute("UPDATE audit_log SET seq = -1 WHERE seq = ?", (a,))
    attack.execute("UPDATE audit_log SET seq = ? WHERE seq = ?", (a, b))
    attack.execute("UPDATE audit_log SET seq = ? WHERE seq = -1", (b,))
    _broken(logged, a, "顺序被调换", f"第{b}条")


def _forge(conn: sqlite3.Connection, k: int, *, good_hash: bool) -> None:
    _renumber_from(conn, k, 1)
    prev = conn.execute("SELECT hash FROM audit_log WHERE seq = ?", (k - 1,)).fetchone()
    row = _rows(conn)[0]
    forged = {**row, "id": "f" * 32, "seq": k, "action": "login", "actor": "wangfang", "actor_name": "王芳",
              "detail": "", "prev_hash": prev[0] if prev else audit.GENESIS}
    forged["hash"] = audit.entry_hash(forged) if good_hash else "0" * 64
    conn.execute(f"INSERT INTO audit_log({', '.join(forged)}) VALUES ({', '.join('?' * len(forged))})",
                 tuple(forged.values()))


@pytest.mark.parametrize("k", [1, 20, N])
def test_inserting_a_forged_entry(attack: sqlite3.Connection, logged: Path, k: int) -> None:
    _forge(attack, k, good_hash=True)
    _broken(logged, k, "插入")


def test_inserting_a_forged_entry_with_a_made_up_hash(attack: sqlite3.Connection, logged: Path) -> None:
    _forge(attack, 20, good_hash=False)
    _broken(logged, 20)


def test_a_forged_entry_from_another_device(attack: sqlite3.Connection, logged: Path) -> None:
    attack.execute("UPDATE audit_log SET device = 'elsewhere' WHERE seq = 20")
    _rehash_all(attack)
    _broken(logged, 20, "设备标识不符")


def test_an_edit_with_the_chain_recomputed_is_caught_by_the_anchor(attack: sqlite3.Connection, logged: Path) -> None:
    attack.execute("UPDATE audit_log SET detail = '新增居民 无名氏' WHERE seq = 20")
    _rehash_all(attack)
    report = _broken(logged, 17, "第17至32条", "重新计算")
    assert report.first_broken is not None and report.first_broken <= 20


def test_an_edit_after_the_last_mark_with_the_chain_recomputed(attack: sqlite3.Connection, logged: Path) -> None:
    attack.execute("UPDATE audit_log SET detail = '' WHERE seq = 38")
    _rehash_all(attack)
    _broken(logged, 33, "第33至40条")


def test_a_deletion_with_renumbering_and_recomputing(attack: sqlite3.Connection, logged: Path) -> None:
    attack.execute("DELETE FROM audit_log WHERE seq = 5")
    _renumber_from(attack, 6, -1)
    _rehash_all(attack)
    _broken(logged, 1, "第1至16条")


def test_a_swap_with_recomputing(attack: sqlite3.Connection, logged: Path) -> None:
    attack.execute("UPDATE audit_log SET seq = -1 WHERE seq = 36")
    attack.execute("UPDATE audit_log SET seq = 36 WHERE seq = 37")
    attack.execute("UPDATE audit_log SET seq = 37 WHERE seq = -1")
    _rehash_all(attack)
    _broken(logged, 33)


# ------------------------------------------------------------------------------------------------ the anchor


def _anchor(state_dir: Path) -> Path:
    (path,) = state_dir.glob("*.audit.json")
    return path


def test_a_garbled_anchor(logged: Path, state_dir: Path) -> None:
    _anchor(state_dir).write_text("{not json", encoding="utf-8")
    report = _problem(logged)
    assert "锚点文件" in report.problem and "损坏" in report.problem


def test_an_anchor_of_another_database(logged: Path, state_dir: Path) -> None:
    path = _anchor(state_dir)
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**data, "db_id": "0" * 32}), encoding="utf-8")
    report = _problem(logged)
    assert "不属于本数据库" in report.problem


def test_an_anchor_replaced_by_a_later_one(logged: Path, state_dir: Path) -> None:
    path = _anchor(state_dir)
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**data, "seq": N + 5}), encoding="utf-8")
    _broken(logged, N + 1, "末尾的记录被删除")


def test_an_anchor_replaced_with_other_hashes(logged: Path, state_dir: Path) -> None:
    path = _anchor(state_dir)
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**data, "hash": "1" * 64}), encoding="utf-8")
    _broken(logged, 33)
    data["marks"]["16"] = "2" * 16
    path.write_text(json.dumps(data), encoding="utf-8")
    _broken(logged, 1, "第1至16条")


def _problem(db: Path) -> audit.AuditReport:
    conn = sqlite3.connect(db)
    report = audit.verify(conn)
    conn.close()
    assert not report.ok and report.problem
    assert cli.main(["audit", "verify", "--db", str(db)]) == 1
    return report


def test_without_the_anchor_a_truncation_goes_unseen_and_verify_says_so(
        attack: sqlite3.Connection, logged: Path, state_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _anchor(state_dir).unlink()
    attack.execute("DELETE FROM audit_log WHERE seq > 30")
    assert cli.main(["audit", "verify", "--db", str(logged)]) == 0
    assert "本机尚无锚点记录" in capsys.readouterr().out


def test_reanchor_does_not_move_over_a_tampered_chain(attack: sqlite3.Connection, logged: Path, state_dir: Path,
                                                      tmp_path: Path) -> None:
    attack.execute("UPDATE audit_log SET detail = 'x' WHERE seq = 39")
    _rehash_all(attack)
    before = _anchor(state_dir).read_text(encoding="utf-8")
    with open_ledger(logged, key_fallback_dir=tmp_path / "keys") as ledger:
        residents.register(ledger, residents.ResidentInput(name="新来的", id_number=make_id(seq=99)))
        assert not audit.reanchor(ledger.store)
    assert _anchor(state_dir).read_text(encoding="utf-8") == before
    _broken(logged, 33)


def test_a_restore_from_an_older_backup_is_no_false_alarm(logged: Path, state_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "backup.db"
    shutil.copy(logged, copy)  # the app's backup, taken now (N entries)
    with open_ledger(logged, key_fallback_dir=tmp_path / "keys") as ledger:
        for i in range(20):
            residents.register(ledger, residents.ResidentInput(name=f"{NAMES[i]}后来", id_number=make_id(seq=200 + i)))
    assert json.loads(_anchor(state_dir).read_text(encoding="utf-8"))["seq"] == N + 20
    shutil.copy(copy, logged)  # restored: the log is older than the anchor
    with open_ledger(logged, key_fallback_dir=tmp_path / "keys") as ledger:
        ledger.audit("restore", object_type="backup", object_label="backup.db")
        report = audit.verify(ledger.store.conn)  # before the restore re-anchors
        assert report.ok, report
    assert json.loads(_anchor(state_dir).read_text(encoding="utf-8"))["seq"] == N + 1
    assert cli.main(["audit", "verify", "--db", str(logged)]) == 0


def test_a_report_is_plain_data(logged: Path) -> None:
    conn = sqlite3.connect(logged)
    report = audit.verify(conn)
    conn.close()
    assert json.loads(json.dumps(asdict(report)))["entries"] == N
