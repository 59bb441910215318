"""Write throughput of resident registration, against raw SQLite, plus the cost of the sync outbox triggers.

1. ``residents.register_many`` — N synthetic residents (valid GB 11643 IDs, phones, names drawn like demo.py) in
   batches of 1000, one transaction per batch, on a fresh ledger (synchronous=FULL, WAL: the app's pragmas).
   Anchor: the very same rows (read back from the ledger) inserted with one ``executemany`` per 1000-row
   transaction into a plain table with the same columns, no indexes beyond the rowid, no triggers, same pragmas.
   A second, instrumented pass splits the service time into validation, ID sealing, insert (+ triggers),
   search-index refresh and the rest (transaction, COMMIT, Python glue).
2. Outbox overhead — the same rows by raw ``executemany`` into the real ``residents`` table of two scratch copies
   of one freshly migrated database (``Store(path)``): with the change-capture triggers, and with every
   ``*_capture_*`` trigger dropped. The search-queue trigger stays in both.
3. Single-row ``residents.register`` — 500 residents, one transaction each (synchronous=FULL), on the ledger
   from step 1. Anchor: 500 single-row autocommit INSERTs into the plain table, same pragmas.

4. Optional ``--into-demo SIZE``: the same batched registration into a copy of the cached demo database of SIZE
   residents (from search_latency.py), with the app's 2 MB page cache and with a 64 MB one.

    .venv/bin/python bench/write_throughput.py [--sizes 20000] [--batch 1000] [--single 500] [--out DIR]
                                               [--into-demo 100000]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import _common

from zhzx_desktop.domain.citizen_id import check_digit
from zhzx_desktop.services import demo, residents
from zhzx_desktop.services.residents import ResidentInput
from zhzx_desktop.storage import db as db_module
from zhzx_desktop.storage import rows as rows_module
from zhzx_desktop.storage import search_index
from zhzx_desktop.storage.db import Store


class _OtherCounty(demo._People):
    """demo's generator with another county code, so its IDs cannot clash with a demo database's."""

    def id_number(self, born, sex):  # type: ignore[no-untyped-def]
        while True:
            seq = self.rng.randrange(0, 1000)
            if (seq % 2 == 1) != (sex == "1"):
                seq = (seq + 1) % 1000
            body = f"430224{born:%Y%m%d}{seq:03d}"  # 茶陵县, next to the demo's 攸县 (430223)
            number = body + check_digit(body)
            if number not in self.ids:
                self.ids.add(number)
                return number


def make_inputs(count: int, seed: int, *, other_county: bool = False) -> list[ResidentInput]:
    """Residents drawn like demo.py's (its name, birth date, ID and phone generators), without households."""
    rng = random.Random(seed)
    people = (_OtherCounty if other_county else demo._People)(rng, _common.TODAY)
    out = []
    for _ in range(count):
        sex = rng.choice("12")
        born = people.birth(0, 90)
        age = (_common.TODAY - born).days // 365
        out.append(ResidentInput(
            name=people.surname() + people.given(), id_number=people.id_number(born, sex),
            ethnicity="01" if rng.random() < 0.95 else rng.choice(("04", "06", "13", "15")),
            phone=people.phone() if 16 <= age <= 80 and rng.random() < 0.85 else "",
            address=f"枫桥村{rng.randint(1, 12)}组{rng.randint(1, 80)}号",
            residence_type="01" if rng.random() < 0.9 else "02",
            occupation=rng.choice(("务农", "务工", "个体经营", "教师", "学生", "退休", "")) if age >= 6 else ""))
    return out


