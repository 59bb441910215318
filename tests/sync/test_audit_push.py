"""The audit log to the county (issue 6 point 2): push-only, its own stream, over the real loopback server.

Arrives once; a re-push is idempotent; batches of at most 500; a second PC cannot push as the first; a PC restored
from a backup pushes a different entry under a seq the county holds — kept and flagged; a failing audit push does not
fail the data sync."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sync import protocol
from sync.server.storage import ServerError
from sync.transport import Transport
from tests.sync.harness import ServerThread, VillageClient

Village = Callable[..., VillageClient]

pytestmark = pytest.mark.timeout(120)


def _db_id(pc: VillageClient) -> str:
    return str(pc.sql("SELECT v FROM app_meta WHERE k='db_id'")[0][0])


def _local(pc: VillageClient) -> list[tuple[int, str]]:
    return [(int(s), str(h)) for s, h in pc.sql("SELECT seq, hash FROM audit_log ORDER BY seq")]


def _at_county(county: ServerThread, device: str) -> list[tuple[int, str, str]]:
    return [(int(s), str(h), str(f)) for s, h, f in county.sql(
        "SELECT seq, hash, flag FROM audit_entries WHERE device = ? ORDER BY seq, received_at", (device,))]


def _audit_some(pc: VillageClient, n: int) -> None:
    for i in range(n):
        pc.ledger.audit("export", object_type="residents", object_label=f"花名册{i}", detail="导出 12 人")


def _token(county: ServerThread, pc: VillageClient) -> str:
    from sync import credentials

    transport = Transport(county.url)
    try:
        resp = transport.request("POST", protocol.PATH_TOKEN, body={
            "device_id": pc.state("device_id"), "refresh_token": credentials.refresh_token(_db_id(pc))})
    finally:
        transport.close()
    assert resp.status == 200, resp.body
    return str(resp.body["access_token"])


def test_audit_log_arrives_once_and_a_repush_is_idempotent(county: ServerThread, village: Village) -> None:
    pc = village("东华一号机", direct=True)
    pc.add_resident()
    _audit_some(pc, 5)
    before = _local(pc)
    assert len(before) >= 5
    result = pc.sync()
    assert result.error is None and result.audit_error is None, result
    local = _local(pc)
    assert local[:-1] == before and pc.sql("SELECT action FROM audit_log WHERE seq = ?", (local[-1][0],)) == [("sync",)]
    assert result.audit_pushed == len(local)
    assert [(s, h) for s, h, _ in _at_county(county, _db_id(pc))] == local
    assert pc.state("audit_acked") == str(local[-1][0])

    again = pc.sync()
    assert again.audit_pushed == 1 and again.audit_error is None  # only this cycle's own 'sync' entry

    pc.raw_write("UPDATE sync_state SET v = '0' WHERE k = 'audit_acked'")  # the ack was lost: everything again
    third = pc.sync()
    assert third.audit_pushed >= len(local) and third.audit_error is None
    stored = _at_county(county, _db_id(pc))
    assert len(stored) == len({s for s, _, _ in stored}) and all(f == "" for _, _, f in stored)
    assert [(s, h) for s, h, _ in stored] == _local(pc)


def test_batches_hold_at_most_500_entries(county: ServerThread, village: Village) -> None:
    pc = village("东华一号机", direct=True)
    with pc.ledger.store.write():
        for i in range(1100):
            pc.ledger.audit("print", object_type="cases", object_label=f"案卷{i}")
    before = len([r for r in county.request_log() if r[2] == protocol.PATH_AUDIT])
    result = pc.sync()
    assert result.audit_error is None and result.audit_pushed == len(_local(pc))
    posts = len([r for r in county.request_log() if r[2] == protocol.PATH_AUDIT]) - before
    assert posts == 3
    assert county.sql("SELECT contiguous FROM audit_heads WHERE device = ?", (_db_id(pc),))[0][0] == len(_local(pc))


def test_a_second_pc_cannot_push_as_the_first(county: ServerThread, village: Village) -> None:
    first, second = village("东华一号机", direct=True), village("东华二号机", direct=True)
    _audit_some(first, 2)
    assert first.sync().audit_error is None
    held = _at_county(county, _db_id(first))
    forged = [dict(zip(("id", "seq", "device", "at", "actor", "actor_name", "role", "action", "object_type",
                        "object_id", "object_label", "success", "detail", "prev_hash", "hash"), r))
              for r in first.sql("SELECT id, seq, device, at, actor, actor_name, role, action, object_type, object_id,"
                                 " object_label, success, detail, prev_hash, hash FROM audit_log ORDER BY seq")]
    for entry in forged:
        entry["detail"] = "伪造"
        entry["hash"] = "0" * 64
    transport = Transport(county.url)
    try:
        token = _token(county, second)
        as_first = transport.request("POST", protocol.PATH_AUDIT, body={"device": _db_id(first), "entries": forged},
                                     token=token)
        assert as_first.status == 403, as_first.body
        relabelled = [{**e, "device": _db_id(second)} for e in forged]
        mixed = transport.request("POST", protocol.PATH_AUDIT, body={"device": _db_id(second),
                                                                     "entries": [*relabelled, forged[0]]}, token=token)
        assert mixed.status == 403, mixed.body
        unauth = transport.request("POST", protocol.PATH_AUDIT, body={"device": _db_id(first), "entries": forged})
        assert unauth.status == 401
    finally:
        transport.close()
    assert _at_county(county, _db_id(first)) == held
    assert second.sync().audit_error is None  # its own log still goes through


def test_a_restored_pc_forks_and_the_county_keeps_both(county: ServerThread, village: Village) -> None:
    pc = village("东华一号机", direct=True)
    _audit_some(pc, 3)
    assert pc.sync().audit_error is None
    device = county.store.device(pc.state("device_id"))
    assert device is not None
    (seq, _), *_ = _local(pc)[-1:]
    entry: dict[str, Any] = dict(zip(
        ("id", "seq", "device", "at", "actor", "actor_name", "role", "action", "object_type", "object_id",
         "object_label", "success", "detail", "prev_hash", "hash"),
        pc.sql("SELECT id, seq, device, at, actor, actor_name, role, action, object_type, object_id, object_label, "
               "success, detail, prev_hash, hash FROM audit_log WHERE seq = ?", (seq,))[0]))
    from zhzx_desktop.security.audit import entry_hash

    entry.update(id="restored-pc-entry", detail="从备份恢复后的另一条记录")
    entry["hash"] = entry_hash(entry)
    answer = county.store.push_audit(device, {"device": _db_id(pc), "entries": [entry]})
    assert answer["flagged"] == 1 and answer["acked_seq"] == seq
    again = county.store.push_audit(device, {"device": _db_id(pc), "entries": [entry]})
    assert again["duplicates"] == 1 and again["stored"] == 0
    flags = [f for s, _, f in _at_county(county, _db_id(pc)) if s == seq]
    assert sorted(flags) == ["", "fork"]
    with pytest.raises(ServerError) as refused:
        county.store.push_audit(device, {"device": _db_id(pc), "entries": [{"seq": "x"}]})
    assert refused.value.status == 400


def test_a_failing_audit_push_does_not_fail_the_data_sync(county: ServerThread, village: Village) -> None:
    pc = village("东华一号机", direct=True)
    pc.add_resident()
    _audit_some(pc, 2)

    def broken(store: Any, req: Any) -> Any:
        raise ServerError(400, "malformed", "审计接口测试故障")

    routes = county.app._routes
    original = routes[protocol.PATH_AUDIT]["POST"]
    routes[protocol.PATH_AUDIT]["POST"] = broken
    try:
        result = pc.sync()
    finally:
        routes[protocol.PATH_AUDIT]["POST"] = original
    assert result.error is None and result.confirmed_all, result
    assert result.audit_error and "审计接口测试故障" in result.audit_error
    assert pc.state("audit_acked") == "0"
    healed = pc.sync()
    assert healed.audit_error is None and healed.audit_pushed == len(_local(pc))
