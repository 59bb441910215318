"""The 账户 page: the accounts table (its model passes qtmodeltester), 新建账户, 重置密码, 解锁, 修改角色或停用, and the
last administrator kept."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from zhzx_desktop.domain.roles import Role
from zhzx_desktop.errors import UserError
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.pages.accounts_page import AccountsPage, EditAccountDialog, NewAccountDialog, ResetPasswordDialog
from zhzx_desktop.security import accounts
from zhzx_desktop.security.accounts import HashParams

ADMIN_PW = "Guanli#2026"


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "PARAMS", HashParams(memory_kib=8192, iterations=1))


@pytest.fixture
def page(qtbot, ctx: GuiContext) -> AccountsPage:  # type: ignore[no-untyped-def]
    admin = accounts.create_first_admin(ctx.ledger, "admin", "李建国", ADMIN_PW)
    ctx.ledger.session.actor = admin
    accounts.create_account(ctx.ledger, "wangfang", "王芳", Role.CLERK, "Luru@Start1")
    widget = AccountsPage(ctx)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _cells(page: AccountsPage, username: str) -> list[str]:
    model = page.model
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == username)
    return [model.index(row, c).data() for c in range(model.columnCount())]


def test_model_passes_qtmodeltester(page: AccountsPage, qtmodeltester: ModelTester) -> None:
    qtmodeltester.check(page.model)
    headers = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(page.model.columnCount())]
    assert headers == ["用户名", "姓名", "角色", "状态", "上次改密码"]
    assert _cells(page, "wangfang")[:4] == ["wangfang", "王芳", "录入员", "需改密码"]
    assert _cells(page, "admin")[:4] == ["admin", "李建国", "管理员", "正常"]
    assert page.count_label.text() == "共 2 个账户"


def test_new_account(page: AccountsPage) -> None:
    dialog = page.open_new_dialog()
    assert isinstance(dialog, NewAccountDialog) and dialog.isVisible()
    dialog.fill("zhaolei", "赵磊", Role.MEDIATOR, "zhaolei1")
    dialog.accept()
    assert dialog.isVisible() and "密码不能包含用户名" in dialog.errors.text("password")
    assert "密码太简单" in dialog.errors.text("password")
    dialog.fill("wangfang", "赵磊", Role.MEDIATOR, "Tiaojie#2026")
    dialog.accept()
    assert "已被使用" in dialog.errors.text("username")
    dialog.fill("zhaolei", "赵磊", Role.MEDIATOR, "Tiaojie#2026")
    dialog.accept()
    assert not dialog.isVisible()
    assert _cells(page, "zhaolei")[:4] == ["zhaolei", "赵磊", "调解员", "需改密码"]
    assert page.selected() is not None and page.selected().username == "zhaolei"  # type: ignore[union-attr]


def test_unlock_and_reset(page: AccountsPage, ctx: GuiContext) -> None:
    for _ in range(5):
        with pytest.raises(UserError):
            accounts.login(ctx.ledger, "wangfang", "Wrong#2026")
    page.reload()
    page.select(next(a.id for a in accounts.list_accounts(ctx.ledger) if a.username == "wangfang"))
    assert _cells(page, "wangfang")[3] == "已锁定" and page.unlock_button.isEnabled()
    page.unlock_selected()
    assert _cells(page, "wangfang")[3] == "需改密码" and not page.unlock_button.isEnabled()
    dialog = page.open_reset_dialog()
    assert isinstance(dialog, ResetPasswordDialog)
    dialog.fill("Chong#Zhi2026")
    dialog.accept()
    assert not dialog.isVisible()
    result = accounts.login(ctx.ledger, "wangfang", "Chong#Zhi2026")
    assert result.must_change_password


def test_change_role_and_disable_but_keep_the_last_admin(page: AccountsPage, ctx: GuiContext) -> None:
    admin_id = next(a.id for a in accounts.list_accounts(ctx.ledger) if a.username == "admin")
    page.select(admin_id)
    dialog = page.open_edit_dialog()
    assert isinstance(dialog, EditAccountDialog)
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("director"))
    dialog.accept()
    assert dialog.isVisible() and "最后一个可用的管理员" in dialog.errors.text("role")
    dialog.reject()
    clerk_id = next(a.id for a in accounts.list_accounts(ctx.ledger) if a.username == "wangfang")
    page.select(clerk_id)
    dialog = page.open_edit_dialog()
    assert dialog is not None
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("mediator"))
    dialog.active_check.setChecked(True)
    dialog.accept()
    assert not dialog.isVisible()
    assert _cells(page, "wangfang")[2:4] == ["调解员", "已停用"]
