"""The resident table at 1M residents: the rid list, then a scroll from top to bottom (budget: no full load,
RSS ≤ 300 MB).

Opens the residents page on a demo database, shows it in a 1200×760 window, and scrolls the table's vertical bar
from top to bottom one screenful at a time, letting the view paint every step (so every row is fetched once). It
prints the time to build the rid list, the scroll time, the rows held in the page cache at the end, and the
process RSS before and after (VmRSS, and the peak VmHWM). The anchor is the same process's RSS with Qt and the
ledger loaded before the table exists.

    .venv/bin/python bench/table_scroll.py [--size 1000000] [--out DIR]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import _common


def rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=_common.DEFAULT_OUT)
    args = parser.parse_args()
    db = _common.demo_db(args.out, args.size, 1)

    from PySide6.QtWidgets import QApplication

    from zhzx_desktop.gui.context import GuiContext
    from zhzx_desktop.gui.operations import InlineRunner
    from zhzx_desktop.gui.pages.residents_page import ResidentsPage
    from zhzx_desktop.gui.settings import Settings

    app = QApplication([])
    ledger = _common.open_bench_ledger(db)
    ledger.store.conn.execute("SELECT count(*) FROM residents").fetchone()
    base = rss_mb()
    started = time.perf_counter()
    page = ResidentsPage(GuiContext(ledger, InlineRunner(ledger), Settings(Path(tempfile.mkdtemp()) / "s.ini")))
    page.resize(1200, 760)
    page.show()
    app.processEvents()
    opened = time.perf_counter() - started
    rows = page.model.rowCount()
    after_open = rss_mb()
    bar = page.table.verticalScrollBar()
    steps = 0
    started = time.perf_counter()
    while True:
        bar.setValue(bar.value() + bar.pageStep())
        page.table.viewport().repaint()
        steps += 1
        if bar.value() >= bar.maximum():
            break
    scrolled = time.perf_counter() - started
    last = page.model.index(rows - 1, 0).data()
    print(f"residents: {rows:,}   rid list + first page: {opened * 1000:.0f} ms")
    print(f"scrolled top to bottom in {steps:,} screenfuls: {scrolled:.1f} s ({scrolled / steps * 1000:.2f} ms/step); "
          f"last row: {last}")
    print(f"rows held in the page cache at the end: {page.model.cached_rows:,} (of {rows:,})")
    print(f"RSS: ledger + Qt before the table {base:.0f} MB; after the rid list {after_open:.0f} MB; "
          f"after scrolling {rss_mb():.0f} MB; peak {rss_mb('VmHWM'):.0f} MB   budget ≤ 300 MB: "
          f"{'met' if rss_mb('VmHWM') <= 300 else 'MISSED'}")
    print(f"ratio RSS after scrolling / before the table: {rss_mb() / base:.2f}×")
    ledger.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
