"""The idle lock: after the (short, in tests) interval without input the window's content hides behind the lock;
a wrong password is refused and counted, the right one unlocks, 切换用户 puts another account into the session."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QLabel, QMainWindow

from zhzx_desktop.domain.roles import Role
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.idle_lock import IdleLock, LockDialog, idle_minutes
from zhzx_desktop.gui.main_window import MainWindow
from zhzx_desktop.gui.settings import IDLE_LOCK_MINUTES, Settings
from zhzx_desktop.security import accounts
from zhzx_desktop.security.accounts import HashParams
from zhzx_desktop.services.ledger import Ledger

ADMIN_PW = "Guanli#2026"
CLERK_PW = "Xin#Mima2026"


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "PARAMS", HashParams(memory_kib=8192, iterations=1))


@pytest.fixture
def clerk(ledger: Ledger) -> accounts.Account:
    accounts.create_first_admin(ledger, "admin", "李建国", ADMIN_PW)
    account = accounts.create_account(ledger, "wangfang", "王芳", Role.CLERK, "Luru@Start1")
    accounts.change_password(ledger, account.id, "Luru@Start1", CLERK_PW)
    ledger.session.actor = accounts.login(ledger, "wangfang", CLERK_PW).actor
    return account


def _window(qtbot, ledger: Ledger, interval_ms: int = 150) -> tuple[QMainWindow, IdleLock]:  # type: ignore[no-untyped-def]
    window = QMainWindow()
    window.setCentralWidget(QLabel("居民台账"))
    qtbot.addWidget(window)
    window.show()
    return window, IdleLock(window, ledger, interval_ms)


def _actions(ledger: Ledger) -> list[str]:
    return [r[0] for r in ledger.store.conn.execute("SELECT action FROM audit_log ORDER BY seq")]


def test_the_interval_is_clamped_to_10_to_30_minutes(settings: Settings) -> None:
    assert idle_minutes(settings) == 15
    settings.set(IDLE_LOCK_MINUTES, 3)
    assert idle_minutes(settings) == 10
    settings.set(IDLE_LOCK_MINUTES, 90)
    assert idle_minutes(settings) == 30


def test_idle_locks_and_the_right_password_unlocks(qtbot, ledger: Ledger, clerk: accounts.Account) -> None:
    window, lock = _window(qtbot, ledger)
    other = QDialog(window)
    other.setObjectName("resident_dialog")
    other.open()
    qtbot.waitUntil(lambda: lock.is_locked, timeout=3000)
    dialog = lock.dialog
    assert isinstance(dialog, LockDialog) and dialog.isVisible()
    assert window.centralWidget().isHidden() and other.isHidden()
    assert "王芳（录入员）" in dialog.user_label.text()
    assert _actions(ledger)[-1] == "screen_locked"
    dialog.reject()  # Esc does nothing
    assert dialog.isVisible()
    dialog.password_edit.setText("Wrong#2026")
    dialog.accept()
    assert dialog.errors.text("form") == "用户名或密码不正确" and dialog.isVisible()
    assert accounts.get_account(ledger, clerk.id).failed_logins == 1
    dialog.password_edit.setText(CLERK_PW)
    dialog.accept()
    assert not lock.is_locked and not window.centralWidget().isHidden() and other.isVisible()
    assert ledger.session.actor is not None and ledger.session.actor.username == "wangfang"
    assert accounts.get_account(ledger, clerk.id).failed_logins == 0
    assert lock.timer.isActive()


def test_input_keeps_the_screen_unlocked(qtbot, ledger: Ledger, clerk: accounts.Account) -> None:
    window, lock = _window(qtbot, ledger, interval_ms=400)
    for _ in range(6):
        qtbot.wait(100)
        qtbot.keyClick(window.centralWidget(), "a")
    assert not lock.is_locked
    qtbot.waitUntil(lambda: lock.is_locked, timeout=3000)


def test_five_wrong_passwords_at_the_lock_lock_the_account(qtbot, ledger: Ledger, clerk: accounts.Account) -> None:
    _, lock = _window(qtbot, ledger)
    dialog = lock.lock()
    assert dialog is not None
    for _ in range(5):
        dialog.password_edit.setText("Wrong#2026")
        dialog.accept()
    assert dialog.errors.text("form").startswith("账户已锁定")
    dialog.password_edit.setText(CLERK_PW)
    dialog.accept()
    assert lock.is_locked


def test_switch_user_changes_the_session(qtbot, ctx: GuiContext, clerk: accounts.Account) -> None:
    ledger = ctx.ledger
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    assert window.findChild(QLabel, "current_user_label").text() == "当前用户：王芳（录入员）"
    pending = QDialog(window)
    pending.open()
    login = window.switch_user()
    assert login is not None and window.idle_lock.is_locked
    login.fill("admin", ADMIN_PW)
    login.accept()
    assert not window.idle_lock.is_locked
    assert ledger.session.actor is not None and ledger.session.actor.username == "admin"
    assert window.current_user_label.text() == "当前用户：李建国（管理员）"
    assert not pending.isVisible() and pending.result() == QDialog.DialogCode.Rejected
    last = ledger.store.conn.execute("SELECT action, actor FROM audit_log ORDER BY seq DESC LIMIT 3").fetchall()
    assert [tuple(r) for r in reversed(last)] == [("screen_locked", "wangfang"), ("login", "admin"),
                                                  ("logout", "wangfang")]


def test_the_command_line_actor_is_never_locked(qtbot, ledger: Ledger) -> None:
    _, lock = _window(qtbot, ledger)
    assert ledger.session.actor is not None and ledger.session.actor.account_id is None
    assert lock.lock() is None and not lock.is_locked
