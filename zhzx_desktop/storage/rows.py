"""Row-level helpers shared by the services: insert through sqlite-utils, update only what changed."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any


def new_id() -> str:
    """A client-generated primary key (UUID v4, hex with dashes)."""
    return str(uuid.uuid4())


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def insert(conn: sqlite3.Connection, table: str, rows: Iterable[Mapping[str, Any]]) -> None:
    """Insert rows (inside the caller's ``Store.write()``); columns must exist already."""
    import sqlite_utils  # on first write: its import costs start-up ~50 ms, and reading needs none of it

    sqlite_utils.Database(conn, execute_plugins=False, recursive_triggers=False).table(table).insert_all(
        (dict(r) for r in rows), batch_size=500, alter=False)


def get(conn: sqlite3.Connection, table: str, row_id: str) -> dict[str, Any] | None:
    cur = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
    row = cur.fetchone()
    if row is None:
        return None
    return {d[0]: v for d, v in zip(cur.description, row)}


def update_changed(conn: sqlite3.Connection, table: str, row_id: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Set the columns whose value differs; returns ``{column: new}`` of what changed (empty: nothing written)."""
    current = get(conn, table, row_id)
    if current is None:
        raise LookupError(f"{table} {row_id} not found")
    changed = {k: v for k, v in values.items() if current.get(k) != v or type(current.get(k)) is not type(v)}
    if changed:
        cols: Sequence[str] = list(changed)
        assignments = ", ".join(f"{c} = ?" for c in cols)
        conn.execute(f"UPDATE {table} SET {assignments} WHERE id = ?", [*changed.values(), row_id])
    return changed
