"""Opening the local SQLite store: pragmas, migrations and the single write helper.

Connections are thread-bound (sqlite3's default); each thread opens its own ``Store`` on the same file.
Writes go through ``Store.write()``: ``BEGIN IMMEDIATE``, a fresh ``tx_id`` for the change-capture triggers,
the commit hooks (the audit log's, installed by the ledger), the search index brought up to date, ``COMMIT`` — all
or nothing.
"""

from __future__ import annotations

import logging
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from zhzx_desktop.errors import KnownError
from zhzx_desktop.storage import migrations, search_index

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
CACHE_KIB = 65536  # page cache per connection: the search index and bulk writes stay in memory at county scale


@contextmanager
def known_errors() -> Iterator[None]:
    """A locked database or a full disk is the environment's fault, not a bug: say so in Chinese."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            raise KnownError("数据库正被另一个程序（或另一个窗口）使用，请稍后再试；如一直如此，请关闭其他打开本数据库的程序。"
                             ) from exc
        if "full" in text or "disk i/o" in text:
            raise KnownError("磁盘已满或无法写入，本次修改没有保存。请清理磁盘空间后再试。") from exc
        raise


@dataclass
class Tx:
    """The write transaction in progress (``Store.tx``)."""

    id: str
    outbox_from: int  # sync_outbox rows with seq above this were captured in this transaction
    audited: bool = False  # an explicit audit entry was written in it (security/audit.py)


CommitHook = Callable[[sqlite3.Connection, Tx], None]


class Store:
    """One connection to the app's database file, migrated to the current schema on open."""

    def __init__(self, path: Path | str, *, migrate: bool = True) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        except sqlite3.DatabaseError as exc:
            raise KnownError(f"无法打开数据库文件 {path}：{exc}。文件可能已损坏或不是本程序的数据库。") from exc
        if mode.lower() != "wal" and str(path) != ":memory:":
            log.warning("journal_mode is %s, not WAL", mode)
        self.conn = conn
        self._depth = 0
        self.tx: Tx | None = None
        self.commit_hooks: list[CommitHook] = []  # run inside every write, just before it commits
        if migrate:
            migrations.migrate(conn)
            if search_index.needs_rebuild(conn):
                with self.write():
                    search_index.rebuild(conn)
            elif search_index.has_pending(conn):  # written outside the app since we last looked
                with self.write():
                    pass

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One atomic write: the data, its sync outbox rows (triggers) and the search index commit together.

        Nested calls join the outer transaction.
        """
        conn = self.conn
        if self._depth:  # nested: a savepoint, so a failed inner block never commits half its rows
            name = f"w{self._depth}"
            conn.execute(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute(f"ROLLBACK TO {name}")
                    conn.execute(f"RELEASE {name}")
                raise
            else:
                conn.execute(f"RELEASE {name}")
            finally:
                self._depth -= 1
            return
        with known_errors():
            conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        tx_id = uuid.uuid4().hex
        try:
            conn.execute("UPDATE sync_state SET v=? WHERE k='current_tx'", (tx_id,))
            last = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'sync_outbox'").fetchone()
            self.tx = Tx(tx_id, int(last[0]) if last else 0)
            yield conn
            for hook in self.commit_hooks:
                hook(conn, self.tx)
            search_index.refresh(conn)
            conn.execute("UPDATE sync_state SET v='' WHERE k='current_tx'")
            with known_errors():
                conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            self._depth = 0
            self.tx = None

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT v FROM app_meta WHERE k=?", (key,)).fetchone()
        return None if row is None else str(row[0])
