"""Transport against a real stdlib HTTP server on loopback; bundles sealed and opened for real."""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from sync import bundle, credentials, outbox, protocol
from sync.transport import Transport, TransportError
from tests.helpers import make_id
from zhzx_desktop.errors import KnownError
from zhzx_desktop.services import residents
from zhzx_desktop.services.ledger import Ledger


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: ClassVar[list[object]] = []

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers["Content-Length"]))
        body = protocol.decode(raw, self.headers.get("Content-Encoding"))
        _Handler.seen.append(body)
        if body.get("stall"):
            time.sleep(1.5)
        out = protocol.encode({"echo": body, "server_epoch": "e1", "server_time": "2026-11-23T00:00:00Z"})
        self.send_response(200)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)


@pytest.fixture
def http_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_gzip_both_ways_and_keep_alive(http_url: str) -> None:
    t = Transport(http_url)
    first = t.request("POST", "/x", body={"名字": "王小明"})
    sock = t._conn.sock if t._conn else None
    second = t.request("POST", "/x", body={"n": 2})
    assert first.status == 200 and first.body["echo"] == {"名字": "王小明"}
    assert second.body["echo"] == {"n": 2}
    assert sock is not None and t._conn is not None and t._conn.sock is sock  # same connection reused
    assert t.bytes_sent == len(protocol.encode({"名字": "王小明"})) + len(protocol.encode({"n": 2}))
    t.close()


def test_stall_timeout_and_abort(http_url: str) -> None:
    t = Transport(http_url, stall_timeout=0.3)
    with pytest.raises(TransportError) as stalled:
        t.request("POST", "/x", body={"stall": True})
    assert stalled.value.timeout and "没有响应" in stalled.value.message
    t2 = Transport(http_url, stall_timeout=10)
    threading.Timer(0.3, t2.abort).start()
    started = time.monotonic()
    with pytest.raises(TransportError) as aborted:
        t2.request("POST", "/x", body={"stall": True})
    assert aborted.value.aborted and time.monotonic() - started < 1.4


def test_plain_http_only_to_loopback_and_refused_connection_is_chinese() -> None:
    with pytest.raises(KnownError, match="https"):
        Transport("http://county.example.cn:8000")
    Transport("http://localhost:1")  # allowed
    with pytest.raises(TransportError, match="连不上"):
        Transport("http://127.0.0.1:1", connect_timeout=2).request("GET", "/v1/ping")


def _enrolled(ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> bytes:
    monkeypatch.setenv("ZHZX_STATE_DIR", str(tmp_path / "state"))
    key = bytes(range(32))
    db_id = ledger.store.meta("db_id") or ""
    credentials.store(db_id, refresh_token="r", bundle_key=key)
    with ledger.store.write() as conn:
        outbox.set_state(conn, "device_id", "dev-1")
        outbox.set_state(conn, "server_url", "http://127.0.0.1:9")
    return key


def test_bundle_round_trip_receipt_twice_changes_nothing(ledger: Ledger, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    key = _enrolled(ledger, tmp_path, monkeypatch)
    rid = residents.register(ledger, residents.ResidentInput(name="吴九", id_number=make_id(seq=5),
                                                             phone="13800000005")).row_id
    info = bundle.export_bundle(ledger.store.path, tmp_path / "b.zhzx")
    data = (tmp_path / "b.zhzx").read_bytes()
    assert b"13800000005" not in data and "吴九".encode() not in data  # sealed
    opened = bundle.open_bundle(data, lambda device: key if device == "dev-1" else b"")
    assert opened["bundle_id"] == info.bundle_id and len(opened["batch"]["changes"]) == info.changes > 0
    tampered = data[:-1] + bytes([data[-1] ^ 1])
    with pytest.raises(KnownError, match="损坏"):
        bundle.open_bundle(tampered, lambda _d: key)
    ack = {"batch_id": opened["batch"]["batch_id"], "results": [
        {"change_id": c["change_id"], "result": "applied", "server_seq": i + 1, "version": 1}
        for i, c in enumerate(opened["batch"]["changes"])]}
    other = "9f000000-0000-4000-8000-000000000009"
    pulled = [{"server_seq": 99, "table": "grids", "row_id": other, "version": 1, "deleted": False,
               "row": {"id": other, "code": "", "name": "第九网格", "notes": "", "status": "active",
                       "created_at": "2026-01-01T00:00:00Z"}}]
    receipt = bundle.seal_receipt(key, device_id="dev-1", bundle_id=info.bundle_id, ack=ack, changes=pulled,
                                  next_cursor=99, server_epoch="e1", server_time="2026-11-23T00:00:00Z")
    (tmp_path / "r.zhzx").write_bytes(receipt)
    first = bundle.import_receipt(ledger.store.path, tmp_path / "r.zhzx")
    assert (first.acked, first.pulled, first.already) == (info.changes, 1, False)
    conn = ledger.store.conn
    snapshot = (conn.execute("SELECT state, count(*) FROM sync_outbox GROUP BY state").fetchall(),
                conn.execute("SELECT * FROM sync_versions ORDER BY 1, 2").fetchall(),
                conn.execute("SELECT v FROM sync_state WHERE k = 'pull_cursor'").fetchone())
    assert snapshot[0] == [("acked", info.changes)] and snapshot[2] == ("99",)
    assert conn.execute("SELECT name FROM grids WHERE id = ?", (other,)).fetchone() == ("第九网格",)
    second = bundle.import_receipt(ledger.store.path, tmp_path / "r.zhzx")
    assert second.already
    assert snapshot == (conn.execute("SELECT state, count(*) FROM sync_outbox GROUP BY state").fetchall(),
                        conn.execute("SELECT * FROM sync_versions ORDER BY 1, 2").fetchall(),
                        conn.execute("SELECT v FROM sync_state WHERE k = 'pull_cursor'").fetchone())
    assert rid


def test_bundle_file_is_not_a_receipt(ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _enrolled(ledger, tmp_path, monkeypatch)
    bundle.export_bundle(ledger.store.path, tmp_path / "b.zhzx")
    with pytest.raises(KnownError, match="类型不对"):
        bundle.import_receipt(ledger.store.path, tmp_path / "b.zhzx")
    assert json.loads(gzip.decompress(protocol.encode({"a": 1}))) == {"a": 1}
    assert (tmp_path / "b.zhzx").read_bytes().startswith(bundle.MAGIC) and outbox.status(ledger.store.conn).pending == 0
