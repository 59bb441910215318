"""The village side of push and pull on real SQLite files, without a server: freeze, ack, quarantine, pull apply,
deferral, epochs, lock, status texts."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from sync import client, outbox, status
from sync.client import SyncBusy, SyncLock
from tests.helpers import make_id
from zhzx_desktop.services import residents
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.storage.db import Store


def _add(ledger: Ledger, name: str, n: int, phone: str = "") -> str:
    data = residents.ResidentInput(name=name, id_number=make_id(born="19800101", seq=n), phone=phone or f"139{n:08d}",
                                   address=f"一组{n}号")
    return residents.register(ledger, data).row_id or ""


def _sync_store(ledger: Ledger) -> Store:
    return client.open_sync_store(ledger.store.path)


def _states(store: Store) -> dict[str, int]:
    return dict(store.conn.execute("SELECT state, count(*) FROM sync_outbox GROUP BY state").fetchall())


def test_freeze_reuses_the_inflight_batch_and_never_splits_a_transaction(ledger: Ledger) -> None:
    ids = [_add(ledger, "张" + "一二三四五"[i - 1], i) for i in range(1, 6)]  # each register: one tx (resident + maybe household)
    store = _sync_store(ledger)
    try:
        first = outbox.freeze(store, max_changes=1)
        assert first is not None
        assert {c["tx_id"] for c in first.changes} == {"0"}  # one local transaction: one label in the batch
        tx_rows = store.conn.execute("SELECT count(*) FROM sync_outbox WHERE tx_id = (SELECT tx_id FROM sync_outbox "
                                     "WHERE change_id = ?)", (first.changes[0]["change_id"],)).fetchone()[0]
        assert len(first.changes) == tx_rows  # the whole transaction, even over max_changes
        again = outbox.freeze(store, max_changes=1000)
        assert again is not None
        assert again.batch_id == first.batch_id
        assert [c["change_id"] for c in again.changes] == [c["change_id"] for c in first.changes]
        body = again.body(device_id="d", device_epoch="e")
        assert body["payload_sha256"] == first.body(device_id="d", device_epoch="e")["payload_sha256"]
        assert all("id_hmac" not in c["data"] for c in again.changes)
        attempts = store.conn.execute("SELECT max(attempts) FROM sync_outbox WHERE batch_id = ?",
                                      (first.batch_id,)).fetchone()[0]
        assert attempts == 2
        assert ids[0] in {c["row_id"] for c in first.changes}
    finally:
        store.close()


def test_ack_marks_acked_applies_merged_rows_and_mirrors_conflicts(ledger: Ledger) -> None:
    rid = _add(ledger, "王小明", 7, phone="13900000007")
    store = _sync_store(ledger)
    try:
        batch = outbox.freeze(store, max_changes=100)
        assert batch is not None
        row = {c["row_id"]: c for c in batch.changes if c["table"] == "residents"}[rid]["data"]
        county_row = dict(row, status="moved_out", phone="13911112222")
        results = []
        for c in batch.changes:
            if c["row_id"] == rid:
                results.append({"change_id": c["change_id"], "result": "conflict", "server_seq": 9, "version": 2,
                                "row": county_row, "deleted": False, "conflicts": [
                                    {"field": "phone", "mine": "13900000007", "theirs": "13911112222",
                                     "resolution": "county_wins"}]})
            else:
                results.append({"change_id": c["change_id"], "result": "applied", "server_seq": 3, "version": 1})
        summary = outbox.record_ack(store, batch.batch_id, {"batch_id": batch.batch_id, "results": results})
        assert summary.conflicts == 1 and summary.applied == len(batch.changes) - 1
        assert _states(store) == {"acked": len(batch.changes)}
        got = store.conn.execute("SELECT status, phone, id_hmac FROM residents WHERE id = ?", (rid,)).fetchone()
        assert got[0] == "moved_out" and got[1] == "13911112222"
        assert got[2] is not None  # the device-local id_hmac is never overwritten by a county row
        assert store.conn.execute("SELECT v FROM sync_state WHERE k = 'applying_remote'").fetchone()[0] == "0"
        assert store.conn.execute("SELECT count(*) FROM sync_outbox WHERE state = 'pending'").fetchone()[0] == 0
        cards = status.conflicts(store.conn)
        assert len(cards) == 1
        assert cards[0].text.startswith("居民 王小明 的「")
        assert "按规则采用县里的值" in cards[0].text
        assert "13911112222" not in cards[0].text and "13900000007" not in cards[0].text
        assert "139****2222" in cards[0].text
        # importing the same ack again changes nothing
        again = outbox.record_ack(store, batch.batch_id, {"batch_id": batch.batch_id, "results": results})
        assert again.ignored == len(results) and len(status.conflicts(store.conn)) == 1
    finally:
        store.close()


def test_rejected_change_is_quarantined_with_dependents_and_later_changes_go_on(ledger: Ledger) -> None:
    bad = _add(ledger, "李四", 11)
    store = _sync_store(ledger)
    try:
        batch = outbox.freeze(store, max_changes=1)
        assert batch is not None
        ledger.store.conn.execute("SELECT 1")
        residents.update(ledger, bad, replace(residents.load(ledger, bad)[0], address="二组"))  # same row, later
        other = _add(ledger, "赵五", 12)  # unrelated
        reason = "数据不符合要求：出生日期晚于今天"
        results = [{"change_id": c["change_id"], "result": "rejected", "code": "invalid", "reason": reason}
                   if c["row_id"] == bad else {"change_id": c["change_id"], "result": "applied", "version": 1}
                   for c in batch.changes]
        summary = outbox.record_ack(store, batch.batch_id, {"results": results})
        assert summary.rejected == 1 and summary.quarantined >= 2
        q = status.quarantined(store.conn)
        assert any(item.reason == reason and item.label == "居民 李四" for item in q)
        assert any("依赖的记录被县里退回" in item.reason for item in q)
        pending_rows = {r[0] for r in store.conn.execute("SELECT row_id FROM sync_outbox WHERE state = 'pending'")}
        assert other in pending_rows and bad not in pending_rows
        recs = status.records(store.conn, state=status.RETURNED)
        assert recs and recs[0].reason
    finally:
        store.close()


def test_pull_apply_checks_versions_defers_local_edits_and_keeps_id_hmac_null(ledger: Ledger) -> None:
    mine = _add(ledger, "孙六", 21)
    store = _sync_store(ledger)
    try:
        elsewhere = "0a1b2c3d-0000-4000-8000-000000000001"
        row = {"id": elsewhere, "name": "周七", "sex": "1", "id_type": "111", "id_cipher": "v1:not-for-this-pc",
               "id_masked": "110101********0011", "phone": "", "residence_type": "01", "address": "",
               "occupation": "", "status": "active", "notes": "", "created_at": "2026-01-01T00:00:00Z",
               "unknown_future_column": 1}
        with store.write() as conn:
            counted = outbox.apply_server_rows(conn, [
                outbox.ServerRow("residents", elsewhere, 3, False, row),
                outbox.ServerRow("residents", mine, 5, False, {"id": mine, "name": "改名"}),
            ])
        assert counted.applied == 1 and counted.deferred == 1
        got = store.conn.execute("SELECT name, id_hmac, id_cipher FROM residents WHERE id = ?", (elsewhere,)
                                 ).fetchone()
        assert got == ("周七", None, "v1:not-for-this-pc")
        assert store.conn.execute("SELECT name FROM residents WHERE id = ?", (mine,)).fetchone()[0] == "孙六"
        assert store.conn.execute("SELECT count(*) FROM sync_deferred").fetchone()[0] == 1
        # the pull itself captured nothing (echo suppression) and reset the flag
        assert store.conn.execute("SELECT count(*) FROM sync_outbox WHERE row_id = ?", (elsewhere,)).fetchone()[0] == 0
        with store.write() as conn:
            older = outbox.apply_server_rows(conn, [outbox.ServerRow("residents", elsewhere, 2, False,
                                                                     dict(row, name="旧名"))])
        assert older.skipped == 1
        assert store.conn.execute("SELECT name FROM residents WHERE id = ?", (elsewhere,)).fetchone()[0] == "周七"
        # once the local edits are acked, the deferred row is applied
        batch = outbox.freeze(store, max_changes=1000)
        assert batch is not None
        outbox.record_ack(store, batch.batch_id, {"results": [
            {"change_id": c["change_id"], "result": "applied", "version": 1} for c in batch.changes]})
        assert store.conn.execute("SELECT name FROM residents WHERE id = ?", (mine,)).fetchone()[0] == "改名"
        assert store.conn.execute("SELECT count(*) FROM sync_deferred").fetchone()[0] == 0
    finally:
        store.close()


def test_lock_refuses_a_second_runner_and_takes_over_a_dead_one(ledger: Ledger) -> None:
    first = SyncLock(ledger.store.path)
    first.acquire()
    try:
        with pytest.raises(SyncBusy):
            SyncLock(ledger.store.path).acquire()
    finally:
        first.release()
    with ledger.store.write() as conn:  # a holder that died without releasing
        conn.execute("INSERT INTO sync_lock(id, owner, pid, host, heartbeat_at) VALUES (1, 'x', 999999, 'other', "
                     "'2020-01-01T00:00:00Z')")
    taker = SyncLock(ledger.store.path)
    taker.acquire()
    owner = ledger.store.conn.execute("SELECT owner, pid FROM sync_lock").fetchone()
    taker.release()
    assert owner == (taker.owner, os.getpid())


def test_restored_database_gets_a_new_device_epoch_and_reasserts(ledger: Ledger, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHZX_STATE_DIR", str(tmp_path / "state"))
    _add(ledger, "钱八", 31)
    store = _sync_store(ledger)
    try:
        batch = outbox.freeze(store)
        assert batch is not None
        outbox.record_ack(store, batch.batch_id, {"results": [
            {"change_id": c["change_id"], "result": "applied", "version": 1} for c in batch.changes]})
        db_id = store.meta("db_id")
        assert db_id
        epoch = outbox.get_state(store.conn, "device_epoch")
        client.write_state_file(db_id, epoch, outbox.max_seq(store.conn) + 50)  # the PC had gone further
        engine = client._Engine(store, None, client.SyncResult(), None)  # type: ignore[arg-type]
        engine.check_device_epoch()
        assert engine.result.new_device_epoch
        new = outbox.get_state(store.conn, "device_epoch")
        assert new != epoch
        assert json.loads((tmp_path / "state" / f"{db_id}.sync.json").read_text())["device_epoch"] == new
        assert _states(store) == {"pending": len(batch.changes)}  # re-asserted with the same change_ids
    finally:
        store.close()


def test_a_batch_labels_each_local_transaction_with_a_short_tx_id(ledger: Ledger) -> None:
    for i in range(1, 4):
        _add(ledger, "李" + "一二三"[i - 1], i)
    store = _sync_store(ledger)
    try:
        batch = outbox.freeze(store, max_changes=1000)
        assert batch is not None
        labels = [c["tx_id"] for c in batch.changes]
        assert list(dict.fromkeys(labels)) == ["0", "1", "2"]  # in order of appearance, one per local transaction
        for label in ("0", "1", "2"):
            members = [c["change_id"] for c in batch.changes if c["tx_id"] == label]
            real = {store.conn.execute("SELECT tx_id FROM sync_outbox WHERE change_id = ?", (m,)).fetchone()[0]
                    for m in members}
            assert len(real) == 1  # the same label never mixes two local transactions
    finally:
        store.close()


def test_records_show_each_record_once_by_its_latest_change(ledger: Ledger) -> None:
    first, second = _add(ledger, "周一", 1), _add(ledger, "周二", 2)
    with ledger.store.write() as conn:  # the county confirmed everything so far
        conn.execute("UPDATE sync_outbox SET state = 'acked'")
    residents.set_status(ledger, first, "moved_out")
    lines = status.records(ledger.store.conn)
    mine = [r for r in lines if r.row_id in (first, second)]
    assert [(r.row_id, r.status) for r in mine] == [(first, "未上报"), (second, "县里已确认")]  # newest first
    assert [r.row_id for r in status.records(ledger.store.conn, state="县里已确认")
            if r.row_id in (first, second)] == [second]  # first's latest change is not confirmed yet


def test_every_synced_table_has_a_chinese_name_on_the_sync_page() -> None:
    from zhzx_desktop.storage.migrations import CAPTURED_TABLES

    assert set(CAPTURED_TABLES) <= set(status.TABLE_LABELS), "name the new table in sync/status.TABLE_LABELS"
