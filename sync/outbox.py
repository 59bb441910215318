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
    """Counts from the ``(state, seq)`` index alone; the oldest is the first captured (``seq`` order), so reading it
    touches one row however long the outbox has grown."""
    pending = conn.execute("SELECT count(*) FROM sync_outbox WHERE state IN ('pending', 'inflight')").fetchone()[0]
    quarantined = conn.execute("SELECT count(*) FROM sync_outbox WHERE state = 'quarantined'").fetchone()[0]
    oldest = conn.execute("SELECT client_time FROM sync_outbox WHERE seq = (SELECT min(seq) FROM ("
                          "SELECT min(seq) AS seq FROM sync_outbox WHERE state = 'pending' UNION ALL "
                          "SELECT min(seq) FROM sync_outbox WHERE state = 'inflight'))").fetchone()
    return OutboxStatus(int(pending), int(quarantined), oldest[0] if oldest is not None else None)
