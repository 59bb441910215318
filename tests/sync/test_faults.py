"""SYNC.md §8 fault-injection scenarios 1–30: the real client against the real county server over loopback,
through the fault proxy. Each test asserts the table's expected outcome and, at quiescence, the invariants I1–I6."""

from __future__ import annotations

import http.client
import json
import random
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sync import protocol
from tests.sync.harness import (
    OTHER_CODE,
    REPO,
    ServerThread,
    VillageClient,
    assert_invariants,
    county_edit,
    server_row,
)
from tests.sync.proxy import FaultProxy, wait_until

pytestmark = pytest.mark.timeout(120)

Village = Callable[..., VillageClient]


# ---- helpers ----------------------------------------------------------------------------------------------------

def pushes(county: ServerThread) -> list[int]:
    return [status for _, method, path, status in county.request_log() if path.startswith(protocol.PATH_PUSH)]


def applied_count(county: ServerThread) -> int:
    return int(county.sql("SELECT count(*) FROM applied_changes")[0][0])


def received_batches(county: ServerThread) -> list[str]:
    return [r[0] for r in county.sql("SELECT batch_id FROM received_batches")]


def changelog_dups(county: ServerThread) -> list[tuple[Any, ...]]:
    return county.sql("SELECT change_id, count(*) FROM changelog WHERE change_id IS NOT NULL GROUP BY change_id "
                      "HAVING count(*) > 1")


def settle(c: VillageClient, runs: int = 3, **kwargs: Any) -> Any:
    result = None
    for _ in range(runs):
        result = c.sync(**kwargs)
        if result.error is None and not result.pending_left:
            break
    return result


def raw_call(url: str, method: str, path: str, body: Any = None, token: str | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, Any]:
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    hdrs = {"Accept-Encoding": "gzip", **(headers or {})}
    data = None
    if body is not None:
        data = protocol.encode(body)
        hdrs.update({"Content-Type": protocol.MEDIA_TYPE, "Content-Encoding": "gzip"})
    if token:
        hdrs["Authorization"] = f"Bearer {token}"
    try:
        conn.request(method, path, body=data, headers=hdrs)
        resp = conn.getresponse()
        raw = resp.read()
        try:
            obj = protocol.decode(raw, resp.getheader("Content-Encoding"))
        except ValueError:
            obj = raw
        return resp.status, obj
    finally:
        conn.close()


def access_token(url: str, c: VillageClient) -> str:
    from sync import credentials

    db_id = c.sql("SELECT v FROM app_meta WHERE k='db_id'")[0][0]
    status, body = raw_call(url, "POST", protocol.PATH_TOKEN,
                            {"device_id": c.state("device_id"), "refresh_token": credentials.refresh_token(db_id)})
    assert status == 200, body
    return str(body["access_token"])


def change_of(row: dict[str, Any]) -> dict[str, Any]:
    return {"change_id": row["change_id"], "seq": row["seq"], "tx_id": row["tx_id"], "table": row["table_name"],
            "row_id": row["row_id"], "op": row["op"], "base_version": row["base_version"],
            "data": json.loads(row["data"]), "client_time": row["client_time"], "hlc": row["hlc"]}


def batch_of(c: VillageClient, changes: list[dict[str, Any]], batch_id: str) -> dict[str, Any]:
    return {"protocol": protocol.PROTOCOL, "schema_version": protocol.SCHEMA_VERSION,
            "device_id": c.state("device_id"), "device_epoch": c.state("device_epoch"), "batch_id": batch_id,
            "first_seq": changes[0]["seq"], "last_seq": changes[-1]["seq"],
            "payload_sha256": protocol.payload_sha256(changes), "changes": changes}


def cut_all_server_tokens(county: ServerThread) -> None:
    cols = county.columns("access_tokens")
    col = next(c for c in cols if "expire" in c)
    conn = sqlite3.connect(county.db_path, timeout=10)
    try:
        conn.execute(f"UPDATE access_tokens SET {col} = 0")
        conn.commit()
    finally:
        conn.close()


# ---- 1–3: crashes around the local write and the batch -------------------------------------------------------

_CRASH_IN_WRITE = r"""
import os, sys
from zhzx_desktop.storage import db, search_index
store = db.Store(sys.argv[1])
where = sys.argv[2]
if where == "inside":
    search_index.refresh = lambda conn: os._exit(137)   # after the INSERT and its trigger, before COMMIT
with store.write() as conn:
    conn.execute("INSERT INTO grids(id, code, name, created_at) VALUES (?, '', '第九网格', '2026-11-23T00:00:00Z')",
                 (sys.argv[3],))
os._exit(137)                                           # after COMMIT
"""


