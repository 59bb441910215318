"""The 月报 over a county-sized ledger: ``reports.compute`` on 20k cases (budget ≤ 1 s), then the PDF and the Excel.

The data: a demo village (``demo.populate``, every case through the case services) whose cases, parties and main
agreements are then cloned in SQL — each copy shifted back by a random number of days within ``--years`` — until
there are ``--cases`` cases, so a month holds hundreds of cases (a worst case for one database). Cached in
``bench/out/``. Prints the compute time (first call and median of ``--runs``), the PDF and Excel times, and ratios:
against the 1 s budget and against recomputing the same figures in Python over ``case_export.iter_cases`` (what
``list cases --json`` reads).

    .venv/bin/python bench/monthly_report.py [--cases 20000] [--runs 7] [--month 2026-10]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import _common

BUDGET_S = 1.0


def build(out_dir: Path, target: int, seed: int, years: int, log=print) -> Path:  # type: ignore[no-untyped-def]
    from zhzx_desktop.services import demo

    ring = _common.install_memory_keyring()
    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / f"monthly_c{target}_y{years}_s{seed}.db"
    keys = final.with_suffix(".keys.json")
    if final.exists() and keys.exists():
        _common._load_keys(keys, ring)
        log(f"reusing cached {final}")
        return final
    partial = final.with_suffix(".db.partial")
    for stale in (partial, Path(str(partial) + "-wal"), Path(str(partial) + "-shm")):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    ledger = _common.open_bench_ledger(partial)
    try:
        demo.populate(ledger, residents=2000, seed=seed, cases=300)
        _clone_cases(ledger, target, seed, years)
        ledger.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        ledger.close()
    _common._save_keys(keys, ring)
    partial.replace(final)
    log(f"built {final.name} in {time.perf_counter() - started:,.1f} s")
    return final


def _columns(conn, table: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


def _copy(conn, table: str, key: str, overrides: dict[str, str], where: str = "") -> None:  # type: ignore[no-untyped-def]
    cols = _columns(conn, table)
    exprs = [overrides.get(c, f"t.{c}") for c in cols]
    conn.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(exprs)} FROM {table} t "
                 f"JOIN bench_map m ON m.old_id = t.{key} {where}")


def _clone_cases(ledger, target: int, seed: int, years: int) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    conn = ledger.store.conn
    originals = [r[0] for r in conn.execute("SELECT id FROM cases ORDER BY accepted_on, id")]
    with ledger.store.write():
        conn.execute("CREATE TEMP TABLE bench_map (old_id TEXT, new_id TEXT, shift TEXT, n INTEGER)")
        made = len(originals)
        n = 0
        while made < target:
            batch = [(old, f"bench-{n + i:06d}", f"-{rng.randint(1, 365 * years)} days", n + i)
                     for i, old in enumerate(originals[:target - made])]
            conn.execute("DELETE FROM bench_map")
            conn.executemany("INSERT INTO bench_map VALUES (?, ?, ?, ?)", batch)
            dates = {c: f"date(t.{c}, m.shift)" for c in ("accepted_on", "deadline_on", "closed_on", "archived_on",
                                                           "occurred_on", "escalated_on")}
            _copy(conn, "cases", "id", {"id": "m.new_id", "case_no": "t.case_no || '#' || m.n",
                                        "case_seq": "NULL", **dates})
            _copy(conn, "case_parties", "case_id", {"id": "m.new_id || '-' || t.id", "case_id": "m.new_id"})
            _copy(conn, "agreements", "case_id", {
                "id": "m.new_id || '-' || t.id", "case_id": "m.new_id", "supplements_id": "NULL",
                "performed_on": "date(t.performed_on, m.shift)", "jc_result_on": "date(t.jc_result_on, m.shift)",
                "effective_on": "date(t.effective_on, m.shift)"}, "WHERE t.supplements_id IS NULL")
            made += len(batch)
            n += len(batch)
        conn.execute("DROP TABLE bench_map")


def _python_figures(ledger, month: str) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """The core figures over ``iter_cases`` (the export the tests recompute from), for the ratio."""
    from zhzx_desktop.services import case_export

    accepted = succeeded = performed = 0
    for record in case_export.iter_cases(ledger):
        if (record.accepted_on or "")[:7] == month:
            accepted += 1
            succeeded += record.result == "success"
        performed += (record.performed_on or "")[:7] == month
    return accepted, succeeded, performed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--years", type=int, default=3, help="the copies spread over this many years back")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--out", type=Path, default=_common.DEFAULT_OUT)
    args = parser.parse_args()

    from zhzx_desktop.documents import monthly_report
    from zhzx_desktop.services import reports

    path = build(args.out, args.cases, args.seed, args.years)
    ledger = _common.open_bench_ledger(path)
    try:
        total = ledger.store.conn.execute("SELECT count(*) FROM cases").fetchone()[0]
        started = time.perf_counter()
        report = reports.compute(ledger, args.month)
        first = time.perf_counter() - started
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            reports.compute(ledger, args.month)
            times.append(time.perf_counter() - started)
        warm = statistics.median(times)
        started = time.perf_counter()
        python = _python_figures(ledger, args.month)
        python_s = time.perf_counter() - started
        assert python == (report.accepted, report.succeeded, report.performed), (python, report)
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            monthly_report.render_pdf(report, Path(tmp) / "m.pdf")
            pdf_s = time.perf_counter() - started
            started = time.perf_counter()
            monthly_report.render_xlsx(report, Path(tmp) / "m.xlsx")
            xlsx_s = time.perf_counter() - started
    finally:
        ledger.close()
    print(f"cases in the ledger: {total:,}; month {args.month}: 受理 {report.accepted}, 成功 {report.succeeded}, "
          f"履行 {report.performed}, 司法确认 {report.judicially_confirmed}, 排查 {report.screenings}")
    print(f"compute   first {first * 1000:8.1f} ms   median of {args.runs} {warm * 1000:8.1f} ms   "
          f"budget {BUDGET_S * 1000:.0f} ms → {first / BUDGET_S:.3f}× budget (first), {warm / BUDGET_S:.3f}× (warm)")
    print(f"python over iter_cases (list cases --json path) {python_s * 1000:8.1f} ms → SQL is "
          f"{python_s / warm:,.0f}× faster")
    print(f"PDF  {pdf_s * 1000:8.1f} ms ({pdf_s / warm:,.1f}× compute)   "
          f"Excel {xlsx_s * 1000:8.1f} ms ({xlsx_s / warm:,.1f}× compute)   "
          f"compute + PDF {(warm + pdf_s) / BUDGET_S:.2f}× budget")
    return 0 if first <= BUDGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
