"""A TCP fault proxy for the sync tests (SYNC.md §8 "Harness"): asyncio in its own thread, HTTP/1.1-aware.

It sits between the village client and the county server and understands just enough HTTP/1.1 framing
(Content-Length, chunked, keep-alive: several requests per client connection) to apply a fault to *one request*:

* ``drop_request(n)``      close the client connection without forwarding the request;
* ``drop_response(n)``     forward the request, read the server's whole response (so the server has committed),
                           then close the client connection without replying;
* ``cut_request_after(b)`` forward only the first ``b`` bytes of the request, then close both sides;
* ``cut_response_after(b)`` forward the request, read the whole response, send only its first ``b`` bytes, close;
* ``duplicate_request(n)`` send the request to the server twice, answer with the second response;
* ``stall(seconds, n)``    read the request, send nothing for ``seconds``, then close (nothing forwarded);
* ``delay(seconds)``       hold every request ``seconds`` before forwarding (until ``clear()``);
* ``throttle(kbit_per_s, latency_ms)`` pace both directions and add a per-message latency (until ``clear()``);
* ``down()`` / ``up()``    refuse new connections and cut the open ones / accept again.

Every one-shot rule takes ``n`` (how many matching requests it hits) and ``path`` (a substring of the request
target, e.g. ``"/v1/sync/push"``; None = any request). Each upstream exchange uses a fresh connection to the
server, so a cut or a drop never leaves a half-used server connection behind. ``log`` records
``(method, target, action)`` per request; ``bytes_up``/``bytes_down`` count the bytes forwarded each way.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from dataclasses import dataclass, field
from typing import Self

_HEAD_LIMIT = 64 * 1024


class _ClosedError(Exception):
    """The peer closed the connection before a whole message arrived."""


@dataclass
class _Rule:
    action: str
    n: int
    path: str | None
    arg: float = 0.0


@dataclass
class Message:
    head: bytes
    body: bytes
    start_line: str
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def raw(self) -> bytes:
        return self.head + self.body

    @property
    def method(self) -> str:
        return self.start_line.split(" ", 1)[0]

    @property
    def target(self) -> str:
        parts = self.start_line.split(" ")
        return parts[1] if len(parts) > 1 else ""

    @property
    def status(self) -> int:
        parts = self.start_line.split(" ")
        return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def _parse_head(head: bytes) -> tuple[str, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    return lines[0], headers


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    out = bytearray()
    while True:
        size_line = await reader.readuntil(b"\r\n")
        out += size_line
        size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
        if size == 0:
            while True:  # trailers, ended by an empty line
                line = await reader.readuntil(b"\r\n")
                out += line
                if line == b"\r\n":
                    return bytes(out)
        out += await reader.readexactly(size + 2)


async def read_message(reader: asyncio.StreamReader, *, request_method: str | None = None) -> Message | None:
    """One HTTP/1.1 message; ``request_method`` given → it is the response to that request. None on a clean EOF."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if not exc.partial:
            return None
        raise _ClosedError("partial head") from exc
    except asyncio.LimitOverrunError as exc:
        raise _ClosedError("head too long") from exc
    start, headers = _parse_head(head)
    msg = Message(head, b"", start, headers)
    try:
        if request_method is not None:  # a response
            status = msg.status
            if request_method == "HEAD" or status in (204, 304) or 100 <= status < 200:
                return msg
        if "chunked" in headers.get("transfer-encoding", "").lower():
            msg.body = await _read_chunked(reader)
        elif "content-length" in headers:
            msg.body = await reader.readexactly(int(headers["content-length"]))
        elif request_method is not None:  # a response without a length: until the server closes
            msg.body = await reader.read()
    except asyncio.IncompleteReadError as exc:
        raise _ClosedError("partial body") from exc
    return msg


