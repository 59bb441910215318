"""Sync with the county (SYNC.md §6, §9): push throughput, wire bytes per change, first sync of a 10k village, slow
links. Budgets: ≥ 5,000 changes/s on loopback, ≤ 150 B/change on the wire, first sync of 10k residents ≤ 5 s.

The real county server (``zhzx-county-server serve``: ``sync.server.app`` under uvicorn on 127.0.0.1, in its own
process as at a county) and the real village engine (``sync.client.run_sync``) on temporary SQLite files.

1. **Push throughput** at a fixed batch size of 10 / 100 / 1000 changes (``sync.client.START_BATCH`` and
   ``MAX_BATCH`` set to the size; AIMD then keeps it there): a fresh village PC with ``--changes`` residents
   registered one per transaction, as a clerk does (a bulk transaction would stretch every batch to its end: the
   engine never splits a tx_id), pushes to a fresh county. The push phase runs from the engine's first push progress
   report to its last (after the last ack); ``cycle`` is the whole ``run_sync`` (push + echo pull + verify);
   ``ms/req`` is push time per request and ``PC ms/req`` the part spent in the engine's own short transactions
   (``outbox.freeze`` + ``outbox.record_ack``, fsync'd). Each size runs twice: once straight to the server (the
   timings) and once through ``tests.sync.proxy.FaultProxy`` (its byte counters: request bytes of the push phase).
   **Anchor:** the same rows as plain ``json`` + ``gzip -6`` in chunks of the batch size (what §6a calls
   "gzip-6"): wire bytes per change ÷ that = the cost of the envelope (change_id, tx_id, seq, hlc, …) and of HTTP.
   For the largest batch, the gzip body is re-encoded without one envelope field at a time (what each costs).
2. **First sync of a 10k-resident village**: the cached demo database of ``--first`` residents
   (``services.demo.populate``, as ``zhzx-desktop demo --residents N``; cached in ``bench/out``) copied, enrolled and
   synced with the engine's own AIMD batching (budget ≤ 5 s); then a fresh second PC of the same village pulls it.
3. **Slow links** through ``FaultProxy.throttle``: 64 kbit/s with 800 ms RTT (2G/EDGE) and 384 kbit/s with 300 ms
   RTT (3G); the proxy's latency is per message, so it is given half the RTT. A 10k push takes many minutes on
   2G, so two smaller pushes are measured and 10k extrapolated from the straight line through them (said so in
   the table).

    .venv/bin/python bench/sync.py [--changes 5000] [--first 10000] [--slow 150,450] [--no-slow] [--out DIR]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import _common

from sync import client as sync_client
from sync import protocol
from sync.server.storage import ServerStore
from tests.helpers import make_id
from tests.sync.harness import VILLAGE_CODE, VILLAGE_NAME, add_village, new_enrollment_code
from tests.sync.proxy import FaultProxy
from zhzx_desktop.services import residents

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英建国海燕志强玉兰红梅春华德胜"


@dataclass
class Run:
    """What one ``run_sync`` did, with its phase times and (through a proxy) its bytes."""

    changes: int
    total_s: float
    push_s: float
    pull_s: float
    bytes_up: int = 0
    bytes_down: int = 0
    push_bytes_up: int = 0
    requests: int = 0
    batches: int = 0
    result: Any = None
    phases: dict[str, float] = field(default_factory=dict)


def resident_inputs(n: int, seed: int = 7) -> list[residents.ResidentInput]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        born = f"19{50 + i % 50:02d}{1 + i // 50 % 12:02d}{1 + i // 600 % 28:02d}"
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        out.append(residents.ResidentInput(
            name=name, id_number=make_id(area="430223", born=born, seq=i % 997 + 1),
            phone=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}", address=f"东华村{rng.randrange(1, 12)}组",
            occupation=rng.choice(("务农", "个体", "教师", "外出务工", ""))))
    return out


_TEMPLATES: dict[int, Path] = {}


def _template(work: Path, n: int) -> Path:
    """A database with ``n`` residents registered one per transaction, as a clerk does (so a batch is never
    stretched to the end of a bulk transaction: the engine never splits a tx_id), built once per size."""
    if n not in _TEMPLATES:
        from tests.sync.harness import VillageClient

        home = work / f"template-{n}"
        home.mkdir(parents=True)
        pc = VillageClient(home, "template")
        pc.ledger.store.conn.execute("PRAGMA synchronous=OFF")  # setup only: 1 fsync per resident would take long
        for item in resident_inputs(n):
            residents.register(pc.ledger, item)
        pc.ledger.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pc.close()
        _TEMPLATES[n] = pc.path
    return _TEMPLATES[n]


def _copy_db(src: Path, dst: Path) -> None:
    a, b = sqlite3.connect(str(src)), sqlite3.connect(str(dst))
    try:
        a.backup(b)  # a consistent copy; the data key (same db_id) is already in the in-memory keyring
    finally:
        a.close()
        b.close()


def village_pc(home: Path, name: str, n: int, work: Path) -> Any:
    """A fresh village PC with ``n`` newly registered residents (not yet synced)."""
    from tests.sync.harness import VillageClient

    _copy_db(_template(work, n), home / f"{name}.db")
    return VillageClient(home, name)


def raw_gzip_bytes(pc: Any, batch: int) -> tuple[int, int]:
    """(plain JSON bytes, gzip-6 bytes) of the outbox's insert rows, in chunks of ``batch`` rows."""
    rows = [json.loads(r[0]) for r in pc.sql("SELECT data FROM sync_outbox WHERE op = 'insert' ORDER BY seq")]
    plain = packed = 0
    for start in range(0, len(rows), batch):
        raw = json.dumps(rows[start:start + batch], ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        plain += len(raw)
        packed += len(gzip.compress(raw, compresslevel=6))
    return plain, packed


def envelope_costs(pc: Any, batch: int) -> dict[str, float]:
    """Gzip bytes per change of the push body as sent, and without one envelope field at a time (what it costs)."""
    from sync import outbox

    rows = pc.sql("SELECT seq, change_id, tx_id, table_name, row_id, op, data, base_version, client_time, hlc "
                  "FROM sync_outbox ORDER BY seq")
    changes = [c for start in range(0, len(rows), batch) for c in outbox._wire(rows[start:start + batch])]

    def per_change(items: list[dict[str, Any]]) -> float:
        total = 0
        for start in range(0, len(items), batch):
            part = items[start:start + batch]
            body = {"protocol": 1, "schema_version": protocol.SCHEMA_VERSION, "device_id": "d" * 36,
                    "device_epoch": "e" * 32, "batch_id": "b" * 32, "first_seq": 1, "last_seq": len(part),
                    "payload_sha256": "0" * 64, "changes": part}
            total += len(protocol.encode(body))
        return total / len(items)

    out = {"as sent": per_change(changes)}
    for key in ("tx_id", "change_id", "hlc", "client_time"):
        out[f"without {key}"] = per_change([{k: v for k, v in c.items() if k != key} for c in changes])
    out["without id_cipher (data)"] = per_change(
        [{**c, "data": {k: v for k, v in c["data"].items() if k != "id_cipher"}} for c in changes])
    return out


def timed_sync(pc: Any, *, proxy: FaultProxy | None = None) -> Run:
    """One ``run_sync`` with phase marks from its progress reports (and the proxy's byte counters at each): the push
    phase runs from its first report (before the first batch) to its last (after the last batch's ack)."""
    first: dict[str, tuple[float, int]] = {}
    last: dict[str, tuple[float, int]] = {}

    def progress(p: Any) -> None:
        mark = (time.perf_counter(), proxy.bytes_up if proxy is not None else 0)
        first.setdefault(p.phase, mark)
        last[p.phase] = mark

    started = time.perf_counter()
    result = sync_client.run_sync(pc.path, progress=progress, sleep=lambda s: None)
    ended = time.perf_counter()
    if result.error:
        raise SystemExit(f"sync failed: {result.error}")
    push0, push1 = first.get("push", (started, 0)), last.get("push", (started, 0))
    verify0 = first.get("verify", (ended, 0))
    run = Run(changes=result.pushed, total_s=ended - started, push_s=push1[0] - push0[0],
              pull_s=verify0[0] - push1[0], batches=result.batches, result=result,
              phases={k: v[0] - started for k, v in first.items()})
    if proxy is not None:
        run.bytes_up, run.bytes_down, run.requests = proxy.bytes_up, proxy.bytes_down, proxy.requests
        run.push_bytes_up = push1[1] - push0[1]
    return run


@dataclass
class _Spent:
    seconds: dict[str, float]
    undo: Callable[[], None]


def _time_client_steps() -> _Spent:
    """Time the engine's own short transactions (freeze a batch, record an ack): what a request costs the PC."""
    from sync import outbox

    seconds = {"freeze": 0.0, "record_ack": 0.0}
    saved = {name: getattr(outbox, name) for name in seconds}

    def wrap(name: str) -> Callable[..., Any]:
        real = saved[name]

        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return real(*args, **kwargs)
            finally:
                seconds[name] += time.perf_counter() - t0

        return timed

    for name in seconds:
        setattr(outbox, name, wrap(name))

    def undo() -> None:
        for name, real in saved.items():
            setattr(outbox, name, real)

    return _Spent(seconds, undo)


class _Served:
    """``zhzx-county-server serve`` in its own process, as at a county: it does not share this process's GIL."""

    def __init__(self, db: Path) -> None:
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.host, self.port = "127.0.0.1", probe.getsockname()[1]
        probe.close()
        self.url = f"http://{self.host}:{self.port}"
        self.proc = subprocess.Popen([sys.executable, "-c", "from sync.server.cli import main; main()", "--db",
                                      str(db), "serve", "--host", self.host, "--port", str(self.port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection((self.host, self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the county server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


class County:
    """A fresh county server (own file, own process) with 东华村."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.store = ServerStore(home / "county.db")
        add_village(self.store, VILLAGE_CODE, VILLAGE_NAME)
        self.server = _Served(home / "county.db")

    def code(self) -> str:
        return new_enrollment_code(self.store, VILLAGE_CODE)

    def stop(self) -> None:
        self.server.stop()
        self.store.close()


def fixed_batch(size: int) -> Callable[[], None]:
    """Pin the engine's batch size (START_BATCH = MAX_BATCH = size); returns the undo."""
    saved = sync_client.START_BATCH, sync_client.MAX_BATCH
    sync_client.START_BATCH = size  # type: ignore[misc]
    sync_client.MAX_BATCH = size  # type: ignore[misc]

    def undo() -> None:
        sync_client.START_BATCH, sync_client.MAX_BATCH = saved  # type: ignore[misc]

    return undo


def push_run(work: Path, n: int, batch: int, *, via_proxy: bool, throttle: tuple[float, float] | None = None
             ) -> tuple[Run, Any]:
    home = Path(tempfile.mkdtemp(dir=work))
    county = County(home)
    proxy = FaultProxy(county.server.host, county.server.port).start() if via_proxy else None
    try:
        pc = village_pc(home, "东华一号机", n, work)
        pc.enroll(proxy.url if proxy else county.server.url, county.code())
        if proxy is not None:
            proxy.bytes_up = proxy.bytes_down = proxy.requests = 0
            if throttle is not None:
                proxy.throttle(*throttle)
        undo = fixed_batch(batch) if batch else (lambda: None)
        spent = _time_client_steps()
        try:
            run = timed_sync(pc, proxy=proxy)
        finally:
            undo()
            spent.undo()
        run.phases.update({f"client {k}": v for k, v in spent.seconds.items()})
        return run, pc
    finally:
        if proxy is not None:
            proxy.stop()
        county.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--changes", type=int, default=5000, help="changes pushed per batch-size run")
    parser.add_argument("--batches", default="10,100,1000")
    parser.add_argument("--first", type=int, default=10_000, help="residents of the first-sync village")
    parser.add_argument("--slow", default="150,450", help="two push sizes measured on each slow link")
    parser.add_argument("--no-slow", action="store_true")
    parser.add_argument("--out", type=Path, default=_common.DEFAULT_OUT)
    args = parser.parse_args()

    _common.install_memory_keyring()
    work = Path(tempfile.mkdtemp(prefix="zhzx-bench-sync-"))
    os.environ["ZHZX_STATE_DIR"] = str(work / "sync-state")
    os.environ.pop("ZHZX_SYNC_CRASH_AT", None)
    import logging

    logging.disable(logging.WARNING)
    try:
        return _bench(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _bench(args: argparse.Namespace, work: Path) -> int:
    n = args.changes
    print(f"push throughput: {n:,} new residents (one insert change each), loopback, fixed batch size")
    print(f"{'batch':>6} {'changes/s':>10} {'push s':>7} {'cycle s':>8} {'reqs':>5} {'ms/req':>7} {'PC ms/req':>9} "
          f"{'wire B/chg':>10} {'json B/chg':>10} {'json+gz B/chg':>13} {'wire÷json+gz':>12}  budgets ≥5,000/s ≤150 B")
    for batch in _common.parse_sizes(args.batches):
        timed, _ = push_run(work, n, batch, via_proxy=False)
        counted, pc = push_run(work, n, batch, via_proxy=True)
        plain, packed = raw_gzip_bytes(pc, batch)
        rate = timed.changes / timed.push_s if timed.push_s else float("nan")
        wire = counted.push_bytes_up / counted.changes
        ok = "PASS" if rate >= 5000 and wire <= 150 else "OVER"
        per_req = timed.push_s / max(timed.batches, 1) * 1000
        pc_ms = (timed.phases["client freeze"] + timed.phases["client record_ack"]) / max(timed.batches, 1) * 1000
        print(f"{batch:>6} {rate:>10,.0f} {timed.push_s:>7.2f} {timed.total_s:>8.2f} {counted.batches:>5} "
              f"{per_req:>7.1f} {pc_ms:>9.1f} {wire:>10.1f} {plain / counted.changes:>10.1f} {packed / counted.changes:>13.1f} "
              f"{wire / (packed / counted.changes):>12.2f}  {ok}")

        if batch == max(_common.parse_sizes(args.batches)):
            costs = envelope_costs(pc, batch)
            sent = costs.pop("as sent")
            print(f"{'':>6} gzip body {sent:.1f} B/change (HTTP head and token: {wire - sent:.1f}); what each field "
                  "costs: " + ", ".join(f"{k[8:]} {sent - v:.1f}" for k, v in costs.items()))
        pc.close()

    first_sync(args, work)
    if not args.no_slow:
        slow_links(args, work)
    return 0


def first_sync(args: argparse.Namespace, work: Path) -> None:
    size = args.first
    cached = _common.demo_db(args.out, size, 1, log=lambda s: print("  " + s))
    home = Path(tempfile.mkdtemp(dir=work))
    county = County(home)
    try:
        from tests.sync.harness import VillageClient

        _copy_db(cached, home / "东华一号机.db")  # the cache stays untouched
        pc = VillageClient(home, "东华一号机")  # opens the copy (the data key is in the in-memory keyring)
        pending = pc.sql("SELECT count(*) FROM sync_outbox WHERE state = 'pending'")[0][0]
        enroll_started = time.perf_counter()
        pc.enroll(county.server.url, county.code())
        enroll_s = time.perf_counter() - enroll_started
        run = timed_sync(pc)
        second = VillageClient(home, "东华二号机", block=1)
        second.enroll(county.server.url, county.code())
        pull = timed_sync(second)
        held = sum(len(second.rows(t)) for t in protocol.tables())
        print()
        print(f"first sync of a {size:,}-resident village (demo database, {pending:,} pending changes of "
              f"{len(protocol.tables())} tables; engine's own AIMD batches 100→1000):")
        print(f"  enroll {enroll_s * 1000:,.0f} ms; push {run.push_s:.2f} s ({run.changes / run.push_s:,.0f} "
              f"changes/s, {run.batches} batches); whole cycle incl. echo pull and verify {run.total_s:.2f} s   "
              f"budget 5 s: {'PASS' if run.total_s <= 5 else 'OVER'}")
        print(f"  a fresh second PC pulls it: {pull.total_s:.2f} s for {pull.result.pulled:,} rows "
              f"({pull.result.pulled / max(pull.total_s, 1e-9):,.0f} rows/s); it now holds {held:,} rows")
        pc.close()
        second.close()
    finally:
        county.stop()


def slow_links(args: argparse.Namespace, work: Path) -> None:
    sizes = _common.parse_sizes(args.slow)
    assert len(sizes) == 2, "--slow takes two sizes"
    print()
    print("slow links (FaultProxy.throttle; latency per message = RTT/2), engine's own AIMD batching; 10k residents "
          "extrapolated from the line through the two measured pushes:")
    print(f"{'link':>22} {'N':>6} {'cycle s':>8} {'push s':>7} {'reqs':>5} {'up KB':>7} {'down KB':>8}")
    for label, kbit, rtt_ms in (("64 kbit/s, 800 ms RTT", 64, 800), ("384 kbit/s, 300 ms RTT", 384, 300)):
        runs = []
        for n in sizes:
            run, pc = push_run(work, n, 0, via_proxy=True, throttle=(kbit, rtt_ms / 2))
            pc.close()
            runs.append((n, run))
            print(f"{label:>22} {n:>6,} {run.total_s:>8.1f} {run.push_s:>7.1f} {run.requests:>5} "
                  f"{run.bytes_up / 1024:>7.1f} {run.bytes_down / 1024:>8.1f}")
        (n1, r1), (n2, r2) = runs
        for what, t1, t2 in (("cycle", r1.total_s, r2.total_s), ("push", r1.push_s, r2.push_s)):
            slope = (t2 - t1) / (n2 - n1)
            print(f"{label:>22} {'10,000':>6} {what} ≈ {t1 + slope * (10_000 - n1):,.0f} s "
                  f"({(t1 + slope * (10_000 - n1)) / 60:.1f} min) extrapolated")


if __name__ == "__main__":
    raise SystemExit(main())
