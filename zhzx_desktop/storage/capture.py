"""Change capture for sync (SYNC.md §7.2): triggers write ``sync_outbox`` in the same transaction as the data.

Every captured table has a client-generated TEXT primary key ``id``. Per table, three triggers:

* insert → ``op='insert'``, ``data`` = the whole row as a JSON object;
* update → ``op='update'``, ``data`` = ``{field: [old, new]}`` for the changed fields only; an update that
  changes nothing is skipped (the trigger's WHEN clause);
* delete → ``op='delete'``, ``data`` = ``{}``.

All three are silent while ``sync_state.applying_remote`` is ``'1'`` (echo suppression: the pull applier sets it
inside its own transaction). ``tx_id`` comes from ``sync_state.current_tx``, set by ``Store.write()``; a write
made outside the app (plain sqlite3) is still captured, with a NULL ``tx_id``. ``hlc`` is a hybrid logical clock
kept in ``sync_state.hlc``: ``<16-digit unix ms>-<6-digit counter>``, monotonic even when the wall clock goes
back; it orders notes for people, never decides correctness (``seq`` does).
"""

from __future__ import annotations

import sqlite3

# Columns that stay on this PC, never sent to the county: ``rid`` is the search index's local key; ``id_hmac`` is
# keyed with this database's own key, so it means nothing anywhere else (the sealed ``id_cipher`` travels instead).
LOCAL_COLUMNS = frozenset({"rid", "id_hmac"})

_NOW_MS = "CAST(round((julianday('now') - 2440587.5) * 86400000.0) AS INTEGER)"
_LAST_MS = "CAST(substr(v, 1, 16) AS INTEGER)"
_LAST_COUNT = "CAST(substr(v, 18) AS INTEGER)"
_HLC_TICK = f"""UPDATE sync_state SET v = CASE
      WHEN {_NOW_MS} > {_LAST_MS} THEN printf('%016d-%06d', {_NOW_MS}, 0)
      WHEN {_LAST_COUNT} >= 999999 THEN printf('%016d-%06d', {_LAST_MS} + 1, 0)
      ELSE printf('%016d-%06d', {_LAST_MS}, {_LAST_COUNT} + 1) END
    WHERE k = 'hlc';"""
_NOT_REMOTE = "(SELECT v FROM sync_state WHERE k = 'applying_remote') = '0'"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def captured_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    cols = [str(row[1]) for row in conn.execute(f"PRAGMA table_info({_q(table)})")]
    return [c for c in cols if c not in LOCAL_COLUMNS]


def _outbox_insert(table: str, op: str, row: str, data: str) -> str:
    return f"""INSERT INTO sync_outbox(change_id, tx_id, table_name, row_id, op, data, base_version,
                            client_time, hlc)
    VALUES (lower(hex(randomblob(16))),
            (SELECT NULLIF(v, '') FROM sync_state WHERE k = 'current_tx'),
            '{table}', {row}.id, '{op}', {data},
            (SELECT version FROM sync_versions WHERE table_name = '{table}' AND row_id = {row}.id),
            strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
            (SELECT v FROM sync_state WHERE k = 'hlc'));"""


def install(conn: sqlite3.Connection, table: str) -> None:
    """(Re)create the capture triggers of ``table`` from its current columns; call after any ALTER TABLE."""
    cols = captured_columns(conn, table)
    if "id" not in cols:
        raise ValueError(f"captured table {table} needs an 'id' primary key")
    for suffix in ("insert", "update", "delete", "immutable_id"):
        conn.execute(f"DROP TRIGGER IF EXISTS {_q(table + '_capture_' + suffix)}")
    whole_row = "json_object(" + ", ".join(f"'{c}', NEW.{_q(c)}" for c in cols) + ")"
    changed_any = " OR ".join(f"OLD.{_q(c)} IS NOT NEW.{_q(c)}" for c in cols if c != "id")
    diff_parts = " UNION ALL ".join(
        f"SELECT '{c}' AS k, json_array(OLD.{_q(c)}, NEW.{_q(c)}) AS v WHERE OLD.{_q(c)} IS NOT NEW.{_q(c)}"
        for c in cols if c != "id"
    )
    diff = f"(SELECT json_group_object(k, json(v)) FROM ({diff_parts}))"
    conn.execute(f"""CREATE TRIGGER {_q(table + '_capture_insert')} AFTER INSERT ON {_q(table)}
        WHEN {_NOT_REMOTE}
        BEGIN {_HLC_TICK} {_outbox_insert(table, 'insert', 'NEW', whole_row)} END""")
    conn.execute(f"""CREATE TRIGGER {_q(table + '_capture_update')} AFTER UPDATE ON {_q(table)}
        WHEN {_NOT_REMOTE} AND ({changed_any})
        BEGIN {_HLC_TICK} {_outbox_insert(table, 'update', 'NEW', diff)} END""")
    conn.execute(f"""CREATE TRIGGER {_q(table + '_capture_delete')} AFTER DELETE ON {_q(table)}
        WHEN {_NOT_REMOTE}
        BEGIN {_HLC_TICK} {_outbox_insert(table, 'delete', 'OLD', "'{}'")} END""")
    conn.execute(f"""CREATE TRIGGER {_q(table + '_capture_immutable_id')} BEFORE UPDATE OF id ON {_q(table)}
        WHEN OLD.id IS NOT NEW.id
        BEGIN SELECT RAISE(ABORT, 'the primary key id of {table} cannot change'); END""")
