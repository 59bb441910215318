"""Search-as-you-type latency of ``residents.search(ledger, q, 50)`` on demo databases of 10k / 100k / 1M residents.

For every size: build (or reuse) a demo database with ``demo.populate``, sample ~200 queries per kind with a fixed
seed from the real rows (names, phones, masked IDs read with SQL), and time each query once after a short warm-up.
The anchor for each kind is one raw SQL statement on a plain ``sqlite3`` connection to the same file, against the
same index: ``SELECT rid FROM search_keys WHERE key >= ? AND key < ? ORDER BY key LIMIT 50`` with the main prefix
probe of the query (``n``/``m`` for names, ``p`` for pinyin, ``i`` for initials, ``d`` for ID, ``r`` for phone).

    .venv/bin/python bench/search_latency.py [--sizes 10000,100000,1000000] [--out DIR] [--queries 200]
"""

from __future__ import annotations

import argparse
import gc
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import _common

from zhzx_desktop.domain.pinyin import initials, name_readings, split_surname
from zhzx_desktop.services import residents
from zhzx_desktop.storage import search_index

LIMIT = 50
RAW_SQL = f"SELECT rid FROM search_keys WHERE key >= ? AND key < ? ORDER BY key LIMIT {LIMIT}"
TOP = "\U0010ffff"
BUDGETS_MS = {100_000: 30.0, 1_000_000: 100.0}  # PRODUCT.md: search as you type, p95


@dataclass
class Kind:
    name: str
    anchor_letter: str  # which probe of search_index.plan() is the raw anchor
    make: Callable[[random.Random, list[tuple[str, str, str]]], str | None]


def _reading(name: str) -> tuple[tuple[str, ...], int]:
    """The preferred reading of a name and how many of its syllables are the surname."""
    surname, _ = split_surname(name)
    readings = name_readings(name)
    return (readings[0] if readings else ()), len(surname)


def _surname(rng: random.Random, rows: list[tuple[str, str, str]]) -> str:
    return split_surname(rng.choice(rows)[0])[0]


def _full_name(rng: random.Random, rows: list[tuple[str, str, str]]) -> str:
    return rng.choice(rows)[0]


def _given_part(rng: random.Random, rows: list[tuple[str, str, str]]) -> str | None:
    given = split_surname(rng.choice(rows)[0])[1]
    if not given:
        return None
    start = rng.randrange(len(given))
    end = rng.randrange(start + 1, len(given) + 1)
    return given[start:end]


def _pinyin_surname(rng: random.Random, rows: list[tuple[str, str, str]]) -> str | None:
    reading, n = _reading(rng.choice(rows)[0])
    return "".join(reading[:n]) or None


def _pinyin_partial(rng: random.Random, rows: list[tuple[str, str, str]]) -> str | None:
    reading, n = _reading(rng.choice(rows)[0])
    if len(reading) <= n:
        return None
    return "".join(reading[:n]) + reading[n][0]  # "zhangs": surname + first letter of the given name


def _pinyin_full(rng: random.Random, rows: list[tuple[str, str, str]]) -> str | None:
    reading, _ = _reading(rng.choice(rows)[0])
    return "".join(reading) or None


def _initials(rng: random.Random, rows: list[tuple[str, str, str]]) -> str | None:
    reading, _ = _reading(rng.choice(rows)[0])
    return initials(reading) or None


def _typing(rng: random.Random, rows: list[tuple[str, str, str]]) -> str | None:
    """One keystroke of typing a full pinyin name: a prefix of any length, from one letter up."""
    full = _pinyin_full(rng, rows)
    return full[: rng.randint(1, len(full))] if full else None


def _id_last4(rng: random.Random, rows: list[tuple[str, str, str]]) -> str | None:
    masked = rng.choice(rows)[2]
    return masked[-4:] if masked and len(masked) >= 4 else None


def _phone_last4(rng: random.Random, rows: list[tuple[str, str, str]]) -> str | None:
    phone = rng.choice(rows)[1]
    return phone[-4:] if phone and len(phone) >= 4 else None


KINDS = (
    Kind("name:surname", "n", _surname),
    Kind("name:full", "n", _full_name),
    Kind("name:given-part", "m", _given_part),
    Kind("pinyin:surname", "p", _pinyin_surname),
    Kind("pinyin:partial", "p", _pinyin_partial),
    Kind("pinyin:full", "p", _pinyin_full),
    Kind("initials", "i", _initials),
    Kind("typing:prefix", "p", _typing),
    Kind("id:last4", "d", _id_last4),
    Kind("phone:last4", "r", _phone_last4),
)


