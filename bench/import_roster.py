"""Roster (花名册) import: a 10k-row .xlsx through parse (read + check every row) and commit (one transaction
with the undo journal), against the physical anchor of the same run: a raw openpyxl read of the same file plus a
raw sqlite ``executemany`` of as many rows into a plain table (same pragmas). Budget: 10k rows ≤ 5 s.

    .venv/bin/python bench/import_roster.py [--rows 10000] [--second] [--out DIR]

``--second`` also imports a second roster of other people into the database that now holds the first
(the duplicate search then has registered residents to compare with).
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from _common import TODAY, open_bench_ledger, parse_sizes  # noqa: F401 - sets sys.path first

from tests.rosters import GRID, HEADERS, people, write_roster


def _anchor_read(path: Path) -> tuple[float, int]:
    from openpyxl import load_workbook

    started = time.perf_counter()
    workbook = load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _ in workbook.active.iter_rows(values_only=True))
    workbook.close()
    return time.perf_counter() - started, count


def _anchor_write(path: Path, rows: list[list[object]]) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    cols = ", ".join(f"c{i}" for i in range(len(HEADERS)))
    conn.execute(f"CREATE TABLE plain ({cols})")
    started = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(f"INSERT INTO plain VALUES ({','.join('?' * len(HEADERS))})",
                     [[str(v) if v is not None else None for v in r] for r in rows])
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def _import(ledger, path: Path, label: str) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    from zhzx_desktop.services import roster_import

    started = time.perf_counter()
    preview = roster_import.parse(ledger, path)
    parsed = time.perf_counter()
    result = roster_import.commit(ledger, preview)
    done = time.perf_counter()
    assert result.imported == len(preview.rows), (result.imported, preview.problems[:3])
    print(f"{label:<34} parse+check {parsed - started:6.2f} s   commit {done - parsed:6.2f} s   "
          f"total {done - started:6.2f} s   ({result.imported:,} imported, {result.households_created:,} households, "
          f"{len(preview.duplicates):,} flagged duplicates)")
    return parsed - started, done - parsed, result.imported


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", default="10k")
    parser.add_argument("--second", action="store_true")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    size = parse_sizes(args.rows)[0]
    work = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="zhzx-import-"))
    if args.out:
        shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    try:
        from zhzx_desktop.services import grids

        rows = people(size)
        started = time.perf_counter()
        roster = write_roster(work / "roster.xlsx", rows, titles=("枫桥村实有人口花名册", "（基准测试）"))
        print(f"generated {size:,}-row roster ({roster.stat().st_size / 1e6:.1f} MB) in "
              f"{time.perf_counter() - started:.1f} s")
        read_s, read_rows = _anchor_read(roster)
        write_s = _anchor_write(work / "anchor.db", rows)
        anchor = read_s + write_s
        print(f"{'anchor: openpyxl read + executemany':<34} read {read_s:6.2f} s ({read_rows:,} rows)   "
              f"insert {write_s:6.2f} s   total {anchor:6.2f} s")
        ledger = open_bench_ledger(work / "zhzx.db")
        try:
            grids.create(ledger, grids.GridInput(name=GRID))
            parse_s, commit_s, _ = _import(ledger, roster, f"import {size:,} rows (empty db)")
            total = parse_s + commit_s
            verdict = "PASS" if total <= 5.0 * size / 10_000 else "OVER"
            print(f"ratio to anchor: {total / anchor:.1f}×   budget 10k ≤ 5 s: {verdict} "
                  f"({total:.2f} s, {size / total:,.0f} rows/s)")
            if args.second:
                second = write_roster(work / "roster2.xlsx", people(size, start=size, household_prefix="S"))
                parse2, commit2, _ = _import(ledger, second, f"import {size:,} more (db holds {size:,})")
                print(f"ratio to anchor: {(parse2 + commit2) / anchor:.1f}×")
        finally:
            ledger.close()
    finally:
        if not args.out:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
