"""``zhzx-county-server`` verbs, run as a subprocess like the county admin would."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

from sync import protocol
from sync.server.storage import ServerStore

VILLAGE = "110101001001"
NOW = "2026-11-23T08:00:00.000Z"


def run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sync.server.cli", "--db", str(db), *args],
                          capture_output=True, text=True, timeout=60, check=False)


def test_village_add_validates_the_code(tmp_path: Path) -> None:
    db = tmp_path / "county.db"
    bad = run(db, "village", "add", "1101", "东华村")
    assert bad.returncode == 2 and "12 位数字" in bad.stderr
    ok = run(db, "village", "add", VILLAGE, "东华村")
    assert ok.returncode == 0 and "已添加村" in ok.stdout
    again = run(db, "village", "add", VILLAGE, "东华村")
    assert again.returncode == 2 and "已存在" in again.stderr
    assert "东华村" in run(db, "village", "list").stdout


def test_enroll_devices_revoke_and_status(tmp_path: Path) -> None:
    db = tmp_path / "county.db"
    run(db, "village", "add", VILLAGE, "东华村")
    unknown = run(db, "enroll", "110101001099")
    assert unknown.returncode == 2 and "没有村代码" in unknown.stderr
    out = run(db, "enroll", VILLAGE)
    assert out.returncode == 0 and "注册码" in out.stdout and "有效期至" in out.stdout
    code = out.stdout.split("注册码：")[1].split()[0]
    with ServerStore(db) as store:
        device = store.enroll(code, "一号机", protocol.SCHEMA_VERSION)
    listing = run(db, "devices")
    assert listing.returncode == 0 and device["device_id"] in listing.stdout and "从未同步" in listing.stdout
    assert "一号机" in listing.stdout and "正常" in listing.stdout
    assert run(db, "revoke", "no-such-device").returncode == 2
    revoked = run(db, "revoke", device["device_id"])
    assert revoked.returncode == 0 and "已停用" in revoked.stdout
    assert "已停用" in run(db, "devices").stdout
    status = run(db, "status", "--json")
    assert status.returncode == 0
    doc = json.loads(status.stdout)
    village = doc["villages"][0]
    assert village["village_code"] == VILLAGE and village["devices"] == 1 and village["pending_conflicts"] == 0
    assert set(village["rows"]) == set(protocol.tables())


def test_edit_delete_and_new_epoch(tmp_path: Path) -> None:
    db = tmp_path / "county.db"
    run(db, "village", "add", VILLAGE, "东华村")
    with ServerStore(db) as store:
        code, _ = store.new_enrollment_code(VILLAGE)
        enrolled = store.enroll(code, "一号机", protocol.SCHEMA_VERSION)
        device = store.device(enrolled["device_id"])
        assert device is not None
        rid = str(uuid.uuid4())
        changes = [{"change_id": str(uuid.uuid4()), "seq": 1, "tx_id": None, "table": "cases", "row_id": rid,
                    "op": "insert", "base_version": None,
                    "data": {"id": rid, "status": "accepted", "created_at": NOW, "people_involved": 2},
                    "client_time": NOW, "hlc": "x"}]
        store.push(device, {"protocol": 1, "schema_version": protocol.SCHEMA_VERSION, "device_id": device.device_id,
                            "device_epoch": "e", "batch_id": "b1", "payload_sha256": protocol.payload_sha256(changes),
                            "changes": changes})
        epoch = store.server_epoch()
    edited = run(db, "edit", "cases", rid, "county_review=同意调解", "people_involved=3")
    assert edited.returncode == 0 and "版本号 2" in edited.stdout
    bad = run(db, "edit", "cases", rid, "people_involved=三")
    assert bad.returncode == 2 and "数字" in bad.stderr
    missing = run(db, "edit", "cases", str(uuid.uuid4()), "notes=x")
    assert missing.returncode == 2 and "没有这条记录" in missing.stderr
    with ServerStore(db) as store:
        row = store.row("cases", rid)
        assert row is not None and row["county_review"] == "同意调解" and row["people_involved"] == 3
    deleted = run(db, "delete", "cases", rid)
    assert deleted.returncode == 0 and "版本号 3" in deleted.stdout
    new = run(db, "new-epoch")
    assert new.returncode == 0
    with ServerStore(db) as store:
        assert store.server_epoch() != epoch and store.server_epoch() in new.stdout
        assert store.row("cases", rid)["_deleted"] is True  # type: ignore[index]


def test_serve_refuses_plain_http_on_a_public_address(tmp_path: Path) -> None:
    out = run(tmp_path / "county.db", "serve", "--host", "0.0.0.0", "--port", "0")
    assert out.returncode == 2 and "HTTPS" in out.stderr
    half = run(tmp_path / "county.db", "serve", "--host", "0.0.0.0", "--ssl-certfile", "c.pem")
    assert half.returncode == 2 and "同时" in half.stderr


def test_serve_on_loopback_answers_ping(tmp_path: Path) -> None:
    import http.client
    import socket
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "sync.server.cli", "--db", str(tmp_path / "c.db"), "serve",
                             "--host", "127.0.0.1", "--port", str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", protocol.PATH_PING)
                resp = conn.getresponse()
                body = json.loads(resp.read())
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.1)
        assert resp.status == 200 and body["protocol"] == protocol.PROTOCOL
    finally:
        proc.terminate()
        proc.wait(10)


def test_import_bundle_writes_the_receipt(tmp_path: Path) -> None:
    import base64

    from sync import bundle

    db = tmp_path / "county.db"
    run(db, "village", "add", VILLAGE, "东华村")
    with ServerStore(db) as store:
        code, _ = store.new_enrollment_code(VILLAGE)
        enrolled = store.enroll(code, "一号机", protocol.SCHEMA_VERSION)
    key = base64.b64decode(enrolled["bundle_key"])
    header = {"format": bundle.BUNDLE_FORMAT, "device_id": enrolled["device_id"], "bundle_id": "b-1"}
    (tmp_path / "in.zhzx").write_bytes(bundle.seal(key, header, {**header, "batch": None, "pull_cursor": 0}))
    out = run(db, "import-bundle", str(tmp_path / "in.zhzx"), "--out", str(tmp_path / "receipt.zhzx"))
    assert out.returncode == 0 and "回执" in out.stdout
    head, payload = bundle.unseal((tmp_path / "receipt.zhzx").read_bytes(), lambda _d: key, bundle.RECEIPT_FORMAT)
    assert head["bundle_id"] == "b-1" and payload["ack"] is None and payload["changes"] == []
    (tmp_path / "junk").write_bytes(b"junk")
    bad = run(db, "import-bundle", str(tmp_path / "junk"), "--out", str(tmp_path / "r2"))
    assert bad.returncode == 2 and "无法打开" in bad.stderr and not (tmp_path / "r2").exists()
