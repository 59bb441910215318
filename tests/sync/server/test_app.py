"""The county server over real HTTP: uvicorn on loopback (tests/sync/harness.ServerThread), stdlib http.client."""

from __future__ import annotations

import gzip
import http.client
import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine

from sync import protocol
from sync.server.app import Faults
from tests.sync.harness import ServerThread

VILLAGE = "110101001001"
NOW = "2026-11-23T08:00:00.000Z"


class Http:
    def __init__(self, server: ServerThread) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)

    def call(self, method: str, path: str, body: Any = None, *, token: str | None = None, gz: bool = True,
             accept_gzip: bool = True, headers: dict[str, str] | None = None,
             raw: bytes | None = None) -> tuple[int, dict[str, str], Any]:
        hdrs = dict(headers or {})
        if accept_gzip:
            hdrs["Accept-Encoding"] = "gzip"
        data = raw
        if body is not None:
            data = protocol.encode(body) if gz else protocol.dumps(body)
            hdrs["Content-Type"] = "application/json"
            if gz:
                hdrs["Content-Encoding"] = "gzip"
        if token:
            hdrs["Authorization"] = f"Bearer {token}"
        self.conn.request(method, path, body=data, headers=hdrs)
        resp = self.conn.getresponse()
        payload = resp.read()
        rh = {k.lower(): v for k, v in resp.getheaders()}
        if rh.get("content-encoding") == "gzip":
            payload = gzip.decompress(payload)
        return resp.status, rh, json.loads(payload) if payload else None


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerThread]:
    srv = ServerThread(tmp_path / "county.db", Faults())
    srv.store.add_village(VILLAGE, "东华村")
    yield srv
    srv.stop()


@pytest.fixture
def client(server: ServerThread) -> Http:
    return Http(server)


def enroll(server: ServerThread, client: Http) -> dict[str, Any]:
    code, _ = server.store.new_enrollment_code(VILLAGE)
    status, _, body = client.call("POST", protocol.PATH_ENROLL, {"code": code, "device_name": "一号机",
                                                                 "schema_version": protocol.SCHEMA_VERSION})
    assert status == 200, body
    status, _, tok = client.call("POST", protocol.PATH_TOKEN, {"device_id": body["device_id"],
                                                                "refresh_token": body["refresh_token"]})
    assert status == 200, tok
    body["access_token"] = tok["access_token"]
    return body


def grid_batch(device_id: str, n: int = 1, start: int = 1) -> dict[str, Any]:
    changes = []
    for i in range(n):
        rid = str(uuid.uuid4())
        changes.append({"change_id": str(uuid.uuid4()), "seq": start + i, "tx_id": None, "table": "grids",
                        "row_id": rid, "op": "insert", "base_version": None,
                        "data": {"id": rid, "code": f"{i:02d}", "name": f"网格{i}", "notes": "", "status": "active",
                                 "created_at": NOW}, "client_time": NOW, "hlc": "x"})
    return {"protocol": 1, "schema_version": protocol.SCHEMA_VERSION, "device_id": device_id,
            "device_epoch": "epoch-1", "batch_id": str(uuid.uuid4()), "first_seq": start, "last_seq": start + n - 1,
            "payload_sha256": protocol.payload_sha256(changes), "changes": changes}


def test_ping_carries_epoch_time_and_schema_range(server: ServerThread, client: Http) -> None:
    status, headers, body = client.call("GET", protocol.PATH_PING)
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert body["server_epoch"] == server.store.server_epoch()
    assert body["server_time"].endswith("Z") and body["protocol"] == protocol.PROTOCOL
    assert body["schema_min"] <= protocol.SCHEMA_VERSION <= body["schema_max"]
    status, headers, body = client.call("GET", protocol.PATH_PING, accept_gzip=False)
    assert status == 200 and "content-encoding" not in headers and body["protocol"] == 1