def batches(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def connect(path: Path) -> sqlite3.Connection:
    """A plain connection with the app's pragmas (storage/db.py)."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:>10,.0f} rows/s  ({seconds * 1000:,.0f} ms for {count:,})"


@contextmanager
def instrumented(ledger: Any) -> Iterator[dict[str, float]]:
    """Wrap the steps of register_many with timers (monkeypatched in this process only)."""
    spent: dict[str, float] = defaultdict(float)
    originals: list[tuple[Any, str, Any]] = []

    def wrap(owner: Any, attr: str, label: str) -> None:
        original = getattr(owner, attr)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[label] += time.perf_counter() - start
        originals.append((owner, attr, original))
        setattr(owner, attr, timed)

    wrap(ledger.cipher, "seal_id", "seal ID (AES-GCM + HMAC)")
    wrap(residents, "_validate", "validate (incl. seal, dup check)")
    wrap(rows_module, "insert", "INSERT (+ capture/search triggers)")
    wrap(search_index, "refresh", "search index refresh (pinyin keys)")
    try:
        yield spent
    finally:
        for owner, attr, original in reversed(originals):
            if owner is ledger.cipher:
                delattr(owner, attr)
            else:
                setattr(owner, attr, original)


def service_batches(path: Path, inputs: list[ResidentInput], batch: int) -> tuple[float, Any]:
    ledger = _common.open_bench_ledger(path)
    start = time.perf_counter()
    for chunk in batches(inputs, batch):
        residents.register_many(ledger, chunk)
    return time.perf_counter() - start, ledger


def read_back(ledger: Any) -> tuple[list[str], list[tuple[Any, ...]]]:
    cols = [r[1] for r in ledger.store.conn.execute("PRAGMA table_info(residents)") if r[1] != "rid"]
    data = ledger.store.conn.execute(f"SELECT {', '.join(cols)} FROM residents ORDER BY rid").fetchall()
    return cols, data


def plain_table(conn: sqlite3.Connection, source: sqlite3.Connection) -> None:
    """``plain_residents``: the residents columns (same names and types), nothing else."""
    defs = ", ".join(f"{r[1]} {r[2]}" + (" PRIMARY KEY" if r[1] == "rid" else "")
                     for r in source.execute("PRAGMA table_info(residents)"))
    conn.execute(f"CREATE TABLE plain_residents ({defs})")


def raw_batches(conn: sqlite3.Connection, table: str, cols: list[str], data: list[tuple[Any, ...]], batch: int,
                before_each: Callable[[sqlite3.Connection], None] | None = None) -> float:
    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    start = time.perf_counter()
    for chunk in batches(data, batch):
        conn.execute("BEGIN IMMEDIATE")
        if before_each is not None:
            before_each(conn)
        conn.executemany(sql, chunk)
        conn.execute("COMMIT")
    return time.perf_counter() - start


def set_tx(conn: sqlite3.Connection) -> None:
    """What Store.write() does at the start of every transaction (the triggers read it)."""
    conn.execute("UPDATE sync_state SET v = lower(hex(randomblob(16))) WHERE k = 'current_tx'")


def run(n: int, args: argparse.Namespace, work: Path) -> None:
    print(f"\n=== N = {n:,} residents, batches of {args.batch:,}, single-row {args.single:,} "
          f"(files in {work}) ===", flush=True)
    inputs = make_inputs(n + args.single, seed=args.seed)
    bulk, single = inputs[:n], inputs[n:]

    # 1. Service, batched.
    svc_s, ledger = service_batches(work / "service.db", bulk, args.batch)
    cols, data = read_back(ledger)
    assert len(data) == n, (len(data), n)
    outbox = ledger.store.conn.execute(
        "SELECT count(*), avg(length(data)) FROM sync_outbox WHERE table_name = 'residents'").fetchone()

    # 1b. Anchor: the same rows into a plain table.
    plain = connect(work / "plain.db")
    plain_table(plain, ledger.store.conn)
    raw_s = raw_batches(plain, "plain_residents", cols, data, args.batch)

    # 1c. Breakdown (second pass on a fresh ledger, instrumented).
    fresh = _common.open_bench_ledger(work / "service_profiled.db")
    with instrumented(fresh) as spent:
        start = time.perf_counter()
        for chunk in batches(bulk, args.batch):
            residents.register_many(fresh, chunk)
        prof_s = time.perf_counter() - start
    fresh.close()

    # 2. Outbox overhead on two copies of one freshly migrated database.
    Store(work / "migrated.db").close()
    with_path, without_path = work / "with_capture.db", work / "without_capture.db"
    shutil.copyfile(work / "migrated.db", with_path)
    shutil.copyfile(work / "migrated.db", without_path)
    with_conn, without_conn = connect(with_path), connect(without_path)
    dropped = [r[0] for r in without_conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%\\_capture\\_%' ESCAPE '\\'")]
    for name in dropped:
        without_conn.execute(f'DROP TRIGGER "{name}"')
    res_triggers = [r[0] for r in with_conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'residents' ORDER BY name")]
    # Interleave to even out disk noise: without, with, without, with; keep the best of each.
    with_s, without_s = [], []
    for rnd in range(2):
        for conn, out in ((without_conn, without_s), (with_conn, with_s)):
            if rnd:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("DELETE FROM residents")
                conn.execute("DELETE FROM search_pending")
                conn.execute("DELETE FROM sync_outbox")
                conn.execute("COMMIT")
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            out.append(raw_batches(conn, "residents", cols, data, args.batch, before_each=set_tx))
    outbox_rows = with_conn.execute("SELECT count(*) FROM sync_outbox").fetchone()[0]
    with_conn.close()
    without_conn.close()
    best_with, best_without = min(with_s), min(without_s)

    # 3. Single-row register, one transaction each, and the raw autocommit anchor.
    times = []
    start = time.perf_counter()
    for item in single:
        t = time.perf_counter()
        residents.register(ledger, item)
        times.append(time.perf_counter() - t)
    one_s = time.perf_counter() - start
    times.sort()
    sql = f"INSERT INTO plain_residents ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    extra = read_back(ledger)[1][n:]
    start = time.perf_counter()
    for row in extra:
        plain.execute(sql, row)  # autocommit: one transaction (and WAL fsync) per row
    one_raw_s = time.perf_counter() - start
    plain.close()
    ledger.close()

    print("\n-- 1. batched registration (register_many, 1 transaction per batch) --")
    print(f"service  residents.register_many  {rate(n, svc_s)}")
    print(f"anchor   raw executemany (plain)  {rate(n, raw_s)}")
    print(f"ratio    service / anchor time    {raw_s and svc_s / raw_s:>10.1f}x slower than raw SQLite")
    print(f"outbox   {outbox[0]:,} residents changes queued, avg JSON {outbox[1] or 0:,.0f} bytes each")
    print(f"\n   where register_many's time goes (instrumented pass: {rate(n, prof_s).strip()}):")
    seal = spent.get("seal ID (AES-GCM + HMAC)", 0.0)
    parts = dict(spent)
    parts["validate (incl. seal, dup check)"] = parts.get("validate (incl. seal, dup check)", 0.0) - seal
    parts = {("validate (excl. seal)" if k.startswith("validate") else k): v for k, v in parts.items()}
    parts["other (BEGIN/COMMIT, ids, glue)"] = prof_s - sum(parts.values())
    for label, secs in sorted(parts.items(), key=lambda kv: -kv[1]):
        print(f"     {label:<38} {secs * 1000:>8,.0f} ms  {100 * secs / prof_s:5.1f}%  "
              f"{secs / n * 1e6:7.1f} µs/row")

    print("\n-- 2. outbox (change-capture) overhead: raw executemany into the real residents table --")
    print(f"   residents triggers with capture: {', '.join(res_triggers)}; dropped on the copy: {len(dropped)}")
    print(f"with capture triggers     {rate(n, best_with)}   [{outbox_rows:,} outbox rows]")
    print(f"without capture triggers  {rate(n, best_without)}")
    print(f"overhead                  {100 * (best_with - best_without) / best_without:+.1f}% time "
          f"({(best_with - best_without) / n * 1e6:.1f} µs/row); throughput "
          f"{100 * (1 - best_without / best_with):.1f}% lower (best of 2 runs each: "
          f"with {', '.join(f'{s * 1000:.0f}' for s in with_s)} ms, "
          f"without {', '.join(f'{s * 1000:.0f}' for s in without_s)} ms)")
    print(f"vs plain table            real table w/o capture is {best_without / raw_s:.2f}x the plain anchor's "
          f"time (indexes + search-queue trigger + constraints)")

    print(f"\n-- 3. single-row register, one transaction each (synchronous=FULL), {len(single)} rows "
          f"on top of {n:,} --")
    print(f"service  residents.register   {rate(len(single), one_s)}   "
          f"p50 {_common.percentile(times, 50) * 1000:.2f} ms  p95 {_common.percentile(times, 95) * 1000:.2f} ms  "
          f"max {times[-1] * 1000:.2f} ms")
    print(f"anchor   raw autocommit INSERT {rate(len(extra), one_raw_s)}")
    print(f"ratio    {one_s / one_raw_s:.1f}x slower than raw SQLite")


def into_demo(size: int, n: int, args: argparse.Namespace, work: Path) -> None:
    """Register ``n`` residents in batches into a copy of the cached demo database of ``size`` residents, with the
    app's page cache and with a 64 MB one."""
    out_dir = args.out or _common.DEFAULT_OUT
    source = out_dir / f"demo_r{size}_s1.db"
    keys = source.with_suffix(".keys.json")
    if not (source.exists() and keys.exists()):
        print(f"\n-- 4. into-demo: no cached {source.name} in {out_dir}; build it with "
              f"`bench/search_latency.py --sizes {size}` first (skipped) --")
        return
    _common.demo_db(out_dir, size, 1, log=lambda *_: None)  # loads its key into the in-memory keyring
    inputs = make_inputs(n, seed=args.seed, other_county=True)  # IDs from another county: no clash with the demo
    print(f"\n-- 4. register_many of {n:,} into a copy of the {size:,}-resident demo database "
          f"({_common.human_bytes(_common.db_bytes(source))}), batches of {args.batch:,} --")
    for label, cache in (("app pragmas (cache_size -2000 = 2 MB)", None), ("cache_size -65536 (64 MB)", -65536)):
        copy = work / f"into_demo_{size}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(copy) + suffix).unlink(missing_ok=True)
        shutil.copyfile(source, copy)
        ledger = _common.open_bench_ledger(copy)
        if cache is not None:
            ledger.store.conn.execute(f"PRAGMA cache_size={cache}")
        per_batch = []
        start = time.perf_counter()
        for chunk in batches(inputs, args.batch):
            t = time.perf_counter()
            residents.register_many(ledger, chunk)
            per_batch.append(time.perf_counter() - t)
        secs = time.perf_counter() - start
        ledger.close()
        print(f"{label:<40} {rate(n, secs)}   per batch p50 {_common.percentile(sorted(per_batch), 50) * 1000:,.0f} ms"
              f", max {max(per_batch) * 1000:,.0f} ms")
    # Why it slows down: every resident dirties pages all over the random-keyed B-trees (search_keys, the outbox's
    # change_id, residents' UUID / id_hmac / name indexes); COMMIT writes them all to the WAL and the automatic
    # checkpoint writes them again. Count them for one batch with the automatic checkpoint off.
    ledger = _common.open_bench_ledger(copy)
    conn = ledger.store.conn
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    extra = make_inputs(args.batch, seed=args.seed + 1, other_county=True)
    extra = [item for item in extra if item.id_number not in {i.id_number for i in inputs}]
    start = time.perf_counter()
    residents.register_many(ledger, extra)
    commit_s = time.perf_counter() - start
    wal = Path(str(copy) + "-wal").stat().st_size
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    frames = max(0, (wal - 32) // (page + 24))
    start = time.perf_counter()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    checkpoint_s = time.perf_counter() - start
    ledger.close()
    print(f"{'one more batch, autocheckpoint off':<40} {len(extra):,} rows in {commit_s * 1000:,.0f} ms: "
          f"{frames:,} WAL pages = {frames / max(len(extra), 1):.1f} pages/resident "
          f"({_common.human_bytes(wal)}); its checkpoint {checkpoint_s * 1000:,.0f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="20000", help="residents per run, comma-separated (default 20000)")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--single", type=int, default=500, help="single-row registrations")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--into-demo", default="", help="also register N residents into a copy of the cached demo "
                                                         "database(s) of these sizes (e.g. 100000)")
    parser.add_argument("--out", type=Path, default=None,
                        help="directory for the scratch databases (default: a temp dir, removed afterwards); "
                             "its write_* subfolder is wiped at the start")
    args = parser.parse_args(argv)
    print(f"write_throughput: python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}, "
          f"Store pragmas: WAL, synchronous=FULL (BUSY_TIMEOUT_MS={db_module.BUSY_TIMEOUT_MS})", flush=True)
    for n in _common.parse_sizes(args.sizes):
        if args.out is None:
            with tempfile.TemporaryDirectory(prefix="zhzx-bench-") as tmp:
                run(n, args, Path(tmp))
        else:
            work = args.out / f"write_{n}"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            run(n, args, work)
        for size in _common.parse_sizes(args.into_demo):
            with tempfile.TemporaryDirectory(prefix="zhzx-bench-", dir=args.out) as tmp:
                into_demo(size, n, args, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
