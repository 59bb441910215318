"""训练模式: a separate sandbox database generated once with demo data and marked; the window carries the orange banner
and 【训练】; its 同步 page refuses the county (and so does the command line); the menu asks the app to restart into
training, out of it, or with fresh data; 重置 never deletes a real database. Also: Qt's own words in Chinese."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QMessageBox

from sync import client
from tests.conftest import TODAY
from zhzx_desktop import cli
from zhzx_desktop.errors import KnownError
from zhzx_desktop.gui import training
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.main_window import SYNC, MainWindow
from zhzx_desktop.gui.operations import InlineRunner
from zhzx_desktop.gui.pages.training_sync_page import TrainingSyncPage
from zhzx_desktop.gui.settings import Settings
from zhzx_desktop.gui.translations import install
from zhzx_desktop.security import accounts
from zhzx_desktop.services import committee, demo, residents, village
from zhzx_desktop.services.ledger import Ledger, open_ledger


@pytest.fixture
def sandbox(tmp_path: Path) -> Path:
    """A small generated sandbox (in a ``training`` folder, as the app's is)."""
    path = tmp_path / "data" / "training" / "training.db"
    assert training.prepare(path, residents=80, cases=8) == path
    return path


@pytest.fixture
def tledger(sandbox: Path) -> Iterator[Ledger]:
    from zhzx_desktop import paths
    opened = open_ledger(sandbox, key_fallback_dir=paths.config_dir(), today=lambda: TODAY)
    opened.session.actor = accounts.login(opened, training.PRACTICE_ACCOUNT, demo.DEMO_PASSWORD).actor
    yield opened
    opened.close()


@pytest.fixture
def window(qtbot, tledger: Ledger, tmp_path: Path) -> Iterator[MainWindow]:
    runner = InlineRunner(tledger)
    shown = MainWindow(GuiContext(tledger, runner, Settings(tmp_path / "settings.ini")))
    qtbot.addWidget(shown)
    yield shown
    runner.shutdown()


def test_the_sandbox_is_generated_once_marked_and_filled(sandbox: Path, tledger: Ledger) -> None:
    assert training.is_training_db(sandbox) and training.is_training(tledger)
    assert residents.count(tledger) >= 60
    assert village.load(tledger) == village.Village(committee.load(tledger).prefix, "430223101201")
    assert village.load(tledger).name.endswith("村")
    assert {a.username for a in accounts.list_accounts(tledger)} == {u for u, _n, _r in demo.DEMO_ACCOUNTS}
    before = sandbox.stat().st_mtime_ns
    assert training.prepare(sandbox) == sandbox and sandbox.stat().st_mtime_ns == before  # not made again


def test_reset_removes_the_sandbox_but_never_a_real_database(tmp_path: Path, ledger: Ledger, db_path: Path,
                                                             tledger: Ledger) -> None:
    with pytest.raises(ValueError):
        training.remove(db_path)  # the real ledger's file (not in a training folder, not marked)
    assert db_path.exists()
    path = Path(tledger.store.path)
    tledger.close()
    training.remove(path)
    assert not path.exists() and not Path(str(path) + "-wal").exists()


def test_the_window_is_marked_and_its_sync_page_refuses(qtbot, window: MainWindow) -> None:
    banner = training.mark_window(window)
    training.add_actions(window, training=True)
    window.resize(1100, 700)
    window.show()
    assert window.windowTitle().startswith("【训练】")
    assert banner.isVisible() and banner.text() == "训练模式：这里的数据都是虚构的，不会上报"
    assert window.findChild(QLabel, "training_banner") is banner
    page = window.show_page(SYNC)
    assert isinstance(page, TrainingSyncPage) and page.isVisible()
    assert not page.sync_button.isEnabled() and not page.enroll_button.isEnabled()
    assert not page.usb_button.isEnabled() and page.training_label.text() == training.REFUSAL
    assert page.not_enrolled_label.isHidden() and window.sync_label.text() == "训练模式：不同步、不上报"
    assert page.sync_now() is False
    box = page.open_enroll_dialog()
    assert isinstance(box, QMessageBox) and box.text() == training.REFUSAL
    box.close()
    assert window.grab().save("/tmp/fr/training_window.png")
    window.show_page(2)  # 居民 (0 is 统计, 1 今天要办)
    assert window.grab().save("/tmp/fr/training_residents.png")


def test_menu_actions_request_a_restart(qtbot, ctx: GuiContext, window: MainWindow) -> None:
    real = MainWindow(ctx)
    qtbot.addWidget(real)
    (enter,) = training.add_actions(real, training=False)
    assert enter.text() == "进入训练模式"
    real.show()
    enter.trigger()
    assert training.restart_request(real) == training.TRAINING and not real.isVisible()

    leave, reset = training.add_actions(window, training=True)
    assert (leave.text(), reset.text()) == ("退出训练模式", "重置训练数据…")
    window.show()
    reset.trigger()
    box = window.findChild(QMessageBox, "reset_training_box")
    assert box is not None and box.isVisible() and training.restart_request(window) is None
    box.button(QMessageBox.StandardButton.Yes).click()
    assert training.restart_request(window) == training.RESET and not window.isVisible()


def test_the_command_line_refuses_to_sync_the_sandbox(sandbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["sync", "status", "--db", str(sandbox)], ["sync", "run", "--db", str(sandbox)],
                 ["sync", "export-bundle", "--db", str(sandbox), "--out", str(sandbox.parent / "x.zbundle")],
                 ["sync", "enroll", "--db", str(sandbox), "--server", "https://x.example.cn", "--code", "ABCD2345"]):
        assert cli.main(argv) == 2
        assert "训练模式" in capsys.readouterr().err
    for attempt in (lambda: client.run_sync(sandbox), lambda: client.enroll(sandbox, "https://x.example.cn", "AB")):
        with pytest.raises(KnownError, match="训练模式"):  # the sync engine itself refuses, whoever calls it
            attempt()
    assert cli.build_parser().parse_args(["gui", "--training"]).training is True


def test_qt_translations_make_standard_buttons_chinese(qtbot, qapp: QApplication) -> None:
    before = set(qapp.findChildren(QTranslator))
    try:
        loaded = install(qapp)
        assert len(loaded) == 1 and loaded[0].endswith("qtbase_zh_CN.qm") and Path(loaded[0]).is_file()
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                               | QDialogButtonBox.StandardButton.Yes)
        qtbot.addWidget(box)
        texts = {box.button(b).text().replace("&", "") for b in (QDialogButtonBox.StandardButton.Cancel,
                                                                   QDialogButtonBox.StandardButton.Yes)}
        assert texts <= {"取消", "是", "是(Y)", "取消(C)"} and "取消" in "".join(texts)
    finally:
        for translator in set(qapp.findChildren(QTranslator)) - before:
            qapp.removeTranslator(translator)
            translator.deleteLater()
