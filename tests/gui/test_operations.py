"""The operation helper: jobs run on the DB worker thread with its own connection, results come back on the GUI
thread, progress is shown, cancel rolls back; Enter moves between fields; settings persist."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtWidgets import QDialog, QLineEdit, QProgressDialog, QPushButton, QVBoxLayout, QWidget
from shiboken6 import isValid

from zhzx_desktop.errors import Cancelled, UserError
from zhzx_desktop.gui import settings as keys
from zhzx_desktop.gui.operations import ThreadRunner
from zhzx_desktop.gui.settings import Setting, Settings
from zhzx_desktop.gui.widgets import enter_navigation
from zhzx_desktop.services import residents
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.services.residents import ResidentInput


def test_a_job_runs_off_the_gui_thread_on_its_own_connection(qtbot, ledger: Ledger) -> None:
    runner = ThreadRunner(ledger)
    seen: dict[str, object] = {}

    def job(worker: Ledger, progress) -> int:
        seen["thread"] = threading.current_thread().name
        seen["conn"] = worker.store.conn is not ledger.store.conn
        residents.register(worker, ResidentInput(name="后台登记"))
        return residents.count(worker)

    results: list[int] = []
    op = runner.run(job, on_success=results.append)
    qtbot.waitUntil(lambda: op.done, timeout=5000)
    runner.shutdown()
    assert results == [1] and seen["conn"] is True and str(seen["thread"]).startswith("zhzx-db")
    assert residents.count(ledger) == 1  # committed: the GUI connection sees it


def test_cancel_rolls_the_job_back_and_reports_cancelled(qtbot, ledger: Ledger) -> None:
    runner = ThreadRunner(ledger)
    parent = QWidget()
    qtbot.addWidget(parent)
    started = threading.Event()
    release = threading.Event()

    def job(worker: Ledger, progress) -> None:
        with worker.store.write():
            residents.register(worker, ResidentInput(name="不该保存"))
            started.set()
            release.wait(5)
            progress(1, 2)  # raises Cancelled: the transaction rolls back

    failures: list[BaseException] = []
    op = runner.run(job, on_success=lambda _r: None, on_failure=failures.append, label="测试中", parent=parent)
    dialog = parent.findChild(QProgressDialog, "op_progress")
    assert dialog is not None and dialog.labelText() == "测试中"
    assert started.wait(5)
    cancel = dialog.findChild(QPushButton)
    assert cancel.text() == "取消"
    cancel.click()  # the clerk presses 取消
    release.set()
    qtbot.waitUntil(lambda: op.done, timeout=5000)
    runner.shutdown()
    assert len(failures) == 1 and isinstance(failures[0], Cancelled)
    assert residents.count(ledger) == 0


def test_progress_reaches_the_dialog_and_errors_reach_the_caller(qtbot, ledger: Ledger) -> None:
    runner = ThreadRunner(ledger)
    parent = QWidget()
    qtbot.addWidget(parent)
    gate = threading.Event()
    values: list[int] = []

    def job(worker: Ledger, progress) -> None:
        progress(40, 100)
        gate.wait(5)
        raise UserError("name", "bad", "出错了")

    failures: list[BaseException] = []
    op = runner.run(job, on_success=lambda _r: None, on_failure=failures.append, label="处理中", parent=parent)
    dialog = parent.findChild(QProgressDialog, "op_progress")
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.value() == 40, timeout=5000)
    values.append(dialog.value())
    assert dialog.maximum() == 100 and "40/100" in dialog.labelText()
    gate.set()
    qtbot.waitUntil(lambda: op.done, timeout=5000)
    runner.shutdown()
    assert values == [40] and isinstance(failures[0], UserError) and failures[0].message == "出错了"


def test_enter_moves_to_the_next_field(qtbot) -> None:
    form = QDialog()
    qtbot.addWidget(form)
    first, second = QLineEdit(), QLineEdit()
    layout = QVBoxLayout(form)
    layout.addWidget(first)
    layout.addWidget(second)
    enter_navigation.install(form)
    form.show()
    first.setFocus()
    qtbot.waitUntil(first.hasFocus, timeout=2000)  # the dialog is the active window in offscreen too
    qtbot.keyClick(first, Qt.Key.Key_Return)
    assert second.hasFocus() and form.isVisible()  # Enter did not close (accept) the dialog


def test_settings_round_trip_through_the_ini_file(tmp_path: Path) -> None:
    path = tmp_path / "s.ini"
    first = Settings(path)
    count = Setting("test/count", 0)
    assert first.get(count) == 0 and first.get(keys.FONT_PATH) == ""
    assert first.get(keys.WINDOW_GEOMETRY) == QByteArray()
    first.set(count, 3)
    first.set(keys.IMPORT_MAPPING, '{"姓名": "name"}')
    first.sync()
    again = Settings(path)
    assert again.get(count) == 3 and again.get(keys.IMPORT_MAPPING) == '{"姓名": "name"}'
    assert "count=3" in path.read_text(encoding="utf-8")


def test_a_window_closed_before_its_job_ends_is_not_called_back(qtbot, ledger: Ledger) -> None:
    runner = ThreadRunner(ledger)
    parent = QDialog()
    release = threading.Event()

    def job(worker: Ledger, progress) -> int:
        release.wait(5)
        residents.register(worker, ResidentInput(name="关窗后保存"))
        return 1

    called: list[object] = []
    op = runner.run(job, on_success=called.append, on_failure=called.append, label="保存中", parent=parent)
    parent.deleteLater()  # the clerk closed the dialog (WA_DeleteOnClose) while the job ran
    qtbot.waitUntil(lambda: not isValid(parent), timeout=2000)
    release.set()
    qtbot.waitUntil(lambda: op.done, timeout=5000)
    runner.shutdown()
    assert called == [] and not runner.busy  # no call into the deleted dialog, nothing left pending
    assert residents.count(ledger) == 1  # what the job saved stays saved
