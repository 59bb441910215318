"""Schema migrations keyed by ``PRAGMA user_version``: each step runs in one transaction with its version bump."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from importlib import resources

from zhzx_desktop.errors import KnownError
from zhzx_desktop.storage import capture

log = logging.getLogger(__name__)

# Tables whose changes go to the county (SYNC.md §7.2). Order = parents before children.
CAPTURED_TABLES = (
    "grids", "households", "residents", "resident_categories", "grid_workers",
    "teams", "team_members", "team_activities", "activity_participants",
    "cases", "case_parties", "case_mediators", "case_sessions", "agreements", "installments", "follow_ups",
    "case_documents",
)
_V1_TABLES = CAPTURED_TABLES[:-1]


def _v1(conn: sqlite3.Connection) -> None:
    _run_script(conn, "schema_v1.sql")
    conn.execute("INSERT INTO app_meta(k, v) VALUES ('db_id', lower(hex(randomblob(16))))")
    conn.execute("INSERT INTO app_meta(k, v) VALUES ('created_at', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))")
    for table in _V1_TABLES:
        capture.install(conn, table)


def _v2(conn: sqlite3.Connection) -> None:
    _run_script(conn, "schema_v2.sql")


def _v3(conn: sqlite3.Connection) -> None:
    _run_script(conn, "schema_v3.sql")
    for table in ("cases", "case_sessions", "agreements", "follow_ups", "case_documents"):  # new columns or new
        capture.install(conn, table)


def _run_script(conn: sqlite3.Connection, name: str) -> None:
    sql = resources.files("zhzx_desktop.storage").joinpath(name).read_text(encoding="utf-8")
    for statement in _split_sql(sql):
        conn.execute(statement)


def _split_sql(script: str) -> list[str]:
    """Split a script into statements (``sqlite3.complete_statement`` keeps trigger bodies whole)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        if not current and (not line.strip() or line.lstrip().startswith("--")):
            continue
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        raise ValueError("incomplete SQL statement at the end of the script")
    return statements


def _v4(conn: sqlite3.Connection) -> None:
    _run_script(conn, "schema_v4.sql")
    # New county-owned columns, and id_hmac became device-local (capture.LOCAL_COLUMNS): its key is this PC's.
    for table in ("residents", "cases", "case_parties"):
        capture.install(conn, table)


def _v5(conn: sqlite3.Connection) -> None:
    _run_script(conn, "schema_v5.sql")


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_v1, _v2, _v3, _v4, _v5)
LATEST = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database to ``LATEST``; returns the version it was at. A newer database is refused."""
    start = schema_version(conn)
    if start > LATEST:
        raise KnownError(f"数据库的结构版本（{start}）比本程序支持的（{LATEST}）更新，请升级本程序后再打开。")
    for version in range(start + 1, LATEST + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if schema_version(conn) >= version:  # another process migrated while we waited for the lock
                conn.execute("COMMIT")
                continue
            log.info("migrating database to schema version %d", version)
            MIGRATIONS[version - 1](conn)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return start
