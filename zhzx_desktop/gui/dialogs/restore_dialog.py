"""A damaged database at start: say so in plain Chinese, list this database's backups (newest first) and restore
the chosen one — the damaged file is kept beside it (``services/backups.restore`` moves it aside) — or quit.

``recover_if_damaged`` is what the start-up (app.py) calls before opening the ledger; ``IntegrityWatch`` runs the
full ``PRAGMA integrity_check`` on its own thread after the window shows (it costs seconds on a county-sized
database) and reports a failure, which marks the database so the next start leads here.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from zhzx_desktop.errors import KnownError
from zhzx_desktop.services import backups

log = logging.getLogger(__name__)


def size_text(size: int) -> str:
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MB"
    return f"{max(size, 1) / 1024:.0f} KB"


def when_text(header: backups.BackupHeader) -> str:
    return header.created.astimezone().strftime("%Y-%m-%d %H:%M")


class RestoreDialog(QDialog):
    """``restore_button`` restores the selected backup onto ``db_path`` and accepts (``self.result_`` says how);
    ``quit_button`` rejects. Errors stay in ``error_label``; the dialog stays open."""

    def __init__(self, db_path: Path, problem: str, folders: list[Path], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("restore_dialog")
        self.setWindowTitle(self.tr("数据库已损坏"))
        self.db_path = db_path
        self.folders = folders
        self.result_: backups.RestoreResult | None = None
        layout = QVBoxLayout(self)
        self.explain_label = QLabel(
            self.tr("本电脑上的数据库文件已损坏，程序不能正常打开它。\n原因：%1\n\n"
                    "可以从下面的备份中选一个恢复（一般选最新的）。损坏的文件会另存一份，不会被删除。"
                    "恢复后，备份时间之后录入的内容需要重新录入。").replace("%1", problem))
        self.explain_label.setObjectName("explain_label")
        self.explain_label.setWordWrap(True)
        layout.addWidget(self.explain_label)
        self.backup_list = QListWidget()
        self.backup_list.setObjectName("backup_list")
        layout.addWidget(self.backup_list)
        self.error_label = QLabel()
        self.error_label.setObjectName("error_label")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c0392b;")
        self.error_label.hide()
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox()
        self.restore_button = QPushButton(self.tr("恢复所选备份"))
        self.restore_button.setObjectName("restore_button")
        self.other_button = QPushButton(self.tr("选择其他备份文件…"))
        self.other_button.setObjectName("other_button")
        self.quit_button = QPushButton(self.tr("退出"))
        self.quit_button.setObjectName("quit_button")
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.other_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.quit_button, QDialogButtonBox.ButtonRole.RejectRole)
        layout.addWidget(buttons)
        self.restore_button.clicked.connect(self._on_restore_button_clicked)
        self.other_button.clicked.connect(self._on_other_button_clicked)
        self.quit_button.clicked.connect(self.reject)
        self.backup_list.currentRowChanged.connect(self._on_backup_list_current_row_changed)
        self.resize(560, 420)
        self.reload()

    def reload(self) -> None:
        db_id = backups.database_id(self.db_path)
        found: list[backups.BackupFile] = []
        for folder in self.folders:
            found.extend(backups.list_backups(folder, db_id))
        found.sort(key=lambda b: (b.header.created.timestamp(), b.path.name), reverse=True)
        self.backup_list.clear()
        for entry in found:
            self._add(entry)
        if not found:
            self.backup_list.addItem(self.tr("（没有找到备份。可以点“选择其他备份文件…”从U盘等位置选择。）"))
            self.backup_list.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        else:
            self.backup_list.setCurrentRow(0)
        self._on_backup_list_current_row_changed(self.backup_list.currentRow())

    def _add(self, entry: backups.BackupFile) -> QListWidgetItem:
        text = self.tr("%1 的备份　%2　（%3）").replace("%1", when_text(entry.header)).replace(
            "%2", size_text(entry.size)).replace("%3", str(entry.path.parent))
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, str(entry.path))
        self.backup_list.addItem(item)
        return item

    def selected_path(self) -> Path | None:
        item = self.backup_list.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return Path(value) if value else None

    def _on_backup_list_current_row_changed(self, _row: int) -> None:
        self.restore_button.setEnabled(self.selected_path() is not None)

    def _on_other_button_clicked(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, self.tr("选择备份文件"), str(self.db_path.parent),
                                                self.tr("备份文件 (*.zbk)"))
        if chosen:
            self.add_file(Path(chosen))

    def add_file(self, path: Path) -> None:
        try:
            header = backups.read_header(path)
        except KnownError as exc:
            self._show_error(exc.message)
            return
        item = self._add(backups.BackupFile(path, header, path.stat().st_size))
        self.backup_list.setCurrentItem(item)

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()

    def _on_restore_button_clicked(self) -> None:
        path = self.selected_path()
        if path is None:
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            header = backups.read_header(path)
            self.result_ = backups.restore(path, self.db_path, backups.cipher_for(header))
        except KnownError as exc:
            self._show_error(exc.message)
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.accept()


def recover_if_damaged(db_path: Path, folders: list[Path], *, thorough: bool = False) -> bool | None:
    """At start, before the ledger opens: None when the database is not damaged; otherwise the dialog — True when
    a backup was restored (open it now), False when the clerk chose 退出."""
    if not thorough and backups.pending_restore(db_path) is not None:
        _run_pending_restore(db_path)
    problem = backups.startup_damage(db_path, thorough=thorough)
    if problem is None:
        return None
    log.warning("the database at start is damaged; offering a restore")
    dialog = RestoreDialog(db_path, problem, folders)
    return dialog.exec() == QDialog.DialogCode.Accepted


def _run_pending_restore(db_path: Path) -> None:
    """The restore the clerk chose on the 备份 page, now that the database is not open."""
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        done = backups.run_pending_restore(db_path)
    except KnownError as exc:
        QGuiApplication.restoreOverrideCursor()
        QMessageBox.warning(None, QCoreApplication.translate("RestoreDialog", "恢复备份"),
                            QCoreApplication.translate("RestoreDialog", "没有恢复备份，数据库保持原样：%1")
                            .replace("%1", exc.message))
        return
    QGuiApplication.restoreOverrideCursor()
    if done is not None:
        text = QCoreApplication.translate("RestoreDialog", "已从 %1 的备份恢复数据库。").replace(
            "%1", when_text(done.header))
        if done.aside is not None:
            text += QCoreApplication.translate("RestoreDialog", "原来的数据库另存为 %1。").replace("%1", str(done.aside))
        QMessageBox.information(None, QCoreApplication.translate("RestoreDialog", "恢复备份"), text)


class IntegrityWatch(QObject):
    """``PRAGMA integrity_check`` on its own thread and connection (reads a snapshot; writers are not blocked).
    ``checked(problem)`` arrives on the GUI thread: '' when sound. A failure marks the database for the next start.
    ``stop()`` interrupts it (closing the app does not wait seconds for it)."""

    checked = Signal(str)

    def __init__(self, db_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.seconds = 0.0
        self._thread: threading.Thread | None = None
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._stopped = False

    def start(self) -> None:
        self._thread = threading.Thread(target=self._work, name="zhzx-integrity", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        with self._lock:
            self._stopped = True
            if self._conn is not None:
                self._conn.interrupt()
        if self._thread is not None:
            self._thread.join(timeout)

    def _work(self) -> None:
        started = time.perf_counter()
        try:
            conn = sqlite3.connect(self.db_path.resolve().as_uri() + "?mode=ro", uri=True, check_same_thread=False)
            with self._lock:
                if self._stopped:
                    conn.close()
                    return
                self._conn = conn
            try:
                rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check(20)")]
            finally:
                with self._lock:
                    self._conn = None
                conn.close()
            problems = [] if rows == ["ok"] else [
                f"数据库文件已损坏（完整性检查发现问题：{'；'.join(rows[:3])}）。"]
        except sqlite3.OperationalError as exc:
            if self._stopped:  # interrupted: the app is closing
                return
            problems = [f"数据库文件无法完整读取（{exc}）。"]
        except sqlite3.DatabaseError as exc:
            problems = [f"数据库文件已损坏，无法读取（{exc}）。"]
        self.seconds = time.perf_counter() - started
        log.info("integrity check took %.1f s: %s", self.seconds, "problems" if problems else "ok")
        if problems:
            backups.mark_damaged(self.db_path, problems[0])
        if not self._stopped:
            self.checked.emit(problems[0] if problems else "")


def watch_integrity(window: QWidget, db_path: Path) -> IntegrityWatch:
    """Start the background check; a problem is told to the clerk (non-blocking) with what to do."""
    from zhzx_desktop.gui.errors import show_message

    watch = IntegrityWatch(db_path, window)

    def report(problem: str) -> None:
        if problem:
            show_message(window, window.tr("数据库完整性检查发现问题：%1\n\n请尽快关闭本程序后重新打开，"
                                           "程序会引导您从最近的备份恢复（损坏的文件会另存一份）。").replace("%1", problem))
    watch.checked.connect(report)
    watch.start()
    return watch
