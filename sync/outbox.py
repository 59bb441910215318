"""The outbox as the rest of the app sees it (capture itself is the triggers of zhzx_desktop.storage.capture), and
the village side of a push (SYNC.md §7.3): freezing a batch, recording the county's answer, quarantine, applying
the county's rows (also used by pull and USB receipts), re-assertion after an epoch change.

Every function that writes takes the ``Store`` of the sync connection and runs ONE short ``store.write()``
transaction; none does network I/O.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from sync import protocol
from zhzx_desktop.storage import capture
from zhzx_desktop.storage.db import Store

RETENTION_DAYS = 90
RAW_PER_GZIP = 4  # JSON of these rows compresses about 4:1 (SYNC.md §6a): the byte budget is checked on raw size


@dataclass(frozen=True)
class OutboxStatus:
    pending: int  # captured, not yet confirmed by the county (pending + inflight)
    quarantined: int
    oldest_pending_at: str | None  # client_time of the oldest unconfirmed change


def status(conn: sqlite3.Connection) -> OutboxStatus:
    """Counts from the ``(state, seq)`` index alone; the oldest is the first captured (``seq`` order), so reading it
    touches one row however long the outbox has grown."""
    pending = conn.execute("SELECT count(*) FROM sync_outbox WHERE state IN ('pending', 'inflight')").fetchone()[0]
    quarantined = conn.execute("SELECT count(*) FROM sync_outbox WHERE state = 'quarantined'").fetchone()[0]
    oldest = conn.execute("SELECT client_time FROM sync_outbox WHERE seq = (SELECT min(seq) FROM ("
                          "SELECT min(seq) AS seq FROM sync_outbox WHERE state = 'pending' UNION ALL "
                          "SELECT min(seq) FROM sync_outbox WHERE state = 'inflight'))").fetchone()
    return OutboxStatus(int(pending), int(quarantined), oldest[0] if oldest is not None else None)


def get_state(conn: sqlite3.Connection, key: str, default: str = "") -> str:
    row = conn.execute("SELECT v FROM sync_state WHERE k = ?", (key,)).fetchone()
    return default if row is None else str(row[0])


def set_state(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT INTO sync_state(k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v",
                 (key, value))


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# ---------------------------------------------------------------------------------------------------------------
# Freezing a batch
# ---------------------------------------------------------------------------------------------------------------

_COLS = "seq, change_id, tx_id, table_name, row_id, op, data, base_version, client_time, hlc"


@dataclass
class Batch:
    batch_id: str
    changes: list[dict[str, Any]]
    raw_bytes: int

    @property
    def first_seq(self) -> int:
        return int(self.changes[0]["seq"])

    @property
    def last_seq(self) -> int:
        return int(self.changes[-1]["seq"])

    def body(self, *, device_id: str, device_epoch: str) -> dict[str, Any]:
        return {"protocol": protocol.PROTOCOL, "schema_version": protocol.SCHEMA_VERSION, "device_id": device_id,
                "device_epoch": device_epoch, "batch_id": self.batch_id, "first_seq": self.first_seq,
                "last_seq": self.last_seq, "payload_sha256": protocol.payload_sha256(self.changes),
                "changes": self.changes}


def _wire(rows: list[Any]) -> list[dict[str, Any]]:
    """The changes as sent. ``tx_id`` becomes a short label local to the batch ("0", "1", … in order of appearance):
    the county only needs to know which changes were one local transaction, and a 32-character random id per change
    cost 24 of about 170 bytes on the wire (bench/sync.py). A change written outside the app keeps ``null``."""
    labels: dict[str, str] = {}
    changes = []
    for row in rows:
        data = json.loads(row[6])
        if "id_hmac" in data:  # captured before id_hmac became device-local (schema v4)
            del data["id_hmac"]
        data.pop("rid", None)
        tx = None if row[2] is None else labels.setdefault(str(row[2]), str(len(labels)))
        changes.append({"change_id": row[1], "seq": row[0], "tx_id": tx, "table": row[3], "row_id": row[4],
                        "op": row[5], "base_version": row[7], "data": data, "client_time": row[8], "hlc": row[9]})
    return changes


def freeze(store: Store, *, max_changes: int = 100, max_bytes: int = 256 * 1024) -> Batch | None:
    """The next batch to send, in one short transaction: the in-flight batch again (exact membership, same batch_id)
    if there is one, else the oldest pending changes up to ``max_changes`` / about ``max_bytes`` gzip, extended to
    the end of the last transaction (a tx_id is never split). None when nothing is pending."""
    with store.write() as conn:
        rows = conn.execute(f"SELECT {_COLS}, batch_id FROM sync_outbox WHERE state = 'inflight' ORDER BY seq"
                            ).fetchall()
        if rows:
            batch_id = str(rows[0][10])
            rows = [r for r in rows if r[10] == batch_id]
            conn.execute("UPDATE sync_outbox SET attempts = attempts + 1 WHERE batch_id = ? AND state = 'inflight'",
                         (batch_id,))
            return Batch(batch_id, _wire(rows), sum(len(r[6]) for r in rows))
        rows = conn.execute(f"SELECT {_COLS} FROM sync_outbox WHERE state = 'pending' ORDER BY seq LIMIT ?",
                            (max(1, max_changes),)).fetchall()
        if not rows:
            return None
        budget, size, keep = max_bytes * RAW_PER_GZIP, 0, 0
        for keep, row in enumerate(rows, start=1):  # noqa: B007 — keep is used after the loop
            size += len(row[6]) + 200
            if size > budget:
                break
        rows = rows[:max(1, keep)]
        last_tx = rows[-1][2]
        if last_tx is not None:
            rows += conn.execute(f"SELECT {_COLS} FROM sync_outbox WHERE state = 'pending' AND seq > ? AND tx_id = ? "
                                 "ORDER BY seq", (rows[-1][0], last_tx)).fetchall()
        batch_id = uuid.uuid4().hex
        conn.execute("UPDATE sync_outbox SET state = 'inflight', batch_id = ?, attempts = attempts + 1 "
                     "WHERE state = 'pending' AND seq BETWEEN ? AND ?", (batch_id, rows[0][0], rows[-1][0]))
        return Batch(batch_id, _wire(rows), sum(len(r[6]) for r in rows))


def unfreeze(store: Store, batch_id: str) -> int:
    """Give the changes of a batch back to 'pending' (the county said 413: re-form smaller; change_ids unchanged)."""
    with store.write() as conn:
        return conn.execute("UPDATE sync_outbox SET state = 'pending', batch_id = NULL "
                            "WHERE batch_id = ? AND state = 'inflight'", (batch_id,)).rowcount


def max_seq(conn: sqlite3.Connection) -> int:
    """The highest seq ever allocated in this database (AUTOINCREMENT's counter survives purges)."""
    row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'sync_outbox'").fetchone()
    return int(row[0]) if row is not None else 0


# ---------------------------------------------------------------------------------------------------------------
# Applying the county's rows (acks, pull pages, verification repairs, USB receipts)
# ---------------------------------------------------------------------------------------------------------------

@cache
def _local_columns(table: str) -> frozenset[str]:
    return frozenset(protocol.tables()[table].columns)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class ServerRow:
    table: str
    row_id: str
    version: int
    deleted: bool
    row: dict[str, Any] | None


@dataclass
class ApplyCount:
    applied: int = 0
    deferred: int = 0
    skipped: int = 0


def has_local_edits(conn: sqlite3.Connection, table: str, row_id: str) -> bool:
    return conn.execute("SELECT 1 FROM sync_outbox WHERE table_name = ? AND row_id = ? "
                        "AND state IN ('pending', 'inflight') LIMIT 1", (table, row_id)).fetchone() is not None


def _any_local_edits(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sync_outbox WHERE state IN ('pending', 'inflight') LIMIT 1"
                        ).fetchone() is not None


def write_row(conn: sqlite3.Connection, item: ServerRow) -> None:
    """Make the local row equal the county's (caller holds the write lock with applying_remote='1').

    Only the synced columns the county sent are written: the device-local ``id_hmac`` is never touched (NULL for a
    row created elsewhere), ``id_cipher`` is stored as is even when this PC's key cannot open it.
    """
    table = item.table
    if table not in protocol.tables():
        return
    if item.deleted or item.row is None:
        conn.execute(f"DELETE FROM {_q(table)} WHERE id = ?", (item.row_id,))
        return
    allowed = _local_columns(table)
    row = {k: v for k, v in item.row.items() if k in allowed}
    row["id"] = item.row_id
    cols = sorted(row)
    sets = [c for c in cols if c != "id"]
    if sets and conn.execute(f"UPDATE {_q(table)} SET {', '.join(f'{_q(c)} = ?' for c in sets)} WHERE id = ?",
                             [*(row[c] for c in sets), item.row_id]).rowcount:
        return
    if conn.execute(f"INSERT OR IGNORE INTO {_q(table)} ({', '.join(_q(c) for c in cols)}) "
                    f"VALUES ({', '.join('?' * len(cols))})", [row[c] for c in cols]).rowcount == 0:
        _record_clash(conn, item, row)


UNIQUE_CLASH = "unique_clash"


def _record_clash(conn: sqlite3.Connection, item: ServerRow, row: dict[str, Any]) -> None:
    """The county's row collides with a local row on another unique column (two PCs of a village on one case-number
    block both numbered 第001号): it cannot be stored here. Never silently: one open card for the clerk, with the
    county's number, until it is resolved at the county."""
    if conn.execute("SELECT 1 FROM sync_conflicts WHERE table_name = ? AND row_id = ? AND resolution = ? "
                    "AND seen_by_clerk = 0", (item.table, item.row_id, UNIQUE_CLASH)).fetchone() is not None:
        return
    field = "case_no" if item.table == "cases" else "id"
    conn.execute("INSERT INTO sync_conflicts(change_id, table_name, row_id, field, mine, theirs, resolution, "
                 "created_at) VALUES (NULL, ?, ?, ?, NULL, ?, ?, ?)",
                 (item.table, item.row_id, field, json.dumps(row.get(field), ensure_ascii=False), UNIQUE_CLASH,
                  now_iso()))


def apply_server_rows(conn: sqlite3.Connection, items: Iterable[ServerRow], *, check_local: bool = True
                      ) -> ApplyCount:
    """Upsert rows newer than the version this PC has seen; rows with local pending edits go to sync_deferred
    (reconciled when those edits are acked). Caller holds the write transaction; applying_remote is set here."""
    count = ApplyCount()
    conn.execute("UPDATE sync_state SET v = '1' WHERE k = 'applying_remote'")
    try:
        check = check_local and _any_local_edits(conn)
        versions: list[tuple[str, str, int]] = []
        for item in items:
            cur = conn.execute("SELECT version FROM sync_versions WHERE table_name = ? AND row_id = ?",
                               (item.table, item.row_id)).fetchone()
            if cur is not None and item.version <= cur[0]:
                count.skipped += 1
                continue
            if check and has_local_edits(conn, item.table, item.row_id):
                conn.execute("INSERT INTO sync_deferred(table_name, row_id, row_json, version) VALUES (?, ?, ?, ?) "
                             "ON CONFLICT(table_name, row_id) DO UPDATE SET row_json = excluded.row_json, "
                             "version = excluded.version WHERE excluded.version > sync_deferred.version",
                             (item.table, item.row_id,
                              json.dumps({"deleted": item.deleted, "row": item.row}, ensure_ascii=False),
                              item.version))
                count.deferred += 1
                continue
            write_row(conn, item)
            versions.append((item.table, item.row_id, item.version))
            count.applied += 1
        bump_versions(conn, versions)
    finally:
        conn.execute("UPDATE sync_state SET v = '0' WHERE k = 'applying_remote'")
    return count


def bump_versions(conn: sqlite3.Connection, versions: Iterable[tuple[str, str, int]]) -> None:
    conn.executemany("INSERT INTO sync_versions(table_name, row_id, version) VALUES (?, ?, ?) "
                     "ON CONFLICT(table_name, row_id) DO UPDATE SET version = max(version, excluded.version)",
                     versions)


def reconcile_deferred(conn: sqlite3.Connection) -> int:
    """Apply the stashed county rows whose local edits have all been acked (SYNC.md §7.4)."""
    ready = conn.execute(
        "SELECT table_name, row_id, row_json, version FROM sync_deferred d WHERE NOT EXISTS (SELECT 1 FROM "
        "sync_outbox o WHERE o.table_name = d.table_name AND o.row_id = d.row_id "
        "AND o.state IN ('pending', 'inflight'))").fetchall()
    if not ready:
        return 0
    items = []
    for table, row_id, row_json, version in ready:
        stash = json.loads(row_json)
        items.append(ServerRow(table, row_id, int(version), bool(stash.get("deleted")), stash.get("row")))
    conn.executemany("DELETE FROM sync_deferred WHERE table_name = ? AND row_id = ?", [(t, r) for t, r, _, _ in ready])
    return apply_server_rows(conn, items, check_local=False).applied


# ---------------------------------------------------------------------------------------------------------------
# Recording the county's answer
# ---------------------------------------------------------------------------------------------------------------

@dataclass
class AckSummary:
    applied: int = 0
    duplicates: int = 0
    merged: int = 0
    conflicts: int = 0
    rejected: int = 0
    quarantined: int = 0  # rejected + their dependents
    rows_applied: int = 0
    rows_deferred: int = 0
    ignored: int = 0  # results for changes no longer in flight (a receipt imported twice)
    reasons: list[str] = field(default_factory=list)


def record_ack(store: Store, batch_id: str, ack: dict[str, Any]) -> AckSummary:
    """One short transaction: mark acked / quarantined, mirror conflicts, apply merged rows (or defer them),
    reconcile deferred rows. Changes that are not in flight in ``batch_id`` any more are left alone (idempotent)."""
    summary = AckSummary()
    now = now_iso()
    with store.write() as conn:
        inflight = {str(r[0]): (int(r[1]), str(r[2]), str(r[3]), str(r[4])) for r in conn.execute(
            "SELECT change_id, seq, table_name, row_id, op FROM sync_outbox WHERE batch_id = ? AND state = 'inflight'",
            (batch_id,))}
        acked: list[tuple[str, int | None, str, str]] = []
        versions: list[tuple[str, str, int]] = []
        rows: list[ServerRow] = []
        conflict_rows: list[tuple[Any, ...]] = []
        rejected: list[tuple[int, str, str]] = []
        for res in ack.get("results", []):
            change_id = str(res.get("change_id"))
            member = inflight.get(change_id)
            if member is None:
                summary.ignored += 1
                continue
            seq, table, row_id, _op = member
            result = res.get("result")
            if result == protocol.REJECTED:
                reason = str(res.get("reason") or protocol.REASONS.get(str(res.get("code")), "县里拒收"))
                rejected.append((seq, change_id, reason))
                summary.rejected += 1
                summary.reasons.append(reason)
                continue
            acked.append((str(result), res.get("server_seq"), now, change_id))
            version = res.get("version")
            if result == protocol.DUPLICATE:
                summary.duplicates += 1
            elif result == protocol.MERGED:
                summary.merged += 1
            elif result == protocol.CONFLICT:
                summary.conflicts += 1
            else:
                summary.applied += 1
            if result in (protocol.MERGED, protocol.CONFLICT) and version is not None and (
                    res.get("row") is not None or res.get("deleted")):
                rows.append(ServerRow(table, row_id, int(version), bool(res.get("deleted")), res.get("row")))
            elif version is not None:
                versions.append((table, row_id, int(version)))
            for c in res.get("conflicts") or []:
                conflict_rows.append((change_id, table, row_id, c.get("field"),
                                      json.dumps(c.get("mine"), ensure_ascii=False),
                                      json.dumps(c.get("theirs"), ensure_ascii=False), c.get("resolution"), now))
        conn.executemany("UPDATE sync_outbox SET state = 'acked', result = ?, server_seq = ?, acked_at = ?, "
                         "last_error = NULL WHERE change_id = ?", acked)
        if rejected:
            summary.quarantined = quarantine(conn, rejected)
        bump_versions(conn, versions)
        if conflict_rows:
            conn.executemany("INSERT INTO sync_conflicts(change_id, table_name, row_id, field, mine, theirs, "
                             "resolution, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", conflict_rows)
        if rows:
            counted = apply_server_rows(conn, rows)
            summary.rows_applied, summary.rows_deferred = counted.applied, counted.deferred
        summary.rows_applied += reconcile_deferred(conn)
    return summary


def quarantine(conn: sqlite3.Connection, rejected: list[tuple[int, str, str]]) -> int:
    """Quarantine rejected changes ``(seq, change_id, reason)`` and, transitively, the later pending changes of the
    same row or referencing its id (a uuid: ``instr`` on the JSON is exact). Later unrelated changes go on."""
    conn.executemany("UPDATE sync_outbox SET state = 'quarantined', result = 'rejected', last_error = ? "
                     "WHERE change_id = ?", [(reason, cid) for _, cid, reason in rejected])
    total = len(rejected)
    todo = []
    for seq, change_id, reason in rejected:
        row = conn.execute("SELECT row_id FROM sync_outbox WHERE change_id = ?", (change_id,)).fetchone()
        if row is not None:
            todo.append((seq, str(row[0]), reason))
    seen: set[str] = set()
    while todo:
        seq, row_id, reason = todo.pop()
        if row_id in seen:
            continue
        seen.add(row_id)
        deps = conn.execute("SELECT seq, change_id, row_id FROM sync_outbox WHERE state = 'pending' AND seq > ? "
                            "AND (row_id = ? OR instr(data, ?) > 0)", (seq, row_id, row_id)).fetchall()
        if not deps:
            continue
        text = f"它依赖的记录被县里退回（{reason}）"
        conn.executemany("UPDATE sync_outbox SET state = 'quarantined', result = 'dependent', last_error = ? "
                         "WHERE change_id = ?", [(text, d[1]) for d in deps])
        total += len(deps)
        todo.extend((int(d[0]), str(d[2]), reason) for d in deps)
    return total


def quarantine_batch(store: Store, batch_id: str, reason: str) -> int:
    with store.write() as conn:
        members = conn.execute("SELECT seq, change_id FROM sync_outbox WHERE batch_id = ? AND state = 'inflight'",
                               (batch_id,)).fetchall()
        return quarantine(conn, [(int(s), str(c), reason) for s, c in members])


# ---------------------------------------------------------------------------------------------------------------
# Epochs and verification repairs
# ---------------------------------------------------------------------------------------------------------------

def reassert(conn: sqlite3.Connection, retention_days: int = RETENTION_DAYS) -> int:
    """Send the acked changes of the retention window again, same change_ids (SYNC.md §7.7): a restored server
    applies what it lost, an intact one answers 'duplicate'."""
    cutoff = (datetime.now(UTC) - timedelta(days=retention_days)).strftime("%Y-%m-%dT%H:%M:%S")
    return conn.execute("UPDATE sync_outbox SET state = 'pending', batch_id = NULL "
                        "WHERE state = 'acked' AND acked_at >= ?", (cutoff,)).rowcount


def enqueue_full_state(conn: sqlite3.Connection, table: str, row_ids: Iterable[str]) -> int:
    """Full-state 'insert' changes for local rows the county lacks or has older (verification repair)."""
    cols = capture.captured_columns(conn, table)
    select = f"SELECT {', '.join(_q(c) for c in cols)} FROM {_q(table)} WHERE id = ?"
    hlc = conn.execute("SELECT v FROM sync_state WHERE k = 'hlc'").fetchone()[0]
    now = now_iso()
    added = 0
    for row_id in row_ids:
        found = conn.execute(select, (row_id,)).fetchone()
        if found is None:
            continue
        data = json.dumps(dict(zip(cols, found)), ensure_ascii=False)
        base = conn.execute("SELECT version FROM sync_versions WHERE table_name = ? AND row_id = ?",
                            (table, row_id)).fetchone()
        conn.execute("INSERT INTO sync_outbox(change_id, tx_id, table_name, row_id, op, data, base_version, "
                     "client_time, hlc) VALUES (?, NULL, ?, ?, 'insert', ?, ?, ?, ?)",
                     (uuid.uuid4().hex, table, row_id, data, base[0] if base else None, now, hlc))
        added += 1
    return added