def sample_queries(kind: Kind, rng: random.Random, pools: dict[str, list[tuple[str, str, str]]],
                   count: int) -> list[str]:
    pool = pools["id" if kind.name.startswith("id") else "phone" if kind.name.startswith("phone") else "all"]
    out: list[str] = []
    tries = 0
    while len(out) < count and tries < count * 50:
        tries += 1
        q = kind.make(rng, pool)
        if q:
            out.append(q)
    return out


def anchor_key(query: str, letter: str) -> tuple[str, bool]:
    """The raw anchor's key: the planned prefix probe of that kind, and whether the plan had one. When
    ``search_index.plan`` has no such probe (a query the planner misreads), the key the kind would need."""
    for probe in search_index.plan(query):
        if probe.prefix and probe.key.startswith(letter):
            return probe.key, True
    text = query.strip().lower()
    return letter + (text[::-1] if letter in "dr" else text), False


def time_ms(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter_ns()
    result = fn()
    return (time.perf_counter_ns() - start) / 1e6, result


def run_size(size: int, args: argparse.Namespace) -> list[dict]:
    path = _common.demo_db(args.out, size, args.seed)
    open_ms, ledger = time_ms(lambda: _common.open_bench_ledger(path))
    raw = sqlite3.connect(str(path))
    try:
        conn = ledger.store.conn
        count = residents.count(ledger)
        keys = conn.execute("SELECT count(*) FROM search_keys").fetchone()[0]
        print(f"[{size:,}] {path.name}: {_common.human_bytes(_common.db_bytes(path))} on disk, "
              f"{count:,} residents, {keys:,} search keys ({keys / max(count, 1):.1f}/resident), "
              f"open_ledger {open_ms:.0f} ms", flush=True)
        # Everything the samples are drawn from, read straight from the table.
        all_rows = [(n, p or "", m or "") for n, p, m in conn.execute(
            "SELECT name, phone, id_masked FROM residents WHERE status = 'active' ORDER BY rid")]
        pools = {"all": all_rows, "id": [r for r in all_rows if r[2]], "phone": [r for r in all_rows if r[1]]}
        plans = []
        for kind in KINDS:
            rng = random.Random(f"{args.query_seed}/{size}/{kind.name}")
            queries = sample_queries(kind, rng, pools, args.queries)
            warm = sample_queries(kind, random.Random(f"warm/{args.query_seed}/{kind.name}"), pools, 20)
            plans.append((kind, queries, warm))
        # The pools hold one tuple per resident; a cyclic-GC pass over a million of them would show up as
        # multi-millisecond spikes that the app (which holds no such list) never has.
        del all_rows, pools
        gc.collect()
        gc.freeze()
        results = []
        for kind, queries, warm in plans:
            for q in warm:  # warm the code paths and the upper levels of the B-tree
                residents.search(ledger, q, LIMIT)
                key = anchor_key(q, kind.anchor_letter)[0]
                raw.execute(RAW_SQL, (key, key + TOP)).fetchall()
            service, anchor, index, hits, slowest, unplanned = [], [], [], [], ("", 0.0), set()
            for q in queries:
                ms, found = time_ms(lambda: residents.search(ledger, q, LIMIT))
                service.append(ms)
                hits.append(len(found))  # type: ignore[arg-type]
                if ms > slowest[1]:
                    slowest = (q, ms)
                key, planned = anchor_key(q, kind.anchor_letter)
                if not planned:
                    unplanned.add(q)
                raw_ms, _ = time_ms(lambda: raw.execute(RAW_SQL, (key, key + TOP)).fetchall())
                anchor.append(raw_ms)
                idx_ms, _ = time_ms(lambda: search_index.lookup(conn, search_index.plan(q), LIMIT))
                index.append(idx_ms)
            service.sort()
            anchor.sort()
            index.sort()
            row = {
                "size": size, "kind": kind.name, "n": len(queries), "hits": statistics.mean(hits),
                "zero": sum(1 for h in hits if h == 0),
                "p50": _common.percentile(service, 50), "p95": _common.percentile(service, 95), "max": service[-1],
                "raw_p50": _common.percentile(anchor, 50), "raw_p95": _common.percentile(anchor, 95),
                "idx_p95": _common.percentile(index, 95),
                "slowest": slowest[0], "_times": service, "_raw_times": anchor, "_idx_times": index,
            }
            row["ratio"] = row["p95"] / row["raw_p95"] if row["raw_p95"] > 0 else float("nan")
            results.append(row)
            print(f"[{size:,}]   {kind.name:<16} p50 {row['p50']:7.3f} ms  p95 {row['p95']:7.3f} ms  "
                  f"max {row['max']:7.3f} ms  (slowest {slowest[0]!r})", flush=True)
            if unplanned:
                print(f"[{size:,}]     note: {len(unplanned)} distinct {kind.name} queries get no "
                      f"{kind.anchor_letter!r} probe from search_index.plan(): {sorted(unplanned)[:12]}", flush=True)
        every = sorted(t for r in results for t in r.pop("_times"))
        every_raw = sorted(t for r in results for t in r.pop("_raw_times"))
        every_idx = sorted(t for r in results for t in r.pop("_idx_times"))
        total = {"size": size, "kind": "ALL KINDS", "n": len(every),
                 "hits": statistics.mean(r["hits"] for r in results), "zero": sum(r["zero"] for r in results),
                 "p50": _common.percentile(every, 50), "p95": _common.percentile(every, 95), "max": every[-1],
                 "raw_p50": _common.percentile(every_raw, 50), "raw_p95": _common.percentile(every_raw, 95),
                 "idx_p95": _common.percentile(every_idx, 95), "slowest": max(results, key=lambda r: r["max"])["slowest"]}
        total["ratio"] = total["p95"] / total["raw_p95"] if total["raw_p95"] > 0 else float("nan")
        return [*results, total]
    finally:
        raw.close()
        ledger.close()


def budget_mark(size: int, p95: float) -> str:
    budget = BUDGETS_MS.get(size)
    if budget is None:
        return "-"
    return f"{'PASS' if p95 <= budget else 'OVER'} (≤{budget:g})"


def print_table(results: list[dict]) -> None:
    head = (f"{'size':>9}  {'kind':<16} {'n':>4} {'hits':>5} {'zero':>4}  {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}  "
            f"{'raw p50':>7} {'raw p95':>7}  {'ratio p95':>9}  {'idx p95':>7}  budget p95")
    print()
    print(head)
    print("-" * len(head))
    last = None
    for r in results:
        if last is not None and r["size"] != last:
            print()
        last = r["size"]
        print(f"{r['size']:>9,}  {r['kind']:<16} {r['n']:>4} {r['hits']:>5.1f} {r['zero']:>4}  "
              f"{r['p50']:>7.3f} {r['p95']:>7.3f} {r['max']:>7.3f}  {r['raw_p50']:>7.3f} {r['raw_p95']:>7.3f}  "
              f"{r['ratio']:>8.1f}x  {r['idx_p95']:>7.3f}  {budget_mark(r['size'], r['p95'])}")
    print()
    print("ratio p95 = service p95 / raw-SQL p95 (anchor: one prefix range scan, LIMIT 50, plain sqlite3).")
    print("idx p95 = search_index.lookup(plan(q)) alone (all probes, no row fetch): the rest of the service time is")
    print("          rows_by_rid (the 50 result rows joined with households and grids, masked, ResidentRow built).")
    print("hits = mean rows returned (limit 50); zero = queries that found nobody.")
    for size in sorted({r["size"] for r in results}):
        worst = max((r for r in results if r["size"] == size), key=lambda r: r["p95"])
        print(f"{size:>9,}: worst kind p95 {worst['p95']:.3f} ms ({worst['kind']}) → {budget_mark(size, worst['p95'])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated resident counts (10k, 1m ok)")
    parser.add_argument("--out", type=Path, default=_common.DEFAULT_OUT, help="where demo databases are cached")
    parser.add_argument("--seed", type=int, default=1, help="demo.populate seed (part of the cache file name)")
    parser.add_argument("--queries", type=int, default=200, help="queries per kind")
    parser.add_argument("--query-seed", default="20261123", help="seed for sampling queries")
    args = parser.parse_args(argv)
    sizes = _common.parse_sizes(args.sizes)
    print(f"search_latency: sizes {sizes}, {args.queries} queries/kind, limit {LIMIT}, "
          f"python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}", flush=True)
    results: list[dict] = []
    for size in sizes:
        results.extend(run_size(size, args))
    print_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
