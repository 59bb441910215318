"""The audit log: the generic summary of writes, sentences, filters, and verify() on an untouched log."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from tests.helpers import make_id
from zhzx_desktop import cli
from zhzx_desktop.domain.roles import Permission, Role
from zhzx_desktop.errors import Forbidden
from zhzx_desktop.security import audit
from zhzx_desktop.security.session import Actor
from zhzx_desktop.services import grids, households, residents
from zhzx_desktop.services.ledger import Ledger

CLERK = Actor("acc-1", "wangfang", "王芳", Role.CLERK)
MEDIATOR = Actor("acc-2", "lisi", "李四", Role.MEDIATOR)
PHONES = ("13800138001", "13912345678", "15055556666")
NAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "state"
    monkeypatch.setenv("ZHZX_STATE_DIR", str(folder))
    return folder


def _log(ledger: Ledger) -> list[audit.AuditEntry]:
    return list(reversed(audit.entries(ledger.store.conn, limit=None)))


def _person(name: str, seq: int, phone: str = "", address: str = "") -> residents.ResidentInput:
    return residents.ResidentInput(name=name, id_number=make_id(seq=seq), phone=phone, address=address)


# ------------------------------------------------------------------------------------------------ the summary


def test_registering_a_resident_writes_one_edit_entry(ledger: Ledger) -> None:
    changes = residents.register(ledger, _person("张三", 1, PHONES[0]))
    (entry,) = _log(ledger)
    assert entry.action == "edit"
    assert (entry.object_type, entry.object_id, entry.object_label) == ("residents", changes.row_id, "张三")
    assert entry.detail == "新增居民 张三"
    assert entry.actor == "system" and entry.role == "system"
    assert audit.sentence(entry).endswith("新增居民 张三")


def test_an_update_names_the_changed_fields_never_their_values(ledger: Ledger) -> None:
    changes = residents.register(ledger, _person("张三", 1, PHONES[0], "一组"))
    assert changes.row_id is not None
    residents.update(ledger, changes.row_id, _person("张三", 1, PHONES[1], "二组"))
    entry = _log(ledger)[-1]
    assert entry.detail == "修改居民 张三（联系电话、住址）"
    assert entry.object_label == "张三"
    assert PHONES[1] not in json.dumps(entry.__dict__, ensure_ascii=False)
    assert "二组" not in entry.detail


def test_the_summary_runs_as_the_logged_in_actor(ledger: Ledger) -> None:
    ledger.session.actor = CLERK
    residents.register(ledger, _person("张三", 1))
    entry = _log(ledger)[-1]
    assert (entry.actor, entry.actor_name, entry.role) == ("wangfang", "王芳", "clerk")
    assert audit.sentence(entry)[17:] == "王芳（录入员）新增居民 张三"


def test_many_rows_are_counted_with_three_names(ledger: Ledger) -> None:
    residents.register_many(ledger, [_person(n, i) for i, n in enumerate(["张三", "李四", "王五", "赵六"], 1)])
    (entry,) = _log(ledger)
    assert entry.detail.startswith("新增居民4条（")
    assert entry.detail.count("、") == 2 and "等" in entry.detail
    assert (entry.object_type, entry.object_id, entry.object_label) == ("", "", "")


def test_an_explicit_entry_suppresses_the_summary(ledger: Ledger) -> None:
    with ledger.store.write():
        residents.register(ledger, _person("张三", 1))
        ledger.audit("import", object_type="residents", detail="导入1人")
    (entry,) = _log(ledger)
    assert entry.action == "import"


def test_a_write_without_changes_to_the_data_writes_no_entry(ledger: Ledger) -> None:
    with ledger.store.write() as conn:
        conn.execute("INSERT INTO app_meta(k, v) VALUES ('something', 'x')")
    assert _log(ledger) == []


def test_a_household_and_its_resident_together_are_two_things(ledger: Ledger) -> None:
    grid = grids.create(ledger, grids.GridInput(name="一组网格")).row_id
    assert _log(ledger)[-1].detail == "新增网格 一组网格"
    with ledger.store.write():
        households.create(ledger, households.HouseholdInput(grid, household_no="A001"))
        residents.register(ledger, _person("张三", 1))
    _, entry = _log(ledger)
    assert "新增户 A001" in entry.detail and "新增居民 张三" in entry.detail
    assert entry.object_type == ""


def test_no_audit_field_ever_holds_an_id_number_or_a_phone(ledger: Ledger) -> None:
    ids = [make_id(seq=i) for i in range(1, 4)]
    created = [residents.register(ledger, residents.ResidentInput(name=n, id_number=i, phone=p, address="一组"))
               for n, i, p in zip(["张三", "李四", "王五"], ids, PHONES, strict=True)]
    for n, change in enumerate(created):
        assert change.row_id is not None
        residents.update(ledger, change.row_id, residents.ResidentInput(
            name="张三丰", id_number=make_id(seq=9 + n), phone="18611112222", address="二组"))
        ledger.audit("view_full_id", object_type="residents", object_id=change.row_id, object_label="张三丰",
                     detail="事由：核对身份")
    secrets = [*ids, *(make_id(seq=9 + n) for n in range(3)), *PHONES, "18611112222"]
    for row in ledger.store.conn.execute("SELECT * FROM audit_log"):
        text = "|".join(str(v) for v in row)
        assert not any(s in text for s in secrets), text
    assert len(_log(ledger)) == 9


def test_summary_overhead_is_small_per_save(ledger: Ledger) -> None:
    """The hook is one indexed probe plus a few small queries per save (the ratio is measured in the notes)."""
    import time

    start = time.perf_counter()
    for i in range(30):
        residents.register(ledger, _person("张三", i + 1))
    with_hook = time.perf_counter() - start
    ledger.store.commit_hooks[:] = [h for h in ledger.store.commit_hooks if h.__qualname__ != "summarise.<locals>.hook"]
    start = time.perf_counter()
    for i in range(30):
        residents.register(ledger, _person("张三", i + 31))
    without = time.perf_counter() - start
    assert len(_log(ledger)) == 30
    assert with_hook < without * 3 + 0.5


# ------------------------------------------------------------------------------------------------ sentences


def _row(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {"at": "2026-11-24T09:15:03+08:00", "actor": "wangfang", "actor_name": "王芳",
                               "role": "mediator", "action": "edit", "object_type": "", "object_id": "",
                               "object_label": "", "success": 1, "detail": ""}
    return {**base, **fields}


def test_sentences_read_as_chinese() -> None:
    assert audit.sentence(_row(action="view_full_id", object_type="residents", object_label="张三",
                               detail="事由：核对身份")) == "2026-11-24 09:15 王芳（调解员）查看完整号码：居民 张三（事由：核对身份）"
    assert audit.sentence(_row(action="login_failed", success=0, detail="第3次")) == \
        "2026-11-24 09:15 王芳（调解员）登录失败（第3次）"
    assert audit.sentence(_row(detail="修改居民 张三（联系电话、住址）")) == \
        "2026-11-24 09:15 王芳（调解员）修改居民 张三（联系电话、住址）"
    assert audit.sentence(_row(action="export", object_type="residents", success=0, detail="磁盘已满")) == \
        "2026-11-24 09:15 王芳（调解员）导出：居民（磁盘已满）——失败"
    assert audit.sentence(_row(action="backup", role="system", actor_name="命令行 root")) == \
        "2026-11-24 09:15 命令行 root 备份"


# ------------------------------------------------------------------------------------------------ filters


def test_filters_and_keyset_paging(ledger: Ledger) -> None:
    ledger.session.actor = CLERK
    for i in range(5):
        residents.register(ledger, _person(f"张{'一二三四五'[i]}", i + 1))
    ledger.session.actor = MEDIATOR
    with pytest.raises(Forbidden):
        ledger.require(Permission.EXPORT, "导出居民")
    ledger.audit("view_full_id", object_type="residents", object_label="张三", detail="事由：调解")
    conn = ledger.store.conn
    assert [e.seq for e in audit.entries(conn, limit=3)] == [7, 6, 5]
    assert [e.seq for e in audit.entries(conn, before_seq=5, limit=3)] == [4, 3, 2]
    assert [e.seq for e in audit.entries(conn, audit.AuditFilter(user="lisi"))] == [7, 6]
    assert [e.seq for e in audit.entries(conn, audit.AuditFilter(user="王芳"))] == [5, 4, 3, 2, 1]
    assert [e.action for e in audit.entries(conn, audit.AuditFilter(failed_only=True))] == ["denied"]
    assert [e.seq for e in audit.entries(conn, audit.AuditFilter(action="view_full_id"))] == [7]
    assert [e.seq for e in audit.entries(conn, audit.AuditFilter(text="张三"))] == [7, 3]
    today = date.fromisoformat(_log(ledger)[0].at[:10])
    assert len(audit.entries(conn, audit.AuditFilter(since=today, until=today))) == 7
    assert audit.entries(conn, audit.AuditFilter(until=date(2000, 1, 1))) == []
    assert audit.users(conn) == [("lisi", "李四"), ("wangfang", "王芳")]


# ------------------------------------------------------------------------------------------------ verify


def test_an_untouched_log_verifies_after_a_realistic_session(ledger: Ledger, db_path: Path,
                                                             state_dir: Path, tmp_path: Path) -> None:
    ledger.session.actor = CLERK
    ids = []
    for i in range(20):
        change = residents.register(ledger, _person(f"{NAMES[i]}小明", i + 1, PHONES[i % 3]))
        ids.append(change.row_id)
    residents.update(ledger, str(ids[0]), _person("赵小明", 1, PHONES[1], "三组"))
    residents.set_status(ledger, [str(i) for i in ids[:3]], "moved_out")
    ledger.audit("view_full_id", object_type="residents", object_id=str(ids[1]), object_label="钱小明",
                 detail="事由：核对")
    ledger.session.actor = MEDIATOR
    with pytest.raises(Forbidden):
        ledger.require(Permission.EXPORT, "导出居民")
    report = audit.verify(ledger.store.conn)
    assert report.ok and report.first_broken is None and report.problem == ""
    n = report.entries
    assert n >= 23
    ledger.close()
    anchor = json.loads(next(state_dir.glob("*.audit.json")).read_text(encoding="utf-8"))
    assert anchor["seq"] == n and "16" in anchor["marks"]
    assert cli.main(["audit", "verify", "--db", str(db_path)]) == 0
    # more work later: the anchor moves forward along the chain
    from zhzx_desktop.services.ledger import open_ledger

    with open_ledger(db_path, key_fallback_dir=tmp_path / "keys") as again:
        residents.register(again, _person("后来的人", 90))
        assert audit.reanchor(again.store)
        assert audit.verify(again.store.conn).anchored
    anchor = json.loads(next(state_dir.glob("*.audit.json")).read_text(encoding="utf-8"))
    assert anchor["seq"] == n + 1
    assert cli.main(["audit", "verify", "--db", str(db_path)]) == 0


def test_cli_verify_and_list(ledger: Ledger, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger.session.actor = CLERK
    residents.register(ledger, _person("张三", 1))
    ledger.audit("login_failed", success=False, detail="第3次")
    ledger.close()
    assert cli.main(["audit", "verify", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("审计日志完整：共2条，最后一条：") and "登录失败（第3次）" in out
    assert cli.main(["audit", "list", "--db", str(db_path), "--failed"]) == 0
    out = capsys.readouterr().out
    assert "登录失败" in out and "新增居民" not in out
    assert cli.main(["audit", "list", "--db", str(db_path), "--json", "--user", "wangfang"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [e["seq"] for e in listed] == [2, 1] and listed[1]["sentence"].endswith("新增居民 张三")
    assert cli.main(["audit", "list", "--db", str(db_path), "--action", "nope"]) == 2


def test_cli_verify_is_read_only(ledger: Ledger, db_path: Path) -> None:
    residents.register(ledger, _person("张三", 1))
    ledger.close()
    before = db_path.read_bytes()
    assert cli.main(["audit", "verify", "--db", str(db_path)]) == 0
    assert db_path.read_bytes() == before


def test_cli_verify_on_a_missing_file_is_an_error(tmp_path: Path) -> None:
    assert cli.main(["audit", "verify", "--db", str(tmp_path / "nope.db")]) == 2


def test_the_append_only_triggers_refuse_update_and_delete(ledger: Ledger, db_path: Path) -> None:
    residents.register(ledger, _person("张三", 1))
    ledger.close()
    conn = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE audit_log SET detail = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM audit_log")
    conn.close()


def test_a_crash_before_the_anchor_moves_is_no_false_alarm(ledger: Ledger, db_path: Path) -> None:
    residents.register(ledger, _person("张三", 1))
    assert audit.reanchor(ledger.store)
    for i in range(5):  # committed, but the anchor was never moved (the process died before close)
        residents.register(ledger, _person("李四", i + 2))
    ledger.store.close()
    assert cli.main(["audit", "verify", "--db", str(db_path)]) == 0


def test_a_rolled_back_write_never_moves_the_anchor(ledger: Ledger) -> None:
    with pytest.raises(RuntimeError), ledger.store.write():
        ledger.audit("export", detail="x")
        assert not audit.reanchor(ledger.store)
        raise RuntimeError("crash")
    assert audit.verify(ledger.store.conn).ok
