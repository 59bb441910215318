"""One helper for long work (ARCHITECTURE.md idioms 1–2): a job is a function of a ``Ledger`` and a ``Progress``;
it runs on the single DB worker thread, which owns its own connection, and its result or error comes back on the
GUI thread. A window-modal progress dialog (with 取消) appears when a labelled job takes longer than a moment;
cancelling makes the job's next progress report raise ``Cancelled``, so its transaction rolls back.

Tests use ``InlineRunner``: the same interface, the job runs at once on the caller's ledger.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget
from shiboken6 import isValid

from zhzx_desktop.errors import Cancelled
from zhzx_desktop.gui.errors import show_error
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.services.progress import Progress

log = logging.getLogger(__name__)

Job = Callable[[Ledger, Progress], Any]
Success = Callable[[Any], None]
Failure = Callable[[BaseException], None]
SHOW_AFTER_MS = 400
_REPORT_EVERY_S = 0.05


class Op:
    """One job on its way: cancel it, or watch ``finished``. Progress reports may raise ``Cancelled``."""

    def __init__(self, label: str | None) -> None:
        self.label = label
        self._cancelled = threading.Event()
        self._last_report = 0.0
        self.emit_progress: Callable[[int, int], None] = lambda done, total: None
        self.done = False

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def progress(self, done: int, total: int) -> None:
        if self._cancelled.is_set():
            raise Cancelled()
        now = time.monotonic()
        if now - self._last_report >= _REPORT_EVERY_S or done >= total:
            self._last_report = now
            self.emit_progress(done, total)


class Runner(Protocol):
    def run(self, job: Job, *, on_success: Success, on_failure: Failure | None = None, label: str | None = None,
            parent: QWidget | None = None, cancellable: bool = True) -> Op: ...

    @property
    def busy(self) -> bool: ...

    def shutdown(self) -> None: ...


def _fail(parent: QWidget | None, on_failure: Failure | None, exc: BaseException) -> None:
    if on_failure is not None:
        on_failure(exc)
    else:
        show_error(parent, exc)


class ThreadRunner(QObject):
    """The app's runner: one worker thread with its own connection to the ledger's database."""

    _finished = Signal(object, object, object)  # (op, result, error); queued onto the GUI thread
    _progressed = Signal(object, int, int)

    def __init__(self, ledger: Ledger) -> None:
        super().__init__()
        self._ledger = ledger
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="zhzx-db")
        self._worker_ledger: Ledger | None = None  # touched only on the worker thread
        self._closed = False
        self._pending: dict[Op, tuple[Success, Failure | None, QWidget | None, QProgressDialog | None]] = {}
        self._finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self._progressed.connect(self._on_progressed, Qt.ConnectionType.QueuedConnection)

    def run(self, job: Job, *, on_success: Success, on_failure: Failure | None = None, label: str | None = None,
            parent: QWidget | None = None, cancellable: bool = True) -> Op:
        """``cancellable=False`` for a job that never reports progress (so could not stop): no 取消 button."""
        op = Op(label)
        dialog = None
        if label is not None:
            dialog = QProgressDialog(label, self.tr("取消"), 0, 0, parent)
            dialog.setObjectName("op_progress")
            dialog.setWindowTitle(label)
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(SHOW_AFTER_MS)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            dialog.canceled.connect(op.cancel)
            if not cancellable:
                dialog.setCancelButton(None)
            dialog.setValue(0)
        op.emit_progress = lambda done, total: self._progressed.emit(op, done, total)
        self._pending[op] = (on_success, on_failure, parent, dialog)
        self._pool.submit(self._work, op, job)
        return op

    def _work(self, op: Op, job: Job) -> None:  # on the worker thread
        try:
            if self._worker_ledger is None:
                self._worker_ledger = self._ledger.reopen()
            result = job(self._worker_ledger, op.progress)
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI thread
            self._finished.emit(op, None, exc)
        else:
            self._finished.emit(op, result, None)

    def _on_progressed(self, op: Op, done: int, total: int) -> None:
        entry = self._pending.get(op)
        if entry is not None and entry[3] is not None and not op.cancelled:
            dialog = entry[3]
            dialog.setMaximum(max(total, 1))
            dialog.setValue(min(done, total))
            dialog.setLabelText(f"{op.label}（{done:,}/{total:,}）")

    def _on_finished(self, op: Op, result: Any, error: BaseException | None) -> None:
        on_success, on_failure, parent, dialog = self._pending.pop(op)
        op.done = True
        if parent is not None and not isValid(parent):  # the dialog that asked was closed (and deleted) meanwhile:
            log.info("operation %r finished after its window closed", op.label)  # what it saved stays saved
            return
        if dialog is not None:
            dialog.canceled.disconnect(op.cancel)
            dialog.close()
            dialog.deleteLater()
        if error is not None:
            if not isinstance(error, Cancelled):
                log.warning("operation %r failed: %s", op.label, type(error).__name__)
            _fail(parent, on_failure, error)
        else:
            on_success(result)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def shutdown(self) -> None:
        """Finish queued jobs, close the worker's connection, stop the thread (once)."""
        if self._closed:
            return
        self._closed = True

        def close() -> None:
            if self._worker_ledger is not None:
                self._worker_ledger.store.close()
                self._worker_ledger = None
        self._pool.submit(close)
        self._pool.shutdown(wait=True)


class InlineRunner:
    """For tests: runs each job at once on the given ledger, then calls back — same contract as ``ThreadRunner``."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger
        self.labels: list[str | None] = []

    busy = False

    def run(self, job: Job, *, on_success: Success, on_failure: Failure | None = None, label: str | None = None,
            parent: QWidget | None = None, cancellable: bool = True) -> Op:
        op = Op(label)
        self.labels.append(label)
        try:
            result = job(self._ledger, op.progress)
        except BaseException as exc:  # noqa: BLE001
            op.done = True
            _fail(parent, on_failure, exc)
        else:
            op.done = True
            on_success(result)
        return op

    def shutdown(self) -> None:
        pass
