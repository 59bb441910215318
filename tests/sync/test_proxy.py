"""The fault proxy itself, against a tiny stdlib HTTP/1.1 server (keep-alive), one test per rule."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.sync.proxy import FaultProxy, wait_until

pytestmark = pytest.mark.timeout(30)


class _Origin(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.seen: list[tuple[str, str, bytes]] = []  # complete requests only
        self.lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Origin

    def log_message(self, *args: object) -> None:
        pass

    def _reply(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.seen.append(("GET", self.path, b""))
            n = len(self.server.seen)
        if self.path.startswith("/big"):
            self._reply(b"x" * 4096)
        else:
            self._reply(f"hello {n}".encode())

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        if len(body) < length:  # the connection was cut mid-body: not a request
            self.close_connection = True
            return
        with self.server.lock:
            self.server.seen.append(("POST", self.path, body))
            n = len(self.server.seen)
        self._reply(f"got {len(body)} #{n}".encode())


@pytest.fixture
def origin() -> Iterator[_Origin]:
    server = _Origin()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def proxy(origin: _Origin) -> Iterator[FaultProxy]:
    with FaultProxy("127.0.0.1", origin.server_address[1]) as p:
        yield p


def _conn(proxy: FaultProxy, timeout: float = 5.0) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=timeout)


def _get(conn: http.client.HTTPConnection, path: str = "/a") -> tuple[int, bytes]:
    conn.request("GET", path)
    resp = conn.getresponse()
    return resp.status, resp.read()


def _post(conn: http.client.HTTPConnection, body: bytes, path: str = "/p") -> tuple[int, bytes]:
    conn.request("POST", path, body=body, headers={"Content-Type": "application/octet-stream"})
    resp = conn.getresponse()
    return resp.status, resp.read()


def test_forwards_keep_alive_requests_and_counts_bytes(proxy: FaultProxy, origin: _Origin) -> None:
    conn = _conn(proxy)
    assert _get(conn) == (200, b"hello 1")
    assert _post(conn, b"abc" * 1000) == (200, b"got 3000 #2")
    assert _get(conn, "/b") == (200, b"hello 3")  # the same client connection, three requests
    conn.close()
    assert proxy.requests == 3
    assert [a for _, _, a in proxy.log] == ["forward"] * 3
    assert proxy.bytes_up > 3000
    assert proxy.bytes_down > 3 * len(b"HTTP/1.1 200 OK\r\n")
    assert [p for _, p, _ in origin.seen] == ["/a", "/p", "/b"]


def test_url_and_port(proxy: FaultProxy) -> None:
    assert proxy.port > 0
    assert proxy.url == f"http://127.0.0.1:{proxy.port}"


def test_drop_request_never_reaches_the_server(proxy: FaultProxy, origin: _Origin) -> None:
    proxy.drop_request()
    conn = _conn(proxy)
    with pytest.raises((http.client.HTTPException, ConnectionError)):
        _post(conn, b"payload")
    conn.close()
    assert origin.seen == []
    conn = _conn(proxy)  # one-shot: the next request goes through
    assert _post(conn, b"payload") == (200, b"got 7 #1")
    conn.close()


def test_drop_response_after_the_server_handled_it(proxy: FaultProxy, origin: _Origin) -> None:
    proxy.drop_response()
    conn = _conn(proxy)
    with pytest.raises((http.client.HTTPException, ConnectionError)):
        _post(conn, b"commit me")
    conn.close()
    assert origin.seen == [("POST", "/p", b"commit me")]  # the server did get (and answer) it


def test_rule_matches_a_path_only(proxy: FaultProxy, origin: _Origin) -> None:
    proxy.drop_response(path="/push")
    conn = _conn(proxy)
    assert _get(conn, "/token") == (200, b"hello 1")  # not the push: forwarded
    with pytest.raises((http.client.HTTPException, ConnectionError)):
        _post(conn, b"x", path="/push")
    conn.close()
    assert proxy.pending_rules == 0
    assert [a for _, _, a in proxy.log] == ["forward", "drop_response"]


def test_n_counts_matching_requests(proxy: FaultProxy, origin: _Origin) -> None:
    proxy.drop_request(n=2)
    for _ in range(2):
        conn = _conn(proxy)
        with pytest.raises((http.client.HTTPException, ConnectionError)):
            _get(conn)
        conn.close()
    conn = _conn(proxy)
    assert _get(conn)[0] == 200
    conn.close()
    assert len(origin.seen) == 1


def test_cut_request_mid_body_is_not_applied(proxy: FaultProxy, origin: _Origin) -> None:
    proxy.cut_request_after(120)  # the head is shorter than that: the cut falls inside the body
    conn = _conn(proxy)
    with pytest.raises((http.client.HTTPException, ConnectionError)):
        _post(conn, b"b" * 5000)
    conn.close()
    time.sleep(0.1)
    assert origin.seen == []
    assert 0 < proxy.bytes_up <= 120


def test_cut_response_delivers_a_prefix_then_closes(proxy: FaultProxy, origin: _Origin) -> None:
    proxy.cut_response_after(250)  # past the head (~150 bytes), inside the 4 KB body
    conn = _conn(proxy)
    conn.request("GET", "/big")
    with pytest.raises((http.client.HTTPException, ConnectionError)):
        resp = conn.getresponse()
        resp.read()
    conn.close()
    assert len(origin.seen) == 1
    assert proxy.bytes_down == 250


def test_duplicate_request_sends_twice_and_returns_the_second_answer(proxy: FaultProxy, origin: _Origin) -> None:
    proxy.duplicate_request()
    conn = _conn(proxy)
    assert _post(conn, b"twice") == (200, b"got 5 #2")
    assert _post(conn, b"once") == (200, b"got 4 #3")
    conn.close()
    assert [b for _, _, b in origin.seen] == [b"twice", b"twice", b"once"]


def test_delay_holds_each_request(proxy: FaultProxy) -> None:
    proxy.delay(0.3)
    conn = _conn(proxy)
    start = time.monotonic()
    assert _get(conn)[0] == 200
    assert time.monotonic() - start >= 0.3
    proxy.clear()
    start = time.monotonic()
    assert _get(conn)[0] == 200
    assert time.monotonic() - start < 0.3
    conn.close()


def test_throttle_paces_both_directions_and_adds_latency(proxy: FaultProxy) -> None:
    proxy.throttle(kbit_per_s=64, latency_ms=100)  # 8 KB/s
    conn = _conn(proxy)
    start = time.monotonic()
    status, body = _get(conn, "/big")  # 4 KB down ≈ 0.5 s, plus 2 × 100 ms latency
    elapsed = time.monotonic() - start
    assert status == 200 and len(body) == 4096
    assert 0.6 <= elapsed < 5
    start = time.monotonic()
    assert _post(conn, b"u" * 4096)[0] == 200  # 4 KB up ≈ 0.5 s
    assert time.monotonic() - start >= 0.6
    conn.close()


def test_stall_sends_nothing_so_the_client_times_out(proxy: FaultProxy, origin: _Origin) -> None:
    proxy.stall(3.0)
    conn = _conn(proxy, timeout=0.3)
    start = time.monotonic()
    with pytest.raises((TimeoutError, socket.timeout)):
        _get(conn)
    assert time.monotonic() - start < 2
    conn.close()
    assert origin.seen == []


def test_stall_ends_with_a_close(proxy: FaultProxy, origin: _Origin) -> None:
    proxy.stall(0.3)
    conn = _conn(proxy, timeout=5)
    start = time.monotonic()
    with pytest.raises((http.client.HTTPException, ConnectionError)):
        _get(conn)
    assert 0.3 <= time.monotonic() - start < 3
    conn.close()


def test_down_refuses_new_and_cuts_open_connections(proxy: FaultProxy, origin: _Origin) -> None:
    kept = _conn(proxy)
    assert _get(kept)[0] == 200
    proxy.down()
    assert proxy.is_down
    with pytest.raises((http.client.HTTPException, ConnectionError)):
        _get(kept)  # the open keep-alive connection was cut
    fresh = _conn(proxy)
    with pytest.raises((http.client.HTTPException, ConnectionError)):
        _get(fresh)
    fresh.close()
    kept.close()
    assert len(origin.seen) == 1
    proxy.up()
    conn = _conn(proxy)
    assert _get(conn)[0] == 200
    conn.close()
    assert wait_until(lambda: len(origin.seen) == 2)


def test_stop_does_not_hang_with_a_stalled_client(origin: _Origin) -> None:
    p = FaultProxy("127.0.0.1", origin.server_address[1]).start()
    p.stall(60)
    sock = socket.create_connection(("127.0.0.1", p.port), timeout=5)
    sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert wait_until(lambda: p.requests == 1)
    start = time.monotonic()
    p.stop()
    assert time.monotonic() - start < 5
    sock.close()
