"""The role matrix in the GUI: which navigation entries each role sees, which buttons it gets, read-only dialogs,
sensitive categories hidden, 查看完整号码 asking a reason (and audited), and re-gating after a switch of user."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QPushButton

from tests.helpers import make_id
from zhzx_desktop.domain.roles import Permission, Role
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.resident_dialog import ResidentDialog
from zhzx_desktop.gui.main_window import CASES, PAGES, RESIDENTS, MainWindow
from zhzx_desktop.gui.pages.households_page import HouseholdsPage
from zhzx_desktop.gui.pages.residents_page import ResidentsPage
from zhzx_desktop.security.session import Actor
from zhzx_desktop.services import grids, households, residents
from zhzx_desktop.services.residents import ResidentInput

ACTORS = {
    Role.CLERK: Actor("a1", "lixia", "李霞", Role.CLERK),
    Role.MEDIATOR: Actor("a2", "wangfang", "王芳", Role.MEDIATOR),
    Role.DIRECTOR: Actor("a3", "zhaogang", "赵刚", Role.DIRECTOR),
    Role.ADMIN: Actor("a4", "sunli", "孙丽", Role.ADMIN),
    Role.AUDITOR: Actor("a5", "zhoumin", "周敏", Role.AUDITOR),
}
# what each role must (+) and must not (-) find in the navigation
NAV = {
    Role.CLERK: ({"居民", "户", "网格", "队伍"}, {"今天要办", "调解"}),
    Role.MEDIATOR: ({"今天要办", "居民", "户", "网格", "队伍", "调解"}, set()),
    Role.DIRECTOR: ({"今天要办", "居民", "调解"}, set()),
    Role.ADMIN: ({"同步"}, {"今天要办", "居民", "户", "网格", "队伍", "调解"}),
    Role.AUDITOR: (set(), {"今天要办", "居民", "户", "网格", "队伍", "调解"}),
}


def _as(ctx: GuiContext, role: Role) -> Actor:
    ctx.ledger.session.actor = ACTORS[role]
    return ACTORS[role]


def _window(qtbot, ctx: GuiContext) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    return window


def _button(widget, name: str) -> QPushButton:
    found = widget.findChild(QPushButton, name)
    assert found is not None, name
    return found


def _resident(ctx: GuiContext, **kw: object) -> str:
    return residents.register(ctx.ledger, ResidentInput(name="李四", id_number=make_id(seq=11), **kw)).row_id or ""


@pytest.mark.parametrize("role", list(ACTORS))
def test_navigation_shows_what_the_role_may_use(qtbot, ctx: GuiContext, role: Role) -> None:
    actor = _as(ctx, role)
    window = _window(qtbot, ctx)
    shown = window.visible_titles()
    assert shown == [t for t, _f, p in PAGES if p is None or actor.can(p)]
    must, must_not = NAV[role]
    assert must <= set(shown) and not must_not & set(shown)
    nav = window.ui.nav_list
    assert not nav.isRowHidden(nav.currentRow()), "opens on a page the role may see"
    assert window.ui.page_stack.currentIndex() == nav.currentRow()
    assert window.committee_action.isVisible() == actor.can(Permission.CASES_EDIT)


@pytest.mark.parametrize("role", [Role.CLERK, Role.MEDIATOR, Role.DIRECTOR])
def test_residents_page_buttons_follow_the_role(qtbot, ctx: GuiContext, role: Role) -> None:
    actor = _as(ctx, role)
    page = ResidentsPage(ctx)
    qtbot.addWidget(page)
    from zhzx_desktop.gui import gating
    gating.apply(page, actor)
    edit = actor.can(Permission.REGISTER_EDIT)
    for name in ("new_button", "edit_button", "status_button", "merge_button", "import_button", "journal_button"):
        assert _button(page, name).isHidden() != edit, name
    assert _button(page, "export_button").isHidden() != actor.can(Permission.EXPORT)
    codes = {page.category_combo.itemData(i) for i in range(page.category_combo.count())}
    assert "G01" in codes
    assert ("T01" in codes) == actor.can(Permission.SENSITIVE_VIEW)


def test_mediator_households_page_is_read_only(qtbot, ctx: GuiContext) -> None:
    grid = grids.create(ctx.ledger, grids.GridInput(name="一网格", code="430223101201001")).row_id
    households.create(ctx.ledger, households.HouseholdInput(grid_id=grid, household_no="0001"))
    _as(ctx, Role.MEDIATOR)
    window = _window(qtbot, ctx)
    page = window.show_page(3)
    assert isinstance(page, HouseholdsPage)
    for name in ("new_household_button", "edit_household_button", "move_in_button", "dissolve_button"):
        assert _button(page, name).isHidden(), name
    page.table.selectRow(0)
    page.table.doubleClicked.emit(page.table.model().index(0, 0))
    assert page.dialog is None  # a double-click opens no edit dialog
    window.new_shortcut.activated.emit()  # Ctrl+N does nothing either
    assert page.dialog is None


def test_mediator_sees_a_read_only_resident_without_sensitive_categories(qtbot, ctx: GuiContext) -> None:
    rid = _resident(ctx, categories=("T01", "G01"))
    _as(ctx, Role.MEDIATOR)
    dialog = ResidentDialog(ctx, rid)
    qtbot.addWidget(dialog)
    labels = [dialog.ui.category_list.item(i).text() for i in range(dialog.ui.category_list.count())]
    assert "低保户" in labels and not any("刑满释放" in t for t in labels)
    assert dialog.read_only and dialog.windowTitle() == "居民信息（只读）"
    assert dialog.ui.button_box.button(QDialogButtonBox.StandardButton.Save).isHidden()
    assert dialog.ui.name_edit.isReadOnly()
    dialog.accept()
    assert dialog.changes is None and dialog.result() == 0


def test_clerk_sees_sensitive_categories_and_may_save(qtbot, ctx: GuiContext) -> None:
    rid = _resident(ctx, categories=("T01",))
    _as(ctx, Role.CLERK)
    dialog = ResidentDialog(ctx, rid)
    qtbot.addWidget(dialog)
    labels = [dialog.ui.category_list.item(i).text() for i in range(dialog.ui.category_list.count())]
    assert any("刑满释放" in t for t in labels) and not dialog.read_only
    dialog.ui.address_edit.setText("青石村三组")
    dialog.accept()
    assert dialog.changes is not None and residents.load(ctx.ledger, rid)[0].address == "青石村三组"


def test_reveal_asks_a_reason_shows_the_number_and_is_audited(qtbot, ctx: GuiContext) -> None:
    rid = _resident(ctx)
    _as(ctx, Role.MEDIATOR)
    dialog = ResidentDialog(ctx, rid)
    qtbot.addWidget(dialog)
    assert not dialog.reveal_button.isHidden()
    assert make_id(seq=11) not in dialog.ui.id_number_edit.text() + dialog.ui.id_number_edit.placeholderText()
    reveal = dialog.open_reveal_dialog()
    assert reveal is not None and reveal.number_label.isHidden()
    reveal.show_button.click()  # no reason given
    assert not reveal.reason_error.isHidden() and "事由" in reveal.reason_error.text()
    assert reveal.number_label.isHidden()
    audited = "SELECT actor, object_id, detail FROM audit_log WHERE action = 'view_full_id'"
    assert ctx.ledger.store.conn.execute(audited).fetchall() == []
    reveal.reason_combo.setCurrentIndex(0)
    reveal.show_button.click()
    assert reveal.number_label.text() == make_id(seq=11) and not reveal.number_label.isHidden()
    assert ctx.ledger.store.conn.execute(audited).fetchall() == [("wangfang", rid, "核对身份信息")]
    reveal.reject()
    assert reveal.number == "" and reveal.number_label.text() == ""


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR])
def test_no_reveal_button_without_full_id_view(qtbot, ctx: GuiContext, role: Role) -> None:
    rid = _resident(ctx)
    _as(ctx, role)
    dialog = ResidentDialog(ctx, rid)
    qtbot.addWidget(dialog)
    assert dialog.reveal_button.isHidden() and dialog.read_only


def test_no_reveal_button_for_a_new_resident(qtbot, ctx: GuiContext) -> None:
    _as(ctx, Role.CLERK)
    dialog = ResidentDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.reveal_button.isHidden()


def test_apply_actor_regates_after_a_switch_of_user(qtbot, ctx: GuiContext) -> None:
    _resident(ctx)
    _as(ctx, Role.DIRECTOR)
    window = _window(qtbot, ctx)
    before = window.show_page(RESIDENTS)
    assert not _button(before, "export_button").isHidden()
    window.show_page(CASES)
    _as(ctx, Role.CLERK)  # the idle lock's 切换用户, say
    window.apply_actor()
    assert "调解" not in window.visible_titles() and "居民" in window.visible_titles()
    assert not window.ui.nav_list.isRowHidden(window.ui.nav_list.currentRow())
    after = window.page(RESIDENTS)
    assert after is not before  # built again for the new role
    assert _button(after, "export_button").isHidden() and not _button(after, "new_button").isHidden()
    assert not window.due_label.isVisibleTo(window)
    _as(ctx, Role.MEDIATOR)
    window.apply_actor()
    assert "调解" in window.visible_titles()
    assert _button(window.page(RESIDENTS), "new_button").isHidden()


def test_a_service_refusal_in_a_dialog_is_a_chinese_message(qtbot, ctx: GuiContext) -> None:
    rid = _resident(ctx)
    _as(ctx, Role.CLERK)
    dialog = ResidentDialog(ctx, rid)
    qtbot.addWidget(dialog)
    _as(ctx, Role.MEDIATOR)  # the role changed under an open dialog: the service still refuses
    dialog.ui.address_edit.setText("青石村三组")
    dialog.accept()
    assert dialog.changes is None and residents.load(ctx.ledger, rid)[0].address == ""
    box = dialog.findChild(QMessageBox, "error_box")
    assert box is not None and "没有“修改居民台账”权限" in box.text() and "王芳" in box.text()
