"""账户 (管理员): who may log in to this PC — 用户名、姓名、角色、状态 (正常/已锁定/已停用/需改密码)、上次改密码 — and
新建账户, 重置密码, 解锁, 修改角色或停用. Accounts are never deleted (the audit log names them): they are disabled."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from zhzx_desktop.domain.roles import ACCOUNT_ROLES, ROLE_LABELS, Role
from zhzx_desktop.errors import UserError, ZhzxError
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.change_password_dialog import (
    add_field,
    confirm_error,
    form_error_label,
    line_edit,
    password_edit,
    rules_label,
)
from zhzx_desktop.gui.errors import show_error, show_message
from zhzx_desktop.gui.models.row_list_model import RowListModel
from zhzx_desktop.gui.pages.page import Page
from zhzx_desktop.gui.widgets.buttons import push_button
from zhzx_desktop.gui.widgets.form_errors import FormErrors
from zhzx_desktop.gui.widgets.tables import row_table
from zhzx_desktop.security import accounts
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.ledger import Ledger

_WIDTHS = (140, 140, 90, 90)
_STATUS_COLORS = {"已锁定": QColor("#c0392b"), "已停用": QColor("#7f8c8d"), "需改密码": QColor("#b9770e")}


class AccountTableModel(RowListModel[accounts.Account]):
    COLUMNS = ("username", "display_name", "role", "status", "password_changed_at")

    def headers(self) -> tuple[str, ...]:
        return (self.tr("用户名"), self.tr("姓名"), self.tr("角色"), self.tr("状态"), self.tr("上次改密码"))

    def display(self, row: accounts.Account, column: str) -> str:
        if column == "role":
            return ROLE_LABELS[row.role]
        if column == "status":
            return row.status()
        if column == "password_changed_at":
            return row.password_changed_at[:16].replace("T", " ")
        return str(getattr(row, column))

    def role_data(self, row: accounts.Account, column: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column == "status":
            color = _STATUS_COLORS.get(row.status())
            return QBrush(color) if color is not None else None
        if role == Qt.ItemDataRole.ToolTipRole and column == "status" and row.locked_minutes():
            return self.tr("还要%1分钟自动解锁").replace("%1", str(row.locked_minutes()))
        return None


def _role_combo(current: Role | None = None) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName("role_combo")
    for role in ACCOUNT_ROLES:
        combo.addItem(ROLE_LABELS[role], str(role))
    if current is not None:
        combo.setCurrentIndex(combo.findData(str(current)))
    return combo


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.setObjectName("buttons")
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(dialog.tr("取消"))
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class NewAccountDialog(QDialog):
    """新建账户: username, name, role and an initial password (to be changed at the first login)."""

    def __init__(self, ledger: Ledger, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("new_account_dialog")
        self.ledger = ledger
        self.account: accounts.Account | None = None
        self.setWindowTitle(self.tr("新建账户"))
        self.setMinimumWidth(460)
        self.username_edit = line_edit("username_edit", accounts.USERNAME_MAX, self.tr("登录时用，例：wangfang"))
        self.display_name_edit = line_edit("display_name_edit", accounts.DISPLAY_NAME_MAX, self.tr("例：王芳"))
        self.role_combo = _role_combo(Role.CLERK)
        self.password_edit = password_edit("password_edit")
        self.confirm_edit = password_edit("password_confirm_edit")
        form = QFormLayout()
        add_field(form, self.tr("用户名"), self.username_edit, "username")
        add_field(form, self.tr("姓名"), self.display_name_edit, "display_name")
        add_field(form, self.tr("角色"), self.role_combo, "role")
        add_field(form, self.tr("初始密码"), self.password_edit, "password")
        add_field(form, self.tr("再次输入"), self.confirm_edit, "password_confirm")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(rules_label(self.tr("初始密码请当面告诉本人；他第一次登录时必须改成自己的密码。")
                                     + accounts.PASSWORD_RULES))
        layout.addWidget(form_error_label())
        layout.addWidget(_buttons(self, self.tr("新建")))
        self.errors = FormErrors(self)

    def fill(self, username: str, display_name: str, role: Role, password: str) -> None:
        self.username_edit.setText(username)
        self.display_name_edit.setText(display_name)
        self.role_combo.setCurrentIndex(self.role_combo.findData(str(role)))
        self.password_edit.setText(password)
        self.confirm_edit.setText(password)

    def accept(self) -> None:
        mismatch = confirm_error(self.password_edit.text(), self.confirm_edit.text())
        if mismatch is not None:
            self.errors.show(mismatch)
            return
        try:
            self.account = accounts.create_account(self.ledger, self.username_edit.text(),
                                                   self.display_name_edit.text(), str(self.role_combo.currentData()),
                                                   self.password_edit.text())
        except UserError as exc:
            self.errors.show(exc)
            return
        super().accept()


class ResetPasswordDialog(QDialog):
    """重置密码: a new initial password for someone who forgot theirs (to be changed at their next login)."""

    def __init__(self, ledger: Ledger, account: accounts.Account, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reset_password_dialog")
        self.ledger = ledger
        self.account = account
        self.setWindowTitle(self.tr("重置密码"))
        self.setMinimumWidth(440)
        intro = QLabel(self.tr("为 %1 设置新的初始密码（同时解除锁定）。他下次登录时必须改成自己的密码。")
                       .replace("%1", account.label))
        intro.setWordWrap(True)
        self.password_edit = password_edit("password_edit")
        self.confirm_edit = password_edit("password_confirm_edit")
        form = QFormLayout()
        add_field(form, self.tr("新的初始密码"), self.password_edit, "password")
        add_field(form, self.tr("再次输入"), self.confirm_edit, "password_confirm")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(rules_label())
        layout.addWidget(form_error_label())
        layout.addWidget(_buttons(self, self.tr("重置")))
        self.errors = FormErrors(self)

    def fill(self, password: str) -> None:
        self.password_edit.setText(password)
        self.confirm_edit.setText(password)

    def accept(self) -> None:
        mismatch = confirm_error(self.password_edit.text(), self.confirm_edit.text())
        if mismatch is not None:
            self.errors.show(mismatch)
            return
        try:
            accounts.reset_password(self.ledger, self.account.id, self.password_edit.text())
        except UserError as exc:
            self.errors.show(exc)
            return
        super().accept()


class EditAccountDialog(QDialog):
    """修改角色或停用: the name, the role, and whether the account may log in."""

    def __init__(self, ledger: Ledger, account: accounts.Account, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("edit_account_dialog")
        self.ledger = ledger
        self.account = account
        self.setWindowTitle(self.tr("修改账户：%1").replace("%1", account.username))
        self.setMinimumWidth(440)
        self.display_name_edit = line_edit("display_name_edit", accounts.DISPLAY_NAME_MAX)
        self.display_name_edit.setText(account.display_name)
        self.role_combo = _role_combo(account.role)
        self.active_check = QCheckBox(self.tr("停用此账户（不能再登录；账户和它的记录都保留）"))
        self.active_check.setObjectName("active_check")
        self.active_check.setChecked(not account.active)
        form = QFormLayout()
        add_field(form, self.tr("姓名"), self.display_name_edit, "display_name")
        add_field(form, self.tr("角色"), self.role_combo, "role")
        add_field(form, self.tr("状态"), self.active_check, "active")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(form_error_label())
        layout.addWidget(_buttons(self, self.tr("保存")))
        self.errors = FormErrors(self)

    def accept(self) -> None:
        try:
            self.account = accounts.update_account(self.ledger, self.account.id,
                                                   display_name=self.display_name_edit.text(),
                                                   role=str(self.role_combo.currentData()),
                                                   active=not self.active_check.isChecked())
        except UserError as exc:
            self.errors.show(exc)
            return
        super().accept()


class AccountsPage(Page):
    title = "账户"

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__(ctx)
        self.dialog: QDialog | None = None
        self.new_button = push_button("new_button", self.tr("新建账户"), self.tr("Ctrl+N"))
        self.reset_button = push_button("reset_button", self.tr("重置密码"), self.tr("为忘记密码的人设置新的初始密码"))
        self.unlock_button = push_button("unlock_button", self.tr("解锁"), self.tr("解除连续输错密码造成的锁定"))
        self.edit_button = push_button("edit_button", self.tr("修改角色或停用"))
        self.count_label = QLabel()
        self.count_label.setObjectName("count_label")
        top = QHBoxLayout()
        top.addWidget(self.count_label, 1)
        for button in (self.new_button, self.reset_button, self.unlock_button, self.edit_button):
            top.addWidget(button)
        self.model = AccountTableModel()
        self.table = row_table("account_table")
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        for column, width in enumerate(_WIDTHS):
            header.resizeSection(column, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        hint = QLabel(self.tr("账户不能删除，只能停用：审计日志需要记得每条记录是谁做的。管理员账户至少要保留一个。"))
        hint.setObjectName("hint_label")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555555;")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        self.new_button.clicked.connect(self.open_new_dialog)
        self.reset_button.clicked.connect(self.open_reset_dialog)
        self.unlock_button.clicked.connect(self.unlock_selected)
        self.edit_button.clicked.connect(self.open_edit_dialog)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.reload()

    def reload(self, keep: str | None = None) -> None:
        keep = keep or self.selected_id()
        rows = accounts.list_accounts(self.ctx.ledger)
        self.model.set_rows(rows)
        self.count_label.setText(self.tr("共 %1 个账户").replace("%1", str(len(rows))))
        if keep is not None and self.model.row_of(keep) >= 0:
            self.table.selectRow(self.model.row_of(keep))
        self._update_buttons()

    def select(self, account_id: str) -> None:
        self.table.selectRow(self.model.row_of(account_id))

    def selected(self) -> accounts.Account | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def selected_id(self) -> str | None:
        account = self.selected()
        return account.id if account is not None else None

    def _update_buttons(self) -> None:
        account = self.selected()
        for button in (self.reset_button, self.edit_button):
            button.setEnabled(account is not None)
        self.unlock_button.setEnabled(account is not None and account.locked_until is not None)

    def new_item(self) -> None:
        self.open_new_dialog()

    def _show(self, dialog: QDialog) -> QDialog:
        dialog.accepted.connect(lambda: self._on_dialog_accepted(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _on_dialog_accepted(self, dialog: QDialog) -> None:
        account = getattr(dialog, "account", None)
        self.reload(account.id if isinstance(account, accounts.Account) else None)
        self.changed.emit(Changes())

    def open_new_dialog(self) -> NewAccountDialog:
        dialog = NewAccountDialog(self.ctx.ledger, self)
        self._show(dialog)
        return dialog

    def open_reset_dialog(self) -> ResetPasswordDialog | None:
        account = self.selected()
        if account is None:
            return None
        dialog = ResetPasswordDialog(self.ctx.ledger, account, self)
        self._show(dialog)
        return dialog

    def open_edit_dialog(self) -> EditAccountDialog | None:
        account = self.selected()
        if account is None:
            return None
        dialog = EditAccountDialog(self.ctx.ledger, account, self)
        self._show(dialog)
        return dialog

    def _on_table_double_clicked(self, _index: QModelIndex) -> None:
        self.open_edit_dialog()

    def unlock_selected(self) -> None:
        account = self.selected()
        if account is None:
            return
        try:
            accounts.unlock(self.ctx.ledger, account.id)
        except ZhzxError as exc:  # Forbidden, a vanished account
            show_error(self, exc)
            return
        self.reload(account.id)
        show_message(self, self.tr("已解除 %1 的锁定。").replace("%1", account.label))

    def apply(self, changes: Changes) -> None:
        del changes  # accounts change only here (and at logins): a cheap reload keeps the 状态 column fresh
        self.reload()
