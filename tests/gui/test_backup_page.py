"""The 备份 page: 立即备份 with the second folder, 恢复… (noted for the next start), 检查数据库; the automatic
backups (daily, on exit) and the page in the main window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from zhzx_desktop.domain.roles import Permission
from zhzx_desktop.gui import settings as keys
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.pages import backup_page
from zhzx_desktop.gui.pages.backup_page import BackupPage
from zhzx_desktop.services import backups, demo


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ZHZX_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("ZHZX_BACKUP_DIR", raising=False)
    return tmp_path / "state"


@pytest.fixture
def page(qtbot, ctx: GuiContext) -> BackupPage:
    demo.populate(ctx.ledger, residents=20, seed=5, cases=1)
    shown = BackupPage(ctx)
    qtbot.addWidget(shown)
    return shown


def test_backup_now_lists_the_new_backup(qtbot, page: BackupPage, ctx: GuiContext, tmp_path: Path) -> None:
    assert page.backup_list.topLevelItemCount() == 0 and not page.restore_button.isEnabled()
    assert "未设置" in page.folder_label.text()
    page.backup_button.click()
    assert page.backup_list.topLevelItemCount() == 1 and page.restore_button.isEnabled()
    item = page.backup_list.topLevelItem(0)
    assert item.text(2).endswith(".zbk") and (tmp_path / "backups" / item.text(2)).is_file()
    assert page.result_label.text().startswith("已备份：")
    assert ctx.runner.labels[-1] == "正在备份…"  # type: ignore[attr-defined]
    page.resize(760, 420)
    page.show()
    page.grab().save(str(tmp_path / "backup_page.png"))


def test_the_second_folder_gets_a_copy_and_an_unplugged_one_is_told(qtbot, page: BackupPage, ctx: GuiContext,
                                                                     tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    page.set_extra_folder(usb)
    assert ctx.settings.get(keys.BACKUP_EXTRA_DIR) == str(usb) and str(usb) in page.folder_label.text()
    page.backup_now()
    assert len(list(usb.glob("*.zbk"))) == 1 and "第二备份位置" in page.result_label.text()
    usb.rename(tmp_path / "unplugged")
    page.backup_now()
    box = page.findChild(QMessageBox, "message_box")
    assert box is not None and "U盘" in box.text()
    assert page.backup_list.topLevelItemCount() == 2  # the main backup was still made


def test_restore_checks_the_backup_and_notes_it_for_the_next_start(qtbot, page: BackupPage, ctx: GuiContext) -> None:
    page.backup_now()
    chosen = page.selected_path()
    assert chosen is not None
    box = page.open_restore_confirm()
    assert box is not None and "下次打开时" in box.text() and "另存一份" in box.text()
    page.restore_yes.click()
    assert backups.pending_restore(ctx.ledger.store.path) == chosen.resolve()
    assert "重新打开" in page.result_label.text()


def test_restore_refuses_a_damaged_backup_at_once(qtbot, page: BackupPage, ctx: GuiContext) -> None:
    page.backup_now()
    chosen = page.selected_path()
    assert chosen is not None
    chosen.write_bytes(chosen.read_bytes()[:-10])
    page.open_restore_confirm()
    page.restore_yes.click()
    assert backups.pending_restore(ctx.ledger.store.path) is None
    errors = [b for b in page.findChildren(QMessageBox) if "损坏" in b.text()]
    assert errors


def test_check_shows_healthy_and_then_the_problems(qtbot, page: BackupPage, ctx: GuiContext) -> None:
    page.check_button.click()
    assert page.result_label.text() == "检查通过：数据库完好，审计日志完整。"
    ctx.ledger.store.conn.execute("DROP TRIGGER households_capture_insert")
    page.check_now()
    assert page.result_label.text().startswith("检查发现 1 个问题") and "households" in page.result_label.text()


def test_daily_backup_only_when_the_newest_is_a_day_old(qtbot, ctx: GuiContext, tmp_path: Path) -> None:
    assert backup_page.daily_backup(ctx) is True
    assert len(list((tmp_path / "backups").glob("*.zbk"))) == 1
    assert backup_page.daily_backup(ctx) is False
    assert backup_page.backup_on_exit(ctx) is None  # one was made minutes ago


def test_the_main_window_has_the_page_and_backs_up_on_exit(qtbot, ctx: GuiContext, tmp_path: Path) -> None:
    from zhzx_desktop.gui.main_window import BACKUP, PAGES, MainWindow
    assert PAGES[BACKUP][0] == "备份" and PAGES[BACKUP][2] is Permission.BACKUP_MANAGE
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert window.backup_timer.isActive() and window.backup_timer.isSingleShot()
    assert isinstance(window.show_page(BACKUP), BackupPage)
    window.show()
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible())
    assert len(list((tmp_path / "backups").glob("*.zbk"))) == 1
