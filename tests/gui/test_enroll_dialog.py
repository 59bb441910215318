"""连接县平台: missing input is flagged inline without a request; the engine's refusal of plain http to another
computer and the county's refusal of a bad code are shown in its Chinese words with the dialog left open; a good code
enrolls (over loopback, against the real county server) and closes the dialog. No thread is left running."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from sync import status
from tests.sync import harness
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.enroll_dialog import THREAD_NAME, EnrollDialog


@pytest.fixture
def dialog(qtbot, ctx: GuiContext) -> Iterator[EnrollDialog]:
    opened = EnrollDialog(ctx.ledger.store.path)
    qtbot.addWidget(opened)
    opened.open()
    yield opened
    opened.wait(20)
    assert not any(t.name == THREAD_NAME and t.is_alive() for t in threading.enumerate())


def _answer(qtbot, dialog: EnrollDialog) -> None:
    dialog.accept()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20000)


def test_missing_address_and_code_are_flagged_without_a_request(qtbot, dialog: EnrollDialog) -> None:
    dialog.fill("", "  ")
    dialog.accept()
    assert not dialog.busy and dialog.isVisible()
    assert dialog.errors.text("server_url") == "请填写县平台地址" and dialog.errors.text("code") == "请填写注册码"
    dialog.fill("https://zhzx.example.cn", "ABCD2345", ca_file="/no/such/ca.pem")
    dialog.accept()
    assert not dialog.busy and dialog.errors.shown() == {"ca_file": "找不到这个证书文件"}


def test_plain_http_to_another_computer_is_refused_with_the_engines_message(qtbot, dialog: EnrollDialog) -> None:
    dialog.fill("http://zhzx.example.cn", "ABCD2345")
    _answer(qtbot, dialog)
    assert dialog.isVisible() and dialog.result() != EnrollDialog.DialogCode.Accepted
    assert "https" in dialog.errors.text("form")
    assert dialog.ok_button.isEnabled() and not dialog.server_url_edit.isReadOnly()  # ready to correct


def test_a_bad_code_is_refused_and_a_good_one_enrolls(qtbot, dialog: EnrollDialog, ctx: GuiContext,
                                                     county: harness.ServerThread) -> None:
    dialog.fill(county.url, "WRONG234")
    _answer(qtbot, dialog)
    assert dialog.isVisible() and dialog.errors.text("form").startswith("注册失败")
    assert not status.overview(ctx.ledger.store.conn).enrolled

    code = harness.new_enrollment_code(county.store)
    dialog.fill(county.url, code.lower(), device_name="村委会办公室电脑")  # typed in lower case: still accepted
    with qtbot.waitSignal(dialog.enrolled, timeout=20000) as blocker:
        dialog.accept()
        assert dialog.busy and not dialog.busy_label.isHidden() and not dialog.ok_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert dialog.result() == EnrollDialog.DialogCode.Accepted
    assert blocker.args[0].village_name == harness.VILLAGE_NAME
    overview = status.overview(ctx.ledger.store.conn)
    assert overview.enrolled and overview.server_url == county.url and overview.village_name == harness.VILLAGE_NAME
