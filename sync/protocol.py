"""The wire format shared by the village client and the county server (SYNC.md §7; docs/sync.md).

Everything on the wire is JSON, gzip-compressed in both directions. This module holds what both sides must agree
on: the protocol and schema versions, the endpoint paths, the per-change outcomes, the shape of the synced tables
(derived from the client's own migrations, so there is one source of truth), the canonical payload hash, the
verification digests and the Chinese texts of rejection reasons. It imports no network or server code.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from zhzx_desktop.storage import capture, migrations

PROTOCOL: Final = 1
# The client schema versions this protocol carries. The server accepts [its SCHEMA_MIN, SCHEMA_MAX]; outside → 426.
SCHEMA_VERSION: Final = migrations.LATEST

GZIP_LEVEL: Final = 6
MEDIA_TYPE: Final = "application/json"

# Endpoint paths (all JSON; bodies gzip with Content-Encoding: gzip).
PATH_PING: Final = "/v1/ping"          # GET, no auth: server_epoch, server_time (reachability + clock)
PATH_ENROLL: Final = "/v1/enroll"      # POST {code, device_name, schema_version}
PATH_TOKEN: Final = "/v1/token"        # POST {device_id, refresh_token}
PATH_PUSH: Final = "/v1/sync/push"     # POST a batch (Idempotency-Key: batch_id)
PATH_PULL: Final = "/v1/sync/pull"     # GET ?cursor=N&limit=M
PATH_VERIFY: Final = "/v1/sync/verify"  # POST {tables: {t: {count, sha256}}}
PATH_BUCKET: Final = "/v1/sync/bucket"  # GET ?table=T&bucket=H  → the server's rows of one bucket
PATH_POLICY: Final = "/v1/policy"      # GET the conflict policy (also returned at enrollment)
PATH_AUDIT: Final = "/v1/audit"        # POST {device, entries: [audit_log rows]} → {acked_seq, …} (push-only)
PATH_ESCROW: Final = "/v1/escrow"      # POST {escrow: the wrapped data key} (idempotent)
AUDIT_BATCH: Final = 500               # audit entries per POST /v1/audit
PATH_OPENAPI: Final = "/openapi.json"

# Per-change outcomes of a push (SYNC.md §7.3).
APPLIED: Final = "applied"      # applied as sent; the server row now equals the client's
DUPLICATE: Final = "duplicate"  # this change_id was applied before (same server_seq and version returned)
MERGED: Final = "merged"        # applied, but the server row differs from the client's (county edits of other fields)
CONFLICT: Final = "conflict"    # a field both sides changed: resolved by the policy, recorded in conflicts
REJECTED: Final = "rejected"    # permanent: quarantined on the client with the reason
OUTCOMES: Final = (APPLIED, DUPLICATE, MERGED, CONFLICT, REJECTED)

OPS: Final = ("insert", "update", "delete")

# Rejection codes → the sentence a clerk reads (the server adds the field or row to it).
REASONS: Final = {
    "table": "县里不接收这类数据",
    "scope": "这条记录不属于本村，县里拒收",
    "reference": "它引用的记录县里还没有（可能那条记录被退回了）",
    "invalid": "数据不符合要求",
    "county_owned": "该项由县里维护，村里不能修改",
    "forbidden_delete": "县里已审核的记录不能删除",
    "missing": "县里没有这条记录，无法修改或删除",
}

ACCESS_TOKEN_SECONDS: Final = 3600
REFRESH_TOKEN_DAYS: Final = 180
SKEW_WARNING_SECONDS: Final = 300
BUCKETS: Final = "0123456789abcdef"  # verification buckets: the first hex digit of the row id


@dataclass(frozen=True)
class Column:
    name: str
    type: str        # 'TEXT' | 'INTEGER' | 'REAL' | 'BLOB' (STRICT tables)
    notnull: bool
    has_default: bool


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: dict[str, Column]      # the synced columns (capture.LOCAL_COLUMNS left out)
    references: dict[str, str]      # column → the synced table it points at


@cache
def tables() -> dict[str, TableSpec]:
    """The synced tables in parent-before-child order, read from a freshly migrated in-memory database."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrations.migrate(conn)
        specs: dict[str, TableSpec] = {}
        for table in migrations.CAPTURED_TABLES:
            synced = set(capture.captured_columns(conn, table))
            columns = {str(r[1]): Column(str(r[1]), str(r[2]).upper(), bool(r[3]) or bool(r[5]), r[4] is not None)
                       for r in conn.execute(f"PRAGMA table_info({table})") if r[1] in synced}
            refs = {str(r[3]): str(r[2]) for r in conn.execute(f"PRAGMA foreign_key_list({table})")
                    if r[3] in synced and r[2] in migrations.CAPTURED_TABLES}
            specs[table] = TableSpec(table, columns, refs)
        return specs
    finally:
        conn.close()


def dumps(obj: Any) -> bytes:
    """Compact UTF-8 JSON (Chinese as is, not \\u escapes: a third fewer bytes before gzip)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def encode(obj: Any) -> bytes:
    """A request or response body: compact JSON, gzip level 6, no timestamp in the gzip header (deterministic)."""
    return gzip.compress(dumps(obj), compresslevel=GZIP_LEVEL, mtime=0)


def decode(body: bytes, content_encoding: str | None) -> Any:
    """Parse a body; ``content_encoding`` is the header value (gzip or none). Raises ValueError on garbage."""
    try:
        raw = gzip.decompress(body) if (content_encoding or "").lower() == "gzip" else body
        return json.loads(raw.decode("utf-8"))
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"malformed body: {exc}") from exc


def payload_sha256(changes: list[dict[str, Any]]) -> str:
    """The canonical hash of a batch's changes (sorted keys, compact): same changes → same hash on both sides."""
    canonical = json.dumps(changes, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(canonical).hexdigest()


def bucket_of(row_id: str) -> str:
    return row_id[:1].lower()


def digest(entries: Iterable[tuple[str, int]]) -> tuple[int, str]:
    """``(count, sha256)`` of the live rows' ``(row_id, version)`` pairs, sorted by row id (SYNC.md §7.6).

    Both sides digest live rows only: a row the county deleted is gone on the client and a tombstone on the server.
    """
    h = hashlib.sha256()
    count = 0
    for row_id, version in sorted(entries):
        h.update(f"{row_id}\x1f{version}\x1e".encode())
        count += 1
    return count, h.hexdigest()
