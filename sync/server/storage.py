"""The county server's store: ALL of the server's SQL lives here (SYNC.md §7.3–§7.9; /docs/sync.md).

SQLite in WAL mode with ``synchronous=FULL`` is plenty for one county; a city would put PostgreSQL behind the same
``ServerStore`` methods. One ``ServerStore`` is one connection: use one per thread.

Tables: ``villages``, ``enrollment_codes`` (hashed one-time codes), ``devices`` (hashed refresh token, bundle key,
number block), ``access_tokens`` (hashed), ``rows`` (the synced rows of every village, state-based: version, deleted,
data JSON, ``updated_server_seq``), ``changelog`` (one row per application: I1 counts them per change_id),
``applied_changes`` (the change_id dedupe, THE idempotency guarantee), ``received_batches`` (acks stored verbatim
for replays), ``row_guard`` (the per-device ordering guard), ``device_epochs`` (last seq per device epoch),
``conflicts`` (every policy resolution, I4), ``bundles`` (USB receipts per bundle id) and ``meta`` (server_epoch,
server_seq — the single counter row —, schema_min).
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import json
import math
import re
import secrets
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any, Final, Self

from sync import protocol
from sync.server import policy
from zhzx_desktop.domain.validation import field_label

SCHEMA_MIN: Final = 4                  # the oldest client schema this server accepts
SCHEMA_MAX: Final = protocol.SCHEMA_VERSION
ENROLL_CODE_DAYS: Final = 7
ENROLL_ALPHABET: Final = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"   # no 0/O, 1/I/L
ENROLL_CODE_LENGTH: Final = 8
NUMBER_BLOCKS: Final = 10
PULL_LIMIT_DEFAULT: Final = 500
PULL_LIMIT_MAX: Final = 2000
MAX_ID_LENGTH: Final = 200
_CHUNK: Final = 500
_INT_LIMIT: Final = 2**63

VILLAGE_CODE_RE: Final = re.compile(r"\d{12}")
_DATE_RE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")

TABLE_LABELS: Final = {
    "grids": "网格", "households": "户", "residents": "居民", "resident_categories": "重点人员类别",
    "grid_workers": "网格员", "teams": "队伍", "team_members": "队员", "team_activities": "队伍活动",
    "activity_participants": "活动参与人", "cases": "案件", "case_parties": "当事人", "case_mediators": "调解员",
    "case_sessions": "调解记录", "agreements": "调解协议", "installments": "分期履行", "follow_ups": "回访",
    "case_documents": "案卷材料",
}

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS villages (
  code TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS enrollment_codes (
  code_hash TEXT PRIMARY KEY, village_code TEXT NOT NULL REFERENCES villages(code), created_at TEXT NOT NULL,
  expires_at REAL NOT NULL, used_at TEXT, device_id TEXT);
CREATE TABLE IF NOT EXISTS devices (
  device_id TEXT PRIMARY KEY, village_code TEXT NOT NULL REFERENCES villages(code), name TEXT NOT NULL,
  number_block INTEGER NOT NULL, refresh_hash TEXT NOT NULL, refresh_expires_at REAL NOT NULL, revoked_at TEXT,
  enrolled_at TEXT NOT NULL, last_seen_at TEXT, last_sync_at TEXT, bundle_key BLOB NOT NULL,
  schema_version INTEGER, UNIQUE (village_code, number_block));
CREATE TABLE IF NOT EXISTS access_tokens (
  token_hash TEXT PRIMARY KEY, device_id TEXT NOT NULL REFERENCES devices(device_id), expires_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS rows (
  table_name TEXT NOT NULL, row_id TEXT NOT NULL, village_code TEXT NOT NULL, version INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0, data TEXT NOT NULL, updated_server_seq INTEGER NOT NULL,
  writer TEXT NOT NULL DEFAULT '', writer_since INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (table_name, row_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rows_pull ON rows(village_code, updated_server_seq);
CREATE TABLE IF NOT EXISTS changelog (
  id INTEGER PRIMARY KEY, server_seq INTEGER NOT NULL, change_id TEXT, device_id TEXT, table_name TEXT NOT NULL,
  row_id TEXT NOT NULL, version INTEGER NOT NULL, result TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS changelog_change ON changelog(change_id);
CREATE TABLE IF NOT EXISTS applied_changes (
  change_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, seq INTEGER NOT NULL, server_seq INTEGER,
  version INTEGER, result TEXT NOT NULL, table_name TEXT NOT NULL, row_id TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS received_batches (
  device_id TEXT NOT NULL, batch_id TEXT NOT NULL, payload_sha256 TEXT NOT NULL, ack BLOB NOT NULL,
  received_at TEXT NOT NULL, PRIMARY KEY (device_id, batch_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS row_guard (
  device_id TEXT NOT NULL, device_epoch TEXT NOT NULL, table_name TEXT NOT NULL, row_id TEXT NOT NULL,
  seq INTEGER NOT NULL, PRIMARY KEY (device_id, device_epoch, table_name, row_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS device_epochs (
  device_id TEXT NOT NULL, device_epoch TEXT NOT NULL, last_seq INTEGER NOT NULL,
  PRIMARY KEY (device_id, device_epoch)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS conflicts (
  id INTEGER PRIMARY KEY, server_seq INTEGER, change_id TEXT, device_id TEXT, village_code TEXT NOT NULL,
  table_name TEXT NOT NULL, row_id TEXT NOT NULL, field TEXT NOT NULL, mine TEXT, theirs TEXT,
  resolution TEXT NOT NULL, created_at TEXT NOT NULL, reviewed_at TEXT);
CREATE INDEX IF NOT EXISTS conflicts_open ON conflicts(village_code, reviewed_at);
CREATE TABLE IF NOT EXISTS bundles (
  bundle_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, receipt BLOB NOT NULL, imported_at TEXT NOT NULL);
"""

