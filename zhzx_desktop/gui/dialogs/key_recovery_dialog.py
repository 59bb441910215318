"""恢复数据密钥: shown at start when this PC's keyring has no data key for the database (a replaced PC, a reinstalled
system). Plain steps for the clerk: write a recovery request file for the county (USB stick), then import the
county's reply file; the key is checked and installed (``sync.escrow``), and the app opens normally.

The request and the reply are small files; the work is quick and local, so it runs on the GUI thread. Tests call
``write_request(path)`` / ``import_reply(path)`` (what the buttons do after their file dialogs)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from zhzx_desktop.errors import ZhzxError
from zhzx_desktop.gui.widgets.buttons import push_button

log = logging.getLogger(__name__)


class KeyRecoveryDialog(QDialog):
    def __init__(self, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("key_recovery_dialog")
        self.setWindowTitle(self.tr("恢复数据密钥"))
        self.db_path = Path(db_path)
        self.request_path: Path | None = None

        intro = QLabel(self.tr(
            "本电脑找不到这个数据库的数据密钥（可能更换了电脑或重装了系统）。\n"
            "数据没有丢失，也没有被改动。数据密钥托管在县综治中心，请按下面的步骤恢复："))
        intro.setObjectName("intro_label")
        intro.setWordWrap(True)
        steps = QLabel(self.tr(
            "第一步：点“生成恢复申请文件…”，把申请文件存到U盘，交给县综治中心。\n"
            "第二步：县里处理后，会把一个回复文件交还给您。\n"
            "第三步：在这台电脑上点“导入县里的回复文件…”，选中回复文件。恢复成功后程序会正常打开。\n\n"
            "注意：回复文件只能在生成申请文件的这台电脑上导入；在等待县里回复期间请不要重装系统。"))
        steps.setObjectName("steps_label")
        steps.setWordWrap(True)
        steps.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label = QLabel()
        self.status_label.setObjectName("status_label")
        self.status_label.setWordWrap(True)
        self.status_label.setMinimumHeight(self.status_label.fontMetrics().lineSpacing() * 4)
        self.request_button = push_button("request_button", self.tr("生成恢复申请文件…"),
                                          self.tr("生成交给县综治中心的密钥恢复申请文件"))
        self.reply_button = push_button("reply_button", self.tr("导入县里的回复文件…"),
                                        self.tr("选择县综治中心交回的回复文件，恢复数据密钥"))
        self.quit_button = push_button("quit_button", self.tr("退出"), self.tr("先退出，拿到回复文件后再打开本程序"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.request_button)
        buttons.addWidget(self.reply_button)
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(steps)
        layout.addWidget(self.status_label)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.resize(620, 360)

        self.request_button.clicked.connect(self._on_request_button_clicked)
        self.reply_button.clicked.connect(self._on_reply_button_clicked)
        self.quit_button.clicked.connect(self.reject)

    # ---- what the buttons do -----------------------------------------------------------------------------------

    def write_request(self, path: Path) -> bool:
        from sync import escrow

        try:
            request = escrow.make_request(db_path=self.db_path)
            escrow.write_json(path, request)
        except (ZhzxError, OSError) as exc:
            self._show(self.tr("没有生成申请文件：%1").replace("%1", _message(exc)), error=True)
            return False
        self.request_path = Path(path)
        text = self.tr("已生成申请文件：%1\n请把它交给县综治中心，拿到回复文件后点“导入县里的回复文件…”。"
                       ).replace("%1", str(path))
        if not request.get("escrow"):
            text += self.tr("\n注意：本数据库没有托管密钥，县里需要按数据库编号在县里服务器中查找。")
        self._show(text, error=False)
        return True

    def import_reply(self, path: Path) -> bool:
        from sync import escrow

        try:
            reply = escrow.read_json(path, escrow.REPLY_FORMAT)
            escrow.apply_reply(reply, db_path=self.db_path)
        except (ZhzxError, OSError) as exc:
            self._show(self.tr("没有恢复：%1").replace("%1", _message(exc)), error=True)
            return False
        log.info("data key recovered from the county's reply")
        self.accept()
        return True

    # ---- slots -------------------------------------------------------------------------------------------------

    def _on_request_button_clicked(self) -> None:
        suggested = str(Path.home() / "密钥恢复申请.json")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("保存恢复申请文件"), suggested,
                                              self.tr("恢复申请文件 (*.json)"))
        if path:
            self.write_request(Path(path))

    def _on_reply_button_clicked(self) -> None:
        start = str(self.request_path.parent if self.request_path else Path.home())
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择县里的回复文件"), start,
                                              self.tr("回复文件 (*.json);;所有文件 (*)"))
        if path:
            self.import_reply(Path(path))

    def _show(self, text: str, *, error: bool) -> None:
        self.status_label.setText(text)
        self.status_label.setStyleSheet("color: #b00020;" if error else "color: #1b5e20;")


def _message(exc: BaseException) -> str:
    return exc.message if isinstance(exc, ZhzxError) else str(exc)


def recover_key(db_path: Path) -> bool:
    """At start: the recovery dialog, modal (nothing else is open yet). True when the key was recovered."""
    dialog = KeyRecoveryDialog(db_path)
    return dialog.exec() == QDialog.DialogCode.Accepted
