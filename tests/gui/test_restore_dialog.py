"""A damaged database at start leads the clerk to a backup; the damaged file is kept; 退出 leaves everything."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from zhzx_desktop.errors import KnownError
from zhzx_desktop.gui.dialogs.restore_dialog import IntegrityWatch, RestoreDialog, recover_if_damaged
from zhzx_desktop.services import backups, demo
from zhzx_desktop.services.ledger import Ledger, open_ledger
from zhzx_desktop.storage.db import Store


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ZHZX_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "state"


def _with_backups(ledger: Ledger, folder: Path) -> list[Path]:
    from datetime import datetime, timedelta
    demo.populate(ledger, residents=30, seed=2, cases=2)
    t0 = datetime(2026, 11, 20, 17, 0).astimezone()
    made = [backups.run_backup(ledger, dest_dir=folder, now=t0 + timedelta(days=d)).path for d in range(3)]
    ledger.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    ledger.close()
    return made


def _corrupt(path: Path) -> None:
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek((size // 4096 // 2) * 4096)
        handle.write(b"\x5a" * 4096)


def _later(action: Callable[[], None]) -> None:
    """Drive the modal dialog the start-up shows with exec() (it runs its own event loop)."""
    QTimer.singleShot(0, action)


def test_a_corrupted_database_lists_its_backups_and_restores_the_chosen_one(qtbot, ledger: Ledger, db_path: Path,
                                                                           tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    made = _with_backups(ledger, folder)
    _corrupt(db_path)
    problem = backups.startup_damage(db_path, thorough=True)
    assert problem is not None and "损坏" in problem
    dialog = RestoreDialog(db_path, problem, [folder])
    qtbot.addWidget(dialog)
    assert dialog.backup_list.count() == 3
    assert dialog.backup_list.item(0).text().startswith("2026-11-22 17:00 的备份")  # newest first
    assert dialog.selected_path() == made[-1] and dialog.restore_button.isEnabled()
    assert "损坏" in dialog.explain_label.text() and "另存一份" in dialog.explain_label.text()
    dialog.show()
    dialog.grab().save(str(tmp_path / "restore_dialog.png"))
    damaged = db_path.read_bytes()
    with qtbot.waitSignal(dialog.accepted):
        dialog.restore_button.click()
    assert dialog.result_ is not None and dialog.result_.aside is not None
    assert dialog.result_.aside.read_bytes() == damaged  # the damaged file is kept
    assert backups.check(db_path) == []


def test_a_damaged_backup_keeps_the_dialog_open_with_the_reason(qtbot, ledger: Ledger, db_path: Path,
                                                               tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    made = _with_backups(ledger, folder)
    made[-1].write_bytes(made[-1].read_bytes()[:-30])
    dialog = RestoreDialog(db_path, "测试", [folder])
    qtbot.addWidget(dialog)
    before = db_path.read_bytes()
    dialog.restore_button.click()
    assert dialog.result() == 0 and dialog.result_ is None
    assert not dialog.error_label.isHidden() and "不完整" in dialog.error_label.text()
    assert db_path.read_bytes() == before
    dialog.backup_list.setCurrentRow(1)
    with qtbot.waitSignal(dialog.accepted):
        dialog.restore_button.click()


def test_not_a_database_at_start_offers_the_latest_backup(qtbot, ledger: Ledger, db_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    _with_backups(ledger, folder)
    db_path.write_bytes(b"garbage, not SQLite at all" * 400)
    with pytest.raises(KnownError):
        open_ledger(db_path, key_fallback_dir=tmp_path / "keys")

    def choose() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, RestoreDialog)
        dialog.restore_button.click()
    _later(choose)
    assert recover_if_damaged(db_path, [folder], thorough=True) is True
    with open_ledger(db_path, key_fallback_dir=tmp_path / "keys") as reopened:
        assert backups.check(reopened) == []
    assert list(tmp_path.glob("zhzx.db.before-restore-*"))


def test_quitting_leaves_the_damaged_file_alone(qtbot, ledger: Ledger, db_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    _with_backups(ledger, folder)
    _corrupt(db_path)
    damaged = db_path.read_bytes()

    def quit_() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, RestoreDialog)
        dialog.quit_button.click()
    _later(quit_)
    assert recover_if_damaged(db_path, [folder], thorough=True) is False
    assert db_path.read_bytes() == damaged and not list(tmp_path.glob("*.before-restore-*"))


def test_a_healthy_database_needs_no_dialog(ledger: Ledger, db_path: Path, tmp_path: Path) -> None:
    ledger.close()
    assert recover_if_damaged(db_path, [tmp_path / "backups"]) is None
    assert recover_if_damaged(db_path, [tmp_path / "backups"], thorough=True) is None


def test_the_background_check_marks_a_damaged_database_for_the_next_start(qtbot, ledger: Ledger, db_path: Path,
                                                                        tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    _with_backups(ledger, folder)
    healthy = IntegrityWatch(db_path)
    with qtbot.waitSignal(healthy.checked, timeout=20000) as sound:
        healthy.start()
    healthy.stop()
    assert sound.args == [""]
    assert backups.startup_damage(db_path) is None
    _corrupt(db_path)
    assert backups.startup_damage(db_path) is None  # the quick look at start does not read every page …
    watch = IntegrityWatch(db_path)
    with qtbot.waitSignal(watch.checked, timeout=20000) as found:
        watch.start()
    watch.stop()
    assert "损坏" in found.args[0]
    problem = backups.startup_damage(db_path)  # … but after the background check found it, the next start does
    assert problem is not None and "损坏" in problem


def test_a_restore_chosen_on_the_page_happens_at_the_next_start(qtbot, ledger: Ledger, db_path: Path,
                                                               tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    made = _with_backups(ledger, folder)
    with Store(db_path) as store, store.write() as conn:
        conn.execute("UPDATE residents SET notes = '备份之后的修改' WHERE rowid = 1")
    backups.request_restore(db_path, made[0], None)
    assert backups.pending_restore(db_path) == made[0].resolve()
    shown: list[str] = []

    def close_message() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        shown.append(box.text())
        box.accept()
    _later(close_message)
    assert recover_if_damaged(db_path, [folder]) is None  # restored, then opened as usual
    assert shown and "已从 2026-11-20 17:00 的备份恢复" in shown[0] and "另存为" in shown[0]
    assert backups.pending_restore(db_path) is None
    with Store(db_path) as store:
        notes = store.conn.execute("SELECT notes FROM residents WHERE rowid = 1").fetchone()[0]
    assert notes != "备份之后的修改"
