"""Shared helpers for the bench scripts: an in-memory keyring, cached demo databases, percentiles, formatting.

Nothing here touches the real keyring: ``install_memory_keyring()`` replaces the backend for the whole process
(``tests/memory_keyring.py``, the one the tests use). A cached demo database needs its data key again on
the next run, so the key is kept in a sidecar JSON file next to the database (synthetic data only; ``bench/out/``
is gitignored) and loaded into the in-memory keyring before the database is reopened.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
if str(REPO_DIR) not in sys.path:  # run as `python bench/x.py` without installing the package
    sys.path.insert(0, str(REPO_DIR))

import keyring

from tests.memory_keyring import MemoryKeyring

# A fixed clock, as in tests/conftest.py: the same seed then gives the same demo data on every run.
TODAY = date(2026, 11, 23)
DEFAULT_OUT = BENCH_DIR / "out"


_KEYRING: MemoryKeyring | None = None


def install_memory_keyring() -> MemoryKeyring:
    global _KEYRING
    if _KEYRING is None:
        _KEYRING = MemoryKeyring()
        keyring.set_keyring(_KEYRING)
    return _KEYRING


def _save_keys(path: Path, ring: MemoryKeyring) -> None:
    path.write_text(json.dumps([[s, u, p] for (s, u), p in ring.entries.items()]), encoding="utf-8")


def _load_keys(path: Path, ring: MemoryKeyring) -> None:
    for service, user, password in json.loads(path.read_text(encoding="utf-8")):
        ring.entries[(service, user)] = password


def open_bench_ledger(path: Path):  # -> Ledger (imported lazily so sys.path is set first)
    from zhzx_desktop.services.ledger import open_ledger

    install_memory_keyring()
    return open_ledger(path, key_fallback_dir=path.parent / "keys-unused", today=lambda: TODAY)


def demo_db(out_dir: Path, size: int, seed: int, *, log=print) -> Path:
    """The path of a demo database of ``size`` residents (seed ``seed``), built with ``demo.populate`` unless a
    finished one is cached in ``out_dir``. A build writes ``*.partial`` first and renames when done, so an
    interrupted build is never reused."""
    from zhzx_desktop.services import demo

    ring = install_memory_keyring()
    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / f"demo_r{size}_s{seed}.db"
    keys = final.with_suffix(".keys.json")
    if final.exists() and keys.exists():
        _load_keys(keys, ring)
        log(f"[{size:,}] reusing cached {final}")
        return final
    partial = out_dir / f"demo_r{size}_s{seed}.db.partial"
    for stale in (partial, Path(str(partial) + "-wal"), Path(str(partial) + "-shm")):
        stale.unlink(missing_ok=True)
    log(f"[{size:,}] building {final.name} with demo.populate (seed {seed}) …")
    started = time.perf_counter()
    last = [started]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] >= 15 or done >= total:
            last[0] = now
            rate = done / (now - started)
            eta = (total - done) / rate if rate else float("nan")
            log(f"[{size:,}]   {done:>9,} / {total:,} residents  {rate:,.0f}/s  ETA {eta:,.0f} s")

    ledger = open_bench_ledger(partial)
    try:
        report = demo.populate(ledger, residents=size, seed=seed, progress=progress)
        ledger.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        ledger.close()
    elapsed = time.perf_counter() - started
    log(f"[{size:,}] built in {elapsed:,.1f} s ({size / elapsed:,.0f} residents/s): {report}")
    _save_keys(keys, ring)
    partial.replace(final)
    return final



def percentile(sorted_values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted sequence."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def parse_sizes(text: str) -> list[int]:
    out = []
    for part in text.split(","):
        part = part.strip().lower().replace("_", "")
        if not part:
            continue
        mult = 1
        if part.endswith("k"):
            mult, part = 1_000, part[:-1]
        elif part.endswith("m"):
            mult, part = 1_000_000, part[:-1]
        out.append(int(float(part) * mult))
    return out


def human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    return f"{n:.1f} GB"


def db_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, Path(str(path) + "-wal")) if p.exists())
