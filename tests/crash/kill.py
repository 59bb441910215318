"""Kill tests (issue 6 point 5): run real work in a child process, ``SIGKILL`` it at a seeded random moment, then
look at the database the way the next start would.

* ``child_env(home)``: the environment of a child process: its own XDG dirs under ``home`` and the keyring's
  fail backend, so the child keeps the data key in ``home/config/zhzx-desktop/keyring.json`` — the same file the
  test's ``OwnerOnlyFileKeyring`` uses, so the key survives the kill.
* ``run_killed(cmd, env, delay)``: start ``cmd``, kill it after ``delay`` seconds (counted from the first stderr
  line containing ``after`` when given); returns the ``committed <key>`` lines it printed (each printed, flushed,
  just after its commit) and how it ended.
* ``check_database(path)``: what must hold after any kill, read with plain sqlite3 BEFORE the app reopens the file
  (opening it would repair what we want to see): integrity, foreign keys, no transaction half-written (the write's
  marker, the search index, the capture outbox), then ``services.backups.check`` when it exists.
* ``repeat()`` / ``rng(name)``: how many kills per scenario (``ZHZX_CRASH_REPEAT``, default 8) and their seeded
  random source (``ZHZX_CRASH_SEED``, default 6; printed in every failure so a run can be replayed).
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from zhzx_desktop.storage.migrations import CAPTURED_TABLES
from zhzx_desktop.storage.search_index import INDEXED_STATUSES

REPO = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).resolve().parent / "driver.py"
DEFAULT_REPEAT = 8
DEFAULT_SEED = 6


def repeat() -> int:
    return max(1, int(os.environ.get("ZHZX_CRASH_REPEAT", DEFAULT_REPEAT)))


def seed() -> int:
    return int(os.environ.get("ZHZX_CRASH_SEED", DEFAULT_SEED))


def rng(scenario: str) -> random.Random:
    """The kill moments of one scenario: the same on every run with the same ``ZHZX_CRASH_SEED``."""
    return random.Random(seed() * 1_000_003 + zlib.crc32(scenario.encode()))


def child_env(home: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"),
               XDG_STATE_HOME=str(home / "state"), XDG_CACHE_HOME=str(home / "cache"),
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring", QT_QPA_PLATFORM="offscreen",
               ZHZX_STATE_DIR=str(home / "sync-state"), PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1")
    env.pop("ZHZX_SYNC_CRASH_AT", None)
    env.update(extra)
    return env


def key_dir(home: Path) -> Path:
    """Where the child processes keep the data key (``paths.config_dir()`` under ``child_env``)."""
    return home / "config" / "zhzx-desktop"


def app(*args: str) -> list[str]:
    """The command line of the app (``python -m zhzx_desktop …``)."""
    return [sys.executable, "-m", "zhzx_desktop", *args]


def driver(*args: str) -> list[str]:
    return [sys.executable, str(DRIVER), *args]


@dataclass
class Run:
    committed: list[str]
    stdout: str
    stderr: str
    returncode: int
    killed: bool  # True: we killed it; False: it had finished on its own before the kill
    delay: float
    lines: list[str] = field(default_factory=list)

    def describe(self) -> str:
        how = f"killed after {self.delay:.2f}s" if self.killed else f"exited {self.returncode}"
        return f"{how}; seed {seed()}; stderr tail: {self.stderr[-400:]!r}"


def run_killed(cmd: Sequence[str], env: dict[str, str], delay: float, *, after: str | None = None,
               when: Callable[[], bool] | None = None, after_timeout: float = 60.0, timeout: float = 120.0) -> Run:
    """Run ``cmd``; SIGKILL it ``delay`` seconds after it started, or after ``after`` first shows on stderr, or
    (``when``) ``delay`` seconds after the predicate — polled every few milliseconds, e.g. on the database — holds."""
    proc = subprocess.Popen(list(cmd), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=str(REPO))
    out: list[bytes] = []
    err: list[bytes] = []
    marker = threading.Event()

    def pump(stream: object, sink: list[bytes], watch: bool) -> None:
        assert stream is not None
        for chunk in iter(lambda: stream.read1(4096), b""):  # type: ignore[attr-defined]
            sink.append(chunk)
            if watch and after is not None and after.encode() in b"".join(sink[-2:]):
                marker.set()
        if watch:
            marker.set()  # the stream ended (the child exited): stop waiting for the marker

    threads = [threading.Thread(target=pump, args=(proc.stdout, out, False), daemon=True),
               threading.Thread(target=pump, args=(proc.stderr, err, True), daemon=True)]
    for t in threads:
        t.start()
    if after is not None:
        marker.wait(after_timeout)
    if when is not None:
        limit = time.monotonic() + after_timeout
        while proc.poll() is None and time.monotonic() < limit:
            try:
                if when():
                    break
            except sqlite3.Error:  # the child holds a lock or is creating the file: look again
                pass
            time.sleep(0.002)
    killed = False
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.kill()
        killed = True
    proc.wait(timeout=timeout)
    for t in threads:
        t.join(10)
    stdout = b"".join(out).decode("utf-8", "replace")
    lines = stdout.splitlines()
    committed = [line[len("committed "):] for line in lines if line.startswith("committed ")]
    return Run(committed, stdout, b"".join(err).decode("utf-8", "replace"), proc.returncode, killed, delay, lines)


def run_to_end(cmd: Sequence[str], env: dict[str, str], *, timeout: float = 120.0) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(cmd), capture_output=True, text=True, env=env, cwd=str(REPO), timeout=timeout,
                          check=False)


# ---- the database after a kill ---------------------------------------------------------------------------------

def _rows(conn: sqlite3.Connection, sql: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
    return list(conn.execute(sql, params))


def check_database(path: Path) -> list[str]:
    """Problems a kill must never leave (English, for the test's failure message); empty = healthy.

    Read-only and BEFORE the app opens the file again: ``Store()`` refreshes the search index on open, which would
    hide a write that committed without its keys."""
    problems: list[str] = []
    conn = sqlite3.connect(str(path), timeout=10)  # not read-only: WAL recovery after a kill needs a writer
    try:
        integrity = _rows(conn, "PRAGMA integrity_check")
        if integrity != [("ok",)]:
            problems.append(f"integrity_check: {integrity[:5]}")
        fk = _rows(conn, "PRAGMA foreign_key_check")
        if fk:
            problems.append(f"foreign_key_check: {fk[:5]}")
        marker = _rows(conn, "SELECT v FROM sync_state WHERE k = 'current_tx'")
        if marker != [("",)]:
            problems.append(f"a write's transaction marker survived (sync_state.current_tx = {marker})")
        # the search index commits with the write (Store.write → search_index.refresh before COMMIT)
        pending = _rows(conn, "SELECT count(*) FROM search_pending")[0][0]
        if pending:
            problems.append(f"{pending} residents queued in search_pending: a write committed without its keys")
        statuses = ",".join(f"'{s}'" for s in sorted(INDEXED_STATUSES))
        unindexed = _rows(conn, f"""SELECT id FROM residents r WHERE status IN ({statuses}) AND NOT EXISTS (
            SELECT 1 FROM search_keys k WHERE k.rid = r.rid AND k.key = 'n' || replace(replace(r.name, '·', ''), ' ', ''))""")
        if unindexed:
            problems.append(f"{len(unindexed)} residents without search keys, e.g. {unindexed[:3]}")
        # capture: every row of a synced table came with its outbox row (or came from the county: sync_versions)
        for table in CAPTURED_TABLES:
            missing = _rows(conn, f"""SELECT id FROM {table} t WHERE NOT EXISTS (
                    SELECT 1 FROM sync_outbox o WHERE o.table_name = ? AND o.row_id = t.id)
                AND NOT EXISTS (SELECT 1 FROM sync_versions v WHERE v.table_name = ? AND v.row_id = t.id)""",
                            (table, table))
            if missing:
                problems.append(f"{len(missing)} {table} rows without a sync_outbox row, e.g. {missing[:3]}")
        # a case is written with its parties and mediators in one transaction
        lonely = _rows(conn, "SELECT id FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_parties p "
                             "WHERE p.case_id = c.id)")
        if lonely:
            problems.append(f"{len(lonely)} cases without parties, e.g. {lonely[:3]}")
        unfiled = _rows(conn, "SELECT id FROM case_documents d WHERE d.sha256 IS NOT NULL AND NOT EXISTS "
                              "(SELECT 1 FROM document_files f WHERE f.sha256 = d.sha256)")
        if unfiled:
            problems.append(f"{len(unfiled)} case documents whose bytes are missing, e.g. {unfiled[:3]}")
    finally:
        conn.close()
    return problems


def oracle(ledger: object) -> list[str]:
    """``services.backups.check`` (the backups helper's consistency check) when it exists; [] until then."""
    try:
        from zhzx_desktop.services import backups  # type: ignore[attr-defined]
    except ImportError:
        return []
    check = getattr(backups, "check", None)
    if check is None:
        return []
    return [str(p) for p in check(ledger)]


def count(path: Path, sql: str, params: Sequence[object] = ()) -> int:
    """One number from the database, on a fresh connection (sees the child's commits)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
    try:
        return int(conn.execute(sql, params).fetchone()[0])
    finally:
        conn.close()
