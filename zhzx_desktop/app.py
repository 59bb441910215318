"""Composition root: logging → database (and its key) → services → main window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from zhzx_desktop import APP_DISPLAY_NAME, APP_NAME, __version__, paths
from zhzx_desktop.errors import KnownError

log = logging.getLogger(__name__)


def run_gui(db_path: Path) -> int:
    from PySide6.QtWidgets import QApplication, QMessageBox

    from zhzx_desktop.gui.context import GuiContext
    from zhzx_desktop.gui.errors import show_error
    from zhzx_desktop.gui.main_window import MainWindow
    from zhzx_desktop.gui.operations import ThreadRunner
    from zhzx_desktop.gui.qt_log import route_qt_messages
    from zhzx_desktop.gui.settings import Settings
    from zhzx_desktop.services.ledger import open_ledger

    route_qt_messages()
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_DISPLAY_NAME)
    app.setApplicationVersion(__version__)
    log.info("starting %s %s on %s", APP_NAME, __version__, db_path)
    try:
        ledger = open_ledger(db_path, key_fallback_dir=paths.config_dir())
    except KnownError as exc:
        QMessageBox.critical(None, APP_DISPLAY_NAME, exc.message)
        return 2
    with ledger:
        ctx = GuiContext(ledger, ThreadRunner(ledger), Settings(paths.config_dir() / "settings.ini"))
        window = MainWindow(ctx)
        sys.excepthook = lambda kind, exc, tb: show_error(window, exc)
        window.show()
        window.sync_worker.start_timer()  # background sync with the county (when enrolled); closing syncs last
        try:
            return int(app.exec())
        finally:
            window.sync_worker.shutdown(timeout=2.0)  # normally already done by the window's close (bounded)
            ctx.runner.shutdown()
