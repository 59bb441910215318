"""HTTP/1.1 to the county server with the standard library only (SYNC.md §7.8).

One keep-alive connection, gzip JSON both ways, a connect timeout and a *stall* timeout (the socket timeout: no
byte in either direction for that long aborts the request; there is no total timeout, so slow links still finish).
``abort()`` closes the socket from another thread (the clerk pressed 取消). Plain http only to this computer.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sync import protocol
from zhzx_desktop.errors import KnownError


class TransportError(KnownError):
    """The request did not complete: no connection, a stall, a cut connection or a cancel (Chinese message)."""

    def __init__(self, message: str, *, timeout: bool = False, aborted: bool = False) -> None:
        super().__init__(message)
        self.timeout = timeout
        self.aborted = aborted


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]  # lower-case names
    body: Any  # the parsed JSON object (None when the body was empty or not JSON)

    @property
    def body_obj(self) -> Any:
        return self.body

    def retry_after(self) -> float | None:
        value = self.headers.get("retry-after")
        try:
            return max(0.0, float(value)) if value is not None else None
        except ValueError:
            return None


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Transport:
    def __init__(self, base_url: str, *, ca_file: str | None = None, connect_timeout: float = 15.0,
                 stall_timeout: float = 60.0) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise KnownError(f"县里服务器地址不正确：{base_url}（应为 https://主机:端口）")
        if parts.scheme == "http" and not is_loopback(parts.hostname):
            raise KnownError("为保护数据，只能用 https 连接县里服务器（http 只允许连本机测试）。")
        self.base_url = base_url.rstrip("/")
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.prefix = parts.path.rstrip("/")
        self.ca_file = ca_file
        self.connect_timeout = connect_timeout
        self.stall_timeout = stall_timeout
        self._conn: http.client.HTTPConnection | None = None
        self._lock = threading.Lock()
        self._aborted = False
        self.bytes_sent = 0
        self.bytes_received = 0

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            if self.scheme == "https":
                context = ssl.create_default_context(cafile=self.ca_file)
                self._conn = http.client.HTTPSConnection(self.host, self.port, timeout=self.connect_timeout,
                                                         context=context)
            else:
                self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.connect_timeout)
        return self._conn

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def abort(self) -> None:
        """Cancel the request in flight (from any thread): the blocked read or write fails at once."""
        with self._lock:
            self._aborted = True
            conn = self._conn
            sock = conn.sock if conn is not None else None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def reset_abort(self) -> None:
        self._aborted = False

    def request(self, method: str, path: str, *, body: Any = None, headers: dict[str, str] | None = None,
                token: str | None = None) -> Response:
        if self._aborted:
            raise TransportError("同步已取消", aborted=True)
        data = protocol.encode(body) if body is not None else None
        head = {"Accept": protocol.MEDIA_TYPE, "Accept-Encoding": "gzip", "User-Agent": "zhzx-desktop-sync"}
        if data is not None:
            head["Content-Type"] = protocol.MEDIA_TYPE
            head["Content-Encoding"] = "gzip"
        if token is not None:
            head["Authorization"] = f"Bearer {token}"
        head.update(headers or {})
        for attempt in (1, 2):
            conn = self._connection()
            reused = conn.sock is not None
            try:
                if conn.sock is None:
                    conn.connect()
                    assert conn.sock is not None
                    conn.sock.settimeout(self.stall_timeout)
                    # small request/response pairs: no Nagle delay between the headers and a body sent apart
                    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                conn.request(method, self.prefix + path, body=data, headers=head)
                resp = conn.getresponse()
                raw = resp.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                self.close()
                if self._aborted:
                    raise TransportError("同步已取消", aborted=True) from exc
                if reused and attempt == 1:  # the server closed an idle keep-alive connection: open a new one
                    continue
                raise TransportError("与县里服务器的连接中断，稍后会自动重试。") from exc
            except TimeoutError as exc:
                self.close()
                if self._aborted:
                    raise TransportError("同步已取消", aborted=True) from exc
                raise TransportError("县里服务器长时间没有响应，稍后会自动重试。", timeout=True) from exc
            except ssl.SSLError as exc:
                self.close()
                raise TransportError(f"无法建立安全连接（证书不对或被拦截）：{exc.reason or exc}") from exc
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                if self._aborted:
                    raise TransportError("同步已取消", aborted=True) from exc
                raise TransportError("连不上县里服务器（请检查网络），稍后会自动重试。") from exc
            self.bytes_sent += len(data or b"")
            self.bytes_received += len(raw)
            resp_headers = {k.lower(): v for k, v in resp.getheaders()}
            if resp.will_close:
                self.close()
            parsed: Any = None
            if raw:
                try:
                    parsed = protocol.decode(raw, resp_headers.get("content-encoding"))
                except ValueError:
                    parsed = None
            return Response(resp.status, resp_headers, parsed)
        raise AssertionError("unreachable")
