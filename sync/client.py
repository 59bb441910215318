"""The village side of the sync (SYNC.md §7): enrollment, and one sync cycle — push until nothing is pending, pull
until the county has nothing more, verify with digests, repair — all resumable after a crash at any point.

Rules kept here: no SQLite transaction is open during network I/O; a frozen batch is re-sent with the same
batch_id and members until the county answers; the answer is recorded only after it arrived; one sync per
database (``sync_lock``); nothing about a person (ID number, phone) or a token is ever logged.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import random
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode

from sync import audit_push, credentials, escrow, outbox, protocol
from sync.transport import Response, Transport, TransportError
from zhzx_desktop import paths
from zhzx_desktop.errors import Cancelled, KnownError
from zhzx_desktop.security import audit
from zhzx_desktop.security.session import Actor, system_actor
from zhzx_desktop.storage.db import Store, known_errors

log = logging.getLogger(__name__)

CRASH_POINTS: Final = ("after_freeze", "after_send", "before_ack_commit", "mid_pull_apply")
START_BATCH: Final = 100
MAX_BATCH: Final = 1000
MAX_BATCH_BYTES: Final = 256 * 1024
PULL_LIMIT: Final = 500
BACKOFF_BASE: Final = 2.0
BACKOFF_CAP: Final = 600.0
LOCK_STALE_SECONDS: Final = 120
HEARTBEAT_SECONDS: Final = 20.0
MAX_ATTEMPTS: Final = 8


class SyncBusy(KnownError):  # noqa: N818 — the name is the shared contract's
    def __init__(self) -> None:
        super().__init__("另一个同步正在进行（本程序的另一个窗口或另一台电脑正在同步这个数据库），请稍后再试。")


def crash_point(name: str) -> None:
    """Test hook (SYNC.md §8): ``ZHZX_SYNC_CRASH_AT=<name>`` ends the process right here, like a power cut."""
    if os.environ.get("ZHZX_SYNC_CRASH_AT") == name:
        os._exit(137)


@dataclass(frozen=True)
class SyncProgress:
    phase: str  # 'push' | 'pull' | 'verify'
    done: int
    total: int
    message: str


@dataclass
class SyncResult:
    pushed: int = 0
    applied: int = 0
    duplicates: int = 0
    merged: int = 0
    conflicts: int = 0
    rejected: int = 0
    pulled: int = 0
    pending_left: int = 0
    quarantined: int = 0
    confirmed_all: bool = False
    skew_seconds: float | None = None
    server_epoch_changed: bool = False
    new_device_epoch: bool = False
    error: str | None = None  # 中文, for the clerk
    retry_after: float | None = None
    verify_mismatches: int = 0
    repaired: int = 0
    fk_violations: int = 0
    batches: int = 0
    alerts: list[str] = field(default_factory=list)
    audit_pushed: int = 0            # audit entries sent to the county in this cycle
    escrow_sent: bool = False        # the wrapped data key was sent to the county in this cycle
    audit_error: str | None = None   # 中文: the audit/escrow push failed (the data sync itself did not)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Enrollment:
    device_id: str
    village_code: str
    village_name: str
    number_block: int
    server_url: str
    policy: dict[str, Any]
    escrow_fingerprint: str | None = None  # the county's escrow key, when it sent one and the data key was wrapped


# ---------------------------------------------------------------------------------------------------------------
# Local state
# ---------------------------------------------------------------------------------------------------------------

def _db_id(store: Store) -> str:
    db_id = store.meta("db_id")
    if not db_id:
        raise KnownError("数据库缺少编号（db_id），无法同步。")
    return db_id


def _state_file(db_id: str) -> Path:
    return paths.state_dir() / f"{db_id}.sync.json"


def read_state_file(db_id: str) -> dict[str, Any] | None:
    try:
        return dict(json.loads(_state_file(db_id).read_text(encoding="utf-8")))
    except (FileNotFoundError, ValueError):
        return None


def write_state_file(db_id: str, device_epoch: str, max_seq: int) -> None:
    path = _state_file(db_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"device_epoch": device_epoch, "max_seq": max_seq}), encoding="utf-8")
    os.replace(tmp, path)


def open_sync_store(db_path: Path | str) -> Store:
    """The sync's own connection.

    Foreign keys off, because a pull page may carry a child before its parent (checked once with
    ``PRAGMA foreign_key_check`` at the end of the cycle). ``synchronous=NORMAL`` (WAL: no fsync per commit): every
    write of the sync is redone idempotently if a power cut takes it back — a lost freeze re-forms the batch (the
    county dedupes by change_id), a lost ack resends the batch (the county replays its stored ack), a lost pull page
    is pulled again (version check). The clerk's own edits are committed by the app's connection with ``FULL``.
    """
    store = _not_training(Store(db_path))
    store.conn.execute("PRAGMA foreign_keys=OFF")
    store.conn.execute("PRAGMA synchronous=NORMAL")
    return store


TRAINING_REFUSAL = "这是训练模式的数据库：数据都是虚构的，不能注册到县平台，也不会同步或上报。"


def _not_training(store: Store) -> Store:
    """``store``, unless it is a 训练模式 sandbox (``app_meta.training = 1``, gui/training.py): that one never
    enrolls, syncs, bundles or reports, whatever screen or command asks."""
    if store.meta("training") == "1":
        store.close()
        raise KnownError(TRAINING_REFUSAL)
    return store


# ---------------------------------------------------------------------------------------------------------------
# The lock
# ---------------------------------------------------------------------------------------------------------------

def _pid_alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill would terminate the process on Windows; rely on the heartbeat there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _age_seconds(iso: str) -> float:
    try:
        then = datetime.fromisoformat(iso)
    except ValueError:
        return float("inf")
    return (datetime.now(UTC) - then).total_seconds()


class SyncLock:
    """``sync_lock`` row with owner, pid, host and a heartbeat kept fresh by a thread with its own connection."""

    def __init__(self, db_path: Path | str) -> None:
        self.db_path = str(db_path)
        self.owner = uuid.uuid4().hex
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.db_path, isolation_level=None, timeout=5.0)

    def acquire(self) -> None:
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                row = conn.execute("SELECT owner, pid, host, heartbeat_at FROM sync_lock WHERE id = 1").fetchone()
                if row is not None and row[0] != self.owner:
                    stale = _age_seconds(str(row[3])) > LOCK_STALE_SECONDS or (
                        row[2] == socket.gethostname() and not _pid_alive(int(row[1])))
                    if not stale:
                        raise SyncBusy()
                    log.warning("taking over a stale sync lock (pid %s)", row[1])
                conn.execute("INSERT OR REPLACE INTO sync_lock(id, owner, pid, host, heartbeat_at) "
                             "VALUES (1, ?, ?, ?, ?)", (self.owner, os.getpid(), socket.gethostname(),
                                                        outbox.now_iso()))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            conn.close()
        self._thread = threading.Thread(target=self._beat, name="sync-heartbeat", daemon=True)
        self._thread.start()

    def _beat(self) -> None:
        conn = self._connect()
        try:
            while not self._stop.wait(HEARTBEAT_SECONDS):
                try:
                    conn.execute("UPDATE sync_lock SET heartbeat_at = ? WHERE owner = ?",
                                 (outbox.now_iso(), self.owner))
                except sqlite3.Error as exc:
                    log.warning("sync heartbeat failed: %s", exc)
        finally:
            conn.close()

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        conn = self._connect()
        try:
            conn.execute("DELETE FROM sync_lock WHERE owner = ?", (self.owner,))
        finally:
            conn.close()


# ---------------------------------------------------------------------------------------------------------------
# Talking to the county
# ---------------------------------------------------------------------------------------------------------------

class _StopError(Exception):
    """Stop this cycle with a message for the clerk; everything stays recoverable."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class _TimedOutError(Exception):
    pass


