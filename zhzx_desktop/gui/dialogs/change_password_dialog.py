"""修改密码: the account's own new password, typed twice, with the rules shown. Forced after a login with an initial
(or reset) password or one older than 90 days — then it cannot be skipped: 退出登录 is the only other way out.

Also the small form helpers the account dialogs share (a password field, a field with its inline error label)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from zhzx_desktop.errors import UserError
from zhzx_desktop.gui.widgets.form_errors import FormErrors
from zhzx_desktop.security import accounts
from zhzx_desktop.services.ledger import Ledger

RULES_STYLE = "color: #555555;"


def password_edit(name: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(accounts.MAX_LENGTH + 1)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


def line_edit(name: str, max_length: int, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setMaxLength(max_length)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


def add_field(form: QFormLayout, label: str, widget: QWidget, field: str) -> QLabel:
    """A row ``label: widget`` and, under it, the hidden red label ``<field>_error`` that FormErrors fills."""
    form.addRow(label, widget)
    error = QLabel()
    error.setObjectName(f"{field}_error")
    form.addRow("", error)
    return error


def rules_label(text: str = accounts.PASSWORD_RULES) -> QLabel:
    label = QLabel(text)
    label.setObjectName("rules_label")
    label.setWordWrap(True)
    label.setStyleSheet(RULES_STYLE)
    return label


def form_error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("form_error")
    return label


def confirm_error(password: str, confirm: str) -> UserError | None:
    if password != confirm:
        return UserError("password_confirm", "password_mismatch", "两次输入的新密码不一致")
    return None


class ChangePasswordDialog(QDialog):
    """``current_password`` given (just typed at the login): only the new password is asked for; ``forced``: the
    cancel button reads 退出登录."""

    def __init__(self, ledger: Ledger, account_id: str, parent: QWidget | None = None, *,
                 current_password: str | None = None, forced: bool = False, reason: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("change_password_dialog")
        self.ledger = ledger
        self.account_id = account_id
        self.forced = forced
        self._current = current_password
        account = accounts.get_account(ledger, account_id)
        self.setWindowTitle(self.tr("修改密码"))
        self.setMinimumWidth(440)

        self.intro_label = QLabel()
        self.intro_label.setObjectName("intro_label")
        self.intro_label.setWordWrap(True)
        if reason == "initial":
            intro = self.tr("%1：这是管理员设置的初始密码，请先设置您自己的新密码。")
        elif reason == "expired":
            intro = self.tr("%1：您的密码已使用超过90天，请设置新密码。")
        else:
            intro = self.tr("%1：请设置新密码。")
        self.intro_label.setText(intro.replace("%1", account.label))
        self.old_edit = password_edit("old_password_edit")
        self.new_edit = password_edit("password_edit")
        self.confirm_edit = password_edit("password_confirm_edit")
        form = QFormLayout()
        if current_password is None:
            add_field(form, self.tr("当前密码"), self.old_edit, "old_password")
        else:
            self.old_edit.hide()
        add_field(form, self.tr("新密码"), self.new_edit, "password")
        add_field(form, self.tr("再次输入新密码"), self.confirm_edit, "password_confirm")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName("buttons")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("确定"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            self.tr("退出登录") if forced else self.tr("取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addLayout(form)
        layout.addWidget(rules_label())
        layout.addWidget(form_error_label())
        layout.addWidget(self.buttons)
        self.errors = FormErrors(self)
        (self.old_edit if current_password is None else self.new_edit).setFocus()

    def fill(self, new: str, old: str | None = None) -> None:
        """Type the passwords (tests)."""
        if old is not None:
            self.old_edit.setText(old)
        self.new_edit.setText(new)
        self.confirm_edit.setText(new)

    def accept(self) -> None:
        new = self.new_edit.text()
        mismatch = confirm_error(new, self.confirm_edit.text())
        if mismatch is not None:
            self.errors.show(mismatch)
            return
        old = self._current if self._current is not None else self.old_edit.text()
        try:
            accounts.change_password(self.ledger, self.account_id, old, new)
        except UserError as exc:
            self.errors.show(exc)
            return
        self._current = new
        super().accept()