def test_enroll_token_push_pull_round_trip(server: ServerThread, client: Http) -> None:
    dev = enroll(server, client)
    assert dev["village_code"] == VILLAGE and dev["village_name"] == "东华村" and dev["number_block"] == 0
    assert "residents" in dev["policy"]["tables"]
    batch = grid_batch(dev["device_id"], 3)
    status, _, ack = client.call("POST", protocol.PATH_PUSH, batch, token=dev["access_token"],
                                 headers={"Idempotency-Key": batch["batch_id"]})
    assert status == 200, ack
    assert [r["result"] for r in ack["results"]] == ["applied"] * 3 and ack["last_seq"] == 3
    status, _, again = client.call("POST", protocol.PATH_PUSH, batch, token=dev["access_token"], gz=False)
    assert status == 200 and again == ack                        # replayed verbatim, plain body accepted
    status, _, page = client.call("GET", f"{protocol.PATH_PULL}?cursor=0&limit=2", token=dev["access_token"])
    assert status == 200 and len(page["changes"]) == 2 and page["has_more"] is True
    status, _, page2 = client.call("GET", f"{protocol.PATH_PULL}?cursor={page['next_cursor']}",
                                   token=dev["access_token"])
    assert len(page2["changes"]) == 1
    assert {c["row_id"] for c in page["changes"] + page2["changes"]} == {c["row_id"] for c in batch["changes"]}
    assert page2["has_more"] is False and page2["changes"][0]["row"]["name"] == "网格2"
    status, _, pol = client.call("GET", protocol.PATH_POLICY, token=dev["access_token"])
    assert status == 200 and pol["tables"]["cases"]["delete"] == "forbidden_after_review"


def test_verify_and_bucket_endpoints(server: ServerThread, client: Http) -> None:
    dev = enroll(server, client)
    batch = grid_batch(dev["device_id"], 4)
    client.call("POST", protocol.PATH_PUSH, batch, token=dev["access_token"])
    entries = [(c["row_id"], 1) for c in batch["changes"]]
    count, sha = protocol.digest(entries[:-1])
    status, _, out = client.call("POST", protocol.PATH_VERIFY, {"tables": {"grids": {"count": count, "sha256": sha}}},
                                 token=dev["access_token"])
    assert status == 200 and out["tables"]["grids"]["count"] == 4 and "buckets" in out["tables"]["grids"]
    bucket = protocol.bucket_of(entries[-1][0])
    status, _, rows = client.call("GET", f"{protocol.PATH_BUCKET}?table=grids&bucket={bucket}",
                                  token=dev["access_token"])
    assert status == 200 and entries[-1][0] in {r["row_id"] for r in rows["rows"]}
    status, _, err = client.call("GET", f"{protocol.PATH_BUCKET}?table=nope&bucket=0", token=dev["access_token"])
    assert status == 400 and err["error"] == "malformed"


def test_409_on_same_batch_id_with_different_payload(server: ServerThread, client: Http) -> None:
    dev = enroll(server, client)
    batch = grid_batch(dev["device_id"])
    client.call("POST", protocol.PATH_PUSH, batch, token=dev["access_token"])
    forged = grid_batch(dev["device_id"])
    forged["batch_id"] = batch["batch_id"]
    status, _, err = client.call("POST", protocol.PATH_PUSH, forged, token=dev["access_token"])
    assert status == 409 and err["error"] == "batch_conflict" and err["server_epoch"]
    assert server.sql("SELECT count(*) FROM rows")[0][0] == 1


def test_bad_enrollment_code_is_400_and_codes_are_single_use(server: ServerThread, client: Http) -> None:
    code, _ = server.store.new_enrollment_code(VILLAGE)
    body = {"code": code, "device_name": "一号机", "schema_version": protocol.SCHEMA_VERSION}
    assert client.call("POST", protocol.PATH_ENROLL, body)[0] == 200
    status, _, err = client.call("POST", protocol.PATH_ENROLL, body)
    assert status == 400 and err["error"] == "bad_code" and "注册码" in err["message"]


