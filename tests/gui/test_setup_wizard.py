"""首次使用设置: each page refuses bad input with the services' own words under its fields, and nothing is written
until 完成; 完成 saves the village, the committee and the administrator together and logs the administrator in;
「以后再说」 skips the county; 现在连接 enrolls against the real county server (loopback), and a failed enrollment keeps
the local settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sync import outbox, status
from tests.sync import harness
from zhzx_desktop.gui.dialogs.enroll_dialog import EnrollDialog
from zhzx_desktop.gui.dialogs.setup_wizard import ADMIN_PAGE, COMMITTEE_PAGE, SERVER_PAGE, VILLAGE_PAGE, SetupWizard
from zhzx_desktop.security import accounts
from zhzx_desktop.services import committee, village
from zhzx_desktop.services.ledger import Ledger

CODE = "430223101201"  # 县 430223 (in the GB/T 2260 table) + 乡镇 101 + 村 201
PASSWORD = "Dongh2026!x"


@pytest.fixture
def wizard(qtbot, ledger: Ledger) -> Iterator[SetupWizard]:
    opened = SetupWizard(ledger)
    qtbot.addWidget(opened)
    opened.open()
    yield opened
    if opened.enroll_dialog is not None:
        opened.enroll_dialog.wait(20)


def _fill_all(wizard: SetupWizard) -> None:
    page = wizard.village_page
    page.village_name_edit.setText("东华村")
    page.village_code_edit.setText(CODE)
    wizard.next()
    assert wizard.currentId() == COMMITTEE_PAGE
    wizard.next()
    assert wizard.currentId() == ADMIN_PAGE
    admin = wizard.admin_page
    admin.username_edit.setText("wangfang")
    admin.display_name_edit.setText("王芳")
    admin.password_edit.setText(PASSWORD)
    admin.confirm_edit.setText(PASSWORD)
    wizard.next()
    assert wizard.currentId() == SERVER_PAGE


def _nothing_saved(ledger: Ledger) -> None:
    assert not accounts.accounts_exist(ledger)
    assert village.load(ledger) == village.Village()
    assert not committee.load(ledger).complete


def test_each_page_refuses_bad_input_inline_and_saves_nothing(qtbot, wizard: SetupWizard, ledger: Ledger) -> None:
    page = wizard.village_page
    page.village_code_edit.setText("43022310120")  # 11 digits
    wizard.next()
    assert wizard.currentId() == VILLAGE_PAGE
    assert set(page.errors.shown()) == {"village_name", "village_code"}
    assert page.errors.text("village_code") == "统计用区划代码应为12位数字（县6位＋乡镇3位＋村3位）"
    assert "村名称" in page.errors.text("village_name")
    page.village_name_edit.setText("东华村")
    page.village_code_edit.setText("430223101000")
    wizard.next()
    assert wizard.currentId() == VILLAGE_PAGE and "不能为000" in page.errors.text("village_code")
    page.village_code_edit.setText(CODE)
    wizard.next()
    assert wizard.currentId() == COMMITTEE_PAGE
    # proposed from the village name, with the case number it gives
    assert wizard.committee_page.committee_name_edit.text() == "东华村人民调解委员会"
    assert wizard.committee_page.case_prefix_edit.text() == "东华村"
    assert wizard.committee_page.example_label.text() == "案号将是这样：（2026）东华村人调字第001号"
    wizard.committee_page.case_prefix_edit.setText("（东华）")
    wizard.next()
    assert wizard.currentId() == COMMITTEE_PAGE and "不要带括号" in wizard.committee_page.errors.text("case_prefix")
    wizard.committee_page.case_prefix_edit.setText("东华")
    wizard.next()
    admin = wizard.admin_page
    admin.username_edit.setText("wangfang")
    admin.display_name_edit.setText("王芳")
    admin.password_edit.setText("short")
    admin.confirm_edit.setText("shorter")
    wizard.next()
    assert wizard.currentId() == ADMIN_PAGE
    shown = admin.errors.shown()
    assert set(shown) == {"password", "password_confirm"} and shown["password_confirm"] == "两次输入的新密码不一致"
    _nothing_saved(ledger)
    admin.password_edit.setText(PASSWORD)
    admin.confirm_edit.setText(PASSWORD)
    wizard.next()
    assert wizard.currentId() == SERVER_PAGE
    wizard.server_page.now_radio.setChecked(True)
    wizard.accept()
    assert wizard.isVisible() and set(wizard.server_page.errors.shown()) == {"server_url", "code"}
    _nothing_saved(ledger)  # every page checked, still nothing written: closing now leaves the database as it was
    wizard.reject()
    assert wizard.result() == SetupWizard.DialogCode.Rejected
    _nothing_saved(ledger)


def test_finish_saves_everything_and_logs_the_admin_in(qtbot, wizard: SetupWizard, ledger: Ledger) -> None:
    _fill_all(wizard)
    assert wizard.server_page.later_radio.isChecked() and not wizard.server_page.server_url_edit.isEnabled()
    with qtbot.waitSignal(wizard.accepted):
        wizard.accept()
    assert village.load(ledger) == village.Village("东华村", CODE)
    settings = committee.load(ledger)
    assert (settings.name, settings.prefix) == ("东华村人民调解委员会", "东华村")
    actor = ledger.session.actor
    assert actor is not None and actor.account_id is not None and wizard.actor == actor
    account = accounts.get_account(ledger, actor.account_id)
    assert (account.username, account.display_name, str(account.role)) == ("wangfang", "王芳", "admin")
    assert accounts.login(ledger, "wangfang", PASSWORD).actor.account_id == actor.account_id
    assert not status.overview(ledger.store.conn).enrolled


def test_connect_now_enrolls_and_a_failure_keeps_the_local_settings(qtbot, wizard: SetupWizard, ledger: Ledger,
                                                                     county: harness.ServerThread) -> None:
    _fill_all(wizard)
    wizard.server_page.now_radio.setChecked(True)
    wizard.server_page.server_url_edit.setText(county.url)
    wizard.server_page.code_edit.setText("WRONG234")
    wizard.accept()
    dialog = wizard.enroll_dialog
    assert isinstance(dialog, EnrollDialog)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20000)
    assert dialog.isVisible() and dialog.errors.text("form").startswith("注册失败")
    assert accounts.accounts_exist(ledger) and village.load(ledger).code == CODE  # saved before connecting
    code = harness.new_enrollment_code(county.store)
    dialog.fill(county.url, code)
    with qtbot.waitSignal(wizard.accepted, timeout=20000):
        dialog.accept()
    assert status.overview(ledger.store.conn).enrolled
    assert ledger.session.actor is not None


def test_cancelling_the_enrollment_is_later(qtbot, wizard: SetupWizard, ledger: Ledger) -> None:
    _fill_all(wizard)
    wizard.server_page.now_radio.setChecked(True)
    wizard.server_page.server_url_edit.setText("http://zhzx.example.cn")  # refused by the engine: not https
    wizard.server_page.code_edit.setText("ABCD2345")
    wizard.accept()
    dialog = wizard.enroll_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20000)
    assert "https" in dialog.errors.text("form")
    with qtbot.waitSignal(wizard.accepted):
        dialog.reject()  # 取消 = 以后再说
    assert ledger.session.actor is not None and not status.overview(ledger.store.conn).enrolled


def test_screenshots(qtbot, wizard: SetupWizard, tmp_path: Path) -> None:
    wizard.resize(700, 520)
    wizard.village_page.village_code_edit.setText("123")
    wizard.next()
    shots = [tmp_path / "wizard_village.png"]
    assert wizard.grab().save(str(shots[0]))
    wizard.village_page.village_name_edit.setText("东华村")
    wizard.village_page.village_code_edit.setText(CODE)
    for name in ("committee", "admin"):
        wizard.next()
        shots.append(tmp_path / f"wizard_{name}.png")
        assert wizard.grab().save(str(shots[-1]))
    assert all(p.stat().st_size > 5000 for p in shots)


def test_village_dialog_from_the_settings_menu_saves_in_accept(qtbot, ctx) -> None:
    from zhzx_desktop.gui.dialogs.setup_wizard import VillageDialog
    from zhzx_desktop.gui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert window.village_action.text() == "本村名称和区划代码…"
    window.village_action.trigger()
    dialog = window.village_dialog
    assert isinstance(dialog, VillageDialog) and dialog.isVisible()
    assert dialog.village_name_edit.text() == "" and dialog.village_code_edit.text() == ""
    dialog.village_name_edit.setText("东华村")
    dialog.village_code_edit.setText("430223000201")
    dialog.accept()
    assert dialog.isVisible() and "不能为000" in dialog.errors.text("village_code")
    assert village.load(ctx.ledger) == village.Village()
    dialog.village_code_edit.setText(CODE)
    with qtbot.waitSignal(dialog.accepted):
        dialog.accept()
    assert village.load(ctx.ledger) == village.Village("东华村", CODE) == dialog.village
    window.village_action.trigger()
    assert window.village_dialog.village_code_edit.text() == CODE  # reads the saved values again
    assert not window.village_dialog.village_code_edit.isReadOnly()
    window.village_dialog.reject()
    with ctx.ledger.store.write() as conn:  # once enrolled, the code is the county's (written at enrollment)
        outbox.set_state(conn, "device_id", "d1")
    window.village_action.trigger()
    assert window.village_dialog.village_code_edit.isReadOnly()
    window.village_dialog.reject()