# Issue 6: the villages' audit logs (push-only, their own stream) and their escrowed data keys. Created on every
# open (IF NOT EXISTS), so a county database made before issue 6 gains them without a migration step.
_ESCROW_AUDIT_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS device_logs (
  device_id TEXT PRIMARY KEY, log_device TEXT NOT NULL, bound_at TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit_entries (
  device TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL, entry TEXT NOT NULL, sync_device TEXT NOT NULL,
  village_code TEXT NOT NULL, received_at TEXT NOT NULL, flag TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (device, seq, hash)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit_heads (device TEXT PRIMARY KEY, contiguous INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS escrowed_keys (
  db_id TEXT NOT NULL, kid TEXT NOT NULL, key_check TEXT NOT NULL, blob TEXT NOT NULL, device_id TEXT NOT NULL,
  village_code TEXT NOT NULL, received_at TEXT NOT NULL, PRIMARY KEY (db_id, kid, key_check)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS key_recoveries (
  id INTEGER PRIMARY KEY, db_id TEXT NOT NULL, village TEXT NOT NULL, operator TEXT NOT NULL,
  requested_at TEXT, answered_at TEXT NOT NULL, computer TEXT);
"""
AUDIT_BATCH_MAX: Final = 500
AUDIT_FIELDS: Final = ("id", "seq", "device", "at", "actor", "actor_name", "role", "action", "object_type",
                       "object_id", "object_label", "success", "detail", "prev_hash", "hash")


# ---- errors ----------------------------------------------------------------------------------------------------

class ServerError(Exception):
    """A failure with an HTTP status, a machine code and a Chinese message (the JSON error body)."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def malformed(message: str) -> ServerError:
    return ServerError(400, "malformed", message)


class InjectedFailureError(Exception):
    """The ``fail_push_before_commit`` test hook: the push transaction is rolled back."""


# ---- time ------------------------------------------------------------------------------------------------------

def now_ts() -> float:
    return time.time()


def iso(ts: float | None = None) -> str:
    """ISO 8601 UTC with milliseconds and ``Z`` (fixed width: sorts as text)."""
    moment = datetime.fromtimestamp(now_ts() if ts is None else ts, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def server_today() -> date:
    return datetime.fromtimestamp(now_ts()).date()


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


# ---- data ------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Device:
    device_id: str
    village_code: str
    name: str
    number_block: int
    revoked: bool


@dataclass
class _Row:
    table: str
    row_id: str
    village: str
    version: int
    deleted: bool
    raw: str | None
    seq: int
    writer: str
    writer_since: int
    _data: dict[str, Any] | None = None
    dirty: bool = False

    @property
    def data(self) -> dict[str, Any]:
        if self._data is None:
            self._data = json.loads(self.raw) if self.raw else {}
        return self._data

    def set_data(self, data: dict[str, Any]) -> None:
        self._data = data
        self.raw = None


@dataclass
class _Batch:
    device_epoch: str
    batch_id: str
    sha: str
    changes: list[dict[str, Any]]
    schema_version: int


@dataclass
class _Work:
    """What one push transaction writes at the end (executemany)."""
    at: str
    changelog: list[tuple[Any, ...]] = field(default_factory=list)
    applied: list[tuple[Any, ...]] = field(default_factory=list)
    conflicts: list[tuple[Any, ...]] = field(default_factory=list)
    guard: dict[tuple[str, str], int] = field(default_factory=dict)


class _RejectedError(Exception):
    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.reason = protocol.REASONS[code] + (f"：{detail}" if detail else "")


def _label(table: str, column: str) -> str:
    return field_label(column)


def is_date_column(name: str) -> bool:
    return name.endswith(("_on", "_date")) or name == "held_at"


def _date_ok(value: str) -> bool:
    if len(value) < 10 or not _DATE_RE.fullmatch(value[:10]) or (len(value) > 10 and value[10] not in "T "):
        return False
    try:
        date.fromisoformat(value[:10])
    except ValueError:
        return False
    return True


@cache
def _column_rules(table: str) -> dict[str, tuple[str, bool, bool]]:
    """Per column: (type, NOT NULL, is a date column) — precomputed so the per-value check stays cheap."""
    spec = protocol.tables()[table]
    return {c.name: (c.type, c.notnull, is_date_column(c.name)) for c in spec.columns.values()}


def check_value(spec: protocol.TableSpec, column: str, value: Any, *, today: date) -> None:
    """Raise ``_RejectedError('invalid')`` unless ``value`` fits ``column`` (type, NOT NULL, ISO dates, no future
    birth date). The Chinese label is looked up only when the value is wrong."""
    kind, notnull, is_date = _column_rules(spec.name)[column]
    if value is None:
        if notnull:
            raise _RejectedError("invalid", f"{_label(spec.name, column)}不能为空")
        return
    vt = type(value)
    if kind == "INTEGER":
        ok = vt is int and -_INT_LIMIT < value < _INT_LIMIT
    elif kind == "REAL":
        ok = (vt is int or vt is float) and math.isfinite(value)
    else:
        ok = vt is str
    if not ok:
        raise _RejectedError("invalid", f"{_label(spec.name, column)}的类型不对")
    if is_date and vt is str and not (value == "" and not notnull):
        if not _date_ok(value):
            raise _RejectedError("invalid", f"{_label(spec.name, column)}不是有效日期")
        if column == "birth_date" and value[:10] > today.isoformat():
            raise _RejectedError("invalid", f"{_label(spec.name, column)}晚于今天")


# ---- the batch shape (400 when wrong) --------------------------------------------------------------------------

def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -_INT_LIMIT < value < _INT_LIMIT


def _text(obj: dict[str, Any], key: str, *, nullable: bool = False, limit: int = MAX_ID_LENGTH) -> None:
    value = obj.get(key)
    if value is None and nullable and key in obj:
        return
    if not isinstance(value, str) or not value or len(value) > limit:
        raise malformed(f"字段 {key} 缺失或格式不对")


def check_batch(batch: Any, device_id: str) -> _Batch:
    """Check the batch's JSON shape (SYNC.md §7.3); raise ``ServerError`` 400 (the client quarantines the batch)."""
    if not isinstance(batch, dict):
        raise malformed("请求内容必须是 JSON 对象")
    if batch.get("protocol") != protocol.PROTOCOL or isinstance(batch.get("protocol"), bool):
        raise malformed("不支持的协议版本")
    if not _is_int(batch.get("schema_version")):
        raise malformed("字段 schema_version 缺失或格式不对")
    for key in ("device_id", "device_epoch", "batch_id"):
        _text(batch, key)
    if batch["device_id"] != device_id:
        raise malformed("批次中的设备编号与登录设备不符")
    for key in ("first_seq", "last_seq"):
        if key in batch and batch[key] is not None and not _is_int(batch[key]):
            raise malformed(f"字段 {key} 格式不对")
    sha = batch.get("payload_sha256")
    if not isinstance(sha, str):
        raise malformed("字段 payload_sha256 缺失")
    changes = batch.get("changes")
    if not isinstance(changes, list):
        raise malformed("字段 changes 必须是数组")
    for ch in changes:
        if not isinstance(ch, dict):
            raise malformed("每条更改必须是 JSON 对象")
        for key in ("change_id", "table", "row_id"):
            _text(ch, key)
        if ch.get("op") not in protocol.OPS:
            raise malformed("更改的 op 必须是 insert、update 或 delete")
        if not _is_int(ch.get("seq")):
            raise malformed("更改的 seq 缺失或格式不对")
        base = ch.get("base_version")
        if base is not None and not _is_int(base):
            raise malformed("更改的 base_version 格式不对")
        if not isinstance(ch.get("data"), dict):
            raise malformed("更改的 data 必须是 JSON 对象")
        tx = ch.get("tx_id")
        if tx is not None and not isinstance(tx, str):
            raise malformed("更改的 tx_id 格式不对")
    try:
        actual = protocol.payload_sha256(changes)
    except (TypeError, ValueError) as exc:
        raise malformed("更改内容无法计算校验值") from exc
    if actual != sha:
        raise malformed("payload_sha256 与更改内容不符")
    return _Batch(batch["device_epoch"], batch["batch_id"], sha, changes, batch["schema_version"])


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def new_enrollment_secret() -> str:
    return "".join(secrets.choice(ENROLL_ALPHABET) for _ in range(ENROLL_CODE_LENGTH))


def normalize_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


# ---- the store -------------------------------------------------------------------------------------------------

class ServerStore:
    """One connection to the county database. Not thread-safe: one per thread."""

    def __init__(self, path: Path | str, *, busy_timeout_ms: int = 30000) -> None:
        self.path = Path(path)
        self.conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False,
                                    timeout=busy_timeout_ms / 1000, cached_statements=256)
        self.conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=FULL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self._init_schema()
        self._init_escrow_audit_schema()

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _init_schema(self) -> None:
        has = self.conn.execute("SELECT 1 FROM sqlite_master WHERE name='bundles'").fetchone()
        if has:
            return
        epoch = str(uuid.uuid4()).replace("'", "")
        try:
            self.conn.executescript(
                "BEGIN IMMEDIATE;" + _SCHEMA
                + f"INSERT OR IGNORE INTO meta(k, v) VALUES ('server_epoch', '{epoch}');"
                + "INSERT OR IGNORE INTO meta(k, v) VALUES ('server_seq', 0);"
                + f"INSERT OR IGNORE INTO meta(k, v) VALUES ('schema_min', {int(SCHEMA_MIN)});"
                + "COMMIT;")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    # ---- meta -----------------------------------------------------------------------------------------------

    def _meta(self, key: str) -> Any:
        row = self.conn.execute("SELECT v FROM meta WHERE k = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def server_epoch(self) -> str:
        return str(self._meta("server_epoch"))

    def server_seq(self) -> int:
        return int(self._meta("server_seq"))

    def schema_min(self) -> int:
        return int(self._meta("schema_min"))

    def set_schema_min(self, value: int) -> None:
        self.conn.execute("UPDATE meta SET v = ? WHERE k = 'schema_min'", (int(value),))

    def new_epoch(self) -> str:
        """Start a new server epoch (after restoring a backup, SYNC.md §7.7): clients re-pull and re-assert."""
        epoch = str(uuid.uuid4())
        self.conn.execute("UPDATE meta SET v = ? WHERE k = 'server_epoch'", (epoch,))
        return epoch

    # ---- villages, enrollment, tokens -----------------------------------------------------------------------

    def add_village(self, code: str, name: str) -> None:
        if not VILLAGE_CODE_RE.fullmatch(code or ""):
            raise ServerError(400, "invalid", "村代码必须是 12 位数字（统计用区划代码）")
        name = (name or "").strip()
        if not name:
            raise ServerError(400, "invalid", "村名称不能为空")
        try:
            self.conn.execute("INSERT INTO villages(code, name, created_at) VALUES (?, ?, ?)", (code, name, iso()))
        except sqlite3.IntegrityError as exc:
            raise ServerError(409, "exists", f"村代码 {code} 已存在") from exc

    def villages(self) -> list[tuple[str, str]]:
        return [(str(r[0]), str(r[1])) for r in self.conn.execute("SELECT code, name FROM villages ORDER BY code")]

    def village_name(self, code: str) -> str | None:
        row = self.conn.execute("SELECT name FROM villages WHERE code = ?", (code,)).fetchone()
        return None if row is None else str(row[0])

    def new_enrollment_code(self, village_code: str) -> tuple[str, str]:
        """A one-time enrollment code for ``village_code`` → ``(code, expires_at ISO)``; only its hash is kept."""
        if self.village_name(village_code) is None:
            raise ServerError(404, "not_found", f"没有村代码为 {village_code} 的村，请先添加该村")
        code = new_enrollment_secret()
        created = now_ts()
        expires = created + ENROLL_CODE_DAYS * 86400
        self.conn.execute("INSERT INTO enrollment_codes(code_hash, village_code, created_at, expires_at) "
                          "VALUES (?, ?, ?, ?)", (_hash(code), village_code, iso(created), expires))
        return code, iso(expires)

    def enroll(self, code: str, device_name: str, schema_version: int) -> dict[str, Any]:
        """Exchange a one-time code for a device identity (SYNC.md §7.9)."""
        now = now_ts()
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute("SELECT village_code, expires_at, used_at FROM enrollment_codes WHERE code_hash = ?",
                               (_hash(normalize_code(code)),)).fetchone()
            if row is None or row[2] is not None or float(row[1]) < now:
                raise ServerError(400, "bad_code", "注册码无效、已使用或已过期，请向县里重新申请")
            village = str(row[0])
            used = {int(r[0]) for r in conn.execute("SELECT number_block FROM devices WHERE village_code = ?",
                                                    (village,))}
            free = [b for b in range(NUMBER_BLOCKS) if b not in used]
            if not free:
                raise ServerError(409, "no_block", "本村的案件编号段已用完（最多 10 台电脑），请联系县里")
            device_id = str(uuid.uuid4())
            refresh = secrets.token_urlsafe(32)
            key = secrets.token_bytes(32)
            conn.execute(
                "INSERT INTO devices(device_id, village_code, name, number_block, refresh_hash, refresh_expires_at,"
                " enrolled_at, bundle_key, schema_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (device_id, village, device_name, free[0], _hash(refresh),
                 now + protocol.REFRESH_TOKEN_DAYS * 86400, iso(now), key, schema_version))
            conn.execute("UPDATE enrollment_codes SET used_at = ?, device_id = ? WHERE code_hash = ?",
                         (iso(now), device_id, _hash(normalize_code(code))))
            name = str(conn.execute("SELECT name FROM villages WHERE code = ?", (village,)).fetchone()[0])
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return {"device_id": device_id, "refresh_token": refresh, "bundle_key": base64.b64encode(key).decode(),
                "village_code": village, "village_name": name, "number_block": free[0],
                "policy": policy.document()}

    def issue_token(self, device_id: str, refresh_token: str) -> dict[str, Any]:
        """A short-lived access token for a valid refresh token; the refresh token's expiry slides forward."""
        now = now_ts()
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute("SELECT refresh_hash, refresh_expires_at, revoked_at FROM devices WHERE device_id = ?",
                               (device_id,)).fetchone()
            if row is None or not secrets.compare_digest(str(row[0]), _hash(refresh_token)):
                raise ServerError(401, "token_invalid", "设备凭据无效，请重新注册本机")
            if row[2] is not None:
                raise ServerError(403, "revoked", "本机已被县里停用，不能再同步")
            if float(row[1]) < now:
                raise ServerError(401, "token_expired", "设备凭据已过期，请重新注册本机")
            access = secrets.token_urlsafe(32)
            conn.execute("DELETE FROM access_tokens WHERE expires_at < ?", (now,))
            conn.execute("INSERT INTO access_tokens(token_hash, device_id, expires_at) VALUES (?, ?, ?)",
                         (_hash(access), device_id, now + protocol.ACCESS_TOKEN_SECONDS))
            conn.execute("UPDATE devices SET refresh_expires_at = ?, last_seen_at = ? WHERE device_id = ?",
                         (now + protocol.REFRESH_TOKEN_DAYS * 86400, iso(now), device_id))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return {"access_token": access, "expires_in": protocol.ACCESS_TOKEN_SECONDS}

    def authenticate(self, access_token: str) -> Device:
        """The device behind a bearer token: 401 unknown/expired, 403 revoked."""
        row = self.conn.execute(
            "SELECT t.expires_at, d.device_id, d.village_code, d.name, d.number_block, d.revoked_at "
            "FROM access_tokens t JOIN devices d ON d.device_id = t.device_id WHERE t.token_hash = ?",
            (_hash(access_token),)).fetchone()
        if row is None:
            raise ServerError(401, "token_invalid", "访问令牌无效，请重新登录")
        if row[5] is not None:
            raise ServerError(403, "revoked", "本机已被县里停用，不能再同步")
        if float(row[0]) < now_ts():
            raise ServerError(401, "token_expired", "访问令牌已过期")
        return Device(str(row[1]), str(row[2]), str(row[3]), int(row[4]), False)

    def device(self, device_id: str) -> Device | None:
        row = self.conn.execute("SELECT device_id, village_code, name, number_block, revoked_at FROM devices "
                                "WHERE device_id = ?", (device_id,)).fetchone()
        if row is None:
            return None
        return Device(str(row[0]), str(row[1]), str(row[2]), int(row[3]), row[4] is not None)

    def bundle_key(self, device_id: str) -> bytes | None:
        row = self.conn.execute("SELECT bundle_key FROM devices WHERE device_id = ?", (device_id,)).fetchone()
        return None if row is None else bytes(row[0])

    def revoke(self, device_id: str) -> bool:
        """Revoke a device: its tokens stop working (403). False when there is no such device."""
        cur = self.conn.execute("UPDATE devices SET revoked_at = COALESCE(revoked_at, ?) WHERE device_id = ?",
                                (iso(), device_id))
        self.conn.execute("DELETE FROM access_tokens WHERE device_id = ?", (device_id,))
        return cur.rowcount > 0

    # ---- push -----------------------------------------------------------------------------------------------

    def push(self, device: Device, batch: Any, *, schema_min: int | None = None,
             before_commit: Callable[[], Any] | None = None, fail_before_commit: bool = False) -> bytes:
        """Apply one batch in one transaction (SYNC.md §7.3) → the ack as compact JSON bytes (stored verbatim)."""
        if device.revoked:
            raise ServerError(403, "revoked", "本机已被县里停用，不能再同步")
        b = check_batch(batch, device.device_id)
        low = self.schema_min() if schema_min is None else schema_min
        if not low <= b.schema_version <= SCHEMA_MAX:
            raise ServerError(426, "upgrade_required", "本机软件版本与县里服务器不兼容，请升级后再同步")
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute("SELECT payload_sha256, ack FROM received_batches WHERE device_id = ? "
                               "AND batch_id = ?", (device.device_id, b.batch_id)).fetchone()
            if row is not None:
                conn.execute("ROLLBACK")
                if row[0] != b.sha:
                    raise ServerError(409, "batch_conflict", "同一批次编号的内容与之前不同，已拒收")
                return bytes(row[1])
            ack = self._apply(device, b)
            if before_commit is not None:
                before_commit()
            if fail_before_commit:
                raise InjectedFailureError("fail_push_before_commit")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return ack

    def _load_rows(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], _Row]:
        by_table: dict[str, list[str]] = {}
        for table, row_id in keys:
            by_table.setdefault(table, []).append(row_id)
        out: dict[tuple[str, str], _Row] = {}
        for table, ids in by_table.items():
            for part in _chunks(sorted(set(ids))):
                marks = ",".join("?" * len(part))
                for r in self.conn.execute(
                        "SELECT row_id, village_code, version, deleted, data, updated_server_seq, writer, "
                        f"writer_since FROM rows WHERE table_name = ? AND row_id IN ({marks})", (table, *part)):
                    out[(table, r[0])] = _Row(table, r[0], r[1], r[2], bool(r[3]), r[4], r[5], r[6], r[7])
        return out

    def _apply(self, device: Device, b: _Batch) -> bytes:
        conn = self.conn
        specs = protocol.tables()
        village = device.village_code
        dev = device.device_id
        today = server_today()
        work = _Work(at=iso())
        changes = sorted(b.changes, key=lambda c: c["seq"])

        done: dict[str, tuple[Any, ...]] = {}
        ids = [c["change_id"] for c in changes]
        for part in _chunks(ids):
            marks = ",".join("?" * len(part))
            for r in conn.execute("SELECT change_id, server_seq, version, table_name, row_id FROM applied_changes "
                                  f"WHERE change_id IN ({marks})", tuple(part)):
                done[r[0]] = (r[1], r[2], r[3], r[4])

        keys: set[tuple[str, str]] = set()
        for c in changes:
            spec = specs.get(c["table"])
            if spec is None:
                continue
            keys.add((c["table"], c["row_id"]))
            data = c["data"]
            for col, target in spec.references.items():
                if col in data:
                    value = data[col]
                    if c["op"] == "update" and isinstance(value, list) and len(value) == 2:
                        value = value[1]
                    if isinstance(value, str):
                        keys.add((target, value))
        rows = self._load_rows(keys)

        guard: dict[tuple[str, str], int] = {}
        by_table: dict[str, list[str]] = {}
        for c in changes:
            if c["table"] in specs:
                by_table.setdefault(c["table"], []).append(c["row_id"])
        for table, row_ids in by_table.items():
            for part in _chunks(sorted(set(row_ids))):
                marks = ",".join("?" * len(part))
                for r in conn.execute(
                        "SELECT row_id, seq FROM row_guard WHERE device_id = ? AND device_epoch = ? AND table_name = ?"
                        f" AND row_id IN ({marks})", (dev, b.device_epoch, table, *part)):
                    guard[(table, r[0])] = int(r[1])

        seq = int(conn.execute("SELECT v FROM meta WHERE k = 'server_seq'").fetchone()[0])
        results: list[dict[str, Any]] = []
        max_seq_seen = 0
        for c in changes:
            max_seq_seen = max(max_seq_seen, c["seq"])
            cid = c["change_id"]
            prior = done.get(cid)
            if prior is not None:
                current = rows.get((prior[2], prior[3]))
                results.append(_result(cid, protocol.DUPLICATE, prior[0], prior[1],
                                       deleted=bool(current and current.deleted)))
                continue
            try:
                result, seq = self._apply_one(c, specs, rows, guard, village, dev, today, seq, work)
            except _RejectedError as rej:
                results.append(_result(cid, protocol.REJECTED, None, None, code=rej.code, reason=rej.reason))
                continue
            results.append(result)
            done[cid] = (result["server_seq"], result["version"], c["table"], c["row_id"])
            work.applied.append((cid, dev, c["seq"], result["server_seq"], result["version"], result["result"],
                                 c["table"], c["row_id"]))
            work.guard[(c["table"], c["row_id"])] = c["seq"]

        dirty = [r for r in rows.values() if r.dirty]
        if dirty:
            conn.executemany(
                "INSERT INTO rows(table_name, row_id, village_code, version, deleted, data, updated_server_seq, "
                "writer, writer_since) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(table_name, row_id) DO UPDATE "
                "SET version = excluded.version, deleted = excluded.deleted, data = excluded.data, "
                "updated_server_seq = excluded.updated_server_seq, writer = excluded.writer, "
                "writer_since = excluded.writer_since",
                [(r.table, r.row_id, r.village, r.version, int(r.deleted), r.raw if r.raw is not None
                  else _dumps(r.data), r.seq, r.writer, r.writer_since) for r in dirty])
        if work.changelog:
            conn.executemany("INSERT INTO changelog(server_seq, change_id, device_id, table_name, row_id, version, "
                             "result, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", work.changelog)
        if work.applied:
            conn.executemany("INSERT INTO applied_changes(change_id, device_id, seq, server_seq, version, result, "
                             "table_name, row_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", work.applied)
        if work.conflicts:
            conn.executemany("INSERT INTO conflicts(server_seq, change_id, device_id, village_code, table_name, "
                             "row_id, field, mine, theirs, resolution, created_at) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", work.conflicts)
        if work.guard:
            conn.executemany("INSERT INTO row_guard(device_id, device_epoch, table_name, row_id, seq) "
                             "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET seq = max(seq, excluded.seq)",
                             [(dev, b.device_epoch, t, r, s) for (t, r), s in work.guard.items()])
        conn.execute("UPDATE meta SET v = ? WHERE k = 'server_seq'", (seq,))
        if changes:
            conn.execute("INSERT INTO device_epochs(device_id, device_epoch, last_seq) VALUES (?, ?, ?) "
                         "ON CONFLICT DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)",
                         (dev, b.device_epoch, max_seq_seen))
        last = conn.execute("SELECT last_seq FROM device_epochs WHERE device_id = ? AND device_epoch = ?",
                            (dev, b.device_epoch)).fetchone()
        conn.execute("UPDATE devices SET last_sync_at = ?, last_seen_at = ? WHERE device_id = ?",
                     (work.at, work.at, dev))
        ack = {"batch_id": b.batch_id, "results": results, "max_server_seq": seq,
               "last_seq": int(last[0]) if last else 0, "server_epoch": self.server_epoch(),
               "server_time": work.at}
        body = _dumps(ack).encode("utf-8")
        conn.execute("INSERT INTO received_batches(device_id, batch_id, payload_sha256, ack, received_at) "
                     "VALUES (?, ?, ?, ?, ?)", (dev, b.batch_id, b.sha, body, work.at))
        return body

    def _apply_one(self, c: dict[str, Any], specs: dict[str, protocol.TableSpec],
                   rows: dict[tuple[str, str], _Row], guard: dict[tuple[str, str], int], village: str, dev: str,
                   today: date, seq: int, work: _Work) -> tuple[dict[str, Any], int]:
        """One change → (its result, the server_seq counter after it). Raises ``_RejectedError``."""
        table, row_id, op, data = c["table"], c["row_id"], c["op"], c["data"]
        spec = specs.get(table)
        if spec is None:
            raise _RejectedError("table", table)
        pol = policy.for_table(table)
        label = TABLE_LABELS.get(table, table)
        # -- shape and types
        new_values: dict[str, Any] = {}
        if op == "insert":
            for col, value in data.items():
                if col not in spec.columns:
                    raise _RejectedError("invalid", f"{label}没有“{col}”这一项")
                check_value(spec, col, value, today=today)
            if data.get("id", row_id) != row_id:
                raise _RejectedError("invalid", "记录编号与内容不符")
            for col in spec.columns.values():
                if col.notnull and not col.has_default and col.name != "id" and col.name not in data:
                    raise _RejectedError("invalid", f"缺少{_label(table, col.name)}")
            new_values = {k: v for k, v in data.items()}
            new_values["id"] = row_id
        elif op == "update":
            for col, pair in data.items():
                if col not in spec.columns or col == "id":
                    raise _RejectedError("invalid", f"{label}不能修改“{col}”")
                if not isinstance(pair, list) or len(pair) != 2:
                    raise _RejectedError("invalid", f"{_label(table, col)}的修改格式不对")
                check_value(spec, col, pair[1], today=today)
                new_values[col] = pair[1]
        # -- scope
        key = (table, row_id)
        current = rows.get(key)
        if current is not None and current.village != village:
            raise _RejectedError("scope", f"{label} {row_id}")
        # -- county-owned fields
        if op == "update":
            owned = [col for col in data if col in pol.county_owned]
            if owned:
                raise _RejectedError("county_owned", _label(table, owned[0]))
        elif op == "insert":
            for col in pol.county_owned:
                if col in new_values:
                    if current is not None:
                        del new_values[col]           # the server keeps its own value
                    elif new_values[col] not in (None, ""):
                        raise _RejectedError("county_owned", _label(table, col))
        # -- references
        for col, target in spec.references.items():
            value = new_values.get(col)
            if value is None:
                continue
            ref = rows.get((target, value))
            if ref is None or ref.deleted or ref.village != village:
                raise _RejectedError("reference", f"{_label(table, col)}（{TABLE_LABELS.get(target, target)} {value}）")
        # -- missing rows
        if op != "insert" and current is None:
            raise _RejectedError("missing", f"{label} {row_id}")
        if op == "delete" and current is not None and not current.deleted and pol.delete_forbidden(current.data):
            raise _RejectedError("forbidden_delete", f"{label} {row_id}")
        # -- the per-device ordering guard: an older change of this row is ignored (echo the current version)
        cid = c["change_id"]
        last = guard.get(key)
        if last is not None and c["seq"] < last and current is not None:
            work.changelog.append((current.seq, cid, dev, table, row_id, current.version, "ignored", work.at))
            return _result(cid, protocol.APPLIED, current.seq, current.version, deleted=current.deleted), seq
        guard[key] = c["seq"] if last is None else max(last, c["seq"])

        base = c.get("base_version")
        conflicts: list[dict[str, Any]] = []
        changed: dict[str, Any] = {}
        outcome = protocol.APPLIED
        if current is None:                                        # insert of a new row
            row = _Row(table, row_id, village, 0, False, None, 0, dev, 1)
            row.set_data({})
            rows[key] = row
            changed = new_values
            current = row
        elif current.deleted:                                      # anything on a tombstone: delete wins
            if op != "delete":
                for col, value in new_values.items():
                    if col != "id":
                        conflicts.append({"field": col, "mine": value, "theirs": None,
                                          "resolution": policy.DELETE_WINS})
                outcome = protocol.CONFLICT if conflicts else protocol.APPLIED
        elif op == "delete":
            changed = {}
        else:
            own_since_base = (base is not None and (current.version == base or (
                current.writer == dev and current.writer_since <= base + 1)))
            if base is None and current.writer == dev and current.writer_since == 1:
                own_since_base = True              # every write since the insert came from this device
            row_data = current.data
            for col, new in new_values.items():
                cur = row_data.get(col)
                if cur == new or col == "id":
                    continue
                if own_since_base:
                    changed[col] = new
                    continue
                old = data[col][0] if op == "update" else cur
                if op == "update" and cur == old:
                    changed[col] = new
                    continue
                resolution = pol.resolution(col)
                conflicts.append({"field": col, "mine": new, "theirs": cur, "resolution": resolution})
                if resolution == policy.CLERK_WINS:
                    changed[col] = new
            if conflicts:
                outcome = protocol.CONFLICT
            elif op == "update" and not own_since_base:
                outcome = protocol.MERGED
            elif op == "insert" and any(row_data.get(k) != v for k, v in data.items() if k not in changed):
                outcome = protocol.MERGED                          # e.g. a county-owned value the client lacks

        write = bool(changed) or (op == "delete" and not current.deleted) or current.version == 0
        if write:
            seq += 1
            data_now = dict(current.data)
            data_now.update(changed)
            current.set_data(data_now)
            if op == "delete":
                current.deleted = True
            current.version += 1
            current.seq = seq
            if current.writer != dev or current.version == 1:
                current.writer = dev
                current.writer_since = current.version
            current.dirty = True
        for conflict in conflicts:
            work.conflicts.append((current.seq, cid, dev, village, table, row_id, conflict["field"],
                                   _dumps(conflict["mine"]), _dumps(conflict["theirs"]), conflict["resolution"],
                                   work.at))
        work.changelog.append((current.seq, cid, dev, table, row_id, current.version, outcome, work.at))
        if outcome in (protocol.MERGED, protocol.CONFLICT):
            return _result(cid, outcome, current.seq, current.version, row=dict(current.data),
                           deleted=current.deleted, conflicts=conflicts), seq
        return _result(cid, outcome, current.seq, current.version, deleted=current.deleted), seq

    # ---- pull, verify, buckets ------------------------------------------------------------------------------

    def pull_body(self, device: Device, cursor: int, limit: int, envelope: dict[str, Any]) -> bytes:
        """The pull response as JSON bytes, rows embedded as stored (no JSON round trip per row)."""
        found = self.conn.execute(_PULL_SQL + " LIMIT ?", (device.village_code, cursor, limit + 1)).fetchall()
        has_more = len(found) > limit
        found = found[:limit]
        parts = [
            f'{{"server_seq":{r[0]},"table":{_dumps(r[1])},"row_id":{_dumps(r[2])},"version":{r[3]},'
            f'"deleted":{"true" if r[4] else "false"},"row":{"null" if r[4] else r[5]}}}'
            for r in found]
        next_cursor = found[-1][0] if found else cursor
        head = ('{"changes":[' + ",".join(parts)
                + f'],"next_cursor":{next_cursor},"has_more":{"true" if has_more else "false"}')
        tail = "".join(f",{_dumps(k)}:{_dumps(v)}" for k, v in envelope.items()) + "}"
        return (head + tail).encode("utf-8")

    def pull_changes(self, village_code: str, cursor: int) -> tuple[list[dict[str, Any]], int]:
        """Every row of the village changed after ``cursor`` (USB receipts) → (changes, next_cursor)."""
        out: list[dict[str, Any]] = []
        for r in self.conn.execute(_PULL_SQL, (village_code, cursor)):
            out.append({"server_seq": r[0], "table": r[1], "row_id": r[2], "version": r[3], "deleted": bool(r[4]),
                        "row": None if r[4] else json.loads(r[5])})
        return out, (out[-1]["server_seq"] if out else cursor)

    def verify(self, device: Device, tables: dict[str, Any]) -> dict[str, Any]:
        """Per table: the server's live-row digest of the device's village; buckets where the client's differs."""
        out: dict[str, Any] = {}
        for table in protocol.tables():
            entries = [(str(r[0]), int(r[1])) for r in self.conn.execute(
                "SELECT row_id, version FROM rows WHERE table_name = ? AND village_code = ? AND deleted = 0",
                (table, device.village_code))]
            count, sha = protocol.digest(entries)
            item: dict[str, Any] = {"count": count, "sha256": sha}
            theirs = tables.get(table)
            client_count, client_sha = (theirs["count"], theirs["sha256"]) if theirs else protocol.digest([])
            if client_count != count or client_sha != sha:
                buckets: dict[str, list[tuple[str, int]]] = {h: [] for h in protocol.BUCKETS}
                for row_id, version in entries:
                    buckets.setdefault(protocol.bucket_of(row_id), []).append((row_id, version))
                item["buckets"] = {h: protocol.digest(buckets[h])[1] for h in protocol.BUCKETS}
            out[table] = item
        return out

    def bucket(self, device: Device, table: str, bucket: str) -> list[dict[str, Any]]:
        return [{"row_id": r[0], "version": r[1], "deleted": bool(r[2]), "row": None if r[2] else json.loads(r[3])}
                for r in self.conn.execute(
                    "SELECT row_id, version, deleted, data FROM rows WHERE table_name = ? AND village_code = ? "
                    "AND lower(substr(row_id, 1, 1)) = ? ORDER BY row_id", (table, device.village_code, bucket))]

    # ---- the county editor ----------------------------------------------------------------------------------

    def county_edit(self, table: str, row_id: str, fields: dict[str, Any]) -> int:
        """A county-side edit: version+1, a new server_seq, a changelog row with change_id NULL → the new version."""
        spec = protocol.tables().get(table)
        if spec is None:
            raise ServerError(400, "table", f"没有这类数据：{table}")
        for col, value in fields.items():
            if col not in spec.columns or col == "id":
                raise ServerError(400, "invalid", f"{TABLE_LABELS.get(table, table)}没有可修改的“{col}”这一项")
            try:
                check_value(spec, col, value, today=date.max)
            except _RejectedError as rej:
                raise ServerError(400, "invalid", rej.reason) from rej
        return self._county_write(table, row_id, fields, delete=False)

    def county_delete(self, table: str, row_id: str) -> int:
        """A county-side delete (tombstone) → the new version."""
        if table not in protocol.tables():
            raise ServerError(400, "table", f"没有这类数据：{table}")
        return self._county_write(table, row_id, {}, delete=True)

    def _county_write(self, table: str, row_id: str, fields: dict[str, Any], *, delete: bool) -> int:
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = self._load_rows([(table, row_id)]).get((table, row_id))
            if row is None:
                raise ServerError(404, "missing", f"县里没有这条记录：{table} {row_id}")
            seq = int(conn.execute("SELECT v FROM meta WHERE k = 'server_seq'").fetchone()[0]) + 1
            data = dict(row.data)
            data.update(fields)
            at = iso()
            conn.execute("UPDATE rows SET version = version + 1, deleted = ?, data = ?, updated_server_seq = ?, "
                         "writer = '', writer_since = version + 1 WHERE table_name = ? AND row_id = ?",
                         (int(delete or row.deleted), _dumps(data), seq, table, row_id))
            conn.execute("INSERT INTO changelog(server_seq, change_id, device_id, table_name, row_id, version, "
                         "result, at) VALUES (?, NULL, NULL, ?, ?, ?, ?, ?)",
                         (seq, table, row_id, row.version + 1, "county_delete" if delete else "county_edit", at))
            conn.execute("UPDATE meta SET v = ? WHERE k = 'server_seq'", (seq,))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return row.version + 1

    def row(self, table: str, row_id: str) -> dict[str, Any] | None:
        """The server's row (its data plus ``_version``, ``_deleted``, ``_village``) or None."""
        found = self._load_rows([(table, row_id)]).get((table, row_id))
        if found is None:
            return None
        return {**found.data, "_version": found.version, "_deleted": found.deleted, "_village": found.village}

    # ---- USB bundles ----------------------------------------------------------------------------------------

    def import_bundle(self, data: bytes) -> bytes:
        """Apply a sealed USB bundle through the push path → the sealed receipt (same receipt on a re-import).

        ``sync.bundle.open_bundle`` gives ``{format, device_id, bundle_id, batch (a push batch or None),
        pull_cursor, …}``; the receipt carries the push ack and every row of the village after the bundle's cursor.
        """
        bundle_mod: Any = importlib.import_module("sync.bundle")

        def key_for_device(device_id: str) -> bytes:
            key = self.bundle_key(device_id)
            if key is None:
                raise ServerError(400, "bad_bundle", "U 盘数据包来自未在县里注册的电脑")
            return key

        try:
            opened = bundle_mod.open_bundle(data, key_for_device)
        except ServerError:
            raise
        except Exception as exc:
            raise ServerError(400, "bad_bundle", f"U 盘数据包无法打开：{exc}") from exc
        if not isinstance(opened, dict) or not isinstance(opened.get("device_id"), str):
            raise ServerError(400, "bad_bundle", "U 盘数据包内容不完整")
        bundle_id = str(opened.get("bundle_id") or "")
        if not bundle_id:
            raise ServerError(400, "bad_bundle", "U 盘数据包缺少编号")
        stored = self.conn.execute("SELECT receipt FROM bundles WHERE bundle_id = ?", (bundle_id,)).fetchone()
        if stored is not None:
            return bytes(stored[0])
        device = self.device(opened["device_id"])
        if device is None:
            raise ServerError(400, "bad_bundle", "U 盘数据包来自未在县里注册的电脑")
        if device.revoked:
            raise ServerError(403, "revoked", "这台电脑已被县里停用，不能再导入它的数据")
        batch = opened.get("batch")
        ack = json.loads(self.push(device, batch)) if batch else None
        cursor = opened.get("pull_cursor") or 0
        if not _is_int(cursor) or cursor < 0:
            cursor = 0
        changes, next_cursor = self.pull_changes(device.village_code, int(cursor))
        key = key_for_device(device.device_id)
        sealed = bytes(bundle_mod.seal_receipt(key, device_id=device.device_id, bundle_id=bundle_id, ack=ack,
                                               changes=changes, next_cursor=next_cursor,
                                               server_epoch=self.server_epoch(), server_time=iso()))
        self.conn.execute("INSERT OR IGNORE INTO bundles(bundle_id, device_id, receipt, imported_at) "
                          "VALUES (?, ?, ?, ?)", (bundle_id, device.device_id, sealed, iso()))
        stored = self.conn.execute("SELECT receipt FROM bundles WHERE bundle_id = ?", (bundle_id,)).fetchone()
        return bytes(stored[0])

    # ---- audit logs and escrowed keys (issue 6) -------------------------------------------------------------

    def _init_escrow_audit_schema(self) -> None:
        if self.conn.execute("SELECT 1 FROM sqlite_master WHERE name='key_recoveries'").fetchone():
            return
        self.conn.executescript("BEGIN IMMEDIATE;" + _ESCROW_AUDIT_SCHEMA + "COMMIT;")

    def bind_log_device(self, device_id: str, log_device: str) -> str:
        """The audit-log device (the village database's db_id) this sync device speaks for: bound at enrollment or
        at its first audit push, never changed afterwards → the bound one."""
        self.conn.execute("INSERT OR IGNORE INTO device_logs(device_id, log_device, bound_at) VALUES (?, ?, ?)",
                          (device_id, log_device, iso()))
        row = self.conn.execute("SELECT log_device FROM device_logs WHERE device_id = ?", (device_id,)).fetchone()
        return str(row[0])

    def push_audit(self, device: Device, body: Any) -> dict[str, Any]:
        """Store a batch of a village's audit entries (idempotent by (device, seq, hash)); a different hash for a
        seq already held (a PC restored from a backup) is kept too and flagged 'fork'; a hash that does not match
        the entry is kept and flagged 'bad_hash'. → the highest seq up to which the county holds every entry."""
        from zhzx_desktop.security.audit import entry_hash

        if device.revoked:
            raise ServerError(403, "revoked", "本机已被县里停用，不能再同步")
        if not isinstance(body, dict):
            raise malformed("请求内容必须是 JSON 对象")
        log_device = body.get("device")
        entries = body.get("entries")
        if not isinstance(log_device, str) or not log_device or len(log_device) > MAX_ID_LENGTH:
            raise malformed("字段 device 缺失或格式不对")
        if not isinstance(entries, list) or len(entries) > AUDIT_BATCH_MAX:
            raise malformed(f"字段 entries 必须是数组（每批最多 {AUDIT_BATCH_MAX} 条）")
        checked: list[dict[str, Any]] = []
        for e in entries:
            if not isinstance(e, dict):
                raise malformed("每条审计记录必须是 JSON 对象")
            for key in AUDIT_FIELDS:
                value = e.get(key)
                ok = _is_int(value) if key in ("seq", "success") else isinstance(value, str)
                if not ok or (key in ("id", "hash", "device") and not value):
                    raise malformed(f"审计记录的 {key} 缺失或格式不对")
                if isinstance(value, str) and len(value) > 4000:
                    raise malformed(f"审计记录的 {key} 太长")
            if not 1 <= e["seq"] <= 2**62:
                raise malformed("审计记录的 seq 必须从 1 开始")
            if e["success"] not in (0, 1):
                raise malformed("审计记录的 success 必须是 0 或 1")
            if e["device"] != log_device:
                raise ServerError(403, "scope", "只能上报本机自己的审计日志")
            checked.append({k: e[k] for k in AUDIT_FIELDS})
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            if self.bind_log_device(device.device_id, log_device) != log_device:
                raise ServerError(403, "scope", "只能上报本机自己的审计日志（这台电脑登记的是另一个数据库）")
            stored = duplicates = flagged = 0
            at = iso()
            for e in checked:
                if conn.execute("SELECT 1 FROM audit_entries WHERE device = ? AND seq = ? AND hash = ?",
                                (log_device, e["seq"], e["hash"])).fetchone():
                    duplicates += 1
                    continue
                fork = conn.execute("SELECT 1 FROM audit_entries WHERE device = ? AND seq = ?",
                                    (log_device, e["seq"])).fetchone() is not None
                flag = "fork" if fork else ""
                try:
                    if entry_hash(e) != e["hash"]:
                        flag = "bad_hash"
                except (KeyError, TypeError, ValueError):
                    flag = "bad_hash"
                flagged += bool(flag)
                conn.execute("INSERT INTO audit_entries(device, seq, hash, entry, sync_device, village_code, "
                             "received_at, flag) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             (log_device, e["seq"], e["hash"], _dumps(e), device.device_id, device.village_code,
                              at, flag))
                stored += 1
            row = conn.execute("SELECT contiguous FROM audit_heads WHERE device = ?", (log_device,)).fetchone()
            head = 0 if row is None else int(row[0])
            while conn.execute("SELECT 1 FROM audit_entries WHERE device = ? AND seq = ?",
                               (log_device, head + 1)).fetchone():
                head += 1
            conn.execute("INSERT INTO audit_heads(device, contiguous) VALUES (?, ?) ON CONFLICT(device) "
                         "DO UPDATE SET contiguous = excluded.contiguous", (log_device, head))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return {"acked_seq": head, "stored": stored, "duplicates": duplicates, "flagged": flagged}

    def audit_entries(self, log_device: str | None = None) -> list[dict[str, Any]]:
        where, params = ("WHERE device = ?", (log_device,)) if log_device else ("", ())
        return [{**json.loads(r[0]), "flag": r[1], "sync_device": r[2], "received_at": r[3]}
                for r in self.conn.execute(f"SELECT entry, flag, sync_device, received_at FROM audit_entries {where} "
                                           "ORDER BY device, seq, received_at", params)]

    def store_escrow(self, device: Device, body: Any) -> dict[str, Any]:
        """Keep a village database's wrapped data key (idempotent); the county unwraps it only for a recovery."""
        if device.revoked:
            raise ServerError(403, "revoked", "本机已被县里停用，不能再同步")
        if not isinstance(body, dict):
            raise malformed("请求内容必须是 JSON 对象")
        blob = body.get("escrow")
        if not isinstance(blob, str) or not blob or len(blob) > 4000:
            raise malformed("字段 escrow 缺失或格式不对")
        try:
            fields = json.loads(blob)
        except ValueError as exc:
            raise malformed("托管密钥不是有效的 JSON") from exc
        if not isinstance(fields, dict) or not all(
                isinstance(fields.get(k), str) and fields[k] and len(fields[k]) <= MAX_ID_LENGTH
                for k in ("kid", "db_id", "key_check")):
            raise malformed("托管密钥缺少 kid、db_id 或 key_check")
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            if self.bind_log_device(device.device_id, fields["db_id"]) != fields["db_id"]:
                raise ServerError(403, "scope", "只能上报本机自己数据库的托管密钥")
            conn.execute("INSERT OR IGNORE INTO escrowed_keys(db_id, kid, key_check, blob, device_id, village_code, "
                         "received_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (fields["db_id"], fields["kid"], fields["key_check"], blob, device.device_id,
                          device.village_code, iso()))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return {"stored": True, "kid": fields["kid"]}

    def escrowed_key(self, db_id: str, key_check: str | None = None) -> str | None:
        """The newest wrapped key the county holds for ``db_id`` (and ``key_check`` when given)."""
        sql = "SELECT blob FROM escrowed_keys WHERE db_id = ?" + (" AND key_check = ?" if key_check else "")
        row = self.conn.execute(sql + " ORDER BY received_at DESC LIMIT 1",
                                (db_id, key_check) if key_check else (db_id,)).fetchone()
        return None if row is None else str(row[0])

    def escrowed_keys(self) -> list[dict[str, Any]]:
        return [{"db_id": r[0], "kid": r[1], "village_code": r[2], "device_id": r[3], "received_at": r[4]}
                for r in self.conn.execute("SELECT db_id, kid, village_code, device_id, received_at FROM escrowed_keys "
                                           "ORDER BY village_code, received_at")]

    def log_recovery(self, db_id: str, village: str, operator: str, requested_at: str | None,
                     computer: str | None) -> None:
        self.conn.execute("INSERT INTO key_recoveries(db_id, village, operator, requested_at, answered_at, computer) "
                          "VALUES (?, ?, ?, ?, ?, ?)", (db_id, village, operator, requested_at, iso(), computer))

    # ---- reports for the county admin -----------------------------------------------------------------------

    def devices(self) -> list[dict[str, Any]]:
        out = []
        for r in self.conn.execute(
                "SELECT d.device_id, d.village_code, v.name, d.name, d.number_block, d.enrolled_at, d.last_sync_at, "
                "d.revoked_at, (SELECT count(*) FROM conflicts c WHERE c.device_id = d.device_id "
                "AND c.reviewed_at IS NULL) FROM devices d JOIN villages v ON v.code = d.village_code "
                "ORDER BY d.village_code, d.number_block"):
            out.append({"device_id": r[0], "village_code": r[1], "village_name": r[2], "name": r[3],
                        "number_block": r[4], "enrolled_at": r[5], "last_sync_at": r[6], "revoked_at": r[7],
                        "pending_conflicts": r[8]})
        return out

    def status(self) -> dict[str, Any]:
        villages: list[dict[str, Any]] = []
        for code, name in self.villages():
            counts = {t: 0 for t in protocol.tables()}
            for t, n in self.conn.execute("SELECT table_name, count(*) FROM rows WHERE village_code = ? "
                                          "AND deleted = 0 GROUP BY table_name", (code,)):
                counts[str(t)] = int(n)
            last, ndev = self.conn.execute("SELECT max(last_sync_at), count(*) FROM devices WHERE village_code = ?",
                                           (code,)).fetchone()
            pending = self.conn.execute("SELECT count(*) FROM conflicts WHERE village_code = ? "
                                        "AND reviewed_at IS NULL", (code,)).fetchone()[0]
            villages.append({"village_code": code, "village_name": name, "devices": ndev, "rows": counts,
                             "last_sync_at": last, "pending_conflicts": pending})
        return {"server_epoch": self.server_epoch(), "server_seq": self.server_seq(), "villages": villages}


# A village's rows changed after a cursor, in server_seq order (keyset: commit order = seq order).
_PULL_SQL: Final = ("SELECT updated_server_seq, table_name, row_id, version, deleted, data FROM rows "
                    "WHERE village_code = ? AND updated_server_seq > ? ORDER BY updated_server_seq")


def _result(change_id: str, result: str, server_seq: int | None, version: int | None, *,
            row: dict[str, Any] | None = None, deleted: bool = False, code: str | None = None,
            reason: str | None = None, conflicts: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"change_id": change_id, "result": result, "server_seq": server_seq, "version": version, "row": row,
            "deleted": deleted, "code": code, "reason": reason, "conflicts": conflicts or []}
