"""The village client against the real county server (uvicorn on loopback), no mocks."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

from sync import status
from tests.sync.harness import ServerThread, VillageClient, county_edit, new_enrollment_code, server_row


def _client(tmp_path: Path, county: ServerThread, name: str = "东华一号") -> VillageClient:
    c = VillageClient(tmp_path / name, name)
    c.enroll(county.url, new_enrollment_code(county.store))
    return c


def test_push_pull_and_county_edits_round_trip(tmp_path: Path, county: ServerThread) -> None:
    a = _client(tmp_path, county)
    rid = a.add_resident("王小明")
    first = a.sync()
    assert first.error is None and first.confirmed_all, first
    assert first.pushed > 0 and a.outbox_counts().get("acked", 0) == first.pushed
    assert server_row(county, "residents", rid)["name"] == "王小明"
    assert a.sql("SELECT v FROM app_meta WHERE k='village_code'") == [("110101001001",)]
    county_edit(county, "residents", rid, {"verified_on": "2026-11-20"})
    second = a.sync()
    assert second.error is None and second.pulled >= 1
    assert a.row("residents", rid)["verified_on"] == "2026-11-20"
    assert a.sql("SELECT id_hmac FROM residents WHERE id=?", (rid,))[0][0] is not None  # local lookup key kept
    b = _client(tmp_path, county, "东华二号")  # a second PC of the village pulls everything from 0
    pulled = b.sync()
    assert pulled.error is None and b.row("residents", rid)["name"] == "王小明"
    assert b.sql("SELECT id_hmac FROM residents WHERE id=?", (rid,)) == [(None,)]  # device-local: never on the wire
    a.close()
    b.close()


def test_same_field_conflict_reaches_the_clerk_masked(tmp_path: Path, county: ServerThread) -> None:
    a = _client(tmp_path, county)
    rid = a.add_resident("李红")
    assert a.sync().confirmed_all
    county_edit(county, "residents", rid, {"status": "moved_out"})
    a.set_status(rid, "deceased")
    result = a.sync()
    assert result.error is None and result.conflicts == 1
    assert a.row("residents", rid)["status"] == "moved_out"  # county wins on status
    with a.conn() as conn:
        cards = status.conflicts(conn)
    assert len(cards) == 1 and "按规则采用县里的值" in cards[0].text and cards[0].label == "居民 李红"
    assert "您改为 死亡，县里改为 迁出" in cards[0].text  # codes by their names, not moved_out / deceased
    a.close()


def test_rejected_change_is_quarantined_and_later_changes_still_sync(tmp_path: Path, county: ServerThread) -> None:
    a = _client(tmp_path, county)
    bad = a.add_resident("赵六")
    a.raw_write("UPDATE residents SET birth_date = '2099-01-01' WHERE id = ?", (bad,))
    good = a.add_resident("钱七")
    result = a.sync()
    assert result.error is None and result.rejected >= 1 and not result.confirmed_all
    assert server_row(county, "residents", good) is not None
    with a.conn() as conn:
        returned = status.quarantined(conn)
    assert returned and all(q.reason for q in returned)
    a.close()


def test_busy_server_and_500_are_retried_with_backoff(tmp_path: Path, county: ServerThread, faults: Any) -> None:
    a = _client(tmp_path, county)
    a.add_resident("孙八")
    faults.busy = (1, 7)
    faults.fail_push_before_commit = 1
    result = a.sync()
    assert result.error is None and result.confirmed_all
    assert 7 in a.sleeps.asked  # Retry-After honoured
    assert len(a.sleeps.asked) >= 2
    a.close()


def test_revoked_schema_and_give_up_leave_the_outbox_intact(tmp_path: Path, county: ServerThread,
                                                            faults: Any) -> None:
    a = _client(tmp_path, county)
    a.add_resident("周九")
    faults.schema_min = 99
    result = a.sync()
    assert result.error is not None and "升级" in result.error
    assert a.outbox_counts().get("acked", 0) == 0 and sum(a.outbox_counts().values()) > 0
    faults.schema_min = None
    faults.fail_push_before_commit = 100
    gave_up = a.sync(max_attempts=3)
    assert gave_up.error is not None and gave_up.pending_left > 0
    faults.fail_push_before_commit = 0
    assert a.sync().confirmed_all
    a.close()


def test_throughput_over_loopback(tmp_path: Path, county: ServerThread) -> None:
    a = _client(tmp_path, county)
    with a.ledger.store.write() as conn:  # 3,000 changes in one go
        conn.executemany("INSERT INTO grids(id, code, name, notes, status, created_at) VALUES "
                         "(lower(hex(randomblob(4))) || '-0000-4000-8000-' || lower(hex(randomblob(6))), '', ?, '', "
                         "'active', '2026-01-01T00:00:00Z')", [(f"网格{i}",) for i in range(3000)])
    started = time.perf_counter()
    result = a.sync()
    seconds = time.perf_counter() - started
    assert result.error is None and result.confirmed_all and result.pushed >= 3000
    print(f"pushed {result.pushed} in {seconds:.2f}s = {result.pushed / seconds:.0f}/s")
    assert result.pushed / seconds > 1000
    a.close()


def test_a_pulled_case_with_a_local_case_number_becomes_a_card_not_a_silent_skip(tmp_path: Path,
                                                                                 county: ServerThread) -> None:
    """Two PCs of one village set to the same number block both printed 第001号: neither case is dropped unseen."""
    number = "（2026）东华村人调字第001号"
    a, b = _client(tmp_path, county, "东华一号"), _client(tmp_path, county, "东华二号")
    ids = {}
    for pc in (a, b):
        ids[pc.name] = str(uuid.uuid4())
        pc.raw_write("INSERT INTO cases(id, case_no, case_year, case_seq, status, summary, created_at) "
                     "VALUES (?, ?, 2026, 1, 'accepted', ?, '2026-11-02T08:00:00Z')", (ids[pc.name], number, pc.name))
    assert a.sync().confirmed_all
    result = b.sync()
    assert result.error is None and result.confirmed_all  # b's own case reached the county
    assert server_row(county, "cases", ids["东华二号"]) is not None
    with b.conn() as conn:
        cards = [c for c in status.conflicts(conn) if c.resolution == "unique_clash"]
    assert len(cards) == 1 and cards[0].row_id == ids["东华一号"] and number in cards[0].text
    assert not cards[0].can_keep_mine
    assert b.row("cases", ids["东华二号"])["summary"] == "东华二号"  # the local case untouched
    assert b.row("cases", ids["东华一号"]) is None
    b.sync()  # the clash is not stored twice while the card is open
    with b.conn() as conn:
        assert len([c for c in status.conflicts(conn) if c.resolution == "unique_clash"]) == 1
    a.close()
    b.close()
