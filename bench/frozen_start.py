"""Start time of the frozen build (``dist/zhzx-desktop``) against the same app run from source.

Three figures per variant, each the median of ``--runs`` fresh processes after one discarded warm-up run:

* ``--version``: bootloader, interpreter and the command-line module, no Qt;
* first window: spawn until the first top-level window is mapped on a private X server (Xvfb; the window is the
  setup wizard or the login dialog of a fresh data folder: HOME and the XDG folders point into a temp dir, so the
  clerk's data and keyring are never touched), polled with ``xwininfo`` every 10 ms;
* ``--self-test`` (offscreen): the whole self-test, as CI runs it.

Also prints the bundle's size (``du``). Needs ``Xvfb`` and ``xwininfo`` (x11-utils) for the window figure; without
them that row is skipped.

    .venv/bin/python bench/frozen_start.py [--dist dist/zhzx-desktop] [--runs 5] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
APP = "zhzx-desktop"


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("QT_", "XDG_"))}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"),
               XDG_STATE_HOME=str(home / "state"), XDG_CACHE_HOME=str(home / "cache"), LANG="zh_CN.UTF-8")
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)  # no session keyring: the app's own fallback, never the clerk's
    env.update(extra)
    return env


def _timed(command: list[str], env: dict[str, str]) -> float:
    began = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - began


def _mapped_window(display: str) -> bool:
    """A top-level window of the X server is viewable (Qt's hidden helper windows are not)."""
    tree = subprocess.run(["xwininfo", "-display", display, "-root", "-children"], check=False, capture_output=True,
                          text=True)
    for window in re.findall(r"^\s+(0x[0-9a-f]+) ", tree.stdout, re.MULTILINE):
        info = subprocess.run(["xwininfo", "-display", display, "-id", window], check=False,
                              capture_output=True, text=True)
        if "IsViewable" in info.stdout:
            return True
    return False


def _first_window(command: list[str], env: dict[str, str], display: str, timeout: float = 60.0) -> float:
    began = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not _mapped_window(display):
            if child.poll() is not None:
                raise RuntimeError(f"{command[0]} exited with {child.returncode} before showing a window")
            if time.perf_counter() - began > timeout:
                raise RuntimeError(f"no window after {timeout} s")
            time.sleep(0.01)
        return time.perf_counter() - began
    finally:
        child.terminate()
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _median(runs: int, measure: Callable[[Path], float], work: Path) -> float:
    times = []
    for i in range(runs + 1):  # the first run warms the page cache and is discarded
        home = work / f"home{i}"
        home.mkdir()
        elapsed = measure(home)
        if i:
            times.append(elapsed)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=REPO / "dist" / APP)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=None, help="also write the table to DIR/frozen_start.log")
    args = parser.parse_args()
    frozen = args.dist / APP
    if not frozen.exists():
        print(f"{frozen} missing: build it first (.venv/bin/pyinstaller --noconfirm build.spec)", file=sys.stderr)
        return 2
    variants = {"frozen": [str(frozen)], "source": [sys.executable, "-m", "zhzx_desktop"]}
    size = subprocess.run(["du", "-sh", str(args.dist)], check=True, capture_output=True, text=True).stdout.split()[0]
    lines = [f"bundle {args.dist}: {size}", f"median of {args.runs} runs (s)      frozen   source   ratio"]
    print("\n".join(lines), flush=True)

    xvfb = shutil.which("Xvfb") and shutil.which("xwininfo")
    server = None
    display = ""
    if xvfb:
        read, write = os.pipe()
        server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                                  pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as fd:
            display = ":" + fd.readline().strip()
    try:
        with tempfile.TemporaryDirectory(prefix="zhzx-frozen-start-") as tmp:
            rows: list[tuple[str, Callable[[list[str], Path], float]]] = [
                ("--version", lambda cmd, home: _timed([*cmd, "--version"], _env(home))),
            ]
            if xvfb:
                rows.append(("first window (Xvfb)",
                             lambda cmd, home: _first_window([*cmd, "gui"], _env(home, DISPLAY=display), display)))
            rows.append(("--self-test (offscreen)",
                         lambda cmd, home: _timed([*cmd, "--self-test"], _env(home, QT_QPA_PLATFORM="offscreen"))))
            for label, measure in rows:
                figures = {}
                for name, command in variants.items():
                    work = Path(tmp) / f"{name}-{label.split()[0].strip('-')}"
                    work.mkdir()
                    figures[name] = _median(args.runs, lambda home, c=command, m=measure: m(c, home), work)
                lines.append(f"{label:<28}{figures['frozen']:>9.2f}{figures['source']:>9.2f}"
                             f"{figures['frozen'] / figures['source']:>8.2f}")
                print(lines[-1], flush=True)
            if not xvfb:
                lines.append("first window: skipped (Xvfb or xwininfo missing)")
                print(lines[-1])
    finally:
        if server is not None:
            server.terminate()
            server.wait()
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "frozen_start.log").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
