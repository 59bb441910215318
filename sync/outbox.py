"""The outbox as the rest of the app sees it (capture itself is the triggers of zhzx_desktop.storage.capture)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class OutboxStatus:
    pending: int  # captured, not yet confirmed by the county (pending + inflight)
    quarantined: int
    oldest_pending_at: str | None  # client_time of the oldest unconfirmed change


def status(conn: sqlite3.Connection) -> OutboxStatus:
    pending, oldest = conn.execute(
        "SELECT count(*), min(client_time) FROM sync_outbox WHERE state IN ('pending', 'inflight')").fetchone()
    quarantined = conn.execute("SELECT count(*) FROM sync_outbox WHERE state = 'quarantined'").fetchone()[0]
    return OutboxStatus(int(pending), int(quarantined), oldest)
