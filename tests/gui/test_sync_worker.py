"""The background sync worker: the sync runs on its own thread (never the GUI thread, never the DB worker), one at a
time; progress and the result come back on the GUI thread; 取消 reaches the engine; failures back the timer off and
立即同步 resets it; the timer syncs only when enrolled; shutdown leaves no thread behind.

The engine here is a small stand-in function with the ``run_sync`` signature (the real engine against the real
county server is exercised by tests/gui/test_sync_page.py)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from zhzx_desktop.errors import Cancelled, KnownError
from zhzx_desktop.gui.sync_worker import EVERYTHING, THREAD_NAME, SyncWorker
from zhzx_desktop.services.changes import Changes


@dataclass
class Result:
    pushed: int = 0
    pulled: int = 0
    error: str | None = None
    retry_after: float | None = None


@dataclass
class Report:
    phase: str
    done: int
    total: int
    message: str = ""


def _no_sync_thread() -> bool:
    return not any(t.name == THREAD_NAME and t.is_alive() for t in threading.enumerate())


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "village.db"


def test_a_sync_runs_on_its_own_thread_and_reports_back_on_the_gui_thread(qtbot, db: Path) -> None:
    seen: dict[str, Any] = {}

    def run_sync(path: Path, *, progress, cancel, quick) -> Result:
        seen["thread"] = threading.current_thread().name
        seen["path"] = path
        seen["cancel"] = cancel
        seen["quick"] = quick
        progress(Report("push", 1, 2))
        progress(Report("pull", 2, 2))
        return Result(pushed=3, pulled=4)

    worker = SyncWorker(db, interval_minutes=0, run_sync=run_sync, enrolled=lambda p: True)
    reports: list[Report] = []
    refreshes: list[Any] = []
    worker.progressed.connect(reports.append)
    worker.synced.connect(refreshes.append)
    with qtbot.waitSignal(worker.finished, timeout=5000) as blocker:
        assert worker.start("manual")
    result, error = blocker.args
    assert error is None and result.pushed == 3 and result.pulled == 4
    assert seen["thread"] == THREAD_NAME and seen["thread"] != threading.current_thread().name
    assert seen["path"] == db and isinstance(seen["cancel"], threading.Event)
    assert seen["quick"] is False  # 立即同步 retries as long as the engine likes; timer and exit give up early
    assert [r.phase for r in reports] == ["push", "pull"]  # delivered in order, on the GUI thread
    assert refreshes == [EVERYTHING] and EVERYTHING.residents and EVERYTHING.cases  # rows pulled: re-read all
    assert not worker.running and worker.failures == 0
    assert worker.shutdown(1.0) and _no_sync_thread()


def test_only_one_sync_runs_at_a_time(qtbot, db: Path) -> None:
    release = threading.Event()
    calls: list[int] = []

    def run_sync(path: Path, *, progress, cancel, quick) -> Result:
        calls.append(1)
        release.wait(5)
        return Result()

    worker = SyncWorker(db, interval_minutes=0, run_sync=run_sync, enrolled=lambda p: True)
    assert worker.start("manual")
    assert worker.running
    assert not worker.start("timer") and not worker.sync_now()  # the second start is refused
    refreshes: list[Any] = []
    worker.synced.connect(refreshes.append)
    with qtbot.waitSignal(worker.finished, timeout=5000):
        release.set()
    assert calls == [1]
    assert refreshes == [Changes()]  # nothing came from the county: only the status is re-read
    assert worker.shutdown(1.0) and _no_sync_thread()


def test_cancel_reaches_the_engine_and_comes_back_as_cancelled(qtbot, db: Path) -> None:
    started = threading.Event()

    def run_sync(path: Path, *, progress, cancel: threading.Event, quick) -> Result:
        started.set()
        if cancel.wait(5):
            raise Cancelled()
        return Result()

    worker = SyncWorker(db, interval_minutes=0, run_sync=run_sync, enrolled=lambda p: True)
    worker.start("manual")
    assert started.wait(5)
    with qtbot.waitSignal(worker.finished, timeout=5000) as blocker:
        worker.cancel()
    assert isinstance(blocker.args[1], Cancelled)
    assert worker.shutdown(1.0) and _no_sync_thread()


def test_a_failure_backs_the_timer_off_and_sync_now_resets_it(qtbot, db: Path) -> None:
    outcomes = [KnownError("无法连接县平台"), Result(error="县平台暂时忙", retry_after=120), Result(pushed=1)]
    calls: list[str] = []

    def run_sync(path: Path, *, progress, cancel, quick) -> Result:
        calls.append("run")
        outcome = outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    worker = SyncWorker(db, interval_minutes=1, run_sync=run_sync, enrolled=lambda p: True)
    with qtbot.waitSignal(worker.finished, timeout=5000):
        worker.start("timer")
    assert worker.failures == 1 and worker.not_before > time.monotonic() + 50  # waits at least one interval
    worker.timer.timeout.emit()  # a tick during the backoff: nothing starts
    assert not worker.running and calls == ["run"]
    with qtbot.waitSignal(worker.finished, timeout=5000):
        assert worker.sync_now()  # 立即同步 ignores the backoff
    assert worker.failures == 1  # reset by sync_now, then this run failed too
    assert worker.not_before >= time.monotonic() + 115  # the county's Retry-After is honoured
    with qtbot.waitSignal(worker.finished, timeout=5000):
        assert worker.sync_now()
    assert worker.failures == 0 and worker.not_before == 0.0
    assert worker.shutdown(1.0) and _no_sync_thread()


def test_the_timer_syncs_only_when_enrolled(qtbot, db: Path) -> None:
    enrolled = {"value": False}
    runs: list[str] = []

    def run_sync(path: Path, *, progress, cancel, quick) -> Result:
        runs.append("quick" if quick else "full")
        return Result()

    worker = SyncWorker(db, interval_minutes=0.002, run_sync=run_sync, enrolled=lambda p: enrolled["value"])
    worker.start_timer(first_ms=10)
    qtbot.wait(400)  # several ticks, not enrolled
    assert runs == []
    enrolled["value"] = True
    with qtbot.waitSignal(worker.started, timeout=5000) as blocker:
        pass
    assert blocker.args == ["timer"]
    qtbot.waitUntil(lambda: not worker.running, timeout=5000)
    assert runs and set(runs) == {"quick"}
    assert worker.shutdown(1.0) and _no_sync_thread()
    count = len(runs)
    qtbot.wait(200)
    assert len(runs) == count  # no tick after shutdown


def test_shutdown_cancels_a_running_sync_and_leaves_no_thread(qtbot, db: Path) -> None:
    started = threading.Event()

    def run_sync(path: Path, *, progress, cancel: threading.Event, quick) -> Result:
        started.set()
        cancel.wait(10)
        return Result()

    worker = SyncWorker(db, interval_minutes=5, run_sync=run_sync, enrolled=lambda p: True)
    worker.start("exit")
    assert started.wait(5)
    t0 = time.monotonic()
    assert worker.shutdown(3.0)
    assert time.monotonic() - t0 < 2.0 and _no_sync_thread()
    assert not worker.timer.isActive() and not worker.start("manual")  # shut down: nothing new starts
