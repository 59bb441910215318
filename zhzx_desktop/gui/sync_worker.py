"""Background sync with the county (SYNC.md §7.4 "Sync cycle", §7.10): one sync at a time, on its OWN thread with
its own database connection (``sync.client.run_sync`` opens one on the file) — never on the GUI thread and never on
the DB worker of ``gui/operations.py``, so a slow link never freezes the window nor queues behind an import.

Triggers: a timer every N minutes (setting ``sync/interval_minutes``) while the device is enrolled, 立即同步 (which
resets the backoff), and the app's exit (bounded by the main window). Progress and the result come back on the GUI
thread through queued signals; 取消 sets a ``threading.Event`` the engine checks. A finished sync emits ``synced``
with a ``Changes`` record that touches everything, because rows pulled from the county may belong to any page.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from zhzx_desktop.security.session import Actor
from zhzx_desktop.services.changes import Changes

log = logging.getLogger(__name__)

THREAD_NAME = "zhzx-sync"
FIRST_TICK_MS = 5000  # the app starts: try once soon (when enrolled), then every interval
MAX_BACKOFF_S = 3600  # the longest the timer waits after repeated failures
EVERYTHING = Changes(grids=True, households=True, residents=True, teams=True, members=True, activities=True,
                     cases=True)

QUICK_ATTEMPTS = 2  # a timer or exit sync gives up early on an unreachable county; the timer's backoff retries
SyncFunction = Callable[..., Any]  # run_sync(db_path, *, progress, cancel, quick) -> SyncResult


def _default_run_sync(db_path: Path, *, quick: bool = False, **kwargs: Any) -> Any:
    from sync import client
    if quick:
        kwargs["max_attempts"] = QUICK_ATTEMPTS
    return client.run_sync(db_path, **kwargs)


def _default_enrolled(db_path: Path) -> bool:
    """Whether the device has been enrolled with the county (read on a short-lived connection of its own)."""
    import sqlite3

    from sync import status
    conn = sqlite3.connect(str(db_path), timeout=5)
    try:
        return bool(status.overview(conn).enrolled)
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def refresh_for(result: Any) -> Changes:
    """What the pages must re-read after a sync: everything when the county's rows reached the database (pulled,
    merged or conflicting rows from acks, repairs, a server restore); otherwise only the status (an empty record)."""
    if result is None:
        return Changes()
    touched = any(getattr(result, name, 0) for name in ("pulled", "merged", "conflicts", "repaired",
                                                           "server_epoch_changed"))
    return EVERYTHING if touched else Changes()


class SyncWorker(QObject):
    """Runs ``run_sync`` on a thread of its own; at most one at a time."""

    started = Signal(str)  # why: 'manual' | 'timer' | 'exit'
    progressed = Signal(object)  # SyncProgress
    finished = Signal(object, object)  # (SyncResult | None, BaseException | None)
    synced = Signal(object)  # Changes: pages re-read what the county may have sent

    _done = Signal(object, object, object)  # (run id, result, error), queued onto the GUI thread
    _progress = Signal(object, object)  # (run id, SyncProgress)

    def __init__(self, db_path: Path, *, interval_minutes: int = 5, run_sync: SyncFunction | None = None,
                 enrolled: Callable[[Path], bool] | None = None, actor: Callable[[], Actor | None] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_path = Path(db_path)
        self._actor = actor  # who the audit log names for a sync (the logged-in account)
        self._run_sync = run_sync or _default_run_sync
        self._enrolled = enrolled or _default_enrolled
        self._thread: threading.Thread | None = None
        self._cancel: threading.Event | None = None
        self._run = 0
        self._reason = ""
        self.failures = 0  # consecutive failed runs: the timer backs off
        self.not_before = 0.0  # monotonic time before which the timer does not start a sync
        self.last_result: Any = None
        self.last_error: BaseException | None = None
        self.was_cancelled = False  # the last run was stopped by 取消 (or by closing)
        self._closed = False
        self._scheduled = False  # start_timer() was called: background syncing is on
        self._done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)
        self._progress.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self.timer = QTimer(self)
        self.timer.setObjectName("sync_timer")
        self.timer.timeout.connect(self._on_timer_timeout)
        self.set_interval(interval_minutes)

    # ---- scheduling

    def set_interval(self, minutes: float) -> None:
        """Sync every ``minutes`` while enrolled (0 turns the timer off). Fractions are for tests."""
        self.interval_ms = int(max(0.0, float(minutes)) * 60_000)
        self.timer.stop()
        if self._scheduled and self.interval_ms > 0 and not self._closed:
            self.timer.start(self.interval_ms)

    def start_timer(self, first_ms: int = FIRST_TICK_MS) -> None:
        """Begin background syncing (the app does, once its window is up): a first try after ``first_ms``, then
        every interval."""
        self._scheduled = True
        if self.interval_ms > 0 and not self._closed:
            self.timer.start(min(first_ms, self.interval_ms))

    def _on_timer_timeout(self) -> None:
        if self.interval_ms > 0 and self.timer.interval() != self.interval_ms:
            self.timer.setInterval(self.interval_ms)  # after the first, quicker tick
        if self.running or self._closed or time.monotonic() < self.not_before:
            return
        if not self._enrolled(self.db_path):
            return
        self.start("timer")

    # ---- running

    @property
    def running(self) -> bool:
        return self._thread is not None

    @property
    def reason(self) -> str:
        return self._reason

    def sync_now(self) -> bool:
        """立即同步: resets the backoff and starts a sync unless one is already running."""
        self.failures = 0
        self.not_before = 0.0
        return self.start("manual")

    def start(self, reason: str = "manual") -> bool:
        """Start a sync on the sync thread; False when one is already running (or the worker is shut down)."""
        if self.running or self._closed:
            return False
        self._run += 1
        run = self._run
        cancel = threading.Event()
        self._cancel = cancel
        self._reason = reason
        thread = threading.Thread(target=self._work, args=(run, cancel, reason != "manual"), name=THREAD_NAME,
                                  daemon=True)
        self._thread = thread
        self.started.emit(reason)
        thread.start()
        return True

    def _work(self, run: int, cancel: threading.Event, quick: bool) -> None:  # on the sync thread
        def progress(report: Any) -> None:
            self._progress.emit(run, report)
        try:
            extra = {"actor": self._actor()} if self._actor is not None else {}
            result = self._run_sync(self.db_path, progress=progress, cancel=cancel, quick=quick, **extra)
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI thread
            self._done.emit(run, None, exc)
        else:
            self._done.emit(run, result, None)

    def _on_progress(self, run: int, report: Any) -> None:
        if run == self._run and self.running:
            self.progressed.emit(report)

    def _on_done(self, run: int, result: Any, error: BaseException | None) -> None:
        if run != self._run:
            return
        thread = self._thread
        self.was_cancelled = self._cancel is not None and self._cancel.is_set()
        self._thread = None
        self._cancel = None
        if thread is not None:
            thread.join(1.0)  # it has returned from the job; this only reaps it
        self.last_result = result
        self.last_error = error
        failed = error is not None or bool(getattr(result, "error", None))
        if failed and not self.was_cancelled:  # a cancelled run says nothing about the county: no backoff
            self.failures += 1
            delay = min(MAX_BACKOFF_S, (self.interval_ms / 1000 or 60) * 2 ** (self.failures - 1))
            retry_after = getattr(result, "retry_after", None)
            if retry_after:
                delay = max(delay, float(retry_after))
            self.not_before = time.monotonic() + delay
            if error is not None:
                log.warning("sync failed: %s", type(error).__name__)
        else:
            self.failures = 0
            self.not_before = 0.0
        self.finished.emit(result, error)
        self.synced.emit(refresh_for(result))

    def cancel(self) -> None:
        """取消: the engine stops at its next check (and aborts the connection); what was confirmed stays."""
        if self._cancel is not None:
            self._cancel.set()

    def wait(self, timeout: float) -> bool:
        """Block until the running sync's thread ends (at most ``timeout`` s); True when none is running now.
        The result still arrives through ``finished`` once the event loop runs."""
        thread = self._thread
        if thread is None:
            return True
        thread.join(timeout)
        return not thread.is_alive()

    def shutdown(self, timeout: float = 3.0) -> bool:
        """Stop the timer, cancel a running sync and wait for its thread (bounded). True when no thread is left."""
        self._closed = True
        self.timer.stop()
        self.cancel()
        stopped = self.wait(timeout)
        if not stopped:
            log.warning("the sync thread did not stop within %.1f s; leaving it (nothing is lost)", timeout)
        return stopped

    def is_enrolled(self) -> bool:
        return self._enrolled(self.db_path)
