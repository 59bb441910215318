"""The county reference server as a plain ASGI callable (no web framework), served by uvicorn (SYNC.md §7).

Every request is answered with a JSON object carrying ``server_epoch`` and ``server_time``; errors are
``{"error": CODE, "message": "中文说明", …}``. Bodies may arrive gzip-compressed (``Content-Encoding: gzip``) or
plain; responses are gzip-compressed when the request's ``Accept-Encoding`` allows it. The SQLite work runs in a
worker thread (``asyncio.to_thread``) with one ``ServerStore`` connection per thread, so a slow push never blocks
pings or pulls; pushes serialize on SQLite's write lock (``BEGIN IMMEDIATE``), which makes commit order equal
server_seq order (the cursor-safety rule of §7.4).

``Faults`` are the test hooks of SYNC.md §8 and keep a request log.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import sqlite3
import threading
import time
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from sync import protocol
from sync.server import openapi, policy
from sync.server.storage import (
    PULL_LIMIT_DEFAULT,
    PULL_LIMIT_MAX,
    SCHEMA_MAX,
    Device,
    InjectedFailureError,
    ServerError,
    ServerStore,
    iso,
    malformed,
)

log = logging.getLogger(__name__)

MAX_BODY = 32 * 1024 * 1024          # bytes on the wire
MAX_INFLATED = 128 * 1024 * 1024     # bytes after gunzip (a gzip bomb gets 413)
SEQ_LIMIT = 2**62

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass
class Faults:
    """Test hooks (SYNC.md §8). Counters count down as they fire."""
    fail_push_before_commit: int = 0              # next N pushes → 500 after applying, before commit (rolled back)
    busy: tuple[int, int] = (0, 0)                # (N, seconds): next N requests → 503 with Retry-After: seconds
    max_body: int | None = None                   # a request body larger than this (bytes on the wire) → 413
    stall_next: int = 0                           # next N requests: accept, then send nothing for stall_seconds
    stall_seconds: float = 3600.0
    before_commit: Callable[[], Any] | None = None  # called inside the push transaction before commit (§8 #17)
    schema_min: int | None = None                 # overrides the store's schema_min (→ 426)
    requests: list[tuple[float, str, str, int]] = field(default_factory=list)  # (monotonic, method, path, status)


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    query: dict[str, str]
    body: bytes


@dataclass
class Reply:
    status: int
    obj: dict[str, Any] | None = None
    raw: bytes | None = None                      # a body already serialized as JSON (replayed acks, pull pages)
    headers: dict[str, str] = field(default_factory=dict)


def _bearer(req: Request) -> str:
    value = req.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ServerError(401, "token_invalid", "缺少访问令牌，请先登录")
    return token.strip()


def _reject_constant(name: str) -> Any:
    raise ValueError(f"not JSON: {name}")


def decode_body(req: Request) -> Any:
    encoding = req.headers.get("content-encoding", "identity").strip().lower()
    raw = req.body
    if encoding == "gzip":
        try:
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            raw = inflater.decompress(req.body, MAX_INFLATED)
            if inflater.unconsumed_tail:
                raise ServerError(413, "too_large", "请求内容太大，请分批发送")
            if not inflater.eof:
                raise malformed("压缩内容不完整")
        except zlib.error as exc:
            raise malformed("压缩内容无法解开") from exc
    elif encoding not in ("", "identity"):
        raise malformed(f"不支持的内容编码：{encoding}")
    if not raw:
        raise malformed("请求内容为空")
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise malformed("请求内容不是有效的 JSON") from exc


def _accepts_gzip(header: str) -> bool:
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            q = params.strip()
            if q.startswith("q="):
                try:
                    return float(q[2:]) > 0
                except ValueError:
                    return False
            return True
    return False


def _int_param(req: Request, name: str, default: int, low: int, high: int) -> int:
    text = req.query.get(name)
    if text is None:
        return default
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        raise malformed(f"参数 {name} 必须是 {low} 到 {high} 之间的整数")
    value = int(text)
    if not low <= value <= high:
        raise malformed(f"参数 {name} 必须是 {low} 到 {high} 之间的整数")
    return value


def _obj(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise malformed("请求内容必须是 JSON 对象")
    return body


def _str_field(body: dict[str, Any], key: str, *, required: bool = True, limit: int = 200) -> str | None:
    value = body.get(key)
    if value is None and not required and key not in body:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise malformed(f"字段 {key} 缺失或格式不对")
    return value


class App:
    """The ASGI application. ``faults.requests`` (also ``self.requests``) logs every answered request."""

    def __init__(self, store_path: Path | str, faults: Faults | None = None, *,
                 escrow_public_key: str | None = None) -> None:
        self.store_path = Path(store_path)
        self.faults = faults if faults is not None else Faults()
        self.escrow_public_key = escrow_public_key  # PEM handed to villages at enrollment (``serve --escrow-key``)
        self.requests = self.faults.requests
        self._local = threading.local()
        self._stores: list[ServerStore] = []
        self._lock = threading.Lock()
        ServerStore(self.store_path).close()      # create the schema now, not in the first request
        self._routes: dict[str, dict[str, Callable[[ServerStore, Request], Reply]]] = {
            protocol.PATH_PING: {"GET": self._ping},
            protocol.PATH_ENROLL: {"POST": self._enroll},
            protocol.PATH_TOKEN: {"POST": self._token},
            protocol.PATH_PUSH: {"POST": self._push},
            protocol.PATH_PULL: {"GET": self._pull},
            protocol.PATH_VERIFY: {"POST": self._verify},
            protocol.PATH_BUCKET: {"GET": self._bucket},
            protocol.PATH_POLICY: {"GET": self._policy},
            protocol.PATH_AUDIT: {"POST": self._audit},
            protocol.PATH_ESCROW: {"POST": self._escrow},
            protocol.PATH_OPENAPI: {"GET": self._openapi},
        }

    # ---- plumbing -------------------------------------------------------------------------------------------

    def store(self) -> ServerStore:
        store: ServerStore | None = getattr(self._local, "store", None)
        if store is None:
            store = ServerStore(self.store_path)
            self._local.store = store
            with self._lock:
                self._stores.append(store)
        return store

    def close(self) -> None:
        with self._lock:
            for store in self._stores:
                try:
                    store.close()
                except sqlite3.ProgrammingError:
                    pass
            self._stores.clear()

    def envelope(self, store: ServerStore | None = None) -> dict[str, Any]:
        return {"server_epoch": (store or self.store()).server_epoch(), "server_time": iso()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    self.close()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        arrived = time.monotonic()
        method = str(scope.get("method", "GET")).upper()
        path = str(scope.get("path", "/"))
        logged = False

        async def logging_send(message: dict[str, Any]) -> None:
            nonlocal logged
            if message["type"] == "http.response.start" and not logged:
                logged = True                     # logged before the client can see the answer
                self.requests.append((arrived, method, path, int(message["status"])))
            await send(message)

        status = 500
        try:
            status = await self._serve(scope, receive, logging_send, method, path)
        finally:
            if not logged:
                self.requests.append((arrived, method, path, status))

    async def _serve(self, scope: Scope, receive: Receive, send: Send, method: str, path: str) -> int:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        gz = _accepts_gzip(headers.get("accept-encoding", ""))
        faults = self.faults
        if faults.busy[0] > 0:
            faults.busy = (faults.busy[0] - 1, faults.busy[1])
            retry = str(max(0, int(faults.busy[1])))
            return await self._send_reply(send, self._error_reply(
                ServerError(503, "busy", f"县里服务器繁忙，请 {retry} 秒后再试", {"Retry-After": retry})), gz)
        if faults.stall_next > 0:
            faults.stall_next -= 1
            if await self._stall(receive, faults.stall_seconds):
                return 499                        # the client went away while we stalled: nothing to answer
        try:
            body = await self._read_body(receive, headers)
        except ServerError as exc:
            return await self._send_reply(send, self._error_reply(exc), gz)
        if body is None:
            return 499
        try:
            query = {k: v[-1] for k, v in parse_qs(scope.get("query_string", b"").decode("utf-8"),
                                                     keep_blank_values=True, strict_parsing=False).items()}
        except UnicodeDecodeError:
            return await self._send_reply(send, self._error_reply(malformed("查询参数不是有效的 UTF-8")), gz)
        req = Request(method, path, headers, query, body)
        reply = await self._dispatch(req)
        return await self._send_reply(send, reply, gz)

    async def _stall(self, receive: Receive, seconds: float) -> bool:
        """Send nothing for ``seconds``; True when the client disconnected meanwhile."""
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                message = await asyncio.wait_for(receive(), timeout=left)
            except TimeoutError:
                return False
            if message["type"] == "http.disconnect":
                return True

    async def _read_body(self, receive: Receive, headers: dict[str, str]) -> bytes | None:
        limit = MAX_BODY if self.faults.max_body is None else self.faults.max_body
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise ServerError(413, "too_large", "请求内容太大，请分批发送")
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None                       # a cut request body: nothing is applied
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise ServerError(413, "too_large", "请求内容太大，请分批发送")
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _dispatch(self, req: Request) -> Reply:
        methods = self._routes.get(req.path)
        if methods is None:
            return self._error_reply(ServerError(404, "not_found", "没有这个接口"))
        handler = methods.get(req.method)
        if handler is None:
            return self._error_reply(ServerError(405, "method_not_allowed", "接口不支持这种请求方法",
                                                 {"Allow": ", ".join(sorted(methods))}))
        fail = False
        if req.path == protocol.PATH_PUSH and self.faults.fail_push_before_commit > 0:
            self.faults.fail_push_before_commit -= 1
            fail = True

        def run() -> Reply:
            store = self.store()
            try:
                if fail:
                    req.headers["x-zhzx-fail-before-commit"] = "1"
                return handler(store, req)
            except ServerError as exc:
                return self._error_reply(exc, store)
            except InjectedFailureError:
                return self._error_reply(ServerError(500, "internal", "县里服务器内部错误（测试注入）"), store)
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    return self._error_reply(ServerError(503, "busy", "县里服务器繁忙，请稍后再试",
                                                         {"Retry-After": "1"}), store)
                log.exception("county server: database error on %s %s", req.method, req.path)
                return self._error_reply(ServerError(500, "internal", "县里服务器内部错误"), store)
            except Exception:
                log.exception("county server: internal error on %s %s", req.method, req.path)
                return self._error_reply(ServerError(500, "internal", "县里服务器内部错误"), store)

        return await asyncio.to_thread(run)

    def _error_reply(self, exc: ServerError, store: ServerStore | None = None) -> Reply:
        try:
            env = self.envelope(store)
        except sqlite3.Error:
            env = {"server_epoch": "", "server_time": iso()}
        return Reply(exc.status, {"error": exc.code, "message": exc.message, **env}, headers=dict(exc.headers))

    async def _send_reply(self, send: Send, reply: Reply, gz: bool) -> int:
        if reply.raw is not None:
            body = reply.raw
        else:
            obj = reply.obj if reply.obj is not None else {}
            if "server_epoch" not in obj:
                obj = {**obj, **(await asyncio.to_thread(self.envelope))}
            body = protocol.dumps(obj)
        headers = [(b"content-type", b"application/json; charset=utf-8"), (b"vary", b"accept-encoding")]
        if gz:
            body = gzip.compress(body, compresslevel=protocol.GZIP_LEVEL if len(body) < 65536 else 1, mtime=0)
            headers.append((b"content-encoding", b"gzip"))
        headers.append((b"content-length", str(len(body)).encode()))
        for key, value in reply.headers.items():
            headers.append((key.lower().encode("latin-1"), value.encode("latin-1")))
        await send({"type": "http.response.start", "status": reply.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return reply.status

    def _device(self, store: ServerStore, req: Request) -> Device:
        return store.authenticate(_bearer(req))

    def _schema_min(self, store: ServerStore) -> int:
        return self.faults.schema_min if self.faults.schema_min is not None else store.schema_min()

    # ---- endpoints ------------------------------------------------------------------------------------------

    def _ping(self, store: ServerStore, req: Request) -> Reply:
        return Reply(200, {**self.envelope(store), "protocol": protocol.PROTOCOL,
                           "schema_min": self._schema_min(store), "schema_max": SCHEMA_MAX})

    def _enroll(self, store: ServerStore, req: Request) -> Reply:
        body = _obj(decode_body(req))
        code = _str_field(body, "code", limit=64)
        name = _str_field(body, "device_name", required=False) or "未命名电脑"
        version = body.get("schema_version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise malformed("字段 schema_version 缺失或格式不对")
        if not self._schema_min(store) <= version <= SCHEMA_MAX:
            raise ServerError(426, "upgrade_required", "本机软件版本与县里服务器不兼容，请升级后再注册")
        db_id = _str_field(body, "db_id", required=False)
        assert code is not None
        enrolled = store.enroll(code, name.strip(), version)
        if db_id is not None:
            store.bind_log_device(str(enrolled["device_id"]), db_id)
        if self.escrow_public_key:
            enrolled["escrow_public_key"] = self.escrow_public_key
        return Reply(200, {**enrolled, **self.envelope(store)})

    def _token(self, store: ServerStore, req: Request) -> Reply:
        body = _obj(decode_body(req))
        device_id = _str_field(body, "device_id")
        refresh = _str_field(body, "refresh_token", limit=512)
        assert device_id is not None and refresh is not None
        return Reply(200, {**store.issue_token(device_id, refresh), **self.envelope(store)})

    def _push(self, store: ServerStore, req: Request) -> Reply:
        device = self._device(store, req)
        batch = decode_body(req)
        key = req.headers.get("idempotency-key")
        if key is not None and isinstance(batch, dict) and batch.get("batch_id") != key:
            raise malformed("Idempotency-Key 与批次编号不符")
        ack = store.push(device, batch, schema_min=self.faults.schema_min,
                         before_commit=self.faults.before_commit,
                         fail_before_commit=req.headers.get("x-zhzx-fail-before-commit") == "1")
        return Reply(200, raw=ack)

    def _pull(self, store: ServerStore, req: Request) -> Reply:
        device = self._device(store, req)
        cursor = _int_param(req, "cursor", 0, 0, SEQ_LIMIT)
        limit = _int_param(req, "limit", PULL_LIMIT_DEFAULT, 1, PULL_LIMIT_MAX)
        return Reply(200, raw=store.pull_body(device, cursor, limit, self.envelope(store)))

    def _verify(self, store: ServerStore, req: Request) -> Reply:
        device = self._device(store, req)
        body = _obj(decode_body(req))
        tables = body.get("tables")
        if not isinstance(tables, dict):
            raise malformed("字段 tables 必须是 JSON 对象")
        known = protocol.tables()
        for name, item in tables.items():
            if name not in known:
                raise malformed(f"没有这类数据：{name}")
            if not isinstance(item, dict):
                raise malformed(f"{name} 的校验信息格式不对")
            count, sha = item.get("count"), item.get("sha256")
            if not isinstance(count, int) or isinstance(count, bool) or count < 0 or not isinstance(sha, str):
                raise malformed(f"{name} 的校验信息格式不对")
        return Reply(200, {"tables": store.verify(device, tables), **self.envelope(store)})

    def _bucket(self, store: ServerStore, req: Request) -> Reply:
        device = self._device(store, req)
        table = req.query.get("table", "")
        bucket = req.query.get("bucket", "")
        if table not in protocol.tables():
            raise malformed("参数 table 不是同步的数据表")
        if len(bucket) != 1 or bucket not in protocol.BUCKETS:
            raise malformed("参数 bucket 必须是 0-9 或 a-f 中的一个字符")
        return Reply(200, {"rows": store.bucket(device, table, bucket), **self.envelope(store)})

    def _policy(self, store: ServerStore, req: Request) -> Reply:
        self._device(store, req)
        return Reply(200, {**policy.document(), **self.envelope(store)})

    def _audit(self, store: ServerStore, req: Request) -> Reply:
        device = self._device(store, req)
        return Reply(200, {**store.push_audit(device, decode_body(req)), **self.envelope(store)})

    def _escrow(self, store: ServerStore, req: Request) -> Reply:
        device = self._device(store, req)
        return Reply(200, {**store.store_escrow(device, decode_body(req)), **self.envelope(store)})

    def _openapi(self, store: ServerStore, req: Request) -> Reply:
        return Reply(200, raw=openapi.document_bytes())


def create_app(store_path: Path | str, faults: Faults | None = None, *,
               escrow_public_key: str | None = None) -> App:
    """The county server's ASGI callable on the SQLite file ``store_path`` (``escrow_public_key``: the PEM of the
    county's key-escrow public key, given to every PC at enrollment)."""
    return App(store_path, faults, escrow_public_key=escrow_public_key)