def test_enrollment_code_expires_after_seven_days(server: ServerThread, client: Http) -> None:
    code, _ = server.store.new_enrollment_code(VILLAGE)
    with time_machine.travel(time.time() + 8 * 86400, tick=True):
        status, _, err = client.call("POST", protocol.PATH_ENROLL, {"code": code, "device_name": "x",
                                                                     "schema_version": protocol.SCHEMA_VERSION})
    assert status == 400 and err["error"] == "bad_code"


def test_access_token_expires_after_an_hour_and_refresh_slides(server: ServerThread, client: Http) -> None:
    dev = enroll(server, client)
    assert client.call("GET", protocol.PATH_POLICY, token=dev["access_token"])[0] == 200
    before = server.sql("SELECT refresh_expires_at FROM devices")[0][0]
    with time_machine.travel(time.time() + 3601, tick=True):
        status, _, err = client.call("GET", protocol.PATH_POLICY, token=dev["access_token"])
        assert status == 401 and err["error"] == "token_expired"
        status, _, tok = client.call("POST", protocol.PATH_TOKEN, {"device_id": dev["device_id"],
                                                                    "refresh_token": dev["refresh_token"]})
        assert status == 200
        assert client.call("GET", protocol.PATH_POLICY, token=tok["access_token"])[0] == 200
    assert server.sql("SELECT refresh_expires_at FROM devices")[0][0] > before
    status, _, err = client.call("GET", protocol.PATH_POLICY, token="garbage")
    assert status == 401 and err["error"] == "token_invalid"
    assert client.call("GET", protocol.PATH_POLICY)[0] == 401


def test_revoked_device_gets_403(server: ServerThread, client: Http) -> None:
    dev = enroll(server, client)
    server.store.revoke(dev["device_id"])
    status, _, err = client.call("POST", protocol.PATH_TOKEN, {"device_id": dev["device_id"],
                                                                "refresh_token": dev["refresh_token"]})
    assert status == 403 and err["error"] == "revoked"


def test_schema_min_raised_gives_426(server: ServerThread, client: Http) -> None:
    dev = enroll(server, client)
    server.faults.schema_min = protocol.SCHEMA_VERSION + 1
    status, _, err = client.call("POST", protocol.PATH_PUSH, grid_batch(dev["device_id"]), token=dev["access_token"])
    assert status == 426 and err["error"] == "upgrade_required"
    assert server.sql("SELECT count(*) FROM rows")[0][0] == 0


def test_body_over_max_is_413(server: ServerThread, client: Http) -> None:
    dev = enroll(server, client)
    server.faults.max_body = 200
    status, _, err = client.call("POST", protocol.PATH_PUSH, grid_batch(dev["device_id"], 20),
                                 token=dev["access_token"])
    assert status == 413 and err["error"] == "too_large"
    assert server.sql("SELECT count(*) FROM rows")[0][0] == 0


def test_busy_503_with_retry_after_then_normal(server: ServerThread, client: Http) -> None:
    server.faults.busy = (2, 120)
    for _ in range(2):
        status, headers, err = client.call("GET", protocol.PATH_PING)
        assert status == 503 and headers["retry-after"] == "120" and err["error"] == "busy"
    assert client.call("GET", protocol.PATH_PING)[0] == 200
    log = server.request_log()
    assert [entry[3] for entry in log[-3:]] == [503, 503, 200]
    assert all(entry[1] == "GET" and entry[2] == protocol.PATH_PING for entry in log[-3:])


def test_fail_before_commit_is_500_and_applies_nothing(server: ServerThread, client: Http) -> None:
    dev = enroll(server, client)
    server.faults.fail_push_before_commit = 1
    batch = grid_batch(dev["device_id"], 2)
    status, _, err = client.call("POST", protocol.PATH_PUSH, batch, token=dev["access_token"])
    assert status == 500 and err["error"] == "internal"
    assert server.sql("SELECT count(*) FROM rows")[0][0] == 0
    assert server.sql("SELECT count(*) FROM received_batches")[0][0] == 0
    status, _, ack = client.call("POST", protocol.PATH_PUSH, batch, token=dev["access_token"])
    assert status == 200 and [r["result"] for r in ack["results"]] == ["applied", "applied"]


