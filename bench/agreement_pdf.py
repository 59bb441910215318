"""Rendering a 2-party 人民调解协议书 (3 copies) to PDF: first time in a fresh process and warm, against a bare
reportlab canvas with one line of text (budget ≤ 600 ms first, ≤ 150 ms warm).

First: each run is a fresh child process that times, from its first statement, the imports, the font search and
registration (parsing the .ttc) and one render. Warm: the median of ``--warm`` renders in this process after one
render. The anchor does the same with a reportlab ``Canvas``, one ``drawString`` in Helvetica and ``save()``.

    .venv/bin/python bench/agreement_pdf.py [--runs 5] [--warm 50]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

import _common

_CHILD = r"""
import time
started = time.perf_counter()
import sys
sys.path.insert(0, {repo!r})
if {mode!r} == "bare":
    import io
    from reportlab.pdfgen.canvas import Canvas
    canvas = Canvas(io.BytesIO(), invariant=1)
    canvas.drawString(72, 720, "one line of text")
    canvas.save()
else:
    from tests.unit.documents.samples import agreement
    from zhzx_desktop.documents.render import render
    render(agreement())
print(f"{{(time.perf_counter() - started) * 1000:.3f}}", flush=True)
"""


def first_ms(mode: str) -> tuple[float, float]:
    """(in-child ms, spawn-to-exit ms) of one fresh process."""
    code = _CHILD.format(repo=str(_common.REPO_DIR), mode=mode)
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                         env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    wall = (time.perf_counter() - started) * 1000
    return float(out.stdout.strip()), wall


def warm_ms(render: object, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        render()  # type: ignore[operator]
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per kind (after one warm-up each)")
    parser.add_argument("--warm", type=int, default=50, help="warm renders in this process")
    args = parser.parse_args()

    import io

    from reportlab.pdfgen.canvas import Canvas

    from tests.unit.documents.samples import agreement
    from zhzx_desktop.documents.fonts import find_cjk_font
    from zhzx_desktop.documents.render import render

    font = find_cjk_font()
    doc = agreement()
    pdf = render(doc)
    print(f"font: {font.family} ({font.path}); 2 parties, {doc.copies} copies, {len(pdf):,} bytes")

    first_ms("agreement"), first_ms("bare")  # warm the OS page cache (python, reportlab, the font file)
    first = [first_ms("agreement") for _ in range(args.runs)]
    bare = [first_ms("bare") for _ in range(args.runs)]
    f_in, f_wall = statistics.median(t for t, _ in first), statistics.median(w for _, w in first)
    b_in, b_wall = statistics.median(t for t, _ in bare), statistics.median(w for _, w in bare)

    def bare_canvas() -> None:
        canvas = Canvas(io.BytesIO(), invariant=1)
        canvas.drawString(72, 720, "one line of text")
        canvas.save()

    warm = warm_ms(lambda: render(doc), args.warm)
    anchor = warm_ms(bare_canvas, args.warm)
    w_med, a_med = statistics.median(warm), statistics.median(anchor)

    print(f"first render (fresh process, median of {args.runs}; imports + font + render, in-child timer):")
    print(f"  agreement   {f_in:8.1f} ms   (spawn to exit {f_wall:7.1f} ms)   budget 600 ms: "
          f"{'PASS' if f_in <= 600 else 'OVER'}")
    print(f"  bare canvas {b_in:8.1f} ms   (spawn to exit {b_wall:7.1f} ms)   ratio {f_in / b_in:5.1f}×")
    print(f"warm render (median of {args.warm}; p95 in brackets):")
    print(f"  agreement   {w_med:8.1f} ms   (p95 {_common.percentile(warm, 95):6.1f} ms)   budget 150 ms: "
          f"{'PASS' if w_med <= 150 else 'OVER'}")
    print(f"  bare canvas {a_med:8.2f} ms   (p95 {_common.percentile(anchor, 95):6.2f} ms)   ratio "
          f"{w_med / a_med:5.0f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
