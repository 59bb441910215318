"""Schema migrations keyed by ``PRAGMA user_version``: each step runs in one transaction with its version bump."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Callable
from datetime import datetime
from importlib import resources
from pathlib import Path

from zhzx_desktop.errors import KnownError
from zhzx_desktop.storage import capture

log = logging.getLogger(__name__)

# Tables whose changes go to the county (SYNC.md §7.2). Order = parents before children.
CAPTURED_TABLES = (
    "grids", "households", "residents", "resident_categories", "grid_workers",
    "teams", "team_members", "team_activities", "activity_participants",
    "cases", "case_parties", "case_mediators", "case_sessions", "agreements", "installments", "follow_ups",
    "case_documents", "monthly_reports",
)
_V1_TABLES = CAPTURED_TABLES[:-2]


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


def _v6(conn: sqlite3.Connection) -> None:
    _run_script(conn, "schema_v6.sql")
    for table in ("cases", "team_activities", "monthly_reports"):  # new columns or new
        capture.install(conn, table)


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_v1, _v2, _v3, _v4, _v5, _v6)
LATEST = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


MIGRATION_COPIES_KEPT = 3  # the newest copies made before a migration, per database file
MIGRATED_META = "migrated"  # app_meta: what the last migration did, until the ledger audits it (JSON)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database to ``LATEST``; returns the version it was at. A newer database is refused.

    An existing database (version 1 or later) is first copied beside itself (``<db>.v<old>-<time>.bak``, SQLite's
    backup API; the newest ``MIGRATION_COPIES_KEPT`` are kept). All steps run in ONE transaction with the version
    bump, so a failing step leaves the database exactly as it was; the clerk is told where the copy is.
    """
    start = schema_version(conn)
    if start > LATEST:
        raise KnownError(f"数据库的结构版本（{start}）比本程序支持的（{LATEST}）更新，请升级本程序后再打开。")
    if start == LATEST:
        return start
    copy = _copy_before_migrating(conn, start) if start >= 1 else None
    conn.execute("BEGIN IMMEDIATE")
    version = start
    try:
        start = schema_version(conn)  # another process may have migrated while we waited for the lock
        for version in range(start + 1, LATEST + 1):
            log.info("migrating database to schema version %d", version)
            MIGRATIONS[version - 1](conn)
            conn.execute(f"PRAGMA user_version = {version}")
        if start >= 1:
            _note_migration(conn, start, copy)
        conn.execute("COMMIT")
    except BaseException as exc:
        conn.execute("ROLLBACK")
        if copy is None or not isinstance(exc, Exception) or isinstance(exc, KnownError):
            raise
        log.exception("migration to schema version %d failed", version)
        raise KnownError(f"数据库升级（第{start}版→第{LATEST}版）在第{version}步失败：{exc}。数据库没有被改动，"
                         f"仍是第{start}版，可以用原来版本的程序继续使用；升级前的副本保存在 {copy}。"
                         "请把这段话告诉县综治中心的技术人员。") from exc
    return start


def _database_file(conn: sqlite3.Connection) -> Path | None:
    for _seq, name, file in conn.execute("PRAGMA database_list"):
        if name == "main":
            return Path(file) if file else None
    return None


def _copy_before_migrating(conn: sqlite3.Connection, version: int) -> Path | None:
    """A plain SQLite copy of the database before it is migrated (same folder, same protection as the database)."""
    path = _database_file(conn)
    if path is None:  # in memory
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    copy = path.with_name(f"{path.name}.v{version}-{stamp}.bak")
    tmp = copy.with_name(copy.name + ".tmp")
    try:
        target = sqlite3.connect(str(tmp))
        try:
            conn.backup(target, pages=1024)
        finally:
            target.close()
        os.replace(tmp, copy)
    except (OSError, sqlite3.Error) as exc:
        tmp.unlink(missing_ok=True)
        raise KnownError(f"升级数据库前无法先复制一份（{exc}），所以没有升级；数据库没有被改动。"
                         "请检查磁盘空间后再打开。") from exc
    log.info("copied the version %d database to %s before migrating", version, copy.name)
    copies = sorted(path.parent.glob(f"{path.name}.v*-*.bak"), key=lambda p: p.name.rsplit("-", 2)[-2:],
                    reverse=True)
    for old in copies[MIGRATION_COPIES_KEPT:]:
        old.unlink(missing_ok=True)
    return copy


def _note_migration(conn: sqlite3.Connection, start: int, copy: Path | None) -> None:
    """Leave what happened in app_meta; the ledger turns it into a ``migrate`` audit entry when it opens."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'app_meta'").fetchone():
        return
    previous = conn.execute("SELECT v FROM app_meta WHERE k = ?", (MIGRATED_META,)).fetchone()
    first = json.loads(previous[0]).get("from", start) if previous else start
    note = json.dumps({"from": first, "to": LATEST, "copy": copy.name if copy else ""}, ensure_ascii=False)
    conn.execute("INSERT INTO app_meta(k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v",
                 (MIGRATED_META, note))