def test_before_commit_hook_runs_inside_the_push_transaction(server: ServerThread, client: Http) -> None:
    dev = enroll(server, client)
    seen: list[int] = []
    server.faults.before_commit = lambda: seen.append(server.sql("SELECT count(*) FROM rows")[0][0])
    status, _, _ = client.call("POST", protocol.PATH_PUSH, grid_batch(dev["device_id"], 2), token=dev["access_token"])
    assert status == 200
    assert seen == [0]                                        # not yet visible to other connections
    assert server.sql("SELECT count(*) FROM rows")[0][0] == 2


def test_stall_sends_nothing_until_the_client_gives_up(server: ServerThread) -> None:
    server.faults.stall_next = 1
    server.faults.stall_seconds = 30
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=0.5)
    conn.request("GET", protocol.PATH_PING)
    with pytest.raises(TimeoutError):
        conn.getresponse()
    conn.close()
    assert Http(server).call("GET", protocol.PATH_PING)[0] == 200


@pytest.mark.parametrize(("method", "path", "raw", "headers", "status"), [
    ("GET", "/nope", None, {}, 404),
    ("DELETE", protocol.PATH_PING, None, {}, 405),
    ("POST", protocol.PATH_ENROLL, b"{not json", {}, 400),
    ("POST", protocol.PATH_ENROLL, b"\x1f\x8b garbage", {"Content-Encoding": "gzip"}, 400),
    ("POST", protocol.PATH_ENROLL, b"[1, 2]", {}, 400),
    ("POST", protocol.PATH_ENROLL, b'{"code": 5, "schema_version": 4}', {}, 400),
    ("POST", protocol.PATH_ENROLL, b'{"code": "x", "schema_version": NaN}', {}, 400),
    ("POST", protocol.PATH_TOKEN, b"", {}, 400),
    ("GET", protocol.PATH_PULL + "?cursor=-1", None, {"Authorization": "Bearer x"}, 401),
])
def test_bad_requests_never_5xx(client: Http, method: str, path: str, raw: bytes | None, headers: dict[str, str],
                                status: int) -> None:
    got, hdrs, body = client.call(method, path, raw=raw, headers=headers)
    assert got == status
    assert body["error"] and body["message"] and body["server_epoch"]
    if status == 405:
        assert hdrs["allow"] == "GET"


def test_malformed_push_and_pull_params_are_400(server: ServerThread, client: Http) -> None:
    dev = enroll(server, client)
    batch = grid_batch(dev["device_id"])
    batch["changes"][0]["seq"] = "one"
    status, _, err = client.call("POST", protocol.PATH_PUSH, batch, token=dev["access_token"])
    assert status == 400 and err["error"] == "malformed"
    for query in ("cursor=-1", "cursor=abc", "limit=0", "limit=2001", "cursor=99999999999999999999"):
        status, _, err = client.call("GET", f"{protocol.PATH_PULL}?{query}", token=dev["access_token"])
        assert status == 400, query
        assert "参数" in err["message"]


def test_openapi_document_lists_every_endpoint(client: Http) -> None:
    status, _, doc = client.call("GET", protocol.PATH_OPENAPI)
    assert status == 200 and doc["openapi"].startswith("3.1")
    assert set(doc["paths"]) == {protocol.PATH_PING, protocol.PATH_ENROLL, protocol.PATH_TOKEN, protocol.PATH_PUSH,
                                 protocol.PATH_PULL, protocol.PATH_VERIFY, protocol.PATH_BUCKET, protocol.PATH_POLICY,
                                 protocol.PATH_AUDIT, protocol.PATH_ESCROW, protocol.PATH_OPENAPI}
    assert "401" in doc["paths"][protocol.PATH_PUSH]["post"]["responses"]