def _error_message(resp: Response, default: str) -> str:
    body = resp.body if isinstance(resp.body, dict) else {}
    return str(body.get("message") or default)


class Session:
    """Requests with auth, refresh-once on 401, backoff with full jitter and Retry-After, epoch and clock watch."""

    def __init__(self, transport: Transport, *, device_id: str, db_id: str, sleep: Callable[[float], None],
                 cancel: threading.Event | None, max_attempts: int) -> None:
        self.transport = transport
        self.device_id = device_id
        self.db_id = db_id
        self.sleep = sleep
        self.cancel = cancel
        self.max_attempts = max_attempts
        self.access_token: str | None = None  # memory only
        self.server_epoch: str | None = None
        self.skew_seconds: float | None = None
        self.retry_after: float | None = None
        self.failures = 0

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled()

    def _wait(self, seconds: float) -> None:
        self._check_cancel()
        if self.sleep is time.sleep and self.cancel is not None:
            self.cancel.wait(seconds)
        else:
            self.sleep(seconds)
        self._check_cancel()

    def _fail(self, message: str, retry_after: float | None = None) -> None:
        self.failures += 1
        if self.failures >= self.max_attempts:
            raise _StopError(message, retry_after)
        if retry_after is not None:
            self.retry_after = retry_after
            delay = retry_after
        else:
            delay = random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (self.failures - 1)))
        log.info("sync request failed (%d): retrying in %.1f s", self.failures, delay)
        self._wait(delay)

    def _observe(self, resp: Response) -> None:
        body = resp.body if isinstance(resp.body, dict) else {}
        epoch = body.get("server_epoch")
        if isinstance(epoch, str) and epoch:
            self.server_epoch = epoch
        server_time = body.get("server_time")
        if isinstance(server_time, str):
            try:
                then = datetime.fromisoformat(server_time)
                skew = (then - datetime.now(UTC)).total_seconds()
                self.skew_seconds = round(skew, 1) if abs(skew) > protocol.SKEW_WARNING_SECONDS else None
            except ValueError:
                pass

    def refresh(self) -> None:
        token = credentials.refresh_token(self.db_id)
        resp = self.call("POST", protocol.PATH_TOKEN, {"device_id": self.device_id, "refresh_token": token},
                         auth=False)
        if resp.status != 200 or not isinstance(resp.body, dict) or not resp.body.get("access_token"):
            if resp.status == 403:
                raise _StopError(_error_message(resp, "本电脑已被县里停用同步，数据都保留在本机。请联系县综治中心。"))
            raise _StopError(_error_message(resp, "同步凭据已失效，请向县综治中心索取注册码，重新注册本电脑。"))
        self.access_token = str(resp.body["access_token"])

    def call(self, method: str, path: str, body: Any = None, *, headers: dict[str, str] | None = None,
             auth: bool = True, timeout_raises: bool = False) -> Response:
        refreshed = False
        while True:
            self._check_cancel()
            if auth and self.access_token is None:
                self.refresh()
            try:
                resp = self.transport.request(method, path, body=body, headers=headers,
                                              token=self.access_token if auth else None)
            except TransportError as exc:
                if exc.aborted or (self.cancel is not None and self.cancel.is_set()):
                    raise Cancelled() from exc
                self._fail(exc.message)
                if exc.timeout and timeout_raises:
                    raise _TimedOutError() from exc
                continue
            self._observe(resp)
            status = resp.status
            if 200 <= status < 300:
                self.failures = 0
                return resp
            if status == 401 and auth:
                if refreshed:
                    raise _StopError(_error_message(resp, "县里服务器不认可本电脑的凭据，请重新注册本电脑。"))
                refreshed = True
                self.access_token = None
                continue
            if status == 403:
                raise _StopError(_error_message(resp, "本电脑已被县里停用同步，数据都保留在本机。请联系县综治中心。"))
            if status == 426:
                raise _StopError("县里服务器要求先升级本程序才能同步。请安装新版本后再同步；未上报的数据都保留在本机。")
            if status in (429, 503):
                self._fail(_error_message(resp, "县里服务器正忙，稍后会自动重试。"), resp.retry_after())
                continue
            if status >= 500:
                self._fail(_error_message(resp, "县里服务器出错，稍后会自动重试。"))
                continue
            return resp


