"""Composition root: logging → database (and its key) → services → main window."""

from __future__ import annotations

import logging
import sqlite3
import sys
from pathlib import Path

from zhzx_desktop import APP_DISPLAY_NAME, APP_NAME, __version__, paths
from zhzx_desktop.errors import KnownError

log = logging.getLogger(__name__)


def run_gui(db_path: Path) -> int:
    from PySide6.QtWidgets import QApplication, QMessageBox

    from zhzx_desktop.gui.context import GuiContext
    from zhzx_desktop.gui.dialogs.key_recovery_dialog import recover_key
    from zhzx_desktop.gui.dialogs.login_dialog import run_login
    from zhzx_desktop.gui.dialogs.restore_dialog import recover_if_damaged, watch_integrity
    from zhzx_desktop.gui.errors import show_error
    from zhzx_desktop.gui.garbage import GuiGarbageCollector
    from zhzx_desktop.gui.main_window import MainWindow
    from zhzx_desktop.gui.operations import ThreadRunner
    from zhzx_desktop.gui.qt_log import route_qt_messages
    from zhzx_desktop.gui.settings import Settings
    from zhzx_desktop.security import accounts
    from zhzx_desktop.security.keys import KeyMissing
    from zhzx_desktop.services.ledger import open_ledger

    route_qt_messages()
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_DISPLAY_NAME)
    app.setApplicationVersion(__version__)
    GuiGarbageCollector(app)  # Qt objects in reference cycles are freed between events, never inside one
    log.info("starting %s %s on %s", APP_NAME, __version__, db_path)
    folders = _backup_folders(db_path, Settings(paths.config_dir() / "settings.ini"))
    if recover_if_damaged(db_path, folders) is False:  # damaged (integrity check) and the clerk chose 退出
        return 2
    try:
        try:
            ledger = open_ledger(db_path, key_fallback_dir=paths.config_dir())
        except KeyMissing:  # a replaced PC or a reinstalled system: recover the key through the county's escrow
            if not recover_key(db_path):
                return 2
            ledger = open_ledger(db_path, key_fallback_dir=paths.config_dir())
        except (KnownError, sqlite3.DatabaseError):  # not a database / malformed: offer the latest good backup
            recovered = recover_if_damaged(db_path, folders, thorough=True)
            if recovered is None:
                raise
            if not recovered:
                return 2
            ledger = open_ledger(db_path, key_fallback_dir=paths.config_dir())
    except KnownError as exc:
        QMessageBox.critical(None, APP_DISPLAY_NAME, exc.message)
        return 2
    with ledger:
        while True:  # 登录 → the main window → (退出登录 → 登录 again)
            ledger.session.actor = None
            if not run_login(ledger):  # 退出 at the login: leave quietly
                return 0
            ctx = GuiContext(ledger, ThreadRunner(ledger), Settings(paths.config_dir() / "settings.ini"))
            window = MainWindow(ctx)
            sys.excepthook = lambda kind, exc, tb, shown=window: show_error(shown, exc)
            window.show()
            integrity = watch_integrity(window, db_path)  # seconds on a county-sized database: in the background
            window.sync_worker.start_timer()  # background sync with the county (when enrolled); closing syncs last
            try:
                code = int(app.exec())
            finally:
                integrity.stop()
                window.sync_worker.shutdown(timeout=2.0)  # normally already done by the window's close (bounded)
                ctx.runner.shutdown()
            accounts.logout(ledger)  # recorded in the audit log
            if not window.logging_out:
                return code
            window.deleteLater()


def _backup_folders(db_path: Path, settings: object) -> list[Path]:
    """Where a damaged database's backups may be: the main backup folder, then the second one (a USB stick)."""
    from zhzx_desktop.gui import settings as keys
    from zhzx_desktop.gui.settings import Settings

    folders = [paths.backup_dir(db_path)]
    extra = settings.get(keys.BACKUP_EXTRA_DIR) if isinstance(settings, Settings) else ""
    if extra:
        folders.append(Path(extra))
    return folders
