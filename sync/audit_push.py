"""The audit log and the escrowed data key to the county (issue 6): push-only, their own stream beside the row sync.

The audit log is not captured into ``sync_outbox``: entries after ``sync_state.audit_acked`` go in batches of at most
``protocol.AUDIT_BATCH`` to ``POST /v1/audit``; the county stores them idempotently by (device, seq, hash) and answers
the highest seq up to which it holds every entry. ``audit_acked`` then moves to the lower of that and the last seq
sent, so a county that lost entries (restored from a backup) gets them again, and a PC restored from a backup pushes
its new entries under seqs the county already holds (the county keeps both and flags the fork).

``run_sync`` calls ``push_audit`` and ``push_escrow`` after the data push; their failure does not fail the data sync.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from sync import escrow, outbox, protocol
from zhzx_desktop.storage.db import Store

if TYPE_CHECKING:
    from sync.client import Session

log = logging.getLogger(__name__)

_COLUMNS = ("id", "seq", "device", "at", "actor", "actor_name", "role", "action", "object_type", "object_id",
            "object_label", "success", "detail", "prev_hash", "hash")
MAX_ROUNDS = 10_000  # a guard: a county that never advances cannot keep the sync busy forever


class AuditPushError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _message(resp: Any, default: str) -> str:
    body = resp.body if isinstance(resp.body, dict) else {}
    return str(body.get("message") or default)


def push_audit(store: Store, session: Session, *, batch: int = protocol.AUDIT_BATCH) -> int:
    """Send this database's audit entries the county does not hold yet → how many were sent."""
    conn = store.conn
    db_id = store.meta("db_id") or ""
    with store.write() as w:
        w.execute("INSERT OR IGNORE INTO sync_state(k, v) VALUES ('audit_acked', '0')")
    sent = 0
    stalled = 0
    for _ in range(MAX_ROUNDS):
        acked = int(outbox.get_state(conn, "audit_acked", "0") or 0)
        rows = conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM audit_log WHERE device = ? AND seq > ? "
                            "ORDER BY seq LIMIT ?", (db_id, acked, batch)).fetchall()
        if not rows:
            return sent
        entries = [dict(zip(_COLUMNS, r)) for r in rows]
        resp = session.call("POST", protocol.PATH_AUDIT, {"device": db_id, "entries": entries})
        if resp.status != 200 or not isinstance(resp.body, dict) or not isinstance(resp.body.get("acked_seq"), int):
            raise AuditPushError(_message(resp, f"审计日志上报失败（县里服务器返回 {resp.status}）"))
        sent += len(entries)
        new_acked = min(int(resp.body["acked_seq"]), int(entries[-1]["seq"]))
        stalled = stalled + 1 if new_acked <= acked else 0
        if stalled >= 3:
            raise AuditPushError("县里服务器没有确认收到审计日志，下次同步再试。")
        with store.write() as w:
            outbox.set_state(w, "audit_acked", str(new_acked))
    return sent


def push_escrow(store: Store, session: Session) -> bool:
    """Send the wrapped data key to the county once per blob → True when it was sent now."""
    blob = store.meta("escrow")
    if not blob:
        return False
    digest = escrow.blob_digest(blob)
    if outbox.get_state(store.conn, "escrow_sent") == digest:
        return False
    resp = session.call("POST", protocol.PATH_ESCROW, {"escrow": blob})
    if resp.status != 200:
        raise AuditPushError(_message(resp, f"托管密钥上报失败（县里服务器返回 {resp.status}）"))
    with store.write() as w:
        outbox.set_state(w, "escrow_sent", digest)
    return True
