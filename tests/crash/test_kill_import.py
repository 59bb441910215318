"""Kill ``zhzx-desktop import residents`` of a 10,000-row roster at many moments (reading the file, and above all
while the import writes): after each kill the database holds none or all of that import, never part; a run to the
end then imports it exactly once and a second run imports nothing more."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import TODAY
from tests.crash.kill import app, check_database, child_env, key_dir, oracle, repeat, rng, run_killed, run_to_end
from tests.rosters import GRID, people, write_roster
from zhzx_desktop.services import grids
from zhzx_desktop.services.ledger import open_ledger

ROWS = 10_000
HOUSEHOLDS = -(-ROWS // 3)  # tests.rosters: households of three


@pytest.fixture(scope="module")
def roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_roster(tmp_path_factory.mktemp("roster") / "花名册.xlsx", people(ROWS))


def _counts(db: Path) -> tuple[int, int, int, int]:
    conn = sqlite3.connect(str(db))
    try:
        return (conn.execute("SELECT count(*) FROM residents").fetchone()[0],
                conn.execute("SELECT count(*) FROM households").fetchone()[0],
                conn.execute("SELECT count(*) FROM journal WHERE kind = 'import'").fetchone()[0],
                conn.execute("SELECT count(*) FROM sync_outbox WHERE table_name = 'residents' AND op = 'insert'"
                             ).fetchone()[0])
    finally:
        conn.close()


def _verify(db: Path, where: str) -> tuple[int, int, int, int]:
    problems = check_database(db)
    assert not problems, f"{where}: " + "; ".join(problems)
    counts = _counts(db)
    assert counts in ((0, 0, 0, 0), (ROWS, HOUSEHOLDS, 1, ROWS)), f"{where}: part of the import is there: {counts}"
    with open_ledger(db, key_fallback_dir=key_dir(db.parent), today=lambda: TODAY) as ledger:
        problems = oracle(ledger)
    assert not problems, f"{where}: backups.check: {problems}"
    return counts


def test_killed_import_is_all_or_nothing_and_a_rerun_imports_once(home: Path, roster: Path) -> None:
    base = home / "base.db"
    with open_ledger(base, key_fallback_dir=key_dir(home), today=lambda: TODAY) as ledger:
        grids.create(ledger, grids.GridInput(name=GRID, code="430223101201001"))
    env = child_env(home)
    moments = rng("import")
    seen: set[tuple[int, int, int, int]] = set()
    db = home / "zhzx.db"
    for n in range(repeat()):
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        shutil.copy(base, db)
        for anchor in (home / "sync-state").glob("*.audit.json"):  # a fresh copy: as on a PC that never saw it
            anchor.unlink()
        cmd = app("import", "residents", str(roster), "--db", str(db))
        if n % 4 == 3:  # now and then anywhere: starting, reading the roster, checking
            run = run_killed(cmd, env, moments.uniform(0.1, 2.0))
        else:  # mostly while it writes: from its first "导入 n/total" progress line on
            run = run_killed(cmd, env, moments.uniform(0.0, 1.6), after="导入")
        seen.add(_verify(db, f"kill {n} ({run.describe()})"))
    assert (0, 0, 0, 0) in seen, "no kill landed before the import committed"
    # the clerk starts it again: it imports the roster once; a third run finds every row already there
    empty = _counts(db)[0] == 0
    done = run_to_end(app("import", "residents", str(roster), "--db", str(db)), env)
    assert done.returncode == (0 if empty else 2), done.stderr[-800:]
    assert _verify(db, "after the re-run") == (ROWS, HOUSEHOLDS, 1, ROWS)
    again = run_to_end(app("import", "residents", str(roster), "--db", str(db)), env)
    assert again.returncode != 0 and "没有可以导入的行" in again.stderr, again.stderr[-800:]
    assert _verify(db, "after a second re-run") == (ROWS, HOUSEHOLDS, 1, ROWS)