@pytest.mark.parametrize("where", ["inside", "after_commit"])
def test_s01_crash_inside_a_local_write_keeps_row_and_outbox_together(tmp_path: Path, where: str) -> None:
    c = VillageClient(tmp_path, "东华一号机")
    c.close()
    row_id = "0a0a0a0a-0000-4000-8000-000000000001"
    done = subprocess.run([sys.executable, "-c", _CRASH_IN_WRITE, str(c.path), where, row_id], cwd=str(REPO),
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 137, done.stderr
    grid = c.sql("SELECT count(*) FROM grids WHERE id=?", (row_id,))[0][0]
    captured = c.sql("SELECT count(*) FROM sync_outbox WHERE row_id=?", (row_id,))[0][0]
    assert (grid, captured) == ((0, 0) if where == "inside" else (1, 1))
    # every data row has its insert in the outbox and vice versa
    assert c.sql("SELECT count(*) FROM grids")[0][0] == c.sql(
        "SELECT count(*) FROM sync_outbox WHERE table_name='grids' AND op='insert'")[0][0]


def test_s02_crash_after_freeze_resends_the_same_batch(county: ServerThread, village: Village,
                                                        file_keyring: Any) -> None:
    c = village()
    ids = [c.add_resident() for _ in range(5)]
    crashed = c.sync_subprocess(crash_at="after_freeze")
    assert crashed.returncode == 137, crashed.stderr[-2000:]
    frozen = c.outbox("inflight")
    assert {r["row_id"] for r in frozen} >= set(ids)
    batch_ids = {r["batch_id"] for r in frozen}
    assert len(batch_ids) == 1 and None not in batch_ids
    assert pushes(county) == []  # nothing was sent
    members = {r["change_id"] for r in frozen}
    result = c.sync()
    assert result.error is None
    assert received_batches(county)[0] == batch_ids.pop()  # the first batch the county saw is the frozen one
    acked = {r["change_id"]: r for r in c.outbox("acked")}
    assert members <= set(acked)
    assert {acked[m]["batch_id"] for m in members} == {frozen[0]["batch_id"]}
    assert applied_count(county) == len(c.outbox("acked"))
    assert_invariants(county, [c])


@pytest.mark.parametrize("point", ["after_send", "before_ack_commit"])
def test_s03_crash_after_send_gets_the_stored_ack_replayed(county: ServerThread, village: Village,
                                                           file_keyring: Any, point: str) -> None:
    c = village()
    for _ in range(4):
        c.add_resident()
    crashed = c.sync_subprocess(crash_at=point)
    assert crashed.returncode == 137, crashed.stderr[-2000:]
    inflight = c.outbox("inflight")
    assert inflight and not c.outbox("acked")  # the ack was never recorded
    assert pushes(county) == [200]  # but the county committed it
    applied_before = applied_count(county)
    assert applied_before == len(inflight)
    result = c.sync()
    assert result.error is None
    assert pushes(county)[:2] == [200, 200]
    assert len(set(received_batches(county))) == len(received_batches(county))
    assert applied_count(county) == applied_before  # replayed, not applied again
    assert {r["result"] for r in c.outbox("acked")} == {protocol.APPLIED}  # the stored ack, verbatim
    assert_invariants(county, [c])


# ---- 4–13: the link and the server misbehave ------------------------------------------------------------------

def test_s04_connection_cut_mid_request_body_applies_nothing_then_once(county: ServerThread, proxy: FaultProxy,
                                                                       village: Village) -> None:
    c = village()
    for _ in range(20):
        c.add_resident()
    proxy.cut_request_after(700, path=protocol.PATH_PUSH)
    result = settle(c)
    assert result.error is None
    assert [a for _, p, a in proxy.log if p.startswith(protocol.PATH_PUSH)][:2] == ["cut_request", "forward"]
    assert 200 in pushes(county)
    assert applied_count(county) == 20
    assert not changelog_dups(county)
    assert_invariants(county, [c])


def test_s05_response_lost_after_commit_is_replayed(county: ServerThread, proxy: FaultProxy,
                                                    village: Village) -> None:
    c = village()
    for _ in range(6):
        c.add_resident()
    proxy.drop_response(path=protocol.PATH_PUSH)
    result = settle(c)
    assert result.error is None
    assert pushes(county)[:2] == [200, 200]  # committed, then the same batch again
    assert len(received_batches(county)) == len(set(received_batches(county)))
    assert applied_count(county) == 6
    assert {r["result"] for r in c.outbox("acked")} == {protocol.APPLIED}
    assert_invariants(county, [c])


def test_s06_duplicate_delivery_gets_the_identical_ack(county: ServerThread, proxy: FaultProxy,
                                                       village: Village) -> None:
    c = village()
    for _ in range(3):
        c.add_resident()
    proxy.duplicate_request(path=protocol.PATH_PUSH)
    result = c.sync()
    assert result.error is None
    assert pushes(county)[:2] == [200, 200]
    assert len(received_batches(county)) == 1
    # the client acted on the SECOND response: a verbatim replay says applied, a re-run would say duplicate
    assert {r["result"] for r in c.outbox("acked")} == {protocol.APPLIED}
    assert applied_count(county) == 3
    assert_invariants(county, [c])


def test_s07_same_batch_id_different_payload_is_409_and_quarantined(county: ServerThread, village: Village,
                                                                    file_keyring: Any) -> None:
    c = village()
    rid = c.add_resident()
    c.add_resident()
    crashed = c.sync_subprocess(crash_at="after_freeze")
    assert crashed.returncode == 137, crashed.stderr[-2000:]
    frozen = c.outbox("inflight")
    batch_id = frozen[0]["batch_id"]
    # someone (a bug) sends a different payload under that batch_id first
    forged = [change_of(frozen[0])]
    forged[0]["data"] = {**forged[0]["data"], "notes": "伪造"}
    token = access_token(county.url, c)
    status, _ = raw_call(county.url, "POST", protocol.PATH_PUSH, batch_of(c, forged, batch_id), token,
                         {"Idempotency-Key": batch_id})
    assert status == 200
    before = applied_count(county)
    status, body = raw_call(county.url, "POST", protocol.PATH_PUSH,
                            batch_of(c, [change_of(r) for r in frozen], batch_id), token,
                            {"Idempotency-Key": batch_id})
    assert status == 409 and body["error"] == "batch_conflict"
    assert applied_count(county) == before  # nothing applied
    result = c.sync()
    assert 409 in pushes(county)
    assert {state for (state,) in c.sql("SELECT state FROM sync_outbox WHERE batch_id=?", (batch_id,))} == {
        "quarantined"}
    assert result.quarantined >= len(frozen) and not result.confirmed_all
    assert result.alerts or result.error  # the alert
    assert (server_row(county, "residents", rid) or {}).get("notes") == "伪造"


def test_s08_batches_out_of_order_end_at_the_highest_seq_edit(county: ServerThread, village: Village) -> None:
    c = village()
    rid = c.add_resident(phone="13900000001")
    assert c.sync().error is None
    c.edit_resident(rid, phone="13900000002")
    c.edit_resident(rid, phone="13900000003")
    k, k1 = c.outbox("pending")[-2:]
    token = access_token(county.url, c)
    for change, bid in ((k1, "b-later"), (k, "b-earlier")):  # batch k+1 delivered before batch k
        status, ack = raw_call(county.url, "POST", protocol.PATH_PUSH, batch_of(c, [change_of(change)], bid), token,
                               {"Idempotency-Key": bid})
        assert status == 200, ack
        assert ack["results"][0]["result"] != protocol.REJECTED
    assert (server_row(county, "residents", rid) or {})["phone"] == "13900000003"
    result = c.sync()  # the client sends them again under its own batch: change_id dedupe
    assert result.error is None
    assert (server_row(county, "residents", rid) or {})["phone"] == "13900000003"
    assert c.row("residents", rid)["phone"] == "13900000003"  # type: ignore[index]
    assert_invariants(county, [c])


def test_s09_413_halves_the_batch_and_applies_each_change_once(county: ServerThread, village: Village) -> None:
    c = village()
    for _ in range(40):
        c.add_resident()
    county.faults.max_body = 3000
    result = settle(c)
    county.faults.max_body = 0
    assert result.error is None
    assert 413 in pushes(county) and pushes(county)[-1] == 200
    assert applied_count(county) == 40
    assert len(received_batches(county)) > 1
    assert not changelog_dups(county)
    assert_invariants(county, [c])


def test_s10_server_500_before_commit_applies_nothing_then_once(county: ServerThread, village: Village) -> None:
    c = village()
    for _ in range(3):
        c.add_resident()
    county.faults.fail_push_before_commit = 1
    first = c.sync(max_attempts=1)
    assert first.error
    assert pushes(county) == [500]
    assert applied_count(county) == 0
    county.faults.fail_push_before_commit = 2
    result = c.sync()
    assert result.error is None
    assert pushes(county)[-3:] == [500, 500, 200]
    waits = c.sleeps.asked
    assert len(waits) >= 2 and all(0 <= w <= 4 for w in waits[-2:])  # full jitter: [0, 2], then [0, 4]
    assert applied_count(county) == 3
    assert_invariants(county, [c])


def test_s11_503_retry_after_is_honoured(county: ServerThread, village: Village) -> None:
    c = village()
    c.add_resident()
    log_at_sleep: list[int] = []
    c.sleeps.on_sleep = lambda s: log_at_sleep.append(len(county.request_log()))
    county.faults.busy = (1, 120)
    result = c.sync()
    assert result.error is None
    long_waits = [i for i, s in enumerate(c.sleeps.asked) if s >= 120]
    assert long_waits, c.sleeps.asked
    seen = county.request_log()[: log_at_sleep[long_waits[0]]]
    assert seen[-1][3] == 503  # nothing was sent between the 503 and the wait of ≥120 s
    assert applied_count(county) == 1
    assert_invariants(county, [c])


def test_s12_slow_link_completes_without_timeouts(county: ServerThread, proxy: FaultProxy, village: Village) -> None:
    c = village()
    for _ in range(10):
        c.add_resident()
    proxy.throttle(kbit_per_s=32, latency_ms=750)  # 1.5 s round trip
    start = time.monotonic()
    result = c.sync(transport=c.transport(stall_timeout=3.0))
    elapsed = time.monotonic() - start
    proxy.clear()
    assert result.error is None, result.error
    assert c.sleeps.asked == []  # no retry was needed: bytes kept flowing
    # model (§6): every message pays 0.75 s latency plus its bytes at 4 KB/s
    model = 2 * 0.75 * proxy.requests + (proxy.bytes_up + proxy.bytes_down) / 4000
    assert elapsed < model * 1.5 + 2
    assert_invariants(county, [c])


def test_s13_stalled_server_is_abandoned_at_the_stall_timeout(county: ServerThread, proxy: FaultProxy,
                                                              village: Village) -> None:
    c = village()
    c.add_resident()
    proxy.stall(30, path=protocol.PATH_PUSH)
    start = time.monotonic()
    result = c.sync(transport=c.transport(stall_timeout=0.5))
    assert time.monotonic() - start < 10
    assert result.error is None
    assert [a for _, p, a in proxy.log if p.startswith(protocol.PATH_PUSH)][:2] == ["stall", "forward"]
    assert applied_count(county) == 1
    assert_invariants(county, [c])


def test_s14_flapping_partitions_then_drain(county: ServerThread, proxy: FaultProxy, village: Village) -> None:
    rng = random.Random(14)
    a, b = village("东华一号机"), village("东华二号机")
    stop = threading.Event()
    downs: list[int] = []

    def nemesis() -> None:
        while not stop.is_set():
            pick = rng.random()
            if pick < 0.3:
                downs.append(1)
                proxy.down()
            elif pick < 0.5:
                proxy.drop_response(path=protocol.PATH_PUSH)
            elif pick < 0.6:
                proxy.drop_request()
            stop.wait(rng.uniform(0, 0.3))
            proxy.up()
            stop.wait(rng.uniform(0, 0.2))

    flapper = threading.Thread(target=nemesis, daemon=True)
    flapper.start()
    try:
        for i in range(6):
            for c in (a, b):
                rid = c.add_resident()
                if i % 2:
                    c.edit_resident(rid, phone=f"1370000{i:04d}")
                c.sync(max_attempts=2)
    finally:
        stop.set()
        flapper.join(5)
        proxy.up()
        proxy.clear()
    assert downs  # the nemesis really struck
    report = assert_invariants(county, [a, b], drain_within=20)
    assert report.drained_in < 20


def test_s15_pull_cut_mid_page_applies_nothing_and_repulls(county: ServerThread, proxy: FaultProxy,
                                                           village: Village) -> None:
    a, b = village("东华一号机"), village("东华二号机")
    ids = [a.add_resident() for _ in range(30)]
    assert a.sync().error is None
    cursor = b.state("pull_cursor")
    proxy.cut_response_after(400, path=protocol.PATH_PULL)
    first = b.sync(max_attempts=1)
    assert first.error
    assert b.state("pull_cursor") == cursor
    assert not set(ids) & set(b.rows("residents"))
    assert b.sync().error is None
    assert set(ids) <= set(b.rows("residents"))
    assert len(b.sql("SELECT id FROM residents")) == len({r[0] for r in b.sql("SELECT id FROM residents")})
    assert_invariants(county, [a, b])


def test_s16_crash_during_pull_apply_rolls_back(county: ServerThread, village: Village, file_keyring: Any) -> None:
    a, b = village("东华一号机"), village("东华二号机")
    ids = [a.add_resident() for _ in range(10)]
    assert a.sync().error is None
    cursor = b.state("pull_cursor")
    crashed = b.sync_subprocess(crash_at="mid_pull_apply")
    assert crashed.returncode == 137, crashed.stderr[-2000:]
    assert b.state("pull_cursor") == cursor
    assert not set(ids) & set(b.rows("residents"))
    assert b.state("applying_remote") == "0"
    assert b.sync().error is None
    assert set(ids) <= set(b.rows("residents"))
    assert_invariants(county, [a, b])


def test_s17_cursor_never_passes_an_uncommitted_seq(county: ServerThread, village: Village) -> None:
    a, b, watcher = village("东华一号机"), village("东华二号机"), village("东华三号机")
    token = access_token(county.url, watcher)
    start_cursor = int(county.sql("SELECT coalesce(max(updated_server_seq), 0) FROM rows")[0][0])
    seen_during: list[Any] = []
    b_push: list[Any] = []
    calls = {"n": 0}

    def before_commit(*_args: Any, **_kw: Any) -> None:
        calls["n"] += 1
        if calls["n"] != 1:
            return
        # a second push and a pull while the first push's transaction is still open
        pusher = threading.Thread(target=lambda: b_push.append(b_sync_in_thread()), daemon=True)
        pusher.start()
        puller = threading.Thread(target=lambda: seen_during.append(
            raw_call(county.url, "GET", f"{protocol.PATH_PULL}?cursor={start_cursor}&limit=500", token=token)),
            daemon=True)
        puller.start()
        puller.join(1.0)

    def b_sync_in_thread() -> Any:
        return b.__class__.sync(b)

    b_ids = [b.add_resident() for _ in range(3)]
    b.close()  # b syncs from another thread: its ledger connection is thread-bound
    a_ids = [a.add_resident() for _ in range(3)]
    county.faults.before_commit = before_commit
    assert a.sync().error is None
    county.faults.before_commit = None
    assert wait_until(lambda: bool(b_push), timeout=30)
    for status, body in seen_during:
        if status == 200:  # whatever the pull saw during the open transaction holds no row of it
            assert not {ch["row_id"] for ch in body["changes"]} & set(a_ids)
    assert watcher.sync().error is None
    assert set(a_ids) | set(b_ids) <= set(watcher.rows("residents"))
    b.reopen()
    assert_invariants(county, [a, b, watcher])


# ---- 18–22: conflicts and poison ---------------------------------------------------------------------------------

def test_s18_disjoint_concurrent_edits_both_kept(county: ServerThread, village: Village) -> None:
    c = village()
    rid = c.add_resident(phone="13900000011")
    assert c.sync().error is None
    county_edit(county, "residents", rid, {"status": "moved_out"})
    c.edit_resident(rid, phone="13900000012")
    result = c.sync()
    assert result.error is None and result.conflicts == 0
    assert county.sql("SELECT count(*) FROM conflicts")[0][0] == 0
    assert c.conflicts() == []
    for row in (c.row("residents", rid), server_row(county, "residents", rid)):
        assert row is not None and (row["phone"], row["status"]) == ("13900000012", "moved_out")
    assert_invariants(county, [c])


def test_s19_same_field_edits_follow_the_policy_and_are_recorded(county: ServerThread, village: Village) -> None:
    c = village()
    rid = c.add_resident(phone="13900000021")
    assert c.sync().error is None
    county_edit(county, "residents", rid, {"status": "moved_out", "phone": "13900000022"})
    c.set_status(rid, "deceased")  # status: county wins
    c.edit_resident(rid, phone="13900000023")  # phone: clerk-owned, clerk wins
    result = c.sync()
    assert result.error is None and result.conflicts >= 2
    for row in (c.row("residents", rid), server_row(county, "residents", rid)):
        assert row is not None and (row["status"], row["phone"]) == ("moved_out", "13900000023")
    mine = {r["field"]: r for r in c.conflicts()}
    assert mine["status"]["resolution"] == "county_wins" and "deceased" in str(mine["status"]["mine"])
    assert mine["phone"]["resolution"] == "clerk_wins" and "13900000022" in str(mine["phone"]["theirs"])
    assert county.sql("SELECT count(*) FROM conflicts")[0][0] >= 2
    try:
        from sync import status
    except ImportError:
        pass
    else:
        with c.conn() as conn:
            cards = status.conflicts(conn)
        assert {card.field for card in cards} >= {"status", "phone"}  # the UI's "needs review" list
    assert_invariants(county, [c])


def test_s20_edit_during_an_inflight_push_wins_locally_and_goes_next(county: ServerThread,
                                                                     village: Village) -> None:
    c = village()
    rid = c.add_resident(phone="13900000031")
    assert c.sync().error is None
    c.edit_resident(rid, phone="13900000032")
    edited: list[str] = []

    def edit_now(*_a: Any, **_k: Any) -> None:
        if edited:
            return
        from zhzx_desktop.services import residents
        from zhzx_desktop.services.ledger import open_ledger

        def work() -> None:
            with open_ledger(c.path, key_fallback_dir=c.key_dir, today=lambda: c.today) as ledger:
                data, _, _ = residents.load(ledger, rid)
                data.phone = "13900000033"
                residents.update(ledger, rid, data)
            edited.append("ok")

        t = threading.Thread(target=work, daemon=True)
        t.start()
        t.join(8)  # the client must hold no SQLite transaction while the push is on the wire

    county.faults.before_commit = edit_now
    first = c.sync()
    county.faults.before_commit = None
    assert edited == ["ok"]
    assert first.error is None
    assert c.row("residents", rid)["phone"] == "13900000033"  # type: ignore[index]  # not overwritten by the ack
    assert (server_row(county, "residents", rid) or {})["phone"] in ("13900000032", "13900000033")
    assert c.sync().error is None
    assert (server_row(county, "residents", rid) or {})["phone"] == "13900000033"
    assert c.sql("SELECT count(*) FROM sync_deferred")[0][0] == 0
    assert_invariants(county, [c])


def test_s21_delete_versus_update_delete_wins_everywhere(county: ServerThread, village: Village) -> None:
    a, b = village("东华一号机"), village("东华二号机")
    team = a.add_team()
    r1, r2 = a.add_resident(), a.add_resident()
    m1, m2 = a.add_member(team, r1), a.add_member(team, r2)
    assert a.sync().error is None and b.sync().error is None
    # m1: the clerk deletes, the county updates
    county_edit(county, "team_members", m1, {"role": "副队长"})
    a.raw_write("DELETE FROM team_members WHERE id=?", (m1,))
    # m2: the county deletes, the clerk updates
    county.store.county_delete("team_members", m2)
    a.raw_write("UPDATE team_members SET role='队长' WHERE id=?", (m2,))
    result = a.sync()
    assert result.error is None
    for m in (m1, m2):
        assert (server_row(county, "team_members", m) or {}).get("_deleted") is True
    assert b.sync().error is None
    for c in (a, b):
        assert c.row("team_members", m1) is None and c.row("team_members", m2) is None
    assert any(r["resolution"] == "delete_wins" for r in a.conflicts())
    assert_invariants(county, [a, b])


def test_s22_poison_change_is_quarantined_and_blocks_nothing(county: ServerThread, village: Village) -> None:
    c = village()
    good = c.add_resident()
    assert c.sync().error is None
    poison = "0b0b0b0b-0000-4000-8000-000000000022"
    c.raw_write("INSERT INTO residents(id, name, birth_date, created_at) VALUES (?, '钱未来', '2999-01-01', "
                "'2026-11-23T00:00:00Z')", (poison,))
    c.raw_write("UPDATE residents SET phone='13900000099' WHERE id=?", (poison,))  # depends on the poison row
    later = c.add_resident()  # unrelated
    c.edit_resident(good, phone="13900000098")
    result = c.sync()
    assert result.error is None
    assert result.quarantined == 2 and result.rejected >= 1
    q = c.outbox("quarantined")
    assert {r["row_id"] for r in q} == {poison}
    assert any(r["last_error"] and any("\u4e00" <= ch <= "\u9fff" for ch in r["last_error"]) for r in q)
    assert server_row(county, "residents", poison) is None
    assert server_row(county, "residents", later) is not None
    assert (server_row(county, "residents", good) or {})["phone"] == "13900000098"
    assert not c.outbox("pending") and not c.outbox("inflight")
    assert_invariants(county, [c], allow_quarantined=True)


# ---- 23–24: clocks ------------------------------------------------------------------------------------------------

_SYNC_AT = r"""
import json, sys, datetime as dt
import time_machine
from sync import client
with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=float(sys.argv[2])), tick=True):
    result = client.run_sync(sys.argv[1], sleep=lambda s: None)
print(json.dumps(result.to_json(), ensure_ascii=False))
"""


def _sync_with_clock(c: VillageClient, days: float) -> dict[str, Any]:
    import os

    env = dict(os.environ, XDG_CONFIG_HOME=str(c.home / "config"), XDG_DATA_HOME=str(c.home / "data"),
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring", ZHZX_STATE_DIR=str(c.state_dir))
    code = ("from zhzx_desktop.security import keys; from pathlib import Path; import os; "
            "keys.ensure_backend(Path(os.environ['XDG_CONFIG_HOME']) / 'zhzx-desktop')\n" + _SYNC_AT)
    done = subprocess.run([sys.executable, "-c", code, str(c.path), str(days)], cwd=str(REPO), env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_s23_client_clock_set_back_a_year(county: ServerThread, village: Village, file_keyring: Any) -> None:
    c = village()
    rid = c.add_resident()
    # the HLC had seen a later time (before the clock was set back): it must keep counting up, never go back
    ahead = int((datetime.now(UTC) + timedelta(days=365)).timestamp() * 1000)
    c.raw_write("UPDATE sync_state SET v=? WHERE k='hlc'", (f"{ahead:016d}-000000",))
    c.edit_resident(rid, phone="13900000041")
    c.edit_resident(rid, phone="13900000042")
    hlcs = [r["hlc"] for r in c.outbox()]
    assert hlcs[-2] > f"{ahead:016d}" and hlcs[-1] > hlcs[-2]
    result = _sync_with_clock(c, -365)
    assert result["error"] is None
    assert result["skew_seconds"] and result["skew_seconds"] > 300 * 24  # the banner: about +1 year
    assert result["confirmed_all"]
    assert (server_row(county, "residents", rid) or {})["phone"] == "13900000042"  # order by seq
    assert_invariants(county, [c])


def test_s24_client_clock_20_years_ahead_then_corrected(county: ServerThread, village: Village,
                                                        file_keyring: Any) -> None:
    c = village()
    rid = c.add_resident()
    assert c.sync().error is None
    county_edit(county, "residents", rid, {"status": "moved_out"})
    c.set_status(rid, "deceased")
    c.raw_write("UPDATE sync_outbox SET client_time='2046-11-23T00:00:00.000Z' WHERE state='pending'")
    result = _sync_with_clock(c, 365 * 20)
    assert result["error"] is None
    assert result["skew_seconds"] and result["skew_seconds"] < -300  # the clock is ahead: negative skew
    # the county's decision ignores the client's (future) time: status is county-owned on conflict
    assert (server_row(county, "residents", rid) or {})["status"] == "moved_out"
    corrected = c.sync()
    assert corrected.error is None and corrected.skew_seconds is None
    assert c.row("residents", rid)["status"] == "moved_out"  # type: ignore[index]
    assert_invariants(county, [c])


# ---- 25–30: restores, auth, schema, disk, concurrency --------------------------------------------------------

def _backup(src: Path, dst: Path) -> None:
    s, d = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        s.backup(d)
    finally:
        s.close()
        d.close()


def test_s25_server_restored_from_backup(tmp_path: Path, county: ServerThread, proxy: FaultProxy,
                                         village: Village) -> None:
    c = village()
    early = [c.add_resident() for _ in range(3)]
    assert c.sync().error is None
    _backup(county.db_path, tmp_path / "county-backup.db")
    late = [c.add_resident() for _ in range(3)]
    assert c.sync().error is None
    county.stop()
    for suffix in ("", "-wal", "-shm"):
        Path(str(county.db_path) + suffix).unlink(missing_ok=True)
    shutil.copy(tmp_path / "county-backup.db", county.db_path)
    restored = ServerThread(county.db_path, county.faults)
    try:
        restored.store.new_epoch()  # the restore runbook
        assert server_row(restored, "residents", late[0]) is None
        proxy.target_port = restored.port
        result = c.sync()
        assert result.error is None
        assert result.server_epoch_changed
        for rid in early + late:
            assert server_row(restored, "residents", rid) is not None  # re-asserted: no loss
        assert_invariants(restored, [c])
    finally:
        restored.stop()


def test_s26_client_restored_from_backup(tmp_path: Path, county: ServerThread, village: Village) -> None:
    c = village()
    first = [c.add_resident() for _ in range(3)]
    assert c.sync().error is None
    c.close()
    _backup(c.path, tmp_path / "client-backup.db")
    c.reopen()
    second = [c.add_resident() for _ in range(3)]
    assert c.sync().error is None
    c.close()
    for suffix in ("", "-wal", "-shm"):
        Path(str(c.path) + suffix).unlink(missing_ok=True)
    shutil.copy(tmp_path / "client-backup.db", c.path)
    c.reopen()
    third = c.add_resident()  # its seq collides with one the county already has from the old epoch
    result = c.sync()
    assert result.error is None
    assert result.new_device_epoch
    assert result.rejected == 0 and not c.outbox("quarantined")
    assert set(first + second + [third]) <= set(c.rows("residents"))
    assert server_row(county, "residents", third) is not None
    assert_invariants(county, [c])


def test_s27_expired_token_refreshes_and_retries_the_same_batch(county: ServerThread, proxy: FaultProxy,
                                                                village: Village) -> None:
    c = village()
    c.add_resident()
    proxy.on_request(lambda: cut_all_server_tokens(county), path=protocol.PATH_PUSH)
    result = c.sync()
    assert result.error is None
    assert pushes(county)[:2] == [401, 200]
    assert len(received_batches(county)) == 1
    assert_invariants(county, [c])
    # revoked: 403, sync stops, the outbox is kept
    pending = c.add_resident()
    device_id = c.state("device_id")
    revoke = getattr(county.store, "revoke_device", None) or county.store.revoke
    revoke(device_id)
    stopped = c.sync()
    assert stopped.error
    assert [r["row_id"] for r in c.outbox("pending")] == [pending]
    assert server_row(county, "residents", pending) is None
    assert 403 in [s for _, _, _, s in county.request_log()]


def test_s28_schema_too_old_gets_426_and_keeps_the_outbox(county: ServerThread, village: Village) -> None:
    c = village()
    c.add_resident()
    county.faults.schema_min = protocol.SCHEMA_VERSION + 1
    result = c.sync()
    assert result.error and "升级" in result.error
    assert 426 in [s for _, _, _, s in county.request_log()]
    assert len(c.outbox("pending")) + len(c.outbox("inflight")) == 1
    assert applied_count(county) == 0
    county.faults.schema_min = None
    assert c.sync().error is None
    assert_invariants(county, [c])


def test_s29_disk_full_during_pull_fails_cleanly(county: ServerThread, village: Village,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Fault hook, not a tmpfs: the sync's own connection gets ``PRAGMA max_page_count`` just above the file's
    current size, so SQLite itself raises SQLITE_FULL ('database or disk is full') when the pull grows the file."""
    from zhzx_desktop.storage import db

    a, b = village("东华一号机"), village("东华二号机")
    ids = [a.add_resident(notes="备注" * 200) for _ in range(60)]
    assert a.sync().error is None
    cursor = b.state("pull_cursor")
    real_init = db.Store.__init__

    def tiny_disk(self: db.Store, *args: Any, **kwargs: Any) -> None:
        real_init(self, *args, **kwargs)
        pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
        self.conn.execute(f"PRAGMA max_page_count={pages + 2}")

    monkeypatch.setattr(db.Store, "__init__", tiny_disk)
    try:
        result = b.sync(max_attempts=1)
        failed = f"result.error: {result.error}"
    except Exception as exc:  # noqa: BLE001 — a KnownError is also a clean, surfaced failure
        failed = f"raised {type(exc).__name__}: {exc}"
    monkeypatch.setattr(db.Store, "__init__", real_init)
    assert b.state("pull_cursor") == cursor  # no partial state
    assert not set(ids) & set(b.rows("residents"))
    assert b.state("applying_remote") == "0"
    assert not b.sql("SELECT 1 FROM sync_lock")  # the lock was released
    assert "磁盘" in failed  # surfaced to the clerk in Chinese (SyncResult.error or a KnownError)
    assert b.sync().error is None
    assert set(ids) <= set(b.rows("residents"))
    assert_invariants(county, [a, b])


def test_s30_two_instances_only_one_sync_worker(county: ServerThread, proxy: FaultProxy, village: Village,
                                                file_keyring: Any) -> None:
    from sync.client import SyncBusy

    c = village()
    for _ in range(3):
        c.add_resident()
    proxy.delay(3.0)  # holds the first instance inside its sync
    before = proxy.requests  # the enrollment went through the proxy too
    holder: list[subprocess.CompletedProcess[str]] = []
    t = threading.Thread(target=lambda: holder.append(c.sync_subprocess()), daemon=True)
    t.start()
    assert wait_until(lambda: proxy.requests > before, timeout=30)
    assert c.sql("SELECT count(*) FROM sync_lock")[0][0] == 1
    with pytest.raises(SyncBusy):
        c.sync()
    t.join(60)
    proxy.clear()
    assert holder and holder[0].returncode == 0, holder[0].stderr[-2000:] if holder else "no result"
    assert len(set(received_batches(county))) == len(received_batches(county))
    assert applied_count(county) == 3
    assert_invariants(county, [c])


def test_i5_other_village_rows_never_reach_a_client(county: ServerThread, village: Village) -> None:
    east = village("东华一号机")
    west = village("西山一号机", OTHER_CODE)
    west_ids = [west.add_resident() for _ in range(3)]
    east_ids = [east.add_resident() for _ in range(3)]
    assert west.sync().error is None and east.sync().error is None
    assert not set(west_ids) & set(east.rows("residents"))
    assert not set(east_ids) & set(west.rows("residents"))
    assert_invariants(county, [east, west])