# ---------------------------------------------------------------------------------------------------------------
# Enrollment
# ---------------------------------------------------------------------------------------------------------------

def enroll(db_path: Path | str, server_url: str, code: str, *, ca_file: str | None = None,
           device_name: str | None = None, transport: Transport | None = None) -> Enrollment:
    """Register this PC with the county using a one-time code: device id, refresh token (keyring), bundle key
    (keyring), village, number block (the committee's case numbers), policy."""
    store = _not_training(Store(db_path))
    own = transport is None
    transport = transport or Transport(server_url, ca_file=ca_file)
    try:
        db_id = _db_id(store)
        name = device_name or socket.gethostname()
        try:
            resp = transport.request("POST", protocol.PATH_ENROLL, body={
                "code": code.strip().upper(), "device_name": name, "schema_version": protocol.SCHEMA_VERSION,
                "db_id": db_id})
        except TransportError as exc:
            raise KnownError(f"注册失败：{exc.message}") from exc
        body = resp.body if isinstance(resp.body, dict) else {}
        if resp.status != 200:
            if resp.status == 426:
                raise KnownError("县里服务器要求先升级本程序，才能注册。")
            raise KnownError("注册失败：" + str(body.get("message") or f"县里服务器返回 {resp.status}"))
        credentials.store(db_id, refresh_token=str(body["refresh_token"]),
                          bundle_key=base64.b64decode(str(body["bundle_key"])))
        policy = dict(body.get("policy") or {})
        block = int(body.get("number_block") or 0)
        with store.write() as conn:
            for key, value in (("server_url", server_url), ("ca_file", ca_file or ""),
                               ("village_code", str(body["village_code"])),
                               ("village_name", str(body.get("village_name") or "")),
                               ("device_id", str(body["device_id"])), ("device_name", name),
                               ("policy", json.dumps(policy, ensure_ascii=False)),
                               ("server_epoch", str(body.get("server_epoch") or "")), ("pull_cursor", "0"),
                               ("enrolled_at", outbox.now_iso())):
                outbox.set_state(conn, key, value)
            conn.executemany("INSERT INTO app_meta(k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v",
                             [("case_block", str(block)), ("village_code", str(body["village_code"]))])
            conn.execute("DELETE FROM sync_versions")
            epoch = outbox.get_state(conn, "device_epoch")
            top = outbox.max_seq(conn)
        write_state_file(db_id, epoch, top)
        log.info("enrolled as device %s of village %s", body["device_id"], body["village_code"])
        fingerprint = _escrow_at_enrollment(store, body.get("escrow_public_key"))
        return Enrollment(str(body["device_id"]), str(body["village_code"]), str(body.get("village_name") or ""),
                          block, server_url, policy, fingerprint)
    finally:
        store.close()
        if own:
            transport.close()


