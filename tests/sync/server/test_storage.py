"""The county store's push algorithm, pull, verify and county editor on a real SQLite file (SYNC.md §7.3–§7.6)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from sync import protocol
from sync.server import policy
from sync.server.storage import Device, ServerError, ServerStore

VILLAGE = "110101001001"
OTHER = "110101001002"
NOW = "2026-11-23T08:00:00.000Z"


def new_id() -> str:
    return str(uuid.uuid4())


class Dev:
    """A device of the store with its own seq counter: builds changes and batches like the client does."""

    def __init__(self, store: ServerStore, village: str = VILLAGE) -> None:
        code, _ = store.new_enrollment_code(village)
        enrolled = store.enroll(code, "测试电脑", protocol.SCHEMA_VERSION)
        self.store = store
        self.info = enrolled
        found = store.device(enrolled["device_id"])
        assert found is not None
        self.device: Device = found
        self.epoch = new_id()
        self.seq = 0

    def change(self, table: str, row_id: str, op: str, data: dict[str, Any], base: int | None = None,
               seq: int | None = None) -> dict[str, Any]:
        if seq is None:
            self.seq += 1
            seq = self.seq
        return {"change_id": new_id(), "seq": seq, "tx_id": None, "table": table, "row_id": row_id, "op": op,
                "base_version": base, "data": data, "client_time": NOW, "hlc": f"{seq:016d}-000000"}

    def batch(self, changes: list[dict[str, Any]], batch_id: str | None = None) -> dict[str, Any]:
        return {"protocol": 1, "schema_version": protocol.SCHEMA_VERSION, "device_id": self.device.device_id,
                "device_epoch": self.epoch, "batch_id": batch_id or new_id(),
                "first_seq": min((c["seq"] for c in changes), default=None),
                "last_seq": max((c["seq"] for c in changes), default=None),
                "payload_sha256": protocol.payload_sha256(changes), "changes": changes}

    def push(self, changes: list[dict[str, Any]], batch_id: str | None = None) -> dict[str, Any]:
        ack: dict[str, Any] = json.loads(self.store.push(self.device, self.batch(changes, batch_id)))
        return ack

    def push_one(self, change: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self.push([change])["results"][0]
        return result


def grid(row_id: str | None = None, name: str = "一网格") -> dict[str, Any]:
    return {"id": row_id or new_id(), "code": "01", "name": name, "notes": "", "status": "active",
            "created_at": NOW}


def resident(row_id: str | None = None, **values: Any) -> dict[str, Any]:
    row = {"id": row_id or new_id(), "name": "王小明", "sex": "男", "birth_date": "1980-05-01", "ethnicity": "汉族",
           "id_type": "身份证", "id_cipher": None, "id_masked": None, "phone": "13900000001", "household_id": None,
           "relation": None, "grid_id": None, "residence_type": "户籍", "address": "一组", "occupation": "",
           "status": "active", "merged_into": None, "notes": "", "created_at": NOW, "verified_on": None}
    row.update(values)
    return row


def case(row_id: str | None = None, **values: Any) -> dict[str, Any]:
    row = {"id": row_id or new_id(), "case_no": None, "status": "accepted", "summary": "邻里纠纷",
           "place": "一组", "failure_reason": "", "channels_told": "", "notes": "", "created_at": NOW,
           "retention": "long", "county_review": ""}
    row.update(values)
    return row


@pytest.fixture
def store(tmp_path: Path) -> ServerStore:
    s = ServerStore(tmp_path / "county.db")
    s.add_village(VILLAGE, "东华村")
    s.add_village(OTHER, "西山村")
    yield s  # type: ignore[misc]
    s.close()


@pytest.fixture
def dev(store: ServerStore) -> Dev:
    return Dev(store)


def changelog_count(store: ServerStore, change_id: str) -> int:
    return int(store.conn.execute("SELECT count(*) FROM changelog WHERE change_id = ?", (change_id,)).fetchone()[0])


# ---- push basics ------------------------------------------------------------------------------------------------

def test_insert_applied_with_version_and_seq(store: ServerStore, dev: Dev) -> None:
    row = resident()
    ch = dev.change("residents", row["id"], "insert", row)
    ack = dev.push([ch])
    res = ack["results"][0]
    assert res["result"] == "applied" and res["version"] == 1 and res["server_seq"] == 1
    assert ack["max_server_seq"] == 1 and ack["last_seq"] == dev.seq
    assert ack["server_epoch"] == store.server_epoch()
    stored = store.row("residents", row["id"])
    assert stored is not None and stored["name"] == "王小明" and stored["_version"] == 1
    assert stored["_village"] == VILLAGE
    assert changelog_count(store, ch["change_id"]) == 1


def test_replay_returns_the_stored_ack_verbatim(store: ServerStore, dev: Dev) -> None:
    row = grid()
    batch = dev.batch([dev.change("grids", row["id"], "insert", row)])
    first = store.push(dev.device, batch)
    second = store.push(dev.device, json.loads(json.dumps(batch)))
    assert first == second
    assert store.server_seq() == 1
    assert changelog_count(store, batch["changes"][0]["change_id"]) == 1


def test_same_batch_id_with_other_payload_is_409_and_applies_nothing(store: ServerStore, dev: Dev) -> None:
    row = grid()
    batch = dev.batch([dev.change("grids", row["id"], "insert", row)])
    store.push(dev.device, batch)
    other = grid()
    forged = dev.batch([dev.change("grids", other["id"], "insert", other)], batch_id=batch["batch_id"])
    with pytest.raises(ServerError) as err:
        store.push(dev.device, forged)
    assert err.value.status == 409 and err.value.code == "batch_conflict"
    assert store.row("grids", other["id"]) is None


def test_change_id_dedupe_across_reformed_batches(store: ServerStore, dev: Dev) -> None:
    a, b = grid(), grid()
    ca, cb = dev.change("grids", a["id"], "insert", a), dev.change("grids", b["id"], "insert", b)
    first = dev.push([ca])["results"][0]
    ack = dev.push([ca, cb])                       # a re-formed (bigger) batch after a 413
    dup, new = ack["results"]
    assert dup["result"] == "duplicate" and dup["server_seq"] == first["server_seq"]
    assert dup["version"] == first["version"] == 1
    assert new["result"] == "applied"
    assert changelog_count(store, ca["change_id"]) == 1
    assert store.row("grids", a["id"])["_version"] == 1  # type: ignore[index]


def test_bad_payload_hash_is_malformed(store: ServerStore, dev: Dev) -> None:
    row = grid()
    batch = dev.batch([dev.change("grids", row["id"], "insert", row)])
    batch["payload_sha256"] = "0" * 64
    with pytest.raises(ServerError) as err:
        store.push(dev.device, batch)
    assert err.value.status == 400 and err.value.code == "malformed"


def test_schema_outside_range_is_426(store: ServerStore, dev: Dev) -> None:
    batch = dev.batch([])
    with pytest.raises(ServerError) as err:
        store.push(dev.device, batch, schema_min=protocol.SCHEMA_VERSION + 1)
    assert err.value.status == 426


# ---- per-change rejections --------------------------------------------------------------------------------------

def test_row_of_another_village_is_out_of_scope(store: ServerStore, dev: Dev) -> None:
    other = Dev(store, OTHER)
    row = grid()
    other.push_one(other.change("grids", row["id"], "insert", row))
    res = dev.push_one(dev.change("grids", row["id"], "update", {"name": ["一网格", "偷改"]}, base=1))
    assert res["result"] == "rejected" and res["code"] == "scope"
    assert res["reason"].startswith(protocol.REASONS["scope"])
    assert store.row("grids", row["id"])["name"] == "一网格"  # type: ignore[index]


def test_reference_must_exist_in_the_same_village(store: ServerStore, dev: Dev) -> None:
    other = Dev(store, OTHER)
    foreign = grid()
    other.push_one(other.change("grids", foreign["id"], "insert", foreign))
    r1 = resident(grid_id=foreign["id"])
    r2 = resident(grid_id=new_id())
    own = grid()
    r3 = resident(grid_id=own["id"])
    ack = dev.push([dev.change("residents", r1["id"], "insert", r1), dev.change("residents", r2["id"], "insert", r2),
                    dev.change("grids", own["id"], "insert", own), dev.change("residents", r3["id"], "insert", r3)])
    results = [r["result"] for r in ack["results"]]
    codes = [r["code"] for r in ack["results"]]
    assert results == ["rejected", "rejected", "applied", "applied"]  # a parent earlier in the batch counts
    assert codes[:2] == ["reference", "reference"]
    assert "网格" in ack["results"][0]["reason"]


def test_rejections_do_not_abort_the_batch_and_poison_birth_date(store: ServerStore, dev: Dev) -> None:
    bad = resident(birth_date="2099-01-01")
    good = resident()
    ack = dev.push([dev.change("residents", bad["id"], "insert", bad),
                    dev.change("residents", good["id"], "insert", good)])
    assert [r["result"] for r in ack["results"]] == ["rejected", "applied"]
    assert ack["results"][0]["code"] == "invalid" and "出生日期" in ack["results"][0]["reason"]
    assert store.row("residents", bad["id"]) is None
    assert changelog_count(store, ack["results"][0]["change_id"]) == 0


@pytest.mark.parametrize(("values", "fragment"), [
    ({"name": None}, "不能为空"), ({"phone": 139}, "类型"), ({"birth_date": "1980/05/01"}, "日期"),
    ({"nonsense": "x"}, "nonsense"),
])
def test_invalid_values_are_rejected(store: ServerStore, dev: Dev, values: dict[str, Any], fragment: str) -> None:
    row = resident(**values)
    res = dev.push_one(dev.change("residents", row["id"], "insert", row))
    assert res["result"] == "rejected" and res["code"] == "invalid" and fragment in res["reason"]


def test_missing_not_null_column_is_rejected(store: ServerStore, dev: Dev) -> None:
    row = resident()
    del row["name"]
    res = dev.push_one(dev.change("residents", row["id"], "insert", row))
    assert res["code"] == "invalid"


def test_unknown_table_and_missing_row(store: ServerStore, dev: Dev) -> None:
    ack = dev.push([dev.change("sync_outbox", new_id(), "insert", {}),
                    dev.change("grids", new_id(), "update", {"name": ["a", "b"]}, base=1),
                    dev.change("grids", new_id(), "delete", {}, base=1)])
    assert [r["code"] for r in ack["results"]] == ["table", "missing", "missing"]


def test_county_owned_fields(store: ServerStore, dev: Dev) -> None:
    row = resident()
    dev.push_one(dev.change("residents", row["id"], "insert", row))
    res = dev.push_one(dev.change("residents", row["id"], "update", {"verified_on": [None, "2026-11-01"]}, base=1))
    assert res["result"] == "rejected" and res["code"] == "county_owned"
    forged = resident(verified_on="2026-11-01")
    res = dev.push_one(dev.change("residents", forged["id"], "insert", forged))
    assert res["code"] == "county_owned"
    assert policy.document()["tables"]["residents"]["county_owned"] == ["verified_on"]


def test_reviewed_case_cannot_be_deleted_but_unreviewed_can(store: ServerStore, dev: Dev) -> None:
    reviewed, plain = case(), case()
    dev.push([dev.change("cases", reviewed["id"], "insert", reviewed),
              dev.change("cases", plain["id"], "insert", plain)])
    store.county_edit("cases", reviewed["id"], {"county_review": "同意"})
    ack = dev.push([dev.change("cases", reviewed["id"], "delete", {}, base=1),
                    dev.change("cases", plain["id"], "delete", {}, base=1)])
    assert ack["results"][0]["code"] == "forbidden_delete"
    assert ack["results"][1]["result"] == "applied" and ack["results"][1]["deleted"] is True
    assert store.row("cases", reviewed["id"])["_deleted"] is False  # type: ignore[index]
    assert store.row("cases", plain["id"])["_deleted"] is True  # type: ignore[index]


# ---- merge and conflict policy ----------------------------------------------------------------------------------

def _conflicts(store: ServerStore) -> list[tuple[Any, ...]]:
    return list(store.conn.execute("SELECT table_name, field, mine, theirs, resolution FROM conflicts ORDER BY id"))


def test_disjoint_edits_merge_without_conflict(store: ServerStore, dev: Dev) -> None:
    row = resident()
    dev.push_one(dev.change("residents", row["id"], "insert", row))
    store.county_edit("residents", row["id"], {"status": "moved"})
    res = dev.push_one(dev.change("residents", row["id"], "update", {"phone": ["13900000001", "13900000002"]},
                                  base=1))
    assert res["result"] == "merged" and res["version"] == 3
    assert res["row"]["status"] == "moved" and res["row"]["phone"] == "13900000002"
    assert _conflicts(store) == []


def test_same_field_county_wins_keeps_server_value_and_records_clerk_value(store: ServerStore, dev: Dev) -> None:
    row = resident()
    dev.push_one(dev.change("residents", row["id"], "insert", row))
    store.county_edit("residents", row["id"], {"status": "moved"})
    res = dev.push_one(dev.change("residents", row["id"], "update", {"status": ["active", "deceased"]}, base=1))
    assert res["result"] == "conflict"
    assert res["conflicts"] == [{"field": "status", "mine": "deceased", "theirs": "moved",
                                 "resolution": "county_wins"}]
    assert res["row"]["status"] == "moved"
    assert store.row("residents", row["id"])["status"] == "moved"  # type: ignore[index]
    assert _conflicts(store) == [("residents", "status", '"deceased"', '"moved"', "county_wins")]
    assert changelog_count(store, res["change_id"]) == 1


def test_same_field_clerk_wins_applies_clerk_value_and_records_county_value(store: ServerStore, dev: Dev) -> None:
    row = resident()
    dev.push_one(dev.change("residents", row["id"], "insert", row))
    store.county_edit("residents", row["id"], {"phone": "13700000000"})
    res = dev.push_one(dev.change("residents", row["id"], "update", {"phone": ["13900000001", "13800000000"]},
                                  base=1))
    assert res["result"] == "conflict" and res["conflicts"][0]["resolution"] == "clerk_wins"
    assert res["row"]["phone"] == "13800000000"
    assert _conflicts(store) == [("residents", "phone", '"13800000000"', '"13700000000"', "clerk_wins")]


def test_convergent_edit_is_a_no_op(store: ServerStore, dev: Dev) -> None:
    row = resident()
    dev.push_one(dev.change("residents", row["id"], "insert", row))
    store.county_edit("residents", row["id"], {"phone": "13800000000"})
    res = dev.push_one(dev.change("residents", row["id"], "update", {"phone": ["13900000001", "13800000000"]},
                                  base=1))
    assert res["result"] == "merged" and res["version"] == 2       # nothing written: version unchanged
    assert _conflicts(store) == []
    assert changelog_count(store, res["change_id"]) == 1


def test_update_racing_a_delete_delete_wins(store: ServerStore, dev: Dev) -> None:
    team = {"id": new_id(), "name": "巡逻队", "team_type": "01", "leader_resident_id": None, "contact_phone": "",
            "grid_id": None, "founded_on": None, "duties": "", "status": "active", "created_at": NOW}
    dev.push_one(dev.change("teams", team["id"], "insert", team))
    store.county_delete("teams", team["id"])
    res = dev.push_one(dev.change("teams", team["id"], "update", {"name": ["巡逻队", "夜间巡逻队"]}, base=1))
    assert res["result"] == "conflict" and res["deleted"] is True
    assert res["conflicts"][0]["resolution"] == "delete_wins"
    assert store.row("teams", team["id"])["_deleted"] is True  # type: ignore[index]


def test_two_edits_of_one_row_in_one_batch_are_applied_not_merged(store: ServerStore, dev: Dev) -> None:
    row = resident()
    dev.push_one(dev.change("residents", row["id"], "insert", row))
    ack = dev.push([dev.change("residents", row["id"], "update", {"phone": ["13900000001", "13900000002"]}, base=1),
                    dev.change("residents", row["id"], "update", {"status": ["active", "moved"]}, base=1)])
    assert [r["result"] for r in ack["results"]] == ["applied", "applied"]
    final = store.row("residents", row["id"])
    assert final is not None and final["phone"] == "13900000002" and final["status"] == "moved"
    assert final["_version"] == 3


def test_insert_of_existing_id_identical_is_applied_different_conflicts(store: ServerStore, dev: Dev) -> None:
    other = Dev(store)
    row = resident()
    dev.push_one(dev.change("residents", row["id"], "insert", row))
    same = other.push_one(other.change("residents", row["id"], "insert", dict(row)))
    assert same["result"] == "applied" and same["version"] == 1
    changed = dict(row, status="moved", notes="另一台电脑")
    res = other.push_one(other.change("residents", row["id"], "insert", changed))
    assert res["result"] == "conflict"
    by_field = {c["field"]: c["resolution"] for c in res["conflicts"]}
    assert by_field == {"status": "county_wins", "notes": "clerk_wins"}
    assert res["row"]["status"] == "active" and res["row"]["notes"] == "另一台电脑"


def test_ordering_guard_ignores_an_older_change_of_the_same_row(store: ServerStore, dev: Dev) -> None:
    row = resident()
    dev.push_one(dev.change("residents", row["id"], "insert", row))
    older = dev.change("residents", row["id"], "update", {"phone": ["13900000001", "13900000002"]}, base=1)
    newer = dev.change("residents", row["id"], "update", {"phone": ["13900000002", "13900000003"]}, base=1)
    assert newer["seq"] > older["seq"]
    r_new = dev.push_one(newer)                    # batch k+1 arrives first
    assert r_new["result"] == "applied" and r_new["version"] == 2
    r_old = dev.push_one(older)                    # then batch k
    assert r_old["result"] == "applied" and r_old["version"] == 2    # ignored: the current version echoed
    assert store.row("residents", row["id"])["phone"] == "13900000003"  # type: ignore[index]
    assert changelog_count(store, older["change_id"]) == 1           # I1: applied exactly once (as a no-op)


def test_last_seq_reports_the_highest_seq_of_the_epoch(store: ServerStore, dev: Dev) -> None:
    row = grid()
    ack = dev.push([dev.change("grids", row["id"], "insert", row, seq=41)])
    assert ack["last_seq"] == 41
    dev.epoch = new_id()
    ack = dev.push([])
    assert ack["last_seq"] == 0


# ---- pull, verify, buckets --------------------------------------------------------------------------------------

def _pull(store: ServerStore, device: Device, cursor: int, limit: int) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(store.pull_body(device, cursor, limit, {"server_epoch": "e", "server_time": "t"}))
    return body


def test_pull_keyset_pages_and_village_scope(store: ServerStore, dev: Dev) -> None:
    other = Dev(store, OTHER)
    mine = [grid(name=f"网格{i}") for i in range(5)]
    dev.push([dev.change("grids", g["id"], "insert", g) for g in mine])
    theirs = grid(name="外村网格")
    other.push_one(other.change("grids", theirs["id"], "insert", theirs))
    store.county_edit("grids", mine[0]["id"], {"name": "改名网格"})
    seen: list[dict[str, Any]] = []
    cursor = 0
    pages = 0
    while True:
        page = _pull(store, dev.device, cursor, 2)
        pages += 1
        seen.extend(page["changes"])
        assert page["server_epoch"] == "e"
        if not page["has_more"]:
            break
        assert page["next_cursor"] > cursor
        cursor = page["next_cursor"]
    assert pages == 3
    assert {c["row_id"] for c in seen} == {g["id"] for g in mine}
    assert theirs["id"] not in {c["row_id"] for c in seen}
    seqs = [c["server_seq"] for c in seen]
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs))
    assert seen[-1]["row_id"] == mine[0]["id"] and seen[-1]["row"]["name"] == "改名网格"  # state-based, once
    assert seen[-1]["version"] == 2
    empty = _pull(store, dev.device, page["next_cursor"], 2)
    assert empty["changes"] == [] and empty["has_more"] is False and empty["next_cursor"] == page["next_cursor"]


def test_pull_returns_tombstones_without_data(store: ServerStore, dev: Dev) -> None:
    row = grid()
    dev.push_one(dev.change("grids", row["id"], "insert", row))
    dev.push_one(dev.change("grids", row["id"], "delete", {}, base=1))
    page = _pull(store, dev.device, 0, 10)
    assert page["changes"] == [{"server_seq": 2, "table": "grids", "row_id": row["id"], "version": 2,
                                "deleted": True, "row": None}]


def test_verify_reports_buckets_only_where_digests_differ(store: ServerStore, dev: Dev) -> None:
    rows = [grid() for _ in range(6)]
    dev.push([dev.change("grids", g["id"], "insert", g) for g in rows])
    good = protocol.digest([(g["id"], 1) for g in rows])
    out = store.verify(dev.device, {"grids": {"count": good[0], "sha256": good[1]}})
    assert out["grids"] == {"count": 6, "sha256": good[1]}
    assert "buckets" not in out["grids"]
    assert out["residents"]["count"] == 0 and "buckets" not in out["residents"]   # absent = empty on the client
    short = protocol.digest([(g["id"], 1) for g in rows[1:]])
    out = store.verify(dev.device, {"grids": {"count": short[0], "sha256": short[1]}})
    buckets = out["grids"]["buckets"]
    assert set(buckets) == set(protocol.BUCKETS)
    missing = protocol.bucket_of(rows[0]["id"])
    local = protocol.digest([(g["id"], 1) for g in rows[1:] if protocol.bucket_of(g["id"]) == missing])
    assert buckets[missing] != local[1]
    listed = store.bucket(dev.device, "grids", missing)
    assert rows[0]["id"] in {r["row_id"] for r in listed}


def test_county_edit_bumps_version_and_logs_without_change_id(store: ServerStore, dev: Dev) -> None:
    row = grid()
    dev.push_one(dev.change("grids", row["id"], "insert", row))
    assert store.county_edit("grids", row["id"], {"notes": "县里备注"}) == 2
    log = list(store.conn.execute("SELECT change_id, version, result FROM changelog ORDER BY id"))
    assert log[-1] == (None, 2, "county_edit")
    with pytest.raises(ServerError):
        store.county_edit("grids", row["id"], {"nonsense": 1})
    with pytest.raises(ServerError) as err:
        store.county_edit("grids", new_id(), {"notes": "x"})
    assert err.value.status == 404


# ---- enrollment and tokens --------------------------------------------------------------------------------------

def test_enrollment_is_single_use_and_blocks_are_assigned_in_order(store: ServerStore) -> None:
    code, expires = store.new_enrollment_code(VILLAGE)
    assert len(code) == 8 and expires.endswith("Z")
    first = store.enroll(code, "一号机", protocol.SCHEMA_VERSION)
    assert first["number_block"] == 0 and first["village_name"] == "东华村"
    assert len(__import__("base64").b64decode(first["bundle_key"])) == 32
    with pytest.raises(ServerError) as err:
        store.enroll(code, "二号机", protocol.SCHEMA_VERSION)
    assert err.value.code == "bad_code"
    second = store.enroll(store.new_enrollment_code(VILLAGE)[0], "二号机", protocol.SCHEMA_VERSION)
    assert second["number_block"] == 1
    other = store.enroll(store.new_enrollment_code(OTHER)[0], "外村", protocol.SCHEMA_VERSION)
    assert other["number_block"] == 0
    stored = store.conn.execute("SELECT code_hash FROM enrollment_codes").fetchall()
    assert all(code not in str(r[0]) for r in stored)
    hashes = store.conn.execute("SELECT refresh_hash FROM devices").fetchall()
    assert first["refresh_token"] not in {r[0] for r in hashes}


def test_token_and_revoke(store: ServerStore, dev: Dev) -> None:
    tok = store.issue_token(dev.device.device_id, dev.info["refresh_token"])
    assert tok["expires_in"] == 3600
    assert store.authenticate(tok["access_token"]).device_id == dev.device.device_id
    with pytest.raises(ServerError) as err:
        store.issue_token(dev.device.device_id, "wrong")
    assert err.value.status == 401
    assert store.revoke(dev.device.device_id)
    with pytest.raises(ServerError) as err:
        store.issue_token(dev.device.device_id, dev.info["refresh_token"])
    assert err.value.status == 403
    with pytest.raises(ServerError) as err:
        store.authenticate(tok["access_token"])
    assert err.value.status in (401, 403)


# ---- USB bundles ------------------------------------------------------------------------------------------------

def _bundle(dev: Dev, changes: list[dict[str, Any]], cursor: int = 0) -> tuple[bytes, str, bytes]:
    import base64

    from sync import bundle

    key = base64.b64decode(dev.info["bundle_key"])
    bundle_id = uuid.uuid4().hex
    header = {"format": bundle.BUNDLE_FORMAT, "device_id": dev.device.device_id, "bundle_id": bundle_id}
    data = bundle.seal(key, header, {**header, "batch": dev.batch(changes), "pull_cursor": cursor})
    return data, bundle_id, key


def test_import_bundle_applies_through_push_and_is_idempotent(store: ServerStore, dev: Dev) -> None:
    from sync import bundle

    county_row = grid(name="县里先有的")
    dev.push_one(dev.change("grids", county_row["id"], "insert", county_row))
    row = grid(name="U盘网格")
    ch = dev.change("grids", row["id"], "insert", row)
    data, bundle_id, key = _bundle(dev, [ch], cursor=0)
    receipt = store.import_bundle(data)
    header, payload = bundle.unseal(receipt, lambda _d: key, bundle.RECEIPT_FORMAT)
    assert header["bundle_id"] == bundle_id and header["device_id"] == dev.device.device_id
    assert payload["ack"]["results"][0]["result"] == "applied"
    assert {c["row_id"] for c in payload["changes"]} == {county_row["id"], row["id"]}
    assert payload["next_cursor"] == store.server_seq()
    assert store.import_bundle(data) == receipt                   # a second import: same receipt, nothing applied
    assert changelog_count(store, ch["change_id"]) == 1
    # the same changes over the network afterwards are duplicates (change_id dedupe holds across paths)
    assert dev.push([ch])["results"][0]["result"] == "duplicate"


def test_import_bundle_refuses_tampered_and_revoked(store: ServerStore, dev: Dev) -> None:
    row = grid()
    data, _, _ = _bundle(dev, [dev.change("grids", row["id"], "insert", row)])
    tampered = data[:-5] + bytes(5)
    with pytest.raises(ServerError) as err:
        store.import_bundle(tampered)
    assert err.value.code == "bad_bundle" and store.row("grids", row["id"]) is None
    store.revoke(dev.device.device_id)
    with pytest.raises(ServerError) as err:
        store.import_bundle(data)
    assert err.value.status == 403 and store.row("grids", row["id"]) is None
