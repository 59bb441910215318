"""Composition root: logging → database (and its key) → services → main window."""

from __future__ import annotations

import logging
import sqlite3
import sys
from pathlib import Path

from zhzx_desktop import APP_DISPLAY_NAME, APP_NAME, __version__, paths
from zhzx_desktop.errors import KnownError

log = logging.getLogger(__name__)


def run_gui(db_path: Path, *, training: bool = False, real_db: Path | None = None) -> int:
    """The GUI on ``db_path``; ``training``: on the 训练模式 sandbox instead (``real_db`` is where 退出训练模式 goes)."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    from zhzx_desktop.gui import training as training_mode
    from zhzx_desktop.gui.context import GuiContext
    from zhzx_desktop.gui.dialogs.key_recovery_dialog import recover_key
    from zhzx_desktop.gui.dialogs.restore_dialog import recover_if_damaged, watch_integrity
    from zhzx_desktop.gui.dialogs.setup_wizard import run_setup_or_login
    from zhzx_desktop.gui.errors import show_error
    from zhzx_desktop.gui.garbage import GuiGarbageCollector
    from zhzx_desktop.gui.icons import app_icon
    from zhzx_desktop.gui.main_window import MainWindow
    from zhzx_desktop.gui.operations import ThreadRunner
    from zhzx_desktop.gui.qt_log import route_qt_messages
    from zhzx_desktop.gui.settings import Settings
    from zhzx_desktop.security import accounts
    from zhzx_desktop.security.keys import KeyMissing
    from zhzx_desktop.services.ledger import open_ledger

    route_qt_messages()
    fresh = QApplication.instance() is None  # False when 训练模式 restarts the GUI in this process
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_DISPLAY_NAME)
    app.setApplicationVersion(__version__)
    if fresh:
        from zhzx_desktop.gui.translations import install as install_translations

        app.setWindowIcon(app_icon())
        GuiGarbageCollector(app)  # Qt objects in reference cycles are freed between events, never inside one
        install_translations(app)  # Qt's own buttons and dialogs in Chinese
    real_db = real_db or db_path
    if training:
        db_path = training_mode.prepare_with_progress()
        app.setApplicationDisplayName(training_mode.TITLE_MARK + APP_DISPLAY_NAME)
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
            if not (training_mode.run_login(ledger) if training else run_setup_or_login(ledger)):  # 退出: leave
                return 0
            ctx = GuiContext(ledger, ThreadRunner(ledger), Settings(paths.config_dir() / "settings.ini"))
            window = MainWindow(ctx)
            if training:
                training_mode.mark_window(window)
            training_mode.add_actions(window, training=training)
            previous_hook = sys.excepthook
            sys.excepthook = lambda kind, exc, tb, shown=window: show_error(shown, exc)
            window.show()
            integrity = watch_integrity(window, db_path)  # seconds on a county-sized database: in the background
            window.sync_worker.start_timer()  # background sync with the county (when enrolled); closing syncs last
            try:
                code = int(app.exec())
            finally:
                sys.excepthook = previous_hook  # it holds the window: let it go with it
                integrity.stop()
                window.sync_worker.shutdown(timeout=2.0)  # normally already done by the window's close (bounded)
                ctx.runner.shutdown()
            accounts.logout(ledger)  # recorded in the audit log
            restart = training_mode.restart_request(window)
            if restart is not None:  # 进入/退出训练模式, 重置训练数据: this database closes first (below)
                window.deleteLater()
                break
            if not window.logging_out:
                return code
            window.deleteLater()
    if restart == training_mode.RESET:
        training_mode.remove(training_mode.training_db_path())
    return run_gui(real_db, training=restart != training_mode.REAL, real_db=real_db)


def _backup_folders(db_path: Path, settings: object) -> list[Path]:
    """Where a damaged database's backups may be: the main backup folder, then the second one (a USB stick)."""
    from zhzx_desktop.gui import settings as keys
    from zhzx_desktop.gui.settings import Settings

    folders = [paths.backup_dir(db_path)]
    extra = settings.get(keys.BACKUP_EXTRA_DIR) if isinstance(settings, Settings) else ""
    if extra:
        folders.append(Path(extra))
    return folders
