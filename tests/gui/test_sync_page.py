"""The 同步 page against the real county server on loopback (tests/sync/harness.ServerThread) and the real engine
(sync.client): enroll through the dialog, edit, 立即同步 → 县里已确认; a county edit of the same field → a conflict
card, 知道了 closes it; 取消 stops a stalled sync; the timer syncs in the background; the status bar; closing the
window reports what is pending; the record models pass qtmodeltester. No thread is left running."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QProgressDialog, QPushButton

from sync import status
from sync.client import SyncResult
from tests.gui.test_sync_worker import _no_sync_thread
from tests.helpers import make_id
from tests.sync import harness
from zhzx_desktop.gui import main_window as main_window_module
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.enroll_dialog import EnrollDialog
from zhzx_desktop.gui.main_window import SYNC, MainWindow
from zhzx_desktop.gui.models.sync_record_model import QuarantinedModel, SyncRecordModel
from zhzx_desktop.gui.pages.sync_page import SyncPage
from zhzx_desktop.gui.sync_worker import SyncWorker
from zhzx_desktop.services import residents
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.residents import ResidentInput


@pytest.fixture
def page(qtbot, ctx: GuiContext) -> Iterator[SyncPage]:
    worker = SyncWorker(ctx.ledger.store.path, interval_minutes=0)
    sync_page = SyncPage(ctx, worker)
    qtbot.addWidget(sync_page)
    yield sync_page
    assert worker.shutdown(5.0)
    assert _no_sync_thread()


def _enroll(qtbot, page: SyncPage, county: harness.ServerThread) -> None:
    dialog = page.open_enroll_dialog()
    assert isinstance(dialog, EnrollDialog) and dialog.isVisible()
    dialog.fill(county.url, harness.new_enrollment_code(county.store), device_name="村委会电脑")
    dialog.accept()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=15000)
    assert dialog.result() == EnrollDialog.DialogCode.Accepted


def _sync(qtbot, page: SyncPage) -> tuple[Any, Any]:
    assert page.worker is not None
    with qtbot.waitSignal(page.worker.finished, timeout=30000) as blocker:
        page.sync_button.click()
    return blocker.args[0], blocker.args[1]


def _register(ctx: GuiContext, name: str, seq: int) -> str:
    return residents.register(ctx.ledger, ResidentInput(name=name, id_number=make_id(seq=seq))).row_id or ""


def _statuses(page: SyncPage) -> dict[str, str]:
    model = page.records_model
    return {model.index(r, 0).data(): model.index(r, 1).data() for r in range(model.rowCount())}


def test_before_enrolling_the_page_says_so_and_sync_is_off(qtbot, page: SyncPage, ctx: GuiContext) -> None:
    _register(ctx, "王小明", 1)
    page.apply(Changes(residents=True))
    assert page.not_enrolled_label.isVisibleTo(page)
    assert "还没有连接县平台" in page.not_enrolled_label.text()
    assert not page.sync_button.isEnabled() and not page.usb_button.isEnabled()
    assert page.enroll_button.isEnabled() and page.enroll_button.text() == "连接县平台…"
    assert page.pending_label.text().endswith("条") and page.last_success_label.text() == "还没有成功同步过"
    assert set(_statuses(page).values()) == {"未上报"}
    assert page.skew_banner.isHidden()


def test_enroll_edit_sync_now_shows_confirmed(qtbot, page: SyncPage, ctx: GuiContext,
                                              county: harness.ServerThread) -> None:
    _enroll(qtbot, page, county)
    assert page.overview.enrolled and page.village_label.text() == harness.VILLAGE_NAME
    assert page.server_label.text() == county.url and page.sync_button.isEnabled()
    assert page.not_enrolled_label.isHidden()
    _register(ctx, "王小明", 1)
    page.apply(Changes(residents=True))
    assert page.pending_label.text() != "无，全部已上报"
    assert any(s == "未上报" for s in _statuses(page).values())

    result, error = _sync(qtbot, page)
    assert error is None and result.error is None and result.pushed >= 1
    assert page.pending_label.text() == "无，全部已上报"
    assert "同步完成" in page.result_label.text() and page.progress_row.isHidden()
    assert "刚刚" in page.last_success_label.text()
    page.set_filter("县里已确认")
    confirmed = _statuses(page)
    assert any("王小明" in label for label in confirmed) and set(confirmed.values()) == {"县里已确认"}
    page.set_filter("未上报")
    assert page.records_model.rowCount() == 0


def test_a_county_edit_of_the_same_field_shows_a_card_and_knowing_closes_it(
        qtbot, page: SyncPage, ctx: GuiContext, county: harness.ServerThread) -> None:
    _enroll(qtbot, page, county)
    resident_id = _register(ctx, "李秀英", 2)
    _sync(qtbot, page)
    residents.set_status(ctx.ledger, resident_id, "moved_out")  # the clerk: moved out
    harness.county_edit(county, "residents", resident_id, {"status": "deceased"})  # the county: deceased
    result, _ = _sync(qtbot, page)
    assert result.conflicts >= 1
    assert len(page.cards) == 1 and page.no_conflicts_label.isHidden()
    assert page.tabs.currentIndex() == page.CONFLICTS_TAB and "需要您确认" in page.result_label.text()
    card = page.cards[0]
    assert "李秀英" in card.text_label.text() and card.other_button.isHidden()  # status: the county decides
    assert card.text_label.text().endswith("。")  # a sentence, in Chinese
    assert page.tabs.tabText(page.CONFLICTS_TAB) == "需要确认（1）"
    with qtbot.waitSignal(page.changed, timeout=2000):
        card.ok_button.click()  # 知道了
    assert page.cards == [] and not page.no_conflicts_label.isHidden()
    assert status.conflicts(ctx.ledger.store.conn) == []
    assert page.tabs.tabText(page.CONFLICTS_TAB) == "需要确认（0）"


def test_cancel_stops_a_stalled_sync(qtbot, page: SyncPage, ctx: GuiContext, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHZX_STATE_DIR", str(tmp_path / "sync-state"))
    from sync.server.app import Faults
    faults = Faults()
    server = harness.ServerThread(tmp_path / "county.db", faults)
    try:
        harness.add_village(server.store)
        _enroll(qtbot, page, server)
        _register(ctx, "赵建国", 3)
        faults.stall_seconds = 30
        faults.stall_next = 5  # the county accepts the request and then says nothing
        assert page.worker is not None
        with qtbot.waitSignal(page.worker.started, timeout=2000):
            page.sync_button.click()
        assert not page.progress_row.isHidden() and page.cancel_button.isEnabled()
        assert not page.sync_button.isEnabled()
        qtbot.wait(500)
        with qtbot.waitSignal(page.worker.finished, timeout=10000):
            page.cancel_button.click()
        assert page.progress_row.isHidden() and "取消" in page.result_label.text()
        assert "不会丢失" in page.result_label.text()
        assert page.worker.failures == 0  # a cancel is not the county's fault: no backoff
        assert status.overview(ctx.ledger.store.conn).pending > 0  # nothing lost
    finally:
        server.stop()


def test_the_timer_syncs_in_the_background(qtbot, page: SyncPage, ctx: GuiContext,
                                           county: harness.ServerThread) -> None:
    _enroll(qtbot, page, county)
    _register(ctx, "孙丽华", 4)
    assert page.worker is not None
    page.worker.set_interval(0.005)  # 0.3 s
    with qtbot.waitSignal(page.worker.finished, timeout=30000) as blocker:
        page.worker.start_timer(first_ms=50)
    assert page.worker.reason == "timer" and blocker.args[1] is None
    assert status.overview(ctx.ledger.store.conn).pending == 0
    assert page.pending_label.text() == "无，全部已上报"


def test_rejected_changes_are_listed_with_their_reason_and_models_pass_the_tester(
        qtbot, qtmodeltester, page: SyncPage, ctx: GuiContext, county: harness.ServerThread) -> None:
    _enroll(qtbot, page, county)
    resident_id = _register(ctx, "周志强", 5)
    _register(ctx, "吴桂兰", 6)
    _sync(qtbot, page)
    with ctx.ledger.store.write() as conn:  # a poison change: born in the future
        conn.execute("UPDATE residents SET birth_date='2099-01-01' WHERE id=?", (resident_id,))
    result, _ = _sync(qtbot, page)
    assert result.rejected >= 1
    assert page.quarantined_model.rowCount() >= 1
    assert page.tabs.tabText(page.QUARANTINED_TAB).startswith("被退回的修改（")
    assert page.tabs.currentIndex() == page.QUARANTINED_TAB  # shown at once, with the reason
    assert "被县里退回" in page.result_label.text()
    reason = page.quarantined_model.index(0, 1).data()
    assert reason and "周志强" in page.quarantined_model.index(0, 0).data()
    page.set_filter(None)
    assert "被退回" in _statuses(page).values() and "县里已确认" in _statuses(page).values()
    qtmodeltester.check(page.records_model)
    qtmodeltester.check(page.quarantined_model)
    empty = SyncRecordModel()
    qtmodeltester.check(empty)
    qtmodeltester.check(QuarantinedModel())


def test_clock_skew_shows_a_red_banner_that_never_blocks(qtbot, page: SyncPage) -> None:
    page._on_worker_finished(SyncResult(pushed=0, pulled=0, skew_seconds=900.0), None)
    assert page.skew_banner.isVisibleTo(page) and "15 分钟" in page.skew_banner.text()
    assert "不影响同步" in page.skew_banner.text()
    page._show_skew(30.0)
    assert page.skew_banner.isHidden()


def test_the_main_window_lists_the_page_and_shows_the_sync_state(qtbot, ctx: GuiContext,
                                                                 county: harness.ServerThread) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    try:
        assert window.ui.nav_list.item(SYNC).text() == "同步" and window.ui.nav_list.item(SYNC - 1).text() == "调解"
        _register(ctx, "郑海燕", 7)
        window.apply(Changes(residents=True))
        assert window.sync_label.text() == "同步：未连接县平台" or window.sync_label.text().startswith("同步：")
        page = window.show_page(SYNC)
        assert isinstance(page, SyncPage) and page.worker is window.sync_worker
        _enroll(qtbot, page, county)
        window.apply(Changes())
        pending = status.overview(ctx.ledger.store.conn).pending
        assert window.sync_label.text() == f"同步：{pending}条待上报"
        _sync(qtbot, page)
        assert window.sync_label.text().startswith("已同步 ")
        assert window.sync_label.text()[4:6].isdigit() and window.sync_label.text()[6] == ":"
        again = MainWindow(ctx)  # next start: enrolled already, the page gets the worker after it is built
        qtbot.addWidget(again)
        assert again.sync_page.sync_button.isEnabled() and again.sync_page.usb_button.isEnabled()
        assert again.sync_worker.shutdown(5.0)
    finally:
        assert window.sync_worker.shutdown(5.0)


def test_closing_reports_pending_changes_first_bounded(qtbot, ctx: GuiContext, county: harness.ServerThread,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    page = window.sync_page
    _enroll(qtbot, page, county)
    _register(ctx, "冯晓东", 8)
    window.close()  # the close waits for the last sync
    dialog = window.findChild(QProgressDialog, "exit_sync_progress")
    assert dialog is not None and "不会丢失" in dialog.labelText() and "10 秒" in dialog.labelText()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=15000)
    assert status.overview(ctx.ledger.store.conn).pending == 0
    assert _no_sync_thread()


@contextlib.contextmanager
def _window_with_a_stalling_county(qtbot, ctx: GuiContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   name: str, seq: int) -> Iterator[MainWindow]:
    """The main window enrolled with a county that accepts the next requests and then sends nothing, and one new
    resident waiting to be reported: closing the window has a sync to wait for."""
    monkeypatch.setenv("ZHZX_STATE_DIR", str(tmp_path / "sync-state"))
    from sync.server.app import Faults
    faults = Faults()
    server = harness.ServerThread(tmp_path / "county.db", faults)
    try:
        harness.add_village(server.store)
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.show()
        _enroll(qtbot, window.sync_page, server)
        _register(ctx, name, seq)
        faults.stall_seconds = 30
        faults.stall_next = 5
        yield window
    finally:
        server.stop()


def test_closing_gives_up_after_the_time_limit(qtbot, ctx: GuiContext, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(main_window_module, "EXIT_SYNC_SECONDS", 1)
    with _window_with_a_stalling_county(qtbot, ctx, tmp_path, monkeypatch, "陈志远", 9) as window:
        started = threading.Event()
        window.sync_worker.started.connect(lambda _reason: started.set())
        window.close()
        assert started.is_set()
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=8000)  # 1 s limit + the cancel
        assert status.overview(ctx.ledger.store.conn).pending > 0  # left for next time, still there
        assert _no_sync_thread()


def test_usb_exchange_exports_a_bundle_and_imports_the_receipt(qtbot, page: SyncPage, ctx: GuiContext,
                                                               county: harness.ServerThread, tmp_path: Path) -> None:
    _enroll(qtbot, page, county)
    _register(ctx, "何玉梅", 10)
    assert page.usb_button.isEnabled()
    bundle_path = tmp_path / "U盘" / "同步数据包.zhzx"
    bundle_path.parent.mkdir()
    page.export_bundle(bundle_path)
    assert bundle_path.is_file() and page.result_label.text().startswith("已导出 ")
    page.set_filter(None)
    assert set(_statuses(page).values()) == {"已上报待确认"}  # frozen into the bundle, not yet confirmed
    receipt_path = tmp_path / "U盘" / "回执.zhzx-receipt"
    receipt_path.write_bytes(county.store.import_bundle(bundle_path.read_bytes()))  # at the county
    with qtbot.waitSignal(page.changed, timeout=2000):
        page.import_receipt(receipt_path)
    assert page.result_label.text().startswith("回执已导入：县里确认了 ")
    assert set(_statuses(page).values()) == {"县里已确认"}
    page.import_receipt(receipt_path)  # twice: nothing changes
    assert page.result_label.text() == "这个回执以前已经导入过，这次没有任何变化。"


def test_in_the_window_the_page_rereads_when_shown_again(qtbot, ctx: GuiContext) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page(SYNC)
    assert isinstance(page, SyncPage)
    before = page.records_model.rowCount()
    window.show_page(2)  # 居民
    _register(ctx, "钱国华", 11)
    window.apply(Changes(residents=True))
    assert page.records_model.rowCount() == before  # not shown: no outbox-wide query now
    window.show_page(SYNC)
    assert page.records_model.rowCount() == before + 1
    assert window.sync_worker.shutdown(5.0)


def test_when_the_clerks_value_won_the_card_offers_the_countys_instead(qtbot, ctx: GuiContext,
                                                                       county: harness.ServerThread) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    page = window.sync_page
    window.show_page(SYNC)
    _enroll(qtbot, page, county)
    resident_id = _register(ctx, "林建华", 12)
    _sync(qtbot, page)
    data, _, _ = residents.load(ctx.ledger, resident_id)
    residents.update(ctx.ledger, resident_id, replace(data, address="东华村三组12号"))  # the clerk
    harness.county_edit(county, "residents", resident_id, {"address": "东华村二组5号"})  # the county
    _sync(qtbot, page)
    assert window.sync_label.text() == "有1处需要确认"
    card = page.cards[0]
    assert "按规则采用您的值" in card.text_label.text()
    assert card.ok_button.text() == "知道了" and card.other_button.text() == "改用县里的"
    assert not card.other_button.isHidden()
    with qtbot.waitSignal(page.changed, timeout=2000) as blocker:
        card.other_button.click()  # 改用县里的: the county's address becomes a new local edit
    assert blocker.args[0] == Changes(residents=True, row_id=resident_id)  # the 居民 page redraws that row
    assert residents.load(ctx.ledger, resident_id)[0].address == "东华村二组5号"
    assert page.cards == [] and window.sync_label.text() == "同步：1条待上报"
    _sync(qtbot, page)
    assert harness.server_row(county, "residents", resident_id)["address"] == "东华村二组5号"
    assert window.sync_label.text().startswith("已同步 ")
    assert window.sync_worker.shutdown(5.0)


def test_the_interval_is_a_remembered_setting_that_drives_the_timer(qtbot, page: SyncPage, ctx: GuiContext) -> None:
    from zhzx_desktop.gui import settings as keys
    assert ctx.settings.get(keys.SYNC_INTERVAL_MINUTES) == 5 and page.interval_spin.value() == 5
    assert page.worker is not None
    assert not page.worker.timer.isActive()  # nothing runs in the background until the app starts the timer
    page.worker.start_timer()
    page.interval_spin.setValue(15)
    assert ctx.settings.get(keys.SYNC_INTERVAL_MINUTES) == 15 and page.worker.interval_ms == 15 * 60_000
    assert page.worker.timer.isActive()
    page.interval_spin.setValue(0)
    assert page.interval_spin.text() == "不自动同步" and not page.worker.timer.isActive()


def test_the_clerk_need_not_wait_for_the_last_sync(qtbot, ctx: GuiContext, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    with _window_with_a_stalling_county(qtbot, ctx, tmp_path, monkeypatch, "黄雅琴", 13) as window:
        window.close()
        dialog = window.findChild(QProgressDialog, "exit_sync_progress")
        assert dialog is not None and window.isVisible()
        window.close()  # pressing the close button again while it reports: still waits (the dialog says how long)
        assert window.isVisible()
        buttons = [b for b in dialog.findChildren(QPushButton) if b.text() == "不等了，直接退出"]
        assert len(buttons) == 1
        buttons[0].click()
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
        assert status.overview(ctx.ledger.store.conn).pending > 0 and _no_sync_thread()
