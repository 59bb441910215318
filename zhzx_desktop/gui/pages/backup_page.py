"""备份: this database's encrypted backups (newest first), 立即备份, 恢复…, the second backup folder (a USB stick),
检查数据库. Also the automatic backups the main window asks for: daily (in the background, when the newest is older
than a day) and on exit (after the last sync).

A restore cannot replace the database while the app has it open: 恢复… checks the chosen backup, notes it, and asks
the clerk to close and reopen the app — the start-up restores it before opening (restore_dialog.recover_if_damaged).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zhzx_desktop import paths
from zhzx_desktop.gui import settings as keys
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.restore_dialog import size_text, when_text
from zhzx_desktop.gui.errors import show_error, show_message
from zhzx_desktop.gui.pages.page import Page
from zhzx_desktop.services import backups
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.services.progress import Progress

log = logging.getLogger(__name__)

DAILY = timedelta(hours=24)
DAILY_DELAY_MS = 60_000  # the daily backup starts a minute after the window opens (start-up stays quick)
EXIT_SKIP = timedelta(minutes=10)  # no exit backup when one was made this recently


def backup_folder(ctx: GuiContext) -> Path:
    return paths.backup_dir(ctx.ledger.store.path)


def extra_folder(ctx: GuiContext) -> Path | None:
    extra = ctx.settings.get(keys.BACKUP_EXTRA_DIR)
    return Path(extra) if extra else None


def newest_backup(ctx: GuiContext) -> backups.BackupFile | None:
    found = backups.list_backups(backup_folder(ctx), ctx.ledger.store.meta("db_id"))
    return found[0] if found else None


def _is_older_than(ctx: GuiContext, age: timedelta) -> bool:
    newest = newest_backup(ctx)
    return newest is None or datetime.now().astimezone() - newest.header.created > age


class BackupPage(Page):
    title = "备份"

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__(ctx)
        self.setObjectName("backup_page")
        layout = QVBoxLayout(self)
        self.folder_label = QLabel()
        self.folder_label.setObjectName("folder_label")
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.folder_label)
        self.backup_list = QTreeWidget()
        self.backup_list.setObjectName("backup_list")
        self.backup_list.setRootIsDecorated(False)
        self.backup_list.setHeaderLabels([self.tr("备份时间"), self.tr("大小"), self.tr("文件")])
        self.backup_list.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.backup_list.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.backup_list, 1)
        buttons = QHBoxLayout()
        self.backup_button = QPushButton(self.tr("立即备份"))
        self.backup_button.setObjectName("backup_button")
        self.restore_button = QPushButton(self.tr("恢复…"))
        self.restore_button.setObjectName("restore_button")
        self.extra_button = QPushButton(self.tr("第二备份位置…"))
        self.extra_button.setObjectName("extra_button")
        self.extra_button.setToolTip(self.tr("每次备份时再复制一份到另一个文件夹或U盘"))
        self.check_button = QPushButton(self.tr("检查数据库"))
        self.check_button.setObjectName("check_button")
        for button in (self.backup_button, self.restore_button, self.extra_button, self.check_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.result_label = QLabel()
        self.result_label.setObjectName("result_label")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.result_label)
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button.clicked.connect(self.open_restore_confirm)
        self.extra_button.clicked.connect(self._on_extra_button_clicked)
        self.check_button.clicked.connect(self.check_now)
        self.backup_list.currentItemChanged.connect(self._on_backup_list_current_item_changed)
        self.confirm: QMessageBox | None = None
        self.reload()

    # ---- the list

    def reload(self) -> None:
        folder = backup_folder(self.ctx)
        extra = extra_folder(self.ctx)
        text = self.tr("备份文件夹：%1（自动保留最近 %2 个；每天和退出时自动备份）").replace("%1", str(folder)).replace(
            "%2", str(backups.KEEP))
        text += "\n" + (self.tr("第二备份位置：%1").replace("%1", str(extra)) if extra
                        else self.tr("第二备份位置：未设置（建议设一个U盘或另一块硬盘上的文件夹）"))
        self.folder_label.setText(text)
        self.backup_list.clear()
        for entry in backups.list_backups(folder, self.ctx.ledger.store.meta("db_id")):
            item = QTreeWidgetItem([when_text(entry.header), size_text(entry.size), entry.path.name])
            item.setData(0, Qt.ItemDataRole.UserRole, str(entry.path))
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.backup_list.addTopLevelItem(item)
        if self.backup_list.topLevelItemCount():
            self.backup_list.setCurrentItem(self.backup_list.topLevelItem(0))
        self._on_backup_list_current_item_changed()

    def selected_path(self) -> Path | None:
        item = self.backup_list.currentItem()
        value = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        return Path(value) if value else None

    def _on_backup_list_current_item_changed(self, *_args: object) -> None:
        self.restore_button.setEnabled(self.selected_path() is not None)

    # ---- 立即备份

    def backup_now(self) -> None:
        folder, extra = backup_folder(self.ctx), extra_folder(self.ctx)

        def job(ledger: Ledger, progress: Progress) -> backups.BackupResult:
            return backups.run_backup(ledger, dest_dir=folder, extra_dir=extra, progress=progress)
        self.backup_button.setEnabled(False)
        self.ctx.runner.run(job, on_success=self._on_backup_done, on_failure=self._on_backup_failed,
                            label=self.tr("正在备份…"), parent=self)

    def _on_backup_done(self, result: backups.BackupResult) -> None:
        self.backup_button.setEnabled(True)
        text = self.tr("已备份：%1（%2）").replace("%1", result.path.name).replace("%2", size_text(result.size))
        if result.copy is not None:
            text += self.tr("，并复制到第二备份位置")
        self.result_label.setText(text)
        self.reload()
        if result.warnings:
            show_message(self, "\n".join(result.warnings))

    def _on_backup_failed(self, exc: BaseException) -> None:
        self.backup_button.setEnabled(True)
        show_error(self, exc)

    # ---- 恢复…

    def open_restore_confirm(self) -> QMessageBox | None:
        """Ask before restoring the selected backup; 恢复 checks it and notes it for the next start."""
        path = self.selected_path()
        if path is None:
            return None
        header = backups.read_header(path)
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("恢复备份"),
                          self.tr("要把数据库恢复到 %1 的备份吗？\n\n这个时间之后录入的内容将不在恢复后的数据库中"
                                  "（现在的数据库会另存一份，不会删除）。\n恢复在本程序下次打开时进行："
                                  "确定后请关闭本程序再重新打开。").replace("%1", when_text(header)), parent=self)
        box.setObjectName("restore_confirm")
        self.restore_yes = box.addButton(self.tr("恢复"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.accepted.connect(lambda: self.request_restore(path))
        self.confirm = box
        box.open()
        return box

    def request_restore(self, path: Path) -> None:
        db_path = self.ctx.ledger.store.path
        actor = self.ctx.ledger.actor

        def job(ledger: Ledger, progress: Progress) -> Path:
            backups.verify(path, ledger.cipher)  # refuse a damaged backup now, not at the next start
            return backups.request_restore(db_path, path, actor)
        self.ctx.runner.run(job, on_success=self._on_restore_requested, label=self.tr("正在检查备份…"), parent=self,
                            cancellable=False)

    def _on_restore_requested(self, _pending: Path) -> None:
        text = self.tr("备份已检查无误。请关闭本程序再重新打开，打开时会先恢复这个备份（现在的数据库另存一份）。")
        self.result_label.setText(text)
        show_message(self, text)

    # ---- 第二备份位置

    def _on_extra_button_clicked(self) -> None:
        current = extra_folder(self.ctx)
        chosen = QFileDialog.getExistingDirectory(self, self.tr("选择第二备份位置（如U盘）"),
                                                  str(current) if current else str(Path.home()))
        if chosen:
            self.set_extra_folder(Path(chosen))

    def set_extra_folder(self, folder: Path | None) -> None:
        self.ctx.settings.set(keys.BACKUP_EXTRA_DIR, str(folder) if folder else "")
        self.ctx.settings.sync()
        self.reload()

    # ---- 检查数据库

    def check_now(self) -> None:
        self.check_button.setEnabled(False)
        self.ctx.runner.run(lambda ledger, progress: backups.check(ledger), on_success=self._on_checked,
                            on_failure=self._on_check_failed, label=self.tr("正在检查数据库…"), parent=self,
                            cancellable=False)

    def _on_checked(self, problems: list[str]) -> None:
        self.check_button.setEnabled(True)
        if problems:
            self.result_label.setText(self.tr("检查发现 %1 个问题：").replace("%1", str(len(problems)))
                                      + "\n" + "\n".join(f"· {p}" for p in problems))
            self.result_label.setStyleSheet("color: #c0392b;")
        else:
            self.result_label.setText(self.tr("检查通过：数据库完好，审计日志完整。"))
            self.result_label.setStyleSheet("")

    def _on_check_failed(self, exc: BaseException) -> None:
        self.check_button.setEnabled(True)
        show_error(self, exc)


# ---- the automatic backups (called by the main window)


def schedule_daily_backup(ctx: GuiContext, parent: QWidget) -> QTimer:
    """A minute after start, back up in the background if the newest backup is more than a day old."""
    timer = QTimer(parent)
    timer.setObjectName("daily_backup_timer")
    timer.setSingleShot(True)
    timer.setInterval(DAILY_DELAY_MS)
    timer.timeout.connect(lambda: daily_backup(ctx))
    timer.start()
    return timer


def daily_backup(ctx: GuiContext) -> bool:
    """Start a background backup when the newest is older than a day; True if one was started."""
    if not _is_older_than(ctx, DAILY) or ctx.runner.busy:
        return False
    folder, extra = backup_folder(ctx), extra_folder(ctx)

    def job(ledger: Ledger, progress: Progress) -> backups.BackupResult:
        return backups.run_backup(ledger, dest_dir=folder, extra_dir=extra, progress=progress)

    def done(result: backups.BackupResult) -> None:
        log.info("daily backup %s%s", result.path.name, "; " + "; ".join(result.warnings) if result.warnings else "")

    ctx.runner.run(job, on_success=done, on_failure=lambda exc: log.warning("daily backup failed: %s", exc))
    return True


def backup_on_exit(ctx: GuiContext, window: QMainWindow | None = None) -> backups.BackupResult | None:
    """On the GUI thread while the window closes (after the last sync; the worker is idle): a backup unless one was
    made in the last few minutes. Never stops the closing: a failure is logged."""
    try:
        if not _is_older_than(ctx, EXIT_SKIP):
            return None
        if window is not None:  # seconds on a county-sized database: say why the window waits
            window.statusBar().showMessage(window.tr("正在备份数据库，请稍候…"))
            window.statusBar().repaint()
            window.setCursor(Qt.CursorShape.WaitCursor)
        return backups.run_backup(ctx.ledger, dest_dir=backup_folder(ctx), extra_dir=extra_folder(ctx))
    except Exception as exc:  # noqa: BLE001 - the clerk is leaving; the next start or day tries again
        log.warning("backup on exit failed: %s", exc)
        return None
