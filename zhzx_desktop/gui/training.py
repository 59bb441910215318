"""训练模式: a sandbox where a new clerk practises on made-up people.

- Its own database, ``paths.data_dir()/training/training.db`` (never the real one), filled with demo data
  (``services.demo``: a few hundred residents, households, teams, cases in every state, one account per role with
  the password ``demo.DEMO_PASSWORD``) on first use, and marked ``app_meta.training = 1``.
- Never synced: it is never enrolled; its 同步 page (``pages/training_sync_page.py``) refuses to connect, sync or exchange a USB
  bundle with a clear message, and the command line refuses ``sync`` on it (cli.py).
- Clearly marked: an orange banner 「训练模式：这里的数据都是虚构的，不会上报」 across the window and 「【训练】」 in the
  title of every window.
- Entered with ``zhzx-desktop gui --training`` or the menu 设置 → 进入训练模式 (restarts the GUI into it, in the same
  process: the real database is closed first); left with 设置 → 退出训练模式; 设置 → 重置训练数据 throws the sandbox
  away and generates it afresh.

The restart is a request on the window (``request_restart``): the window closes (as 退出 would, with its normal
close handling), and ``app.run_gui`` reads ``restart_request(window)`` and opens the other database.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QVBoxLayout,
    QWidget,
)

from zhzx_desktop import APP_DISPLAY_NAME, paths
from zhzx_desktop.domain.roles import ROLE_LABELS
from zhzx_desktop.services.ledger import Ledger, open_ledger

log = logging.getLogger(__name__)

TITLE_MARK = "【训练】"
BANNER_TEXT = "训练模式：这里的数据都是虚构的，不会上报"
BANNER_STYLE = ("background: #f39c12; color: white; font-size: 13pt; font-weight: bold; padding: 6px 12px;")
REFUSAL = "这是训练模式：这里的数据都是虚构的，不能连接县平台，也不会同步或上报。请退出训练模式后再同步。"
META_KEY = "training"
PRACTICE_ACCOUNT = "zhuren"  # the demo 主任: sees the register and the cases (admin sees only accounts and backups)
RESIDENTS, CASES, SEED = 500, 40, 2026
RESTART_PROPERTY = "restart_request"  # 'training' | 'real' | 'reset' on the main window
TRAINING, REAL, RESET = "training", "real", "reset"


def training_dir() -> Path:
    return paths.data_dir() / "training"


def training_db_path() -> Path:
    return training_dir() / "training.db"


def is_training(ledger: Ledger) -> bool:
    return ledger.store.meta(META_KEY) == "1"


def is_training_db(path: Path) -> bool:
    """Whether the database file at ``path`` is a training sandbox (without unlocking it)."""
    import sqlite3
    if not Path(path).is_file():
        return False
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT v FROM app_meta WHERE k = ?", (META_KEY,)).fetchone()
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()
    return row is not None and row[0] == "1"


def prepare(path: Path | None = None, *, progress: Callable[[int, int], None] | None = None,
            residents: int = RESIDENTS, cases: int = CASES) -> Path:
    """The training database at ``path`` (the default sandbox when None), generated on first use; returns its path.
    A file left half-made (no ``training`` mark: the generation was interrupted) is made again."""
    from zhzx_desktop.services import committee, demo, village

    target = Path(path) if path is not None else training_db_path()
    if target.exists() and is_training_db(target):
        return target
    remove(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    ledger = open_ledger(target, key_fallback_dir=paths.config_dir())  # as app.run_gui opens every database
    try:
        demo.populate(ledger, residents=residents, seed=SEED, cases=cases, progress=progress)
        demo.demo_accounts(ledger)
        name = committee.load(ledger).prefix or "训练村"  # the demo's first village (its committee's short name)
        village.save(ledger, name, f"{demo.COUNTY_CODE}{demo.TOWN_CODE}201")
        with ledger.store.write() as conn:  # last: a file with the mark is complete
            conn.execute("INSERT INTO app_meta(k, v) VALUES (?, '1') ON CONFLICT(k) DO UPDATE SET v = '1'",
                         (META_KEY,))
    finally:
        ledger.close()
    log.info("training database generated at %s", target)
    return target


def remove(path: Path) -> None:
    """Delete a training database file and its SQLite side files (重置训练数据). Refuses a real database."""
    target = Path(path)
    if target.exists() and not is_training_db(target) and target.parent.name != "training":
        raise ValueError(f"not a training database: {target}")
    for suffix in ("", "-wal", "-shm", "-journal"):
        side = Path(str(target) + suffix)
        if side.exists():
            os.remove(side)


def prepare_with_progress(parent: QWidget | None = None, path: Path | None = None) -> Path:
    """``prepare`` with a progress window while the sandbox is generated (a few seconds, first use only)."""
    target = Path(path) if path is not None else training_db_path()
    if target.exists() and is_training_db(target):
        return target
    dialog = QProgressDialog(QApplication.translate("training", "正在生成训练用的虚构数据，请稍候…"), "", 0, RESIDENTS,
                             parent)
    dialog.setObjectName("training_progress")
    dialog.setWindowTitle(TITLE_MARK + APP_DISPLAY_NAME)
    dialog.setCancelButton(None)  # no cancel: a half-made sandbox is made again anyway
    dialog.setMinimumDuration(0)
    dialog.show()

    def step(done: int, total: int) -> None:
        dialog.setMaximum(total)
        dialog.setValue(done)
        QApplication.processEvents()
    try:
        return prepare(target, progress=step)
    finally:
        dialog.close()
        dialog.deleteLater()


# ---- on screen


def mark_window(window: QMainWindow) -> QLabel:
    """The orange banner across the top of the window and 【训练】 in its title."""
    banner = QLabel(QApplication.translate("training", BANNER_TEXT))
    banner.setObjectName("training_banner")
    banner.setStyleSheet(BANNER_STYLE)
    banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
    content = window.takeCentralWidget()
    holder = QWidget()
    holder.setObjectName("training_holder")
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(banner)
    if content is not None:
        layout.addWidget(content, 1)
    window.setCentralWidget(holder)
    if not window.windowTitle().startswith(TITLE_MARK):
        window.setWindowTitle(TITLE_MARK + window.windowTitle())
    sync_label = window.findChild(QLabel, "sync_label")
    # the status bar's sync part: never 「N条待上报」 here (MainWindow.update_status reads sync_text)
    setattr(window, "sync_text", lambda: QApplication.translate("training", "训练模式：不同步、不上报"))  # noqa: B010
    if sync_label is not None:
        sync_label.setText(QApplication.translate("training", "训练模式：不同步、不上报"))
    return banner


def add_actions(window: QMainWindow, *, training: bool) -> list[Any]:
    """设置 → 进入训练模式 (in the real app) or 退出训练模式 / 重置训练数据 (in training)."""
    menu = window.findChild(QMenu, "settings_menu")
    if menu is None:
        menu = window.menuBar().addMenu(QApplication.translate("training", "设置(&S)"))
    menu.addSeparator()
    actions = []
    if training:
        leave = menu.addAction(QApplication.translate("training", "退出训练模式"))
        leave.setObjectName("leave_training_action")
        leave.triggered.connect(lambda: request_restart(window, REAL))
        reset = menu.addAction(QApplication.translate("training", "重置训练数据…"))
        reset.setObjectName("reset_training_action")
        reset.triggered.connect(lambda: confirm_reset(window))
        actions += [leave, reset]
    else:
        enter = menu.addAction(QApplication.translate("training", "进入训练模式"))
        enter.setObjectName("enter_training_action")
        enter.setToolTip(QApplication.translate("training", "用虚构的数据练习，不影响真实台账，也不会上报"))
        enter.triggered.connect(lambda: request_restart(window, TRAINING))
        actions.append(enter)
    return actions


def confirm_reset(window: QMainWindow) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Question, TITLE_MARK + APP_DISPLAY_NAME,
                      QApplication.translate("training", "重置后，训练中录入和修改的内容全部清除，重新生成一套虚构数据。继续吗？"),
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, window)
    box.setObjectName("reset_training_box")
    box.button(QMessageBox.StandardButton.Yes).setText(QApplication.translate("training", "重置"))
    box.button(QMessageBox.StandardButton.No).setText(QApplication.translate("training", "取消"))
    box.accepted.connect(lambda: request_restart(window, RESET))
    box.open()
    return box


def request_restart(window: QMainWindow, mode: str) -> None:
    """Close the window and ask ``app.run_gui`` to open the training (or the real) database next."""
    window.setProperty(RESTART_PROPERTY, mode)
    if not window.close():
        window.setProperty(RESTART_PROPERTY, None)


def restart_request(window: QMainWindow) -> str | None:
    mode = window.property(RESTART_PROPERTY)
    return str(mode) if mode else None


def run_login(ledger: Ledger) -> bool:
    """The login of the training database, with the demo accounts and their password in the hint."""
    from zhzx_desktop.gui.dialogs.login_dialog import LoginDialog
    from zhzx_desktop.services import demo

    dialog = LoginDialog(ledger)
    dialog.setWindowTitle(TITLE_MARK + dialog.windowTitle())
    names = "、".join(f"{username}（{ROLE_LABELS[role]}）" for username, _name, role in demo.DEMO_ACCOUNTS)
    dialog.hint_label.setText(QApplication.translate("training", "训练模式：可用演示账户 %1 登录，密码都是 %2。")
                              .replace("%1", names).replace("%2", demo.DEMO_PASSWORD))
    dialog.hint_label.setStyleSheet("color: #d35400; font-weight: bold;")
    dialog.username_edit.setText(PRACTICE_ACCOUNT)
    dialog.password_edit.setFocus()
    return dialog.exec() == QDialog.DialogCode.Accepted
