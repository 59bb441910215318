"""登录: username and password. On the very first run (no account yet) it becomes 「首次使用：创建管理员账户」. A login
whose password must change opens the forced 修改密码 dialog; cancelling it logs out again. A successful login puts
the account's actor into ``ledger.session`` and accepts.

Modes: ``login`` (start of the app, after 退出登录) and ``switch`` (切换用户 at the idle lock: the previous account's
logout is recorded when the new one has logged in)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from zhzx_desktop import APP_DISPLAY_NAME
from zhzx_desktop.errors import UserError
from zhzx_desktop.gui.dialogs.change_password_dialog import (
    ChangePasswordDialog,
    add_field,
    confirm_error,
    form_error_label,
    line_edit,
    password_edit,
    rules_label,
)
from zhzx_desktop.gui.widgets.form_errors import FormErrors
from zhzx_desktop.security import accounts
from zhzx_desktop.security.session import Actor
from zhzx_desktop.services.ledger import Ledger


class LoginDialog(QDialog):
    def __init__(self, ledger: Ledger, parent: QWidget | None = None, *, mode: str = "login") -> None:
        super().__init__(parent)
        self.setObjectName("login_dialog")
        self.ledger = ledger
        self.mode = mode
        self.first_run = not accounts.accounts_exist(ledger)
        self.actor: Actor | None = None
        self.change_dialog: ChangePasswordDialog | None = None
        self._result: accounts.LoginResult | None = None
        self.setMinimumWidth(420)

        self.title_label = QLabel()
        self.title_label.setObjectName("title_label")
        self.title_label.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.hint_label = QLabel()
        self.hint_label.setObjectName("hint_label")
        self.hint_label.setWordWrap(True)
        self.username_edit = line_edit("username_edit", accounts.USERNAME_MAX)
        self.display_name_edit = line_edit("display_name_edit", accounts.DISPLAY_NAME_MAX, self.tr("例：王芳"))
        self.password_edit = password_edit("password_edit")
        self.confirm_edit = password_edit("password_confirm_edit")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        add_field(form, self.tr("用户名"), self.username_edit, "username")
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.hint_label)
        if self.first_run:
            self.setWindowTitle(self.tr("首次使用：创建管理员账户"))
            self.title_label.setText(self.tr("首次使用：创建管理员账户"))
            self.hint_label.setText(self.tr("本机还没有账户。请先创建一个管理员账户，用它再为录入员、调解员、主任等"
                                            "新建账户。请牢记密码。"))
            self.username_edit.setPlaceholderText(self.tr("例：admin"))
            add_field(form, self.tr("姓名"), self.display_name_edit, "display_name")
            add_field(form, self.tr("密码"), self.password_edit, "password")
            add_field(form, self.tr("再次输入密码"), self.confirm_edit, "password_confirm")
            layout.addLayout(form)
            layout.addWidget(rules_label())
            ok_text = self.tr("创建并登录")
        else:
            title = self.tr("切换用户") if mode == "switch" else self.tr("登录")
            self.setWindowTitle(f"{title} - {APP_DISPLAY_NAME}")
            self.title_label.setText(APP_DISPLAY_NAME)
            self.hint_label.setText(self.tr("请输入您的用户名和密码。") if mode != "switch"
                                    else self.tr("请由要接着使用的人输入用户名和密码。"))
            self.display_name_edit.hide()
            self.confirm_edit.hide()
            add_field(form, self.tr("密码"), self.password_edit, "password")
            layout.addLayout(form)
            ok_text = self.tr("登录")
        layout.addWidget(form_error_label())
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName("buttons")
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            self.tr("取消") if mode == "switch" else self.tr("退出"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.errors = FormErrors(self)
        self.username_edit.returnPressed.connect(self.password_edit.setFocus)
        self.username_edit.setFocus()

    def fill(self, username: str, password: str, display_name: str = "", confirm: str | None = None) -> None:
        """Type into the fields (tests)."""
        self.username_edit.setText(username)
        self.password_edit.setText(password)
        self.display_name_edit.setText(display_name)
        self.confirm_edit.setText(password if confirm is None else confirm)

    def accept(self) -> None:
        self.errors.clear()
        username = self.username_edit.text().strip()
        password = self.password_edit.text()
        try:
            if self.first_run:
                mismatch = confirm_error(password, self.confirm_edit.text())
                if mismatch is not None:
                    self.errors.show(mismatch)
                    return
                accounts.create_first_admin(self.ledger, username, self.display_name_edit.text(), password)
                self.first_run = False
            result = accounts.login(self.ledger, username, password)
        except UserError as exc:
            self.errors.show(exc)
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        if result.must_change_password:
            self._result = result
            self._open_change_dialog(result, password)
            return
        self._logged_in(result.actor)

    def _open_change_dialog(self, result: accounts.LoginResult, password: str) -> None:
        assert result.actor.account_id is not None
        dialog = ChangePasswordDialog(self.ledger, result.actor.account_id, self, current_password=password,
                                      forced=True, reason=result.reason)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.accepted.connect(self._on_change_dialog_accepted)
        dialog.rejected.connect(self._on_change_dialog_rejected)
        self.change_dialog = dialog
        dialog.open()

    def _on_change_dialog_accepted(self) -> None:
        assert self._result is not None
        self._logged_in(self._result.actor)

    def _on_change_dialog_rejected(self) -> None:
        """退出登录 instead of changing the password: back to the login, logged out."""
        assert self._result is not None
        accounts.logout(self.ledger, self._result.actor)
        self._result = None
        self.password_edit.clear()
        self.errors.show(UserError("form", "password_not_changed", self.tr("未修改密码，已退出登录。")))
        self.password_edit.setFocus()

    def _logged_in(self, actor: Actor) -> None:
        previous = self.ledger.session.actor
        if self.mode == "switch" and previous is not None and previous != actor:
            accounts.logout(self.ledger, previous)
        self.ledger.session.actor = actor
        self.actor = actor
        super().accept()


def run_login(ledger: Ledger) -> bool:
    """The app's login step (blocking): True once someone has logged in, False when the clerk chose 退出."""
    dialog = LoginDialog(ledger)
    return dialog.exec() == QDialog.DialogCode.Accepted
