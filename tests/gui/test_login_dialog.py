"""The login dialog: the first run creates the administrator; a login puts the account into the session; an initial
password must be changed first (cancel = logged out); errors are shown inline in Chinese."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLineEdit

from zhzx_desktop.domain.roles import Role
from zhzx_desktop.gui.dialogs.change_password_dialog import ChangePasswordDialog
from zhzx_desktop.gui.dialogs.login_dialog import LoginDialog
from zhzx_desktop.security import accounts
from zhzx_desktop.security.accounts import HashParams
from zhzx_desktop.services.ledger import Ledger

ADMIN_PW = "Guanli#2026"
CLERK_PW = "Luru@Start1"


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "PARAMS", HashParams(memory_kib=8192, iterations=1))


@pytest.fixture
def logged_out(ledger: Ledger) -> Ledger:
    ledger.session.actor = None
    return ledger


def _dialog(qtbot, ledger: Ledger) -> LoginDialog:  # type: ignore[no-untyped-def]
    dialog = LoginDialog(ledger)
    qtbot.addWidget(dialog)
    dialog.open()
    return dialog


def test_first_run_creates_the_administrator(qtbot, logged_out: Ledger) -> None:
    dialog = _dialog(qtbot, logged_out)
    assert dialog.first_run and dialog.windowTitle() == "首次使用：创建管理员账户"
    assert dialog.password_edit.echoMode() == QLineEdit.EchoMode.Password
    assert "至少8位" in dialog.findChild(type(dialog.title_label), "rules_label").text()
    dialog.fill("admin", ADMIN_PW, "李建国", confirm="Guanli#2027")
    dialog.accept()
    assert dialog.errors.shown() == {"password_confirm": "两次输入的新密码不一致"} and dialog.isVisible()
    dialog.fill("admin", "admin123", "李建国")
    dialog.accept()
    assert "密码不能包含用户名" in dialog.errors.text("password") and dialog.isVisible()
    assert not accounts.accounts_exist(logged_out)
    dialog.fill("admin", ADMIN_PW, "李建国")
    dialog.accept()
    assert not dialog.isVisible() and dialog.result() == LoginDialog.DialogCode.Accepted
    actor = logged_out.session.actor
    assert actor is not None and actor.role == Role.ADMIN and actor.display_name == "李建国"
    assert [a.username for a in accounts.list_accounts(logged_out)] == ["admin"]


def test_wrong_password_is_refused_inline_and_a_right_one_logs_in(qtbot, logged_out: Ledger) -> None:
    accounts.create_first_admin(logged_out, "admin", "李建国", ADMIN_PW)
    dialog = _dialog(qtbot, logged_out)
    assert not dialog.first_run and dialog.ok_button.text() == "登录" and dialog.display_name_edit.isHidden()
    dialog.fill("admin", "Wrong#2026")
    dialog.accept()
    assert dialog.errors.text("form") == "用户名或密码不正确"
    assert dialog.password_edit.text() == "" and dialog.isVisible() and logged_out.session.actor is None
    dialog.fill("nobody", ADMIN_PW)
    dialog.accept()
    assert dialog.errors.text("form") == "用户名或密码不正确"
    dialog.fill("admin", ADMIN_PW)
    dialog.accept()
    assert not dialog.isVisible() and logged_out.session.actor is not None
    assert logged_out.session.actor.username == "admin"


def test_the_fifth_failure_says_locked(qtbot, logged_out: Ledger) -> None:
    accounts.create_first_admin(logged_out, "admin", "李建国", ADMIN_PW)
    dialog = _dialog(qtbot, logged_out)
    for _ in range(5):
        dialog.fill("admin", "Wrong#2026")
        dialog.accept()
    assert dialog.errors.text("form") == "账户已锁定，请15分钟后再试，或请管理员解锁"


def _clerk(ledger: Ledger) -> accounts.Account:
    accounts.create_first_admin(ledger, "admin", "李建国", ADMIN_PW)
    return accounts.create_account(ledger, "wangfang", "王芳", Role.CLERK, CLERK_PW)  # the session is system here


def test_an_initial_password_must_change_before_the_login_completes(qtbot, ledger: Ledger) -> None:
    clerk = _clerk(ledger)
    ledger.session.actor = None
    dialog = _dialog(qtbot, ledger)
    dialog.fill("wangfang", CLERK_PW)
    dialog.accept()
    change = dialog.change_dialog
    assert isinstance(change, ChangePasswordDialog) and change.isVisible() and dialog.isVisible()
    assert ledger.session.actor is None, "not logged in while the password is still the initial one"
    assert change.old_edit.isHidden() and "初始密码" in change.intro_label.text()
    assert change.buttons.buttons()[1].text() in {"退出登录", "确定"}
    change.fill(CLERK_PW)
    change.accept()
    assert change.errors.text("password") == "新密码不能与原密码相同" and change.isVisible()
    change.fill("Xin#Mima2026")
    change.accept()
    assert not change.isVisible() and not dialog.isVisible()
    assert ledger.session.actor is not None and ledger.session.actor.account_id == clerk.id
    assert not accounts.get_account(ledger, clerk.id).must_change


def test_cancelling_the_forced_change_logs_out(qtbot, ledger: Ledger) -> None:
    _clerk(ledger)
    ledger.session.actor = None
    dialog = _dialog(qtbot, ledger)
    dialog.fill("wangfang", CLERK_PW)
    dialog.accept()
    assert dialog.change_dialog is not None
    dialog.change_dialog.reject()
    assert dialog.isVisible() and ledger.session.actor is None
    assert dialog.errors.text("form") == "未修改密码，已退出登录。"
    last = ledger.store.conn.execute("SELECT action, actor FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    assert tuple(last) == ("logout", "wangfang")