class FaultProxy:
    def __init__(self, target_host: str, target_port: int, *, host: str = "127.0.0.1") -> None:
        self.target_host = target_host
        self.target_port = target_port
        self.host = host
        self.port = 0
        self.bytes_up = 0
        self.bytes_down = 0
        self.requests = 0
        self.log: list[tuple[str, str, str]] = []
        self._rules: list[_Rule] = []
        self._delay = 0.0
        self._kbit = 0.0
        self._latency = 0.0
        self._down = False
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    # ---- lifecycle -------------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> FaultProxy:
        self._thread = threading.Thread(target=self._run, name="fault-proxy", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("fault proxy did not start")
        return self

    def stop(self) -> None:
        loop = self._loop
        if loop is None:
            return
        with contextlib.suppress(RuntimeError):
            fut = asyncio.run_coroutine_threadsafe(self._shutdown(), loop)
            with contextlib.suppress(Exception):
                fut.result(10)
            loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        self._loop = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        self._server = loop.run_until_complete(
            asyncio.start_server(self._handle, self.host, 0, limit=_HEAD_LIMIT))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        self._cut_all()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=5)

    # ---- rules (called from the test thread) -----------------------------------------------------------------
    def _add(self, action: str, n: int, path: str | None, arg: float = 0.0) -> None:
        with self._lock:
            self._rules.append(_Rule(action, n, path, arg))

    def drop_request(self, n: int = 1, path: str | None = None) -> None:
        self._add("drop_request", n, path)

    def drop_response(self, n: int = 1, path: str | None = None) -> None:
        self._add("drop_response", n, path)

    def cut_request_after(self, nbytes: int, n: int = 1, path: str | None = None) -> None:
        self._add("cut_request", n, path, nbytes)

    def cut_response_after(self, nbytes: int, n: int = 1, path: str | None = None) -> None:
        self._add("cut_response", n, path, nbytes)

    def duplicate_request(self, n: int = 1, path: str | None = None) -> None:
        self._add("duplicate", n, path)

    def stall(self, seconds: float, n: int = 1, path: str | None = None) -> None:
        self._add("stall", n, path, seconds)

    def on_request(self, callback: object, n: int = 1, path: str | None = None) -> None:
        """Call ``callback()`` (in the proxy thread) just before forwarding a matching request."""
        with self._lock:
            rule = _Rule("hook", n, path)
            rule.callback = callback  # type: ignore[attr-defined]
            self._rules.append(rule)

    def delay(self, seconds: float) -> None:
        self._delay = seconds

    def throttle(self, kbit_per_s: float, latency_ms: float = 0.0) -> None:
        self._kbit = kbit_per_s
        self._latency = latency_ms / 1000.0

    def clear(self) -> None:
        """Forget every rule, delay and throttle (the link is healed; up/down is separate)."""
        with self._lock:
            self._rules.clear()
        self._delay = 0.0
        self._kbit = 0.0
        self._latency = 0.0

    @property
    def pending_rules(self) -> int:
        with self._lock:
            return sum(r.n for r in self._rules)

    def down(self) -> None:
        self._down = True
        loop = self._loop
        if loop is not None:
            done = threading.Event()

            def cut() -> None:
                self._cut_all()
                done.set()

            loop.call_soon_threadsafe(cut)
            done.wait(5)

    def up(self) -> None:
        self._down = False

    @property
    def is_down(self) -> bool:
        return self._down

    def _take(self, target: str) -> _Rule | None:
        with self._lock:
            for rule in self._rules:
                if rule.path is None or rule.path in target:
                    rule.n -= 1
                    if rule.n <= 0:
                        self._rules.remove(rule)
                    return rule
        return None

    # ---- the data path (event loop thread) -------------------------------------------------------------------
    def _cut_all(self) -> None:
        for writer in list(self._writers):
            with contextlib.suppress(Exception):
                writer.transport.abort()
        self._writers.clear()

    async def _send(self, writer: asyncio.StreamWriter, data: bytes, *, up: bool) -> None:
        if self._latency:
            await asyncio.sleep(self._latency)
        view = memoryview(data)
        chunk = 512
        while view:
            if self._down:
                raise _ClosedError("link down")
            piece, view = view[:chunk], view[chunk:]
            writer.write(piece)
            await writer.drain()
            if up:
                self.bytes_up += len(piece)
            else:
                self.bytes_down += len(piece)
            if self._kbit:
                await asyncio.sleep(len(piece) * 8 / (self._kbit * 1000.0))

    async def _exchange(self, req: Message, *, times: int = 1) -> Message:
        """Send the request to the server ``times`` times on fresh connections; the last response."""
        resp: Message | None = None
        for _ in range(times):
            ureader, uwriter = await asyncio.open_connection(self.target_host, self.target_port, limit=_HEAD_LIMIT)
            self._writers.add(uwriter)
            try:
                await self._send(uwriter, req.raw, up=True)
                resp = await read_message(ureader, request_method=req.method)
                if resp is None:
                    raise _ClosedError("server closed without a response")
            finally:
                self._writers.discard(uwriter)
                await _close(uwriter)
        assert resp is not None
        return resp

    async def _handle(self, creader: asyncio.StreamReader, cwriter: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        if self._down:
            cwriter.transport.abort()
            self._tasks.discard(task)  # type: ignore[arg-type]
            return
        self._writers.add(cwriter)
        try:
            while not self._down:
                req = await read_message(creader)
                if req is None or self._down:
                    break
                self.requests += 1
                rule = self._take(req.target)
                action = rule.action if rule else "forward"
                self.log.append((req.method, req.target, action))
                if self._delay:
                    await asyncio.sleep(self._delay)
                if action == "drop_request":
                    break
                if action == "hook" and rule is not None:
                    await asyncio.get_running_loop().run_in_executor(None, rule.callback)  # type: ignore[attr-defined]
                if action == "stall":
                    await asyncio.sleep(rule.arg if rule else 0)
                    break
                if action == "cut_request":
                    nbytes = int(rule.arg) if rule else 0
                    _, uwriter = await asyncio.open_connection(self.target_host, self.target_port)
                    try:
                        await self._send(uwriter, req.raw[:nbytes], up=True)
                    finally:
                        await _close(uwriter)
                    break
                resp = await self._exchange(req, times=2 if action == "duplicate" else 1)
                if action == "drop_response":
                    break
                if action == "cut_response":
                    await self._send(cwriter, resp.raw[: int(rule.arg) if rule else 0], up=False)
                    break
                await self._send(cwriter, resp.raw, up=False)
                if resp.headers.get("connection", "").lower() == "close" or \
                        req.headers.get("connection", "").lower() == "close":
                    break
        except (_ClosedError, ConnectionError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:
            pass
        finally:
            self._writers.discard(cwriter)
            await _close(cwriter)
            self._tasks.discard(task)  # type: ignore[arg-type]


async def _close(writer: asyncio.StreamWriter) -> None:
    """Flush what was written, then close (abort() would drop a partial response still in the buffer)."""
    with contextlib.suppress(Exception):
        writer.close()
        await asyncio.wait_for(writer.wait_closed(), 2)


def wait_until(predicate: object, timeout: float = 5.0, interval: float = 0.01) -> bool:
    """Poll ``predicate()`` until true or ``timeout`` seconds passed (for tests)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(interval)
    return bool(predicate())  # type: ignore[operator]