def _escrow_at_enrollment(store: Store, public_pem: Any) -> str | None:
    """Wrap the data key with the county's escrow key sent at enrollment (the enrollment stands if this fails)."""
    if not isinstance(public_pem, str) or not public_pem.strip():
        return None
    try:
        escrow.escrow_key(store, public_pem)
        return escrow.escrow_status(store)["fingerprint"]
    except KnownError as exc:
        log.warning("could not escrow the data key at enrollment: %s", exc.message)
        return None


# ---------------------------------------------------------------------------------------------------------------
# One sync cycle
# ---------------------------------------------------------------------------------------------------------------

class _Engine:
    def __init__(self, store: Store, session: Session, result: SyncResult,
                 progress: Callable[[SyncProgress], None] | None) -> None:
        self.store = store
        self.conn = store.conn
        self.session = session
        self.result = result
        self.progress = progress
        self.db_id = _db_id(store)
        self.device_id = outbox.get_state(self.conn, "device_id")
        self.device_epoch = outbox.get_state(self.conn, "device_epoch")
        self.known_server_epoch = outbox.get_state(self.conn, "server_epoch")
        self.batch_size = START_BATCH

    def _report(self, phase: str, done: int, total: int, message: str) -> None:
        if self.progress is not None:
            self.progress(SyncProgress(phase, done, total, message))

    # -- epochs --------------------------------------------------------------------------------------------------
    def check_device_epoch(self) -> None:
        saved = read_state_file(self.db_id)
        top = outbox.max_seq(self.conn)
        if saved is None:
            ever_sent = self.conn.execute("SELECT 1 FROM sync_outbox WHERE batch_id IS NOT NULL LIMIT 1").fetchone()
            if ever_sent is not None:  # synced before, but this PC has no record of it: a copied database
                self.new_device_epoch("state file missing")
        elif saved.get("device_epoch") != self.device_epoch or top < int(saved.get("max_seq") or 0):
            self.new_device_epoch("database restored")
        write_state_file(self.db_id, self.device_epoch, outbox.max_seq(self.conn))

    def new_device_epoch(self, why: str) -> None:
        log.warning("new device epoch (%s)", why)
        epoch = uuid.uuid4().hex
        with self.store.write() as conn:
            outbox.set_state(conn, "device_epoch", epoch)
            outbox.reassert(conn)
        self.device_epoch = epoch
        write_state_file(self.db_id, epoch, outbox.max_seq(self.conn))
        self.result.new_device_epoch = True

    def check_server_epoch(self) -> bool:
        """After a county restore (a new server_epoch): pull from 0, forget versions, re-assert acked changes."""
        seen = self.session.server_epoch
        if not seen or seen == self.known_server_epoch:
            return False
        with self.store.write() as conn:
            if self.known_server_epoch:
                log.warning("county server epoch changed: full re-pull and re-assert")
                outbox.set_state(conn, "pull_cursor", "0")
                conn.execute("DELETE FROM sync_versions")
                conn.execute("DELETE FROM sync_deferred")
                outbox.reassert(conn)
                self.result.server_epoch_changed = True
            outbox.set_state(conn, "server_epoch", seen)
        self.known_server_epoch = seen
        return self.result.server_epoch_changed

    # -- push ----------------------------------------------------------------------------------------------------
    def push(self) -> None:
        total = outbox.status(self.conn).pending
        done = 0
        self._report("push", 0, total, "正在上报")
        while True:
            self.check_server_epoch()
            batch = outbox.freeze(self.store, max_changes=self.batch_size, max_bytes=MAX_BATCH_BYTES)
            if batch is None:
                break
            crash_point("after_freeze")
            body = batch.body(device_id=self.device_id, device_epoch=self.device_epoch)
            try:
                resp = self.session.call("POST", protocol.PATH_PUSH, body,
                                         headers={"Idempotency-Key": batch.batch_id}, timeout_raises=True)
            except _TimedOutError:  # slow link: re-form smaller (change_ids unchanged; the county dedupes them)
                self.batch_size = max(1, min(self.batch_size, len(batch.changes)) // 2)
                outbox.unfreeze(self.store, batch.batch_id)
                continue
            crash_point("after_send")
            if resp.status == 413:
                if len(batch.changes) == 1:
                    outbox.quarantine_batch(self.store, batch.batch_id, "这条修改太大，县里服务器不接收")
                else:
                    self.batch_size = max(1, len(batch.changes) // 2)
                    outbox.unfreeze(self.store, batch.batch_id)
                continue
            if resp.status in (400, 409):
                text = ("数据包编号冲突（同一批次内容不同），已隔离，请联系县综治中心" if resp.status == 409
                        else "县里无法识别这批数据（" + _error_message(resp, "格式错误") + "）")
                outbox.quarantine_batch(self.store, batch.batch_id, text)
                self.result.alerts.append(text)
                log.error("batch quarantined after HTTP %d", resp.status)
                continue
            if resp.status != 200 or not isinstance(resp.body, dict):
                raise _StopError(_error_message(resp, f"上报失败（县里服务器返回 {resp.status}）"))
            crash_point("before_ack_commit")
            summary = outbox.record_ack(self.store, batch.batch_id, resp.body)
            left = self.conn.execute("SELECT count(*) FROM sync_outbox WHERE batch_id = ? AND state = 'inflight'",
                                     (batch.batch_id,)).fetchone()[0]
            if left:
                raise _StopError("县里服务器的回执不完整，稍后再试。")
            r = self.result
            r.batches += 1
            r.pushed += len(batch.changes)
            r.applied += summary.applied
            r.duplicates += summary.duplicates
            r.merged += summary.merged
            r.conflicts += summary.conflicts
            r.rejected += summary.rejected
            done += len(batch.changes)
            self.batch_size = min(MAX_BATCH, self.batch_size * 2)
            self._report("push", done, max(total, done), f"已上报 {done} 条")
            server_last = resp.body.get("last_seq")
            if isinstance(server_last, int) and server_last > outbox.max_seq(self.conn):
                self.new_device_epoch("server saw higher seqs")

    # -- pull ----------------------------------------------------------------------------------------------------
    def pull(self, limit: int) -> None:
        while True:
            self.check_server_epoch()
            cursor = int(outbox.get_state(self.conn, "pull_cursor", "0") or 0)
            query = urlencode({"cursor": cursor, "limit": limit})
            resp = self.session.call("GET", f"{protocol.PATH_PULL}?{query}")
            body = resp.body
            if resp.status != 200 or not isinstance(body, dict):
                raise _StopError(_error_message(resp, f"下载失败（县里服务器返回 {resp.status}）"))
            if self.session.server_epoch != self.known_server_epoch:
                continue  # the county was restored between pages: start again from 0
            items = [outbox.ServerRow(str(c["table"]), str(c["row_id"]), int(c["version"]), bool(c.get("deleted")),
                                      c.get("row")) for c in body.get("changes", [])]
            half = len(items) // 2
            with self.store.write() as conn:
                outbox.apply_server_rows(conn, items[:half])
                crash_point("mid_pull_apply")
                outbox.apply_server_rows(conn, items[half:])
                outbox.set_state(conn, "pull_cursor", str(int(body.get("next_cursor") or cursor)))
            self.result.pulled += len(items)
            self._report("pull", self.result.pulled, self.result.pulled, f"已下载 {self.result.pulled} 条")
            if not body.get("has_more"):
                break

    # -- verify --------------------------------------------------------------------------------------------------
    def _local_entries(self, table: str) -> list[tuple[str, int]]:
        return [(str(r[0]), int(r[1])) for r in self.conn.execute(
            f'SELECT t.id, coalesce(v.version, 0) FROM "{table}" t LEFT JOIN sync_versions v '
            "ON v.table_name = ? AND v.row_id = t.id", (table,))]

    def verify(self) -> int:
        """Compare digests; for a differing bucket re-pull what the county has newer and enqueue full-state inserts
        for what it lacks or has older. Returns the number of changes enqueued (another push is then needed)."""
        self._report("verify", 0, 1, "正在核对")
        local = {t: self._local_entries(t) for t in protocol.tables()}
        digests = {}
        for table, entries in local.items():
            count, sha = protocol.digest(entries)
            digests[table] = {"count": count, "sha256": sha}
        resp = self.session.call("POST", protocol.PATH_VERIFY, {"tables": digests})
        if resp.status != 200 or not isinstance(resp.body, dict):
            raise _StopError(_error_message(resp, f"核对失败（县里服务器返回 {resp.status}）"))
        enqueued = 0
        for table, theirs in (resp.body.get("tables") or {}).items():
            if table not in digests or (theirs.get("count"), theirs.get("sha256")) == (
                    digests[table]["count"], digests[table]["sha256"]):
                continue
            self.result.verify_mismatches += 1
            log.warning("verification mismatch in %s", table)
            for bucket, sha in (theirs.get("buckets") or {}).items():
                mine = [e for e in local[table] if protocol.bucket_of(e[0]) == bucket]
                if protocol.digest(mine)[1] == sha:
                    continue
                enqueued += self._repair_bucket(table, bucket, dict(mine))
        self._report("verify", 1, 1, "核对完成")
        return enqueued

    def _repair_bucket(self, table: str, bucket: str, mine: dict[str, int]) -> int:
        query = urlencode({"table": table, "bucket": bucket})
        resp = self.session.call("GET", f"{protocol.PATH_BUCKET}?{query}")
        if resp.status != 200 or not isinstance(resp.body, dict):
            raise _StopError(_error_message(resp, f"核对失败（县里服务器返回 {resp.status}）"))
        theirs = {str(r["row_id"]): r for r in resp.body.get("rows", [])}
        fetch: list[outbox.ServerRow] = []
        for row_id, r in theirs.items():
            version, deleted = int(r["version"]), bool(r.get("deleted"))
            if deleted and row_id in mine and mine[row_id] <= version:
                fetch.append(outbox.ServerRow(table, row_id, version, True, None))
            elif not deleted and (row_id not in mine or mine[row_id] < version):
                fetch.append(outbox.ServerRow(table, row_id, version, False, r.get("row")))
        send = [row_id for row_id, version in mine.items()
                if row_id not in theirs or (not theirs[row_id].get("deleted")
                                            and int(theirs[row_id]["version"]) < version)
                or version == 0]
        with self.store.write() as conn:
            if fetch:  # forced: the local version record is what was wrong
                conn.executemany("DELETE FROM sync_versions WHERE table_name = ? AND row_id = ?",
                                 [(table, f.row_id) for f in fetch])
                self.result.repaired += outbox.apply_server_rows(conn, fetch).applied
            blocked = {str(r[0]) for r in conn.execute(
                "SELECT DISTINCT row_id FROM sync_outbox WHERE table_name = ? AND state IN "
                "('pending', 'inflight', 'quarantined')", (table,))}
            todo = [row_id for row_id in send if row_id not in blocked]
            added = outbox.enqueue_full_state(conn, table, todo)
        self.result.repaired += added
        return added

    def foreign_key_check(self) -> int:
        problems = self.conn.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            log.warning("foreign key check after sync: %d rows point at missing rows", len(problems))
        return len(problems)


def _push_extras(store: Store, session: Session, result: SyncResult) -> None:
    """The audit log and the escrowed key after the data: a failure is reported, the data sync still succeeded."""
    errors: list[str] = []
    for step in ("escrow", "audit"):
        try:
            with known_errors():
                if step == "escrow":
                    result.escrow_sent = audit_push.push_escrow(store, session)
                else:
                    result.audit_pushed = audit_push.push_audit(store, session)
        except (audit_push.AuditPushError, _StopError) as exc:
            errors.append(exc.message)
        except KnownError as exc:
            errors.append(exc.message)
    result.audit_error = "；".join(errors) or None
    if result.audit_error:
        log.warning("audit/escrow push failed: %s", result.audit_error)


def _audit_cycle(store: Store, actor: Actor | None, result: SyncResult) -> None:
    """The cycle in the audit log (inside a write): what went up and came down, and the error if any."""
    counts = outbox.status(store.conn)
    detail = f"上报{result.pushed}条，接收{result.pulled}条，未确认{counts.pending}条"
    if counts.quarantined:
        detail += f"，被退回{counts.quarantined}条"
    if result.conflicts:
        detail += f"，冲突{result.conflicts}处"
    audit.record(store, actor or system_actor(), "sync", success=result.error is None,
                 detail=detail + (f"；{result.error}" if result.error else ""))


def run_sync(db_path: Path | str, *, progress: Callable[[SyncProgress], None] | None = None,
             cancel: threading.Event | None = None, transport: Transport | None = None,
             sleep: Callable[[float], None] = time.sleep, max_attempts: int = MAX_ATTEMPTS,
             pull_limit: int = PULL_LIMIT, actor: Actor | None = None) -> SyncResult:
    """One full cycle. Never raises for network or county trouble: ``SyncResult.error`` says what happened (中文);
    raises ``SyncBusy`` when another sync holds this database, ``KnownError`` when the PC is not enrolled. The cycle
    is in the audit log under ``actor`` (the logged-in account for the app's background sync; the command line's
    system actor by default)."""
    store = open_sync_store(db_path)
    lock: SyncLock | None = None
    own_transport = transport is None
    done = threading.Event()
    try:
        device_id = outbox.get_state(store.conn, "device_id")
        server_url = outbox.get_state(store.conn, "server_url")
        if not device_id or not server_url:
            raise KnownError("本电脑还没有注册到县里服务器：请先用县里给的注册码注册（sync enroll）。")
        lock = SyncLock(store.path)
        lock.acquire()
        if transport is None:
            transport = Transport(server_url, ca_file=outbox.get_state(store.conn, "ca_file") or None)
        transport.reset_abort()
        if cancel is not None:
            watched = transport

            def watch() -> None:
                while not done.is_set():
                    if cancel.wait(0.2):
                        watched.abort()
                        return
            threading.Thread(target=watch, name="sync-cancel", daemon=True).start()
        session = Session(transport, device_id=device_id, db_id=_db_id(store), sleep=sleep, cancel=cancel,
                          max_attempts=max_attempts)
        result = SyncResult()
        engine = _Engine(store, session, result, progress)
        try:
            with known_errors():  # a full disk or a locked file mid-cycle: a Chinese message, nothing half-applied
                engine.check_device_epoch()
                session.refresh()
                engine.check_server_epoch()
                for _round in range(3):
                    engine.push()
                    engine.pull(pull_limit)
                    if not engine.verify():
                        break
                result.fk_violations = engine.foreign_key_check()
                with store.write():  # recorded before the audit push, so the county gets it in this cycle
                    _audit_cycle(store, actor, result)
            _push_extras(store, session, result)
        except _StopError as exc:
            result.error = exc.message
            result.retry_after = exc.retry_after
        except Cancelled:
            result.error = "同步已取消；已上报的不会丢失，未完成的下次继续。"
        except KnownError as exc:
            result.error = exc.message
        result.skew_seconds = session.skew_seconds
        if result.retry_after is None:
            result.retry_after = session.retry_after if result.error else None
        counts = outbox.status(store.conn)
        result.pending_left, result.quarantined = counts.pending, counts.quarantined
        result.confirmed_all = result.error is None and counts.pending == 0 and counts.quarantined == 0
        try:
            with known_errors(), store.write() as conn:
                outbox.set_state(conn, "last_error", result.error or "")
                outbox.set_state(conn, "skew_seconds", "" if result.skew_seconds is None else str(result.skew_seconds))
                outbox.set_state(conn, "last_attempt_at", outbox.now_iso())
                if result.error is None:
                    outbox.set_state(conn, "last_success_at", outbox.now_iso())
                if result.error is not None:  # a successful cycle was recorded before the audit push
                    _audit_cycle(store, actor, result)
        except KnownError as exc:  # the disk is still full: the outcome is in the result, the outbox is intact
            log.warning("could not record the sync outcome: %s", exc.message)
        write_state_file(engine.db_id, outbox.get_state(store.conn, "device_epoch"), outbox.max_seq(store.conn))
        log.info("sync done: pushed %d, pulled %d, pending %d, quarantined %d, error %s", result.pushed,
                 result.pulled, result.pending_left, result.quarantined, bool(result.error))
        return result
    finally:
        done.set()
        if lock is not None:
            lock.release()
        store.close()
        if own_transport and transport is not None:
            transport.close()
